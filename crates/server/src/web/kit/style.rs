//! The portal's stylesheet, served as a file.
const STYLE: &str = r#"
:root { --ink:#1d2733; --muted:#5b6b7c; --line:#d9e0e7; --accent:#0b5cad; --bg:#f7f9fb; }
* { box-sizing: border-box; }
body { margin:0; font-family: system-ui, "Hiragino Sans", "IPAGothic", "Noto Sans CJK JP", sans-serif; color:var(--ink); background:var(--bg); line-height:1.6; }
header { background:#12324f; color:#fff; padding:.8rem 1.5rem; display:flex; gap:1.5rem; align-items:center; flex-wrap:wrap; }
header a { color:#fff; text-decoration:none; } header .brand { font-weight:700; font-size:1.2rem; }
header nav { display:flex; flex-wrap:wrap; gap:.2rem 1rem; flex:1; } header nav a { white-space:nowrap; } header .switch { border:1px solid #fff8; border-radius:4px; padding:.1rem .6rem; }
main { max-width: 60rem; margin: 0 auto; padding: 1rem 1.5rem 3rem; }
a { color:var(--accent); } h1 { font-size:1.7rem; } h2 { margin-top:2rem; border-bottom:1px solid var(--line); }
.cards { display:grid; grid-template-columns: repeat(auto-fill, minmax(16rem, 1fr)); gap:.8rem; padding:0; list-style:none; }
.cards li { background:#fff; border:1px solid var(--line); border-radius:6px; padding:.7rem .9rem; }
.cards li b { display:block; }
table { border-collapse: collapse; width:100%; background:#fff; } th, td { text-align:left; padding:.4rem .6rem; border-bottom:1px solid var(--line); vertical-align:top; }
.id { font-family: ui-monospace, monospace; font-size:.9em; color:var(--muted); white-space:nowrap; }
.tag { display:inline-block; background:#e6eef7; border-radius:3px; padding:0 .4rem; margin:0 .3rem .2rem 0; font-size:.9em; }
form.filters { display:flex; gap:.6rem; flex-wrap:wrap; align-items:end; background:#fff; border:1px solid var(--line); padding:.7rem; border-radius:6px; }
form.filters label { display:flex; flex-direction:column; font-size:.9em; color:var(--muted); }
.error { color:#8a1c1c; } form.inline { display:inline; } header .user { font-size:.9em; }
header form.inline button { background:none; border:1px solid #fff8; color:#fff; border-radius:4px; cursor:pointer; }
table.matrix { font-size:.85em; } table.matrix th.norm { writing-mode: vertical-rl; transform: rotate(180deg); white-space:nowrap; padding:.4rem .2rem; }
table.matrix td.cell { text-align:center; min-width:1.6rem; padding:.2rem; }
.endorse { background:#2e7d32; color:#fff; } .reject { background:#c62828; color:#fff; } .abstain { background:#f9a825; color:#222; } .nostance { background:#eceff1; color:#455a64; }
.legend span { display:inline-block; padding:.1rem .5rem; margin-right:.4rem; border-radius:3px; }
form.record { background:#fff; border:1px solid var(--line); padding:.8rem; border-radius:6px; display:grid; gap:.5rem; max-width:36rem; }
form.record label { display:flex; flex-direction:column; font-size:.9em; color:var(--muted); } footer { color:var(--muted); font-size:.85em; border-top:1px solid var(--line); margin-top:3rem; padding-top:.5rem; }
dl.facts dt { font-weight:600; margin-top:.8rem; } dl.facts dd { margin-left:0; }
form.record.wide { max-width:48rem; } form.record fieldset { border:1px solid var(--line); border-radius:6px; display:grid; gap:.5rem; padding:.6rem .8rem; }
form.record legend { font-weight:600; color:var(--ink); } fieldset.choices { grid-template-columns: repeat(auto-fill, minmax(14rem, 1fr)); }
form.record label.check { flex-direction:row; align-items:center; gap:.3rem; color:var(--ink); }
.buttons button, td.actions button, form.record button { padding:.35rem .9rem; border-radius:4px; border:1px solid var(--accent); background:var(--accent); color:#fff; cursor:pointer; }
.buttons button[value="draft"], button[value="request-changes"] { background:#fff; color:var(--accent); }
:focus-visible { outline:3px solid #f9a825; outline-offset:2px; }
section#work { margin-top:2.5rem; } section#work details { background:#fff; border:1px solid var(--line); border-radius:6px; padding:.5rem .8rem; margin:.6rem 0; }
section#work summary { cursor:pointer; font-weight:600; } td.actions form { margin:.2rem 0; } form.review { display:grid; gap:.3rem; }
.refusal { background:#fdecea; border:1px solid #f5c2c0; border-radius:4px; padding:.4rem .7rem; }
.proposal { background:#e8f1fb; border:1px solid #b6d0ee; border-radius:4px; padding:.4rem .7rem; }
pre#canonical { white-space:pre-wrap; word-break:break-all; background:#fff; border:1px solid var(--line); padding:.6rem; border-radius:6px; }
td.valid { color:#2e7d32; font-weight:600; } td.invalid { color:#c62828; font-weight:600; }
a.skip { position:absolute; left:-100rem; } a.skip:focus { left:1rem; top:.5rem; background:#fff; padding:.3rem .6rem; z-index:10; }
blockquote { border-left:4px solid var(--line); margin:1rem 0; padding:.2rem 1rem; background:#fff; }
section.dashboard { display:grid; grid-template-columns: repeat(auto-fill, minmax(26rem, 1fr)); gap:1rem; }
section.dashboard .block { background:#fff; border:1px solid var(--line); border-radius:6px; padding:.2rem .9rem .6rem; }
section.dashboard h2 { margin-top:.6rem; font-size:1.15rem; } td.count { text-align:right; font-variant-numeric: tabular-nums; }
td.date, span.date { white-space:nowrap; color:var(--muted); } p.more { margin:.4rem 0 0; font-size:.9em; }
p.downloads { font-size:.9em; } ul.stakeholders { columns: 2 16rem; }
pre { background:#fff; border:1px solid var(--line); border-radius:4px; padding:.6rem .8rem; overflow-x:auto; white-space:pre-wrap; word-break:break-all; }
div.timeline section.year h2 { font-size:1.3rem; } div.timeline h3 { font-size:1rem; color:var(--muted); margin:.6rem 0 .2rem; }
div.timeline ol.incidents { list-style:none; padding-left:.6rem; border-left:3px solid var(--line); }
body > footer.site { max-width:60rem; margin:0 auto; padding:.5rem 1.5rem 2rem; }
article.item { background:#fff; border:1px solid var(--line); border-radius:6px; padding:.2rem .9rem .8rem; margin:1rem 0; }
article.item h2 { font-size:1.15rem; border:none; margin-top:.6rem; } article.item h3 { font-size:1rem; margin:.8rem 0 .2rem; }
article.item p.meta { font-size:.9em; color:var(--muted); } dl.proposals dt { font-weight:600; } dl.proposals dd { margin-left:1rem; }
div.decide { display:grid; grid-template-columns: repeat(auto-fill, minmax(15rem, 1fr)); gap:.6rem; margin-top:.6rem; }
div.decide p.refusal { grid-column: 1 / -1; } .field-error { font-size:.9em; }
figure.map { margin:1rem 0; background:#fff; border:1px solid var(--line); border-radius:6px; padding:.5rem; }
figure.map > svg { width:100%; height:auto; display:block; } figure.map a:focus path, figure.map a:hover path { stroke:#f9a825; stroke-width:1.5; }
figure.map figcaption { font-size:.9em; margin-top:.3rem; } span.legend-item { white-space:nowrap; margin-right:.5rem; } svg.swatch { vertical-align:middle; }
ul.figures { display:grid; grid-template-columns: repeat(auto-fill, minmax(11rem, 1fr)); gap:.6rem; padding:0; list-style:none; }
ul.figures li { background:#fff; border:1px solid var(--line); border-radius:6px; padding:.5rem .8rem; }
ul.figures b.n { display:block; font-size:1.6rem; font-variant-numeric: tabular-nums; } ul.figures small { color:var(--muted); }
div.scroll { overflow-x:auto; } table.matrix th.vertical { writing-mode: vertical-rl; transform: rotate(180deg); white-space:nowrap; padding:.4rem .2rem; }
figure.chart { margin:1rem 0; overflow-x:auto; }
"#;

/// The portal's stylesheet.
pub async fn stylesheet() -> axum::response::Response {
    use axum::http::{HeaderValue, header};
    use axum::response::IntoResponse;
    let mut response = STYLE.into_response();
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static("text/css; charset=utf-8"));
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("public, max-age=3600"));
    response
}
