#!/usr/bin/env python3
"""Writes the portal's world map, crates/server/assets/world-110m.tsv, from Natural Earth's
1:110m countries (public domain) as npm's `world-atlas` package gives them in TopoJSON.

Each line: an ISO 3166-1 alpha-2 code (empty for a territory without one, drawn uncoloured),
a tab, and an SVG path in an equirectangular projection 1000 wide, latitudes 84N to 58S
(Antarctica left out), in relative moves rounded to a tenth — small enough to serve on every map.

Usage: (cd /tmp && npm install world-atlas@2)
       python3 scripts/gen-world-map.py /tmp/node_modules/world-atlas/countries-110m.json
"""
import json
import sys

WIDTH = 1000.0
NORTH, SOUTH = 84.0, -58.0
SCALE = WIDTH / 360.0

# ISO 3166-1 numeric to alpha-2, for the ids Natural Earth's 110m countries carry.
NUMERIC = {
    "004": "AF", "008": "AL", "010": "AQ", "012": "DZ", "024": "AO", "031": "AZ", "032": "AR", "036": "AU",
    "040": "AT", "044": "BS", "050": "BD", "051": "AM", "056": "BE", "064": "BT", "068": "BO", "070": "BA",
    "072": "BW", "076": "BR", "084": "BZ", "090": "SB", "096": "BN", "100": "BG", "104": "MM", "108": "BI",
    "112": "BY", "116": "KH", "120": "CM", "124": "CA", "140": "CF", "144": "LK", "148": "TD", "152": "CL",
    "156": "CN", "158": "TW", "170": "CO", "178": "CG", "180": "CD", "188": "CR", "191": "HR", "192": "CU",
    "196": "CY", "203": "CZ", "204": "BJ", "208": "DK", "214": "DO", "218": "EC", "222": "SV", "226": "GQ",
    "231": "ET", "232": "ER", "233": "EE", "238": "FK", "242": "FJ", "246": "FI", "250": "FR", "260": "TF",
    "262": "DJ", "266": "GA", "268": "GE", "270": "GM", "275": "PS", "276": "DE", "288": "GH", "300": "GR",
    "304": "GL", "320": "GT", "324": "GN", "328": "GY", "332": "HT", "340": "HN", "348": "HU", "352": "IS",
    "356": "IN", "360": "ID", "364": "IR", "368": "IQ", "372": "IE", "376": "IL", "380": "IT", "384": "CI",
    "388": "JM", "392": "JP", "398": "KZ", "400": "JO", "404": "KE", "408": "KP", "410": "KR", "414": "KW",
    "417": "KG", "418": "LA", "422": "LB", "426": "LS", "428": "LV", "430": "LR", "434": "LY", "440": "LT",
    "442": "LU", "450": "MG", "454": "MW", "458": "MY", "466": "ML", "478": "MR", "484": "MX", "496": "MN",
    "498": "MD", "499": "ME", "504": "MA", "508": "MZ", "512": "OM", "516": "NA", "524": "NP", "528": "NL",
    "540": "NC", "548": "VU", "554": "NZ", "558": "NI", "562": "NE", "566": "NG", "578": "NO", "586": "PK",
    "591": "PA", "598": "PG", "600": "PY", "604": "PE", "608": "PH", "616": "PL", "620": "PT", "624": "GW",
    "626": "TL", "630": "PR", "634": "QA", "642": "RO", "643": "RU", "646": "RW", "682": "SA", "686": "SN",
    "688": "RS", "694": "SL", "703": "SK", "704": "VN", "705": "SI", "706": "SO", "710": "ZA", "716": "ZW",
    "724": "ES", "728": "SS", "729": "SD", "732": "EH", "740": "SR", "748": "SZ", "752": "SE", "756": "CH",
    "760": "SY", "762": "TJ", "764": "TH", "768": "TG", "780": "TT", "784": "AE", "788": "TN", "792": "TR",
    "795": "TM", "800": "UG", "804": "UA", "807": "MK", "818": "EG", "826": "GB", "834": "TZ", "840": "US",
    "854": "BF", "858": "UY", "860": "UZ", "862": "VE", "887": "YE", "894": "ZM",
}


def decode_arcs(topo):
    (sx, sy), (tx, ty) = topo["transform"]["scale"], topo["transform"]["translate"]
    arcs = []
    for arc in topo["arcs"]:
        x = y = 0
        points = []
        for dx, dy in arc:
            x += dx
            y += dy
            points.append((x * sx + tx, y * sy + ty))
        arcs.append(points)
    return arcs


def ring(arcs, indexes):
    points = []
    for i in indexes:
        arc = arcs[i] if i >= 0 else list(reversed(arcs[~i]))
        points.extend(arc if not points else arc[1:])
    return points


def unwrap(points):
    """A ring crossing the antimeridian (Russia's Chukotka, Fiji) jumps from 180 to -180: its
    western points move east by 360 so that it is drawn whole past the right edge (the map's
    frame clips it) instead of as a stripe across the world."""
    if all(abs(a[0] - b[0]) <= 180 for a, b in zip(points, points[1:])):
        return points
    return [(lon + 360 if lon < 0 else lon, lat) for lon, lat in points]


def project(lon, lat):
    lat = max(min(lat, NORTH), SOUTH)
    return round((lon + 180.0) * SCALE * 10), round((NORTH - lat) * SCALE * 10)


def path_of(rings):
    out = []
    for r in rings:
        pts = []
        for lon, lat in unwrap(r):
            p = project(lon, lat)
            if not pts or pts[-1] != p:
                pts.append(p)
        if len(pts) < 3:
            continue
        (x0, y0) = pts[0]
        cmd = [f"M{x0 / 10:g} {y0 / 10:g}"]
        steps = []
        for (ax, ay), (bx, by) in zip(pts, pts[1:]):
            steps.append(f"{(bx - ax) / 10:g} {(by - ay) / 10:g}")
        cmd.append("l" + " ".join(steps) + "z")
        out.append("".join(cmd).replace(" -", "-"))
    return "".join(out)


def main():
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    with open(sys.argv[1], encoding="utf-8") as f:
        topo = json.load(f)
    arcs = decode_arcs(topo)
    lines = []
    for g in topo["objects"]["countries"]["geometries"]:
        code = NUMERIC.get(g.get("id") or "", "")
        if code == "AQ":
            continue
        polygons = g["arcs"] if g["type"] == "MultiPolygon" else [g["arcs"]]
        rings = [ring(arcs, r) for p in polygons for r in p]
        path = path_of(rings)
        if path:
            lines.append((code, g["properties"].get("name", ""), path))
    # Coded countries sorted by code; the uncoded after them, by name.
    lines.sort(key=lambda t: (t[0] == "", t[0], t[1]))
    out = "crates/server/assets/world-110m.tsv"
    with open(out, "w", encoding="utf-8") as f:
        for code, _, path in lines:
            f.write(f"{code}\t{path}\n")
    print(f"{out}: {len(lines)} shapes")


if __name__ == "__main__":
    main()
