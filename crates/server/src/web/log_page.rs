//! `/log`: the transparency log for readers — the latest signed checkpoint verbatim, its tree
//! size and origin, the instance's verifier key, how to check a record offline step by step
//! with the real commands, and links to the log's HTTP endpoints (`crate::log`).
use super::kit::Visit;
use super::kit::{WebError, failure, layout};
use crate::AppState;
use crate::web::kit::i18n::words;
use axum::extract::State;
use axum::http::{HeaderMap, header};
use maud::{Markup, html};

words! {
    struct Words, fn words;
    title: "透明性ログ", "Transparency log";
    intro:
        "公開されたすべての記録は、追記のみのマークル木（RFC 9162）に公開と同じトランザクションで追加される。このインスタンスは木のチェックポイントにEd25519鍵で署名しており、誰でもオフラインで、記録がログに含まれていること、ログが伸びる一方であることを確かめられる。",
        "Every published record is appended to an append-only Merkle tree (RFC 9162) in the same transaction as its publication. This instance signs checkpoints of the tree with its Ed25519 key, so anyone can check offline that a record is in the log, and that the log only ever grew.";
    checkpoint: "最新の署名済みチェックポイント", "Latest signed checkpoint";
    size: "木の大きさ（葉の数）", "Tree size (leaves)";
    origin: "ログの名前（origin）", "Log name (origin)";
    key: "検証鍵", "Verifier key";
    key_intro:
        "このインスタンスのログ署名鍵の検証鍵（C2SP signed-note 形式）。別の経路（このインスタンスの運営者や /api/v1/health）でも同じ値か確かめること。",
        "The verifier key of this instance's log signing key (C2SP signed-note format). Check that you get the same key another way too (from the instance's operators, or /api/v1/health).";
    verify: "記録をオフラインで検証する手順", "How to verify a record offline";
    verify_intro:
        "normwatch のコマンドと curl だけで、ネットワークにつながっていない計算機でも検証できる。",
        "With the normwatch command and curl only; the last step needs no network at all.";
    step_key:
        "検証鍵をファイルに保存する（運営者は `normwatch log key` で表示できる）。",
        "Save the verifier key to a file (operators print it with `normwatch log key`).";
    step_checkpoint: "署名済みチェックポイントを取得する。", "Fetch the signed checkpoint.";
    step_record:
        "検証したい記録とその包含証明を取得する。TYPE は記録の種類、ID は記録のID（公開済みの記録のJSONには log_index がある）。",
        "Fetch the record with its inclusion proof. TYPE is the kind of record, ID its id (a published record's JSON carries its log_index).";
    step_kinds: "記録の種類：", "Kinds of record:";
    step_verify:
        "オフラインで検証する。チェックポイントの署名を鍵で確かめ、記録から葉を計算し直し、包含証明を署名済みの根と照合する。",
        "Verify offline: the checkpoint's signature against the key, the record's leaf recomputed from the record, and the inclusion proof against the signed root.";
    step_result:
        "成功すれば終了コード0で「OK: …」と表示し、失敗すれば終了コード1で理由を示す。",
        "Exit 0 and `OK: …` when it holds; exit 1 and why when it does not.";
    step_grow:
        "ログが伸びただけで書き換えられていないことは、二つの大きさの間の整合性証明で確かめられる（`normwatch log witness` は他のインスタンスのログについてこれを行い、署名する）。",
        "That the log only grew between two sizes is shown by a consistency proof (`normwatch log witness` checks this for another instance's log, and cosigns it).";
    endpoints: "ログのHTTPエンドポイント", "The log's HTTP endpoints";
    endpoint: "エンドポイント", "Endpoint";
    what: "内容", "What";
    ep_checkpoint: "最新の署名済みチェックポイント（テキスト）", "the latest signed checkpoint (text)";
    ep_entries: "葉（1回に最大1,000件）", "leaves (at most 1,000 per call)";
    ep_inclusion: "葉の番号による包含証明", "an inclusion proof by leaf index";
    ep_record:
        "記録（読む権限がある場合）とその包含証明。normwatch verify にそのまま渡せる",
        "the record (if you may read it) with its proof, ready for normwatch verify";
    ep_consistency: "二つの大きさの間の整合性証明", "a consistency proof between two sizes";
    more: "詳しくはリポジトリの docs/transparency-log.md を参照。", "See docs/transparency-log.md in the repository for the details.";
    witnesses: "証人（witness）", "Witnesses";
    witnesses_intro:
        "このログが知っている証人。証人は各自の見たチェックポイントが以前のものと整合することを確かめて副署（C2SP tlog-cosignature）し、このログに送り返す。上のチェックポイントには受け取った副署が付いている。このインスタンスがフォローするピアも証人になる。",
        "The witnesses this log knows. A witness checks that the checkpoint it sees extends the ones it saw before, cosigns it (C2SP tlog-cosignature) and sends the cosignature back; the checkpoint above carries the cosignatures received. The peers this instance follows are witnesses too.";
    no_witnesses:
        "まだ証人はいない（運営者は `normwatch log witnesses add KEY` で加える）。",
        "No witness yet (operators add one with `normwatch log witnesses add KEY`).";
    witness_name: "名前", "Name";
    witness_source: "由来", "Known as";
    source_added: "運営者が追加", "added by the operators";
    source_peer: "フォローしているピア", "a peer this instance follows";
    step_witness:
        "信頼する証人の検証鍵を --witness で渡すと、そのうち --quorum 人がこのチェックポイントに副署していることも確かめる（同じ木を他者も見たということ）。",
        "Give the verifier keys of witnesses you trust with --witness, and it also checks that --quorum of them cosigned this checkpoint (others saw the same tree).";
    forks: "フォローしているログで見つかった分岐", "Forks found in the logs this instance follows";
    forks_intro:
        "同じ大きさに二つの根を署名した、あるいは以前に見せた履歴を伸ばしたものではない履歴を見せたログ。このインスタンスはそのログの同期を止め、証拠として両方の署名済みチェックポイントを保存している。",
        "A log that signed two roots for one size, or showed a history that does not extend the one it showed before. This instance stopped syncing it and keeps both signed checkpoints as the evidence.";
    no_forks: "分岐は見つかっていない。", "No fork found.";
    fork_log: "ログ", "Log";
    fork_reason: "理由", "Why";
    fork_when: "検出日時", "Found";
    fork_evidence: "証拠（二つの署名済みチェックポイント）", "Evidence (the two signed checkpoints)";
    ep_cosignatures:
        "証人が副署を送る（副署を加えたチェックポイントのテキスト）",
        "a witness sends its cosignature (the checkpoint text with its cosignature added)";
    ep_witnessed:
        "このインスタンスが証人として最後に確かめた、他のログのチェックポイント",
        "the checkpoints of other logs this instance last checked as a witness";
}

/// The address the reader reached this instance at, for commands to copy.
fn base_url(state: &AppState, headers: &HeaderMap) -> String {
    let scheme = if state.instance.secure_cookies { "https" } else { "http" };
    let host = headers
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .filter(|h| !h.is_empty() && h.chars().all(|c| c.is_ascii_alphanumeric() || "-.:[]".contains(c)))
        .unwrap_or("HOST");
    format!("{scheme}://{host}")
}

pub async fn page_log(State(state): State<AppState>, v: Visit) -> Result<Markup, WebError> {
    let page = v.page("/log")?;
    let (l, w) = (page.lang, words(page.lang));
    let (size, note) = state.log.checkpoint(&state.store).await.map_err(failure(l))?;
    let app = state.app();
    let note = app.with_cosignatures(size, &note).await.map_err(failure(l))?;
    let witnesses = app.known_witnesses().await.map_err(failure(l))?;
    let forks = app.forks_found().await.map_err(failure(l))?;
    let origin = state.log.origin().to_owned();
    let key = state.instance.verifier_key.clone();
    let base = base_url(&state, &v.headers);
    let entries = format!("/log/entries?start=0&end={}", size.min(crate::log::MAX_ENTRIES));
    let consistency = format!("/log/proof/consistency?from=1&to={size}");
    let body = html! {
        h1 { (w.title) }
        p { (w.intro) }
        h2 #checkpoint { (w.checkpoint) }
        dl.facts {
            dt { (w.size) } dd #tree-size { (size) }
            dt { (w.origin) } dd #origin { code { (origin) } }
        }
        pre.checkpoint #checkpoint-note { (note) }
        h2 #key { (w.key) }
        p { (w.key_intro) }
        pre.key #verifier-key { (key) }
        h2 #verify { (w.verify) }
        p { (w.verify_intro) }
        ol.steps {
            li { (w.step_key) pre { "echo '" (key) "' > normwatch.key" } }
            li { (w.step_checkpoint) pre { "curl -s " (base) "/log/checkpoint > checkpoint.txt" } }
            li { (w.step_record)
                pre { "curl -s '" (base) "/log/proof/inclusion?record=TYPE/ID' > record.json" }
                small { (w.step_kinds) " " @for k in normwatch_store::logged_kinds() { code { (k.as_str()) } " " } }
            }
            li { (w.step_verify)
                pre { "normwatch verify record.json --checkpoint checkpoint.txt --key normwatch.key" }
                (w.step_result)
                p { (w.step_witness) }
                pre { "normwatch verify record.json --checkpoint checkpoint.txt --key normwatch.key --witness W1.key --witness W2.key --quorum 1" }
            }
            li { (w.step_grow) pre { "curl -s '" (base) "/log/proof/consistency?from=OLD_SIZE&to=" (size) "'" } }
        }
        h2 #witnesses { (w.witnesses) }
        p { (w.witnesses_intro) }
        @if witnesses.is_empty() {
            p { (w.no_witnesses) }
        } @else {
            table #log-witnesses {
                thead { tr { th { (w.witness_name) } th { (w.witness_source) } th { (w.key) } } }
                tbody {
                    @for wi in &witnesses {
                        tr {
                            td { code { (wi.name) } }
                            td { (if wi.source == "peer" { w.source_peer } else { w.source_added }) }
                            td { code.key { (wi.verifier_key) } }
                        }
                    }
                }
            }
        }
        h2 #forks { (w.forks) }
        p { (w.forks_intro) }
        @if forks.is_empty() {
            p #no-forks { (w.no_forks) }
        } @else {
            table #log-forks {
                thead { tr { th { (w.fork_log) } th { (w.fork_reason) } th { (w.fork_when) } th { (w.fork_evidence) } } }
                tbody {
                    @for f in &forks {
                        tr {
                            td { code { (f.origin) } }
                            td { (f.reason) }
                            td { time { (f.detected_at) } }
                            td {
                                details {
                                    summary { (w.fork_evidence) }
                                    @if let Some(e) = &f.earlier_note { pre.checkpoint { (e) } }
                                    pre.checkpoint { (f.later_note) }
                                }
                            }
                        }
                    }
                }
            }
        }
        h2 #endpoints { (w.endpoints) }
        table #log-endpoints {
            thead { tr { th { (w.endpoint) } th { (w.what) } } }
            tbody {
                tr { td { a href="/log/checkpoint" { code { "GET /log/checkpoint?size=" } } } td { (w.ep_checkpoint) } }
                tr { td { code { "POST /log/cosignatures" } } td { (w.ep_cosignatures) } }
                tr { td { a href="/log/witnessed" { code { "GET /log/witnessed" } } } td { (w.ep_witnessed) } }
                tr { td { a href=(entries) { code { "GET /log/entries?start=&end=" } } } td { (w.ep_entries) } }
                tr { td { @if size > 0 { a href="/log/proof/inclusion?index=0" { code { "GET /log/proof/inclusion?index=&size=" } } } @else { code { "GET /log/proof/inclusion?index=&size=" } } } td { (w.ep_inclusion) } }
                tr { td { code { "GET /log/proof/inclusion?record=TYPE/ID" } } td { (w.ep_record) } }
                tr { td { @if size > 1 { a href=(consistency) { code { "GET /log/proof/consistency?from=&to=" } } } @else { code { "GET /log/proof/consistency?from=&to=" } } } td { (w.ep_consistency) } }
            }
        }
        p { small { (w.more) } }
    };
    Ok(layout(&page, w.title, body))
}
