//! `/federated`: records received from the observatories this instance follows, each shown as
//! theirs — the log it was published in, its id and leaf there, the checkpoint it was verified
//! against, whether the origin corrected or retracted it — and readable as the origin marked it.
//! A writer can take a received incident into our ledger to assess it (`/federated/…/adopt`).
use super::kit::forms::Posted;
use super::kit::{Page, Visit, WebError, encode, failure, layout, see_other};
use crate::AppState;
use crate::web::kit::i18n::words;
use axum::extract::{Path, State};
use maud::{Markup, html};
use normwatch_core::{Lang, RecordKind};
use normwatch_store::{FederatedFilter, FederatedRecord};
use serde_json::Value;

const PAGE: i64 = 50;

words! {
    struct Words, fn words;
    @same_in_both ["tlp"];
    title: "他の観測所からの記録", "Records from other observatories";
    intro:
        "このインスタンスがフォローしている観測所が公開した記録。各記録は、その観測所の固定した鍵で署名されたチェックポイントに対する包含証明を検証してから保存している。ここでは元の観測所の記録として、元の観測所が付けたTLPのとおりに示す。このインスタンスが再公開することはない。",
        "Records published by the observatories this instance follows. Each was kept only once its inclusion proof verified against a checkpoint signed by that observatory's pinned key. They are shown as that observatory's records, at the TLP it marked them with; this instance never re-publishes them.";
    none: "受け取った記録はまだない。", "No record received yet.";
    kind: "種類", "Kind";
    record: "記録", "Record";
    origin: "公開したログ", "Published in log";
    leaf: "ログの葉番号", "Leaf in that log";
    checkpoint: "検証に使ったチェックポイントの大きさ", "Checkpoint size verified against";
    tlp: "TLP", "TLP";
    received: "受信日時", "Received";
    superseded: "元の観測所で訂正済み", "corrected at the origin";
    retracted: "元の観測所で撤回済み", "retracted at the origin";
    provenance: "出所", "Provenance";
    origin_id: "元の観測所での記録ID", "Record id at the origin";
    stix_id: "STIXオブジェクトID", "STIX object id";
    community: "元の観測所の共同体", "Community at the origin";
    verify_title: "自分で検証する", "Verify it yourself";
    verify_intro:
        "元の観測所の検証鍵を入手し、次のように記録と包含証明、同じ大きさのチェックポイントを取得して normwatch verify にかける。",
        "Get the origin's verifier key, then fetch the record with its inclusion proof and the checkpoint of the same size, and run normwatch verify:";
    content: "記録の内容（元の観測所が公開したとおり）", "The record (as the origin published it)";
    adopt: "この事案をここで評価する", "Assess this incident here";
    adopt_intro:
        "この事案を下書きとしてこのインスタンスの台帳に取り込む。取り込んだ事案はこちらの記録であり、こちらのレビューを経て公開され、評価・帰属・対応はこちらのものとしてそれに付く。出所（元のログ、記録ID、葉番号、チェックポイント）は記録に残る。",
        "Takes the incident into this instance's ledger as a draft. It is then our record: our review publishes it, and our assessments, attributions and responses hang off it. Its provenance (origin log, record id, leaf, checkpoint) stays on it.";
    adopted: "ここでの事案", "Our incident";
    next: "次のページ", "Next page";
    all_kinds: "すべての種類", "every kind";
    filter: "絞り込む", "Filter";
}

/// A record's name as a reader scans a list: its title, or what it is about.
fn name(r: &FederatedRecord, l: Lang) -> String {
    let title = &r.record["title"];
    let localized = |v: &Value| {
        let (first, second) = if l == Lang::Ja { ("ja", "en") } else { ("en", "ja") };
        v[first].as_str().filter(|t| !t.is_empty()).or_else(|| v[second].as_str()).map(str::to_owned)
    };
    localized(title)
        .or_else(|| {
            let (norm, stance) = (r.record["norm"].as_str()?, r.record["stance"].as_str().unwrap_or_default());
            Some(format!("{} · {norm} · {stance}", r.record["stakeholder"].as_str().unwrap_or_default()))
        })
        .unwrap_or_else(|| r.origin_id.clone())
}

fn detail_path(r: &FederatedRecord) -> String {
    format!("/federated/{}/{}/{}", encode(&r.peer_id), encode(&r.record_kind), encode(&r.origin_id))
}

fn standing(w: &Words, r: &FederatedRecord) -> Markup {
    html! {
        @if r.record.get("retraction").is_some_and(|v| !v.is_null()) { " " span.badge.retracted { (w.retracted) } }
        @if r.superseded_by.is_some() { " " span.badge.superseded { (w.superseded) } }
    }
}

/// `GET /federated`: the received records the viewer may read, the latest first.
pub async fn list(State(state): State<AppState>, v: Visit) -> Result<axum::response::Response, WebError> {
    use axum::response::IntoResponse;
    let page = v.page_taking("/federated", &["peer", "type", "offset"])?;
    let (l, w) = (page.lang, words(page.lang));
    // The filter form sends its empty fields: no filter.
    let params = v.params.clone().without_blanks();
    let kind = params.logged_kind("type").map_err(failure(l))?.map(|k| k.as_str().to_owned());
    let offset = params.offset().map_err(failure(l))? as i64;
    let peer = params.one("peer").map_err(failure(l))?.map(str::to_owned);
    let filter = FederatedFilter { peer: peer.clone(), kind: kind.clone(), origin_id: None, limit: PAGE + 1, offset };
    let mut records = state.app().federated_records(&v.caller.viewer(), &filter).await.map_err(failure(l))?;
    let more = records.len() as i64 > PAGE;
    records.truncate(PAGE as usize);
    let next = {
        let mut q = vec![format!("offset={}", offset + PAGE)];
        if let Some(p) = &peer {
            q.push(format!("peer={}", encode(p)));
        }
        if let Some(k) = &kind {
            q.push(format!("type={k}"));
        }
        page.link(&format!("/federated?{}", q.join("&")))
    };
    let body = html! {
        h1 { (w.title) }
        p { (w.intro) }
        form.filters method="get" action="/federated" {
            input type="hidden" name="lang" value=(l.code());
            @if let Some(p) = &peer { input type="hidden" name="peer" value=(p); }
            label { (w.kind) " "
                select name="type" {
                    option value="" { (w.all_kinds) }
                    @for k in normwatch_store::logged_kinds() {
                        option value=(k.as_str()) selected[kind.as_deref() == Some(k.as_str())] { (k.as_str()) }
                    }
                }
            }
            " " button type="submit" { (w.filter) }
        }
        @if records.is_empty() {
            p #no-federated { (w.none) }
        } @else {
            table #federated-records {
                thead { tr {
                    th { (w.record) } th { (w.kind) } th { (w.origin) } th { (w.leaf) } th { (w.checkpoint) }
                    th { (w.tlp) } th { (w.received) }
                } }
                tbody { @for r in &records {
                    tr {
                        td { a href=(page.link(&detail_path(r))) { (name(r, l)) } (standing(w, r)) }
                        td { code { (r.record_kind) } }
                        td { code { (r.origin) } }
                        td.count { (r.log_index) }
                        td.count { (r.checkpoint_size) }
                        td { span.tlp { (r.tlp.to_uppercase()) } }
                        td { (super::kit::dates::format_date(&r.received_at, l)) }
                    }
                } }
            }
            @if more { p { a rel="next" href=(next) { (w.next) } } }
        }
    };
    Ok(layout(&page, w.title, body).into_response())
}

/// `GET /federated/{peer}/{kind}/{id}`: one received record with its provenance.
pub async fn one(
    State(state): State<AppState>,
    Path((peer, kind, id)): Path<(String, String, String)>,
    v: Visit,
) -> Result<Markup, WebError> {
    let path = format!("/federated/{}/{}/{}", encode(&peer), encode(&kind), encode(&id));
    let page = v.page(&path)?;
    let l = page.lang;
    let not_found = || crate::error::ApiError::NotFound { kind: "federated record", id: format!("{peer}/{kind}/{id}") };
    let kind = RecordKind::parse_logged(&kind).ok_or_else(not_found).map_err(failure(l))?;
    let viewer = v.caller.viewer();
    let app = state.app();
    let record = app.federated_record(&viewer, &peer, kind, &id).await.map_err(failure(l))?;
    let adopted = app.adopted_as(&viewer, &record).await.map_err(failure(l))?;
    Ok(render(&page, &record, &adopted))
}

fn render(page: &Page, r: &FederatedRecord, adopted: &[String]) -> Markup {
    let (l, w) = (page.lang, words(page.lang));
    let title = name(r, l);
    let proof =
        format!("/log/proof/inclusion?record={}/{}&size={}", r.record_kind, encode(&r.origin_id), r.checkpoint_size);
    let may_adopt = page.user.is_some() && r.record_kind == RecordKind::Incident.as_str() && r.community.is_none();
    let body = html! {
        h1 { (title) (standing(w, r)) }
        h2 #provenance { (w.provenance) }
        dl.facts #federated-provenance {
            dt { (w.origin) } dd { code { (r.origin) } " " a href=(r.peer_url) rel="noreferrer noopener" { (r.peer_url) } }
            dt { (w.origin_id) } dd { code { (r.origin_id) } }
            dt { (w.kind) } dd { code { (r.record_kind) } }
            dt { (w.leaf) } dd { (r.log_index) }
            dt { (w.checkpoint) } dd { (r.checkpoint_size) }
            dt { (w.stix_id) } dd { code { (r.stix_id) } }
            dt { (w.tlp) } dd { span.tlp { (r.tlp.to_uppercase()) } }
            @if let Some(c) = &r.community { dt { (w.community) } dd { code { (c) } } }
            dt { (w.received) } dd { (super::kit::dates::format_date(&r.received_at, l)) }
            @if let Some(s) = &r.superseded_by {
                dt { (w.superseded) }
                dd { a href=(page.link(&format!("/federated/{}/{}/{}", encode(&r.peer_id), encode(&r.record_kind), encode(s)))) { code { (s) } } }
            }
            @if !adopted.is_empty() {
                dt { (w.adopted) }
                dd { @for a in adopted { a href=(page.link(&format!("/incidents/{}", encode(a)))) { code { (a) } } " " } }
            }
        }
        h2 #verify { (w.verify_title) }
        p { (w.verify_intro) }
        pre { "curl -s '" (r.peer_url) (proof) "' > record.json\ncurl -s '" (r.peer_url) "/log/checkpoint?size=" (r.checkpoint_size) "' > checkpoint.txt\nnormwatch verify record.json --checkpoint checkpoint.txt --key origin.key" }
        @if may_adopt && adopted.is_empty() {
            @if let Some(user) = &page.user {
                h2 #adopt { (w.adopt) }
                p { (w.adopt_intro) }
                form.inline method="post" action=(format!("/federated/{}/incident/{}/adopt", encode(&r.peer_id), encode(&r.origin_id))) {
                    input type="hidden" name="csrf" value=(user.csrf);
                    input type="hidden" name="lang" value=(l.code());
                    button type="submit" #adopt-incident { (w.adopt) }
                }
            }
        }
        h2 #content { (w.content) }
        pre.record #federated-content { (serde_json::to_string_pretty(&r.record).unwrap_or_default()) }
    };
    layout(page, &title, body)
}

/// `POST /federated/{peer}/incident/{id}/adopt`: files our draft and opens it.
pub async fn adopt(
    State(state): State<AppState>,
    Path((peer, id)): Path<(String, String)>,
    Posted { lang, caller, .. }: Posted,
) -> Result<axum::response::Response, WebError> {
    let record = state.app().adopt_federated_incident(caller.acting(), &peer, &id).await.map_err(failure(lang))?;
    Ok(see_other(&format!("/incidents/{}?lang={lang}", encode(&record.id))))
}
