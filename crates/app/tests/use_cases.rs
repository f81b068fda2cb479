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
    figures: normwatch_app::FigureCache,
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
        World { store, _dir: dir, catalog, figures: Default::default() }
    }

    fn app(&self) -> App<'_, Store> {
        App {
            store: &self.store,
            catalog: self.catalog.clone(),
            today: time::macros::date!(2026 - 01 - 01),
            review_rule: ReviewRule::default(),
            figures: &self.figures,
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

fn vep_case(product: &str, submitted_on: &str) -> normwatch_core::vep::VepCaseInput {
    serde_json::from_value(serde_json::json!({
        "product": product, "vendor": "Kumo Networks", "cve_id": null, "severity": "high",
        "discovered_on": "2024-01-15", "submitting_agency": "NISC", "submitted_on": submitted_on,
        "equities": {
            "defensive": {"product_usage": "high", "likelihood_others_find": "medium", "harm_if_exploited": "high", "patchable": true},
            "intelligence_value": "medium", "law_enforcement_value": "low", "commercial": "none", "international_partnerships": "low"
        }
    }))
    .expect("case")
}

#[tokio::test]
async fn a_vep_board_is_its_members_alone() {
    let w = World::new().await;
    let app = w.app();
    let editor = w.account("ed", Role::Editor, Some("jp")).await;
    let member = w.account("member", Role::Reader, Some("jp")).await;
    let outsider = w.account("outsider", Role::Admin, Some("jp")).await;
    let board = |members: serde_json::Value| -> normwatch_core::vep::BoardInput {
        serde_json::from_value(serde_json::json!({
            "id": "jp-vep", "stakeholder": "jp", "name": {"ja": "委員会", "en": "Board"}, "members": members
        }))
        .expect("board")
    };

    // Only a manager of boards sets one up; each member is checked in turn, in order.
    let ok = board(serde_json::json!([{"username": "member", "agency": " NISC "}]));
    let e = app.create_vep_board(acting(&member), &ok).await.expect_err("refused");
    assert!(matches!(e, AppError::Forbidden { .. }), "{e}");
    let twice = board(serde_json::json!([
        {"username": "nobody", "agency": ""}, {"username": "nobody", "agency": "NPA"}
    ]));
    let e = app.create_vep_board(acting(&editor), &twice).await.expect_err("refused");
    assert_eq!(field_of(&e), Some("members[0].username"), "an unknown account before a blank agency: {e}");
    let repeated = board(serde_json::json!([
        {"username": "member", "agency": "NISC"}, {"username": "member", "agency": "NPA"}
    ]));
    let e = app.create_vep_board(acting(&editor), &repeated).await.expect_err("refused");
    assert_eq!(field_of(&e), Some("members[1].username"), "{e}");
    let created = app.create_vep_board(acting(&editor), &ok).await.expect("board");
    assert_eq!(created.members, 1);

    // A member files and decides; anyone else, an admin too, is told the board does not exist.
    let e = app.vep_seat(acting(&outsider), "jp-vep").await.expect_err("not a member");
    assert!(matches!(e, AppError::NotFound { kind: "VEP board you sit on", .. }), "{e}");
    let seat = app.vep_seat(acting(&member), "jp-vep").await.expect("seat");
    let id = app.create_vep_case(acting(&member), &seat, &vep_case("Router", "2025-03-01")).await.expect("case");
    let e = app.vep_case(acting(&outsider), &id).await.expect_err("hidden");
    assert!(matches!(e, AppError::NotFound { kind: "VEP case", .. }), "{e}");
    let case = app.vep_case(acting(&member), &id).await.expect("case");
    let decision: normwatch_core::vep::DecisionInput = serde_json::from_value(
        serde_json::json!({"decision": "disclose", "decided_on": "2025-03-10", "disclose_to": "vendor"}),
    )
    .expect("d");
    let decided = app.decide_vep_case(acting(&member), &case, &decision).await.expect("decided");
    assert_eq!(decided.decisions.len(), 1);

    // The report is anyone's, for a year from 2000 to this year only.
    let this_year = app.today;
    let year = normwatch_core::vep::TransparencyReport::year(Some("2025"), this_year).expect("year");
    let report = app.vep_report(&created, year).await.expect("report");
    assert_eq!((report.cases, report.decided, report.disclosed), (1, 1, 1));
    let e = normwatch_core::vep::TransparencyReport::year(Some("2027"), this_year).expect_err("future year");
    assert_eq!(e.field, "year");
    let e = app.vep_board("no-board").await.expect_err("no board");
    assert!(matches!(e, AppError::NotFound { kind: "VEP board", .. }), "{e}");
}

#[tokio::test]
async fn the_adoption_query_is_refused_as_the_api_refuses_it() {
    let w = World::new().await;
    // Each parameter given once; the interface refuses repeats and blanks before the matrix sees them.
    let parse = |pairs: &[(&'static str, &'static str)]| {
        let one = |key: &str| -> Result<Option<&'static str>, FieldError> {
            match pairs.iter().filter(|(k, _)| *k == key).map(|(_, v)| *v).collect::<Vec<_>>()[..] {
                [] => Ok(None),
                [v] if !v.trim().is_empty() => Ok(Some(v)),
                _ => Err(FieldError::new(key, "once, not blank")),
            }
        };
        normwatch_app::MatrixQuery::parse(one, &w.catalog)
    };
    let field = |r: Result<normwatch_app::MatrixQuery, FieldError>| r.expect_err("refused").field;
    assert_eq!(field(parse(&[("kind", "state"), ("kind", "cert")])), "kind");
    assert_eq!(field(parse(&[("country", "jpn")])), "country");
    assert_eq!(field(parse(&[("norm", "no-such-norm")])), "norm");
    assert_eq!(field(parse(&[("as_of", " ")])), "as_of");
    let q = parse(&[("country", "jp"), ("as_of", "2025-12-31")]).expect("query");
    assert_eq!(q.stakeholders.country.as_deref(), Some("JP"), "a country code is read in upper case");
    let matrix = w.app().adoption_matrix(Acting::new(None, &[]), &q).await.expect("matrix");
    assert_eq!(matrix.as_of.as_deref(), Some("2025-12-31"));
    assert!(matrix.rows.is_empty(), "no stakeholder of the world has a country");
}
