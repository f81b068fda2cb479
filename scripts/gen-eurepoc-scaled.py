#!/usr/bin/env python3
"""EuRepoC v1.1 scaled up: N incidents in the three EuRepoC CSV files `normwatch import eurepoc`
reads, made from the 1,643 real rows so that text, vocabularies and facet shapes stay real.

Copy 0 of each row is the row itself. Every further copy gets a new incident id (`<ID>-<copy>`),
its dates (start, end, attributions) moved by one whole number of years within 2000-2025, and
each receiver country replaced by one drawn from the receivers' own country distribution (the
name is replaced in the title and description too). Attribution and receiver rows follow their
incident. Deterministic for a given seed.

Usage: python3 scripts/gen-eurepoc-scaled.py SOURCE_DIR OUT_DIR [N] [SEED]
"""
import csv
import os
import random
import sys

GLOBAL = "EuRepoC_Global_Database_1.1.csv"
ATTRIBUTION = "EuRepoC_Attribution_dataset_1.1.csv"
RECEIVER = "EuRepoC_Receiver_dataset_1.1.csv"
FIRST_YEAR, LAST_YEAR = 2000, 2025


def read(path):
    with open(path, newline="", encoding="utf-8") as f:
        rows = list(csv.reader(f))
    return rows[0], rows[1:]


def shift(date, years):
    """`YYYY-MM-DD…` moved by whole years (29 February becomes the 28th off leap years)."""
    if len(date) < 10 or not date[:4].isdigit():
        return date
    y = int(date[:4]) + years
    rest = date[4:]
    if rest.startswith("-02-29") and not (y % 4 == 0 and (y % 100 != 0 or y % 400 == 0)):
        rest = "-02-28" + rest[6:]
    return f"{y:04d}{rest}"


def years_of(dates):
    return [int(d[:4]) for d in dates if len(d) >= 10 and d[:4].isdigit()]


def main():
    if len(sys.argv) < 3:
        sys.exit(__doc__)
    src, out = sys.argv[1], sys.argv[2]
    n = int(sys.argv[3]) if len(sys.argv) > 3 else 100_000
    rng = random.Random(int(sys.argv[4]) if len(sys.argv) > 4 else 1)
    csv.field_size_limit(1 << 30)
    gh, grows = read(os.path.join(src, GLOBAL))
    ah, arows = read(os.path.join(src, ATTRIBUTION))
    rh, rrows = read(os.path.join(src, RECEIVER))
    gi = {h: i for i, h in enumerate(gh)}
    ai = {h: i for i, h in enumerate(ah)}
    ri = {h: i for i, h in enumerate(rh)}

    claims, receivers = {}, {}
    for row in arows:
        claims.setdefault(row[ai["incident_ID"]], []).append(row)
    for row in rrows:
        receivers.setdefault(row[ri["ID"]], []).append(row)
    # Drawn with the receivers' own frequencies, so the country facet keeps its real skew.
    countries = [r[ri["receiver_country"]] for r in rrows if r[ri["receiver_country"]] not in ("", "Not available")]

    os.makedirs(out, exist_ok=True)
    with open(os.path.join(out, GLOBAL), "w", newline="", encoding="utf-8") as gf, open(
        os.path.join(out, ATTRIBUTION), "w", newline="", encoding="utf-8"
    ) as af, open(os.path.join(out, RECEIVER), "w", newline="", encoding="utf-8") as rf:
        gw, aw, rw = csv.writer(gf), csv.writer(af), csv.writer(rf)
        gw.writerow(gh)
        aw.writerow(ah)
        rw.writerow(rh)
        for i in range(n):
            copy, base = divmod(i, len(grows))
            row = list(grows[base])
            oid = row[gi["ID"]]
            own_claims = [list(c) for c in claims.get(oid, [])]
            own_receivers = [list(r) for r in receivers.get(oid, [])]
            if copy == 0:
                gw.writerow(row)
                aw.writerows(own_claims)
                rw.writerows(own_receivers)
                continue
            nid = f"{oid}-{copy}"
            row[gi["ID"]] = nid
            dates = [row[gi["start_date"]], row[gi["end_date"]]] + [c[ai["attribution_date"]] for c in own_claims]
            ys = years_of(dates)
            low, high = (FIRST_YEAR - min(ys), LAST_YEAR - max(ys)) if ys else (0, 0)
            years = rng.randint(low, high) if low <= high else 0
            for col in ("start_date", "end_date"):
                row[gi[col]] = shift(row[gi[col]], years)
            mapping = {}
            for r in own_receivers:
                c = r[ri["receiver_country"]]
                if c and c != "Not available" and c not in mapping:
                    mapping[c] = rng.choice(countries)
            for r in own_receivers:
                r[ri["ID"]] = nid
                r[ri["receiver_country"]] = mapping.get(r[ri["receiver_country"]], r[ri["receiver_country"]])
            for col in ("name", "description", "receiver_country"):
                text = row[gi[col]]
                for old, new in mapping.items():
                    text = text.replace(old, new)
                row[gi[col]] = text
            for c in own_claims:
                c[ai["incident_ID"]] = nid
                aid = c[ai["attribution_ID"]]
                if aid:
                    c[ai["attribution_ID"]] = f"{aid.removesuffix('.0')}-{copy}"
                c[ai["attribution_date"]] = shift(c[ai["attribution_date"]], years)
            gw.writerow(row)
            aw.writerows(own_claims)
            rw.writerows(own_receivers)


if __name__ == "__main__":
    main()
