//! `/peers`: the observatories this instance follows (editors and admins) — each with its state,
//! the last checkpoint verified, what its syncs kept and refused, its forks with their evidence —
//! a form to follow one, "sync now" per peer, and the witnesses this log knows with a form to add
//! one. Every write goes through the federation use cases the API calls.
use super::kit::forms::{Posted, Refusal, sign_in_first};
use super::kit::{Page, PageUser, Visit, WebError, encode, failure, layout, no_store, see_other};
use crate::AppState;
use crate::auth::Caller;
use crate::web::kit::i18n::words;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use maud::{Markup, html};
use normwatch_app::{PeerInput, PeerView, SyncReport};
use normwatch_core::Lang;

words! {
    struct Words, fn words;
    @same_in_both ["url"];
    title: "フォローしている観測所", "Observatories followed";
    intro:
        "このインスタンスがフォローしている他の normwatch インスタンス。同期のたびに、固定した鍵で署名されたチェックポイントが以前のものを伸ばしたものであることを確かめ、TAXII 2.1 で新しい記録を取得し、各記録の包含証明を検証してから保存する。チェックポイントには副署して送り返す。",
        "The other normwatch instances this one follows. Each sync checks that the checkpoint signed by the pinned key extends the one seen before, pulls the new records over TAXII 2.1 and keeps each only once its inclusion proof verifies; it cosigns the checkpoint and sends the cosignature back.";
    none: "まだどの観測所もフォローしていない。", "No observatory followed yet.";
    origin: "ログの名前", "Log name";
    url: "URL", "URL";
    state: "状態", "State";
    active: "同期中", "syncing";
    forked: "分岐を検出（停止）", "forked (stopped)";
    size: "検証済みの大きさ", "Size verified";
    records: "受け取った記録", "Records kept";
    refused: "拒否した記録", "Records refused";
    last_sync: "最後の同期", "Last sync";
    last_error: "最後のエラー", "Last error";
    never: "まだない", "never";
    sync_now: "今すぐ同期", "Sync now";
    synced: "同期した", "Synced";
    received: "受け取った", "received";
    already: "既に保存済み", "kept already";
    cosigned: "副署を受け取ってもらえた", "our cosignature was taken";
    not_cosigned: "副署は受け取られなかった", "our cosignature was not taken";
    fork: "分岐", "Fork";
    refusals: "拒否した記録と理由", "Records refused, and why";
    forks: "分岐の証拠", "Fork evidence";
    follow: "観測所をフォローする", "Follow an observatory";
    follow_intro:
        "相手のベースURLと、相手の `normwatch log key`（または /api/v1/health）が示す検証鍵を入力する。鍵は別の経路でも確かめること。",
        "Give its base URL and the verifier key its `normwatch log key` (or /api/v1/health) shows. Check the key another way too.";
    key: "検証鍵", "Verifier key";
    token: "APIトークン（任意）", "API token (optional)";
    token_hint:
        "相手のインスタンスのアカウントのトークン。あれば、そのアカウントが読める記録（TLP・共同体）も取得する。二度と表示しない。",
        "A token of an account at that instance: the sync then also takes what that account may read there (its TLP markings and communities). It is never shown again.";
    refused_form: "受け付けられなかった", "Refused";
    witnesses: "このログの証人", "This log's witnesses";
    witnesses_intro:
        "副署を受け付けて、チェックポイントと一緒に配信する証人。フォローしている観測所も証人になる。",
        "The witnesses whose cosignatures this log takes and serves with its checkpoints; the observatories followed are witnesses too.";
    add_witness: "証人を加える", "Add a witness";
    source_added: "追加", "added";
    source_peer: "ピア", "peer";
}

/// What a post to the page leaves to show.
#[derive(Default)]
struct Outcome {
    refusal: Option<Refusal>,
    synced: Option<SyncReport>,
}

/// `GET /peers`.
pub async fn list(State(state): State<AppState>, v: Visit) -> Result<Response, WebError> {
    let page = v.page("/peers")?;
    render(&state, &v.caller, &page, Outcome::default()).await
}

async fn render(state: &AppState, caller: &Caller, page: &Page, outcome: Outcome) -> Result<Response, WebError> {
    let (l, w) = (page.lang, words(page.lang));
    if caller.account.is_none() {
        return Err(sign_in_first(l));
    }
    let app = state.app();
    // The use case refuses whoever may not manage peers (403 as a page).
    let mut views = Vec::new();
    for p in app.peers(caller.acting()).await.map_err(failure(l))? {
        views.push(app.peer(caller.acting(), &p.id).await.map_err(failure(l))?);
    }
    let witnesses = app.known_witnesses().await.map_err(failure(l))?;
    let refusal = |form: &str| outcome.refusal.as_ref().filter(|r| r.form == form);
    let body = html! {
        h1 { (w.title) }
        p { (w.intro) }
        @if let Some(r) = &outcome.synced { (report(w, r)) }
        @if let Some(r) = refusal("sync") { p.error.refusal role="alert" { b { (w.refused_form) ": " } (r.message) } }
        @if views.is_empty() { p #no-peers { (w.none) } }
        @else { (table(page, w, &views)) }
        h2 #follow { (w.follow) }
        p { (w.follow_intro) }
        (follow_form(page, w, refusal("peer")))
        h2 #witnesses { (w.witnesses) }
        p { (w.witnesses_intro) }
        ul #peer-witnesses { @for wi in &witnesses {
            li { code { (wi.name) } " (" (if wi.source == "peer" { w.source_peer } else { w.source_added }) ") " small { code { (wi.verifier_key) } } }
        } }
        (witness_form(page, w, refusal("witness")))
    };
    let status = outcome.refusal.map_or(StatusCode::OK, |r| r.status);
    Ok(no_store(status, layout(page, w.title, body)))
}

fn table(page: &Page, w: &Words, views: &[PeerView]) -> Markup {
    let l = page.lang;
    let when = |t: Option<&str>| t.map_or_else(|| w.never.to_owned(), |t| super::kit::dates::when(t, l));
    html! {
        table #peers {
            thead { tr {
                th { (w.origin) } th { (w.state) } th { (w.size) } th { (w.records) } th { (w.refused) }
                th { (w.last_sync) } th {}
            } }
            tbody { @for v in views {
                @let p = &v.peer;
                tr id=(format!("peer-{}", p.id)) {
                    td { code { (p.origin) } br; small { a href=(p.url) rel="noreferrer noopener" { (p.url) } } }
                    td { @if p.state == "active" { (w.active) } @else { b.error { (w.forked) } } }
                    td.count { (p.seen_size.map_or_else(|| "—".to_owned(), |s| s.to_string())) }
                    td.count { a href=(page.link(&format!("/federated?peer={}", encode(&p.id)))) { (p.records) } }
                    td.count { (p.refused) }
                    td { (when(p.last_sync_at.as_deref()))
                        @if let Some(e) = &p.last_error { br; span.error { (w.last_error) ": " (e) } } }
                    td.actions { @if let Some(user) = &page.user { @if p.state == "active" {
                        form.inline method="post" action=(format!("/peers/{}/sync", encode(&p.id))) {
                            input type="hidden" name="csrf" value=(user.csrf);
                            input type="hidden" name="lang" value=(l.code());
                            button type="submit" aria-label=(format!("{} {}", w.sync_now, p.origin)) { (w.sync_now) }
                        }
                    } } }
                }
                @if !v.refusals.is_empty() || !v.forks.is_empty() {
                    tr { td colspan="7" {
                        @if !v.forks.is_empty() { details.forks open {
                            summary { b.error { (w.forks) } }
                            @for f in &v.forks {
                                p { (f.reason) " — " (when(Some(&f.detected_at))) }
                                @if let Some(e) = &f.earlier_note { pre.checkpoint { (e) } }
                                pre.checkpoint { (f.later_note) }
                            }
                        } }
                        @if !v.refusals.is_empty() { details.refusals {
                            summary { (w.refusals) " (" (v.refusals.len()) ")" }
                            ul { @for r in &v.refusals { li { code { (r.record_kind) "/" (r.origin_id) } ": " (r.reason) } } }
                        } }
                    } }
                }
            } }
        }
    }
}

fn report(w: &Words, r: &SyncReport) -> Markup {
    html! {
        div #sync-report role="status" {
            @if let Some(f) = &r.fork { p.error { b { (w.fork) ": " } (r.origin) " — " (f) } }
            @else {
                p { b { (w.synced) " " (r.origin) ": " } (w.size) " " (r.checkpoint_size) " · " (r.received) " " (w.received)
                    " · " (r.already) " " (w.already) " · " (r.refused) " " (w.refused)
                    " · " (if r.cosigned { w.cosigned } else { w.not_cosigned }) }
            }
        }
    }
}

fn hidden(page: &Page, user: &PageUser) -> Markup {
    html! {
        input type="hidden" name="csrf" value=(user.csrf);
        input type="hidden" name="lang" value=(page.lang.code());
    }
}

fn refused(w: &Words, refusal: Option<&Refusal>) -> Markup {
    html! { @if let Some(r) = refusal { p.error.refusal role="alert" { b { (w.refused_form) ": " } (r.message) } } }
}

fn follow_form(page: &Page, w: &Words, refusal: Option<&Refusal>) -> Markup {
    let Some(user) = &page.user else { return html! {} };
    let values = Refusal::values(refusal, "peer");
    html! {
        form.record #follow-peer method="post" action="/peers" {
            (hidden(page, user))
            (refused(w, refusal))
            label { (w.url) input type="url" name="url" required value=(values.one("url")); }
            label { (w.key) input type="text" name="key" required value=(values.one("key")); }
            label { (w.token) " " small { (w.token_hint) } input type="password" name="token" autocomplete="off"; }
            button type="submit" { (w.follow) }
        }
    }
}

fn witness_form(page: &Page, w: &Words, refusal: Option<&Refusal>) -> Markup {
    let Some(user) = &page.user else { return html! {} };
    let values = Refusal::values(refusal, "witness");
    html! {
        form.record #add-witness method="post" action="/peers/witnesses" {
            (hidden(page, user))
            (refused(w, refusal))
            label { (w.key) input type="text" name="key" required value=(values.one("key")); }
            button type="submit" { (w.add_witness) }
        }
    }
}

fn page_of(lang: Lang, caller: &Caller) -> Page {
    Page { lang, path: "/peers".into(), user: PageUser::of(caller) }
}

/// `POST /peers`: follows a peer, or shows the form again with why not.
pub async fn add(State(state): State<AppState>, Posted { lang, fields, caller }: Posted) -> Result<Response, WebError> {
    let input =
        PeerInput { url: fields.one("url").to_owned(), key: fields.one("key").to_owned(), token: fields.opt("token") };
    match state.app().add_peer(caller.acting(), state.log.origin(), &input).await {
        Ok(_) => Ok(see_other(&format!("/peers?lang={lang}"))),
        Err(e) => {
            // The token is never sent back into the page.
            let mut kept = fields.clone();
            kept.0.retain(|(k, _)| k != "token");
            let outcome = Outcome { refusal: Some(Refusal::of("peer", &kept, e.into())), synced: None };
            render(&state, &caller, &page_of(lang, &caller), outcome).await
        }
    }
}

/// `POST /peers/{id}/sync`: syncs one peer now and shows what it brought.
pub async fn sync(
    State(state): State<AppState>,
    Path(id): Path<String>,
    Posted { lang, fields, caller }: Posted,
) -> Result<Response, WebError> {
    let outcome = match state.app().sync_peer(caller.acting(), &id, state.log.key()).await {
        Ok(r) => Outcome { refusal: None, synced: Some(r) },
        Err(e) => Outcome { refusal: Some(Refusal::of("sync", &fields, e.into())), synced: None },
    };
    render(&state, &caller, &page_of(lang, &caller), outcome).await
}

/// `POST /peers/witnesses`: adds a witness to this log.
pub async fn add_witness(
    State(state): State<AppState>,
    Posted { lang, fields, caller }: Posted,
) -> Result<Response, WebError> {
    match state.app().add_witness(caller.acting(), state.log.origin(), fields.one("key")).await {
        Ok(_) => Ok(see_other(&format!("/peers?lang={lang}#witnesses"))),
        Err(e) => {
            let outcome = Outcome { refusal: Some(Refusal::of("witness", &fields, e.into())), synced: None };
            render(&state, &caller, &page_of(lang, &caller), outcome).await
        }
    }
}
