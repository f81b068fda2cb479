//! The use cases' rules, driven through the app API against a real SQLite store.
use normwatch_app::{Acting, App, AppError, CorrectionInput, ReviewInput};
use normwatch_core::adoption::{PositionInput, StakeholderInput};
use normwatch_core::incident::IncidentInput;
use normwatch_core::violation::{ReviewRule, Verdict};
use normwatch_core::{Account, Catalog, FieldError, Localized, RecordStatus, Role};
use normwatch_store::{Actor, NewAccount, Store, StoreError};
use std::sync::Arc;

struct World {
    store: Store,
    _dir: tempfile::TempDir,
    catalog: Arc<Catalog>,
}

impl World {
    async fn new() -> World {
        let dir = tempfile::tempdir().expect("tmp");
        let url = format!("sqlite://{}", dir.path().join("t.db").display());
        let store = Store::connect(&url).await.expect("connect and migrate");
        let catalog = Arc::new(Catalog::embedded().expect("catalogue"));
        for (id, kind) in [("jp", "state"), ("fr", "state"), ("cert-x", "cert")] {
            let input = StakeholderInput {
                id: id.into(),
                name: Localized { ja: id.into(), en: id.into() },
                kind: kind.into(),
                country: None,
                website: None,
                version: None,
            };
            store.create_stakeholder(&Actor("test".into()), &input).await.expect("stakeholder");
        }
        World { store, _dir: dir, catalog }
    }

    fn app(&self) -> App<'_, Store> {
        App {
            store: &self.store,
            catalog: self.catalog.clone(),
            today: time::macros::date!(2026 - 01 - 01),
            review_rule: ReviewRule::default(),
        }
    }

    async fn account(&self, username: &str, role: Role, stakeholder: Option<&str>) -> Account {
        let new = NewAccount {
            username: username.into(),
            display_name: username.into(),
            role,
            stakeholder: stakeholder.map(str::to_owned),
            password_hash: "unused".into(),
            must_change_password: false,
        };
        self.store.create_account(&Actor("test".into()), &new).await.expect("account")
    }
}

fn incident(stakeholder: &str) -> IncidentInput {
    serde_json::from_value(serde_json::json!({
        "title": {"ja": "DNS基盤への攻撃", "en": "Attack on DNS infrastructure"},
        "description": {"en": "Resolvers of a national registry were tampered with."},
        "started": "2023-05",
        "operation_types": ["denial-of-service"],
        "targets": [{"name": "Registry", "country": "JP"}],
        "sources": [{"url": "https://news.example/dns"}],
        "stakeholder": stakeholder
    }))
    .expect("incident")
}

fn field_of(e: &AppError) -> Option<&str> {
    match e {
        AppError::InvalidField(FieldError { field, .. })
        | AppError::Store(StoreError::Rejected(FieldError { field, .. })) => Some(field),
        _ => None,
    }
}

fn acting(account: &Account) -> Acting<'_> {
    Acting::new(Some(account), &[])
}

#[tokio::test]
async fn a_record_is_published_only_through_review() {
    let w = World::new().await;
    let app = w.app();
    let editor = w.account("ed", Role::Editor, Some("jp")).await;
    let rev_state = w.account("rs", Role::Reviewer, Some("fr")).await;
    let rev_cert = w.account("rc", Role::Reviewer, Some("cert-x")).await;

    // Filing as published would skip review.
    let mut published = incident("jp");
    published.status = RecordStatus::Published;
    let e = app.file_record(acting(&editor), &published).await.expect_err("refused");
    assert_eq!(field_of(&e), Some("status"), "{e}");

    let record = app.file_record(acting(&editor), &incident("jp")).await.expect("filed");
    app.submit_record::<IncidentInput>(acting(&editor), &record.id).await.expect("submitted");

    // No approvals yet: the store's review rule refuses publication.
    let e = app.publish_record::<IncidentInput>(acting(&editor), &record.id).await.expect_err("refused");
    assert_eq!(field_of(&e), Some("reviews"), "{e}");

    // A request for changes must say what should change.
    let bare = ReviewInput { verdict: Verdict::RequestChanges, comment: Some("  ".into()) };
    let e = app.review_record::<IncidentInput>(acting(&rev_state), &record.id, &bare).await.expect_err("refused");
    assert_eq!(field_of(&e), Some("comment"), "{e}");

    // Two approvals from two stakeholder kinds meet the default rule.
    let approve = ReviewInput { verdict: Verdict::Approve, comment: None };
    for reviewer in [&rev_state, &rev_cert] {
        app.review_record::<IncidentInput>(acting(reviewer), &record.id, &approve).await.expect("reviewed");
    }
    let done = app.publish_record::<IncidentInput>(acting(&editor), &record.id).await.expect("published");
    assert_eq!(done.body.status, RecordStatus::Published);

    // A retraction must say why.
    let mut body = done.body.clone();
    body.status = RecordStatus::InReview;
    let empty = Localized { ja: String::new(), en: " ".into() };
    let correction = CorrectionInput { record: body, retraction: Some(empty) };
    let e = app.correct_record(acting(&editor), &record.id, &correction).await.expect_err("refused");
    assert_eq!(field_of(&e), Some("retraction"), "{e}");
}

#[tokio::test]
async fn rights_are_checked_before_anything_is_written() {
    let w = World::new().await;
    let app = w.app();
    let contributor = w.account("co", Role::Contributor, Some("jp")).await;
    let reader = w.account("re", Role::Reader, None).await;
    let loose_reviewer = w.account("lr", Role::Reviewer, None).await;

    let e = app.file_record(Acting::new(None, &[]), &incident("jp")).await.expect_err("anonymous");
    assert!(matches!(e, AppError::Unauthenticated(_)), "{e}");
    let e = app.file_record(acting(&reader), &incident("jp")).await.expect_err("reader");
    assert!(matches!(e, AppError::Forbidden { right: "incidents:write", .. }), "{e}");
    // A contributor files for its own stakeholder only.
    let e = app.file_record(acting(&contributor), &incident("fr")).await.expect_err("another's");
    assert!(matches!(&e, AppError::Forbidden { scope, .. } if scope.contains("`fr`")), "{e}");
    // …and marks records only for communities its stakeholder belongs to.
    let mut marked = incident("jp");
    marked.community = Some("g7".into());
    let e = app.file_record(acting(&contributor), &marked).await.expect_err("not a member");
    assert_eq!(field_of(&e), Some("community"), "{e}");

    let record = app.file_record(acting(&contributor), &incident("jp")).await.expect("own");
    assert_eq!(record.recorded_by, contributor.id);
    // A reviewer's verdict counts by its stakeholder's kind, so it needs one.
    let approve = ReviewInput { verdict: Verdict::Approve, comment: None };
    let e =
        app.review_record::<IncidentInput>(acting(&loose_reviewer), &record.id, &approve).await.expect_err("no kind");
    assert_eq!(field_of(&e), Some("reviewer"), "{e}");
    let e = app.review_record::<IncidentInput>(acting(&contributor), &record.id, &approve).await.expect_err("no right");
    assert!(matches!(e, AppError::Forbidden { right: "records:review", .. }), "{e}");
}

#[tokio::test]
async fn a_contributor_records_positions_for_its_own_stakeholder() {
    let w = World::new().await;
    let app = w.app();
    let contributor = w.account("co", Role::Contributor, Some("jp")).await;
    let norm = w.catalog.norms.first().map(|n| n.id.clone()).expect("a norm");
    let position = |stakeholder: &str| -> PositionInput {
        serde_json::from_value(serde_json::json!({
            "stakeholder": stakeholder, "norm": norm, "stance": "endorse", "stated_on": "2024-03-01",
            "source": {"url": "https://example.org/statement"}
        }))
        .expect("position")
    };
    let e = app.record_for_stakeholder(acting(&contributor), &position("fr")).await.expect_err("another's");
    assert!(matches!(e, AppError::Forbidden { right: "positions:write", .. }), "{e}");
    let mut marked = position("jp");
    marked.community = Some("g7".into());
    let e = app.record_for_stakeholder(acting(&contributor), &marked).await.expect_err("not a member");
    assert_eq!(field_of(&e), Some("community"), "{e}");
    let p = app.record_for_stakeholder(acting(&contributor), &position("jp")).await.expect("own");
    assert_eq!(p.stakeholder, "jp");
}
