//! The in-memory incident index answers exactly as the SQL search does — totals, facet counts,
//! pages and cursors — for every role, marking, status and community scope, on both backends, and
//! stays current after writes, including writes by another process on the same database and, on
//! PostgreSQL, writes that commit in the opposite order to the one they began in.
use crate::catalog::fresh_url;
use normwatch_core::incident::{IncidentCursor, IncidentInput, IncidentQuery, IncidentSort, SortKey};
use normwatch_core::violation::{AssessmentInput, AttributionInput, ReviewRule};
use normwatch_core::{Catalog, Localized, Role, Viewer};
use normwatch_store::{Actor, Backend, IncidentPage, LedgerKind, Store, SuccessFactors, WriteOptions};
use serde_json::json;

fn incident(i: usize) -> IncidentInput {
    let statuses = ["published", "published", "draft", "in-review"];
    let tlps = ["clear", "clear", "green", "amber", "amber+strict", "red"];
    let countries = ["JP", "UA", "US", "DE"];
    let ops = ["espionage", "ransomware", "denial-of-service"];
    let stakeholder = match i % 5 {
        0 => json!("jp"),
        1 => json!("acme"),
        _ => json!(null),
    };
    let community = if i % 7 == 3 { json!("c1") } else { json!(null) };
    let started = if i.is_multiple_of(9) { json!(null) } else { json!(format!("{}-0{}", 2015 + i % 6, 1 + i % 9)) };
    // Some imported (the list names their dataset), from two datasets.
    let origin = match i % 3 {
        0 => json!({"dataset": if i.is_multiple_of(2) { "eurepoc" } else { "cfr" }, "id": format!("o{i}")}),
        _ => json!(null),
    };
    serde_json::from_value(json!({
        "origin": origin,
        "title": title(i),
        "started": started,
        "operation_types": [ops[i % 3]],
        "targets": [{"name": "t", "country": countries[i % 4], "sector": "ci.energy"}],
        "status": statuses[i % 4], "tlp": tlps[i % 6], "stakeholder": stakeholder, "community": community,
    }))
    .expect("incident")
}

/// Titles that repeat (ties broken by id), in one language or both, upper and lower case (a
/// byte order puts `Z` before `a`; a locale's would not).
fn title(i: usize) -> serde_json::Value {
    let en = format!(
        "{} {} at a {} operator",
        ["Incident", "incident", "Zone"][i % 3],
        i % 10,
        ["pipeline", "hospital", "bank"][i % 3]
    );
    match i % 4 {
        0 | 3 => json!({"en": en}),
        1 => json!({"ja": format!("攻撃{}", i % 5), "en": en}),
        _ => json!({"ja": format!("{}事案", ["送電", "病院"][i % 2])}),
    }
}

fn viewers() -> Vec<Viewer> {
    let v =
        |account: Option<&str>, role: Option<Role>, stakeholder: Option<&str>, communities: Option<Vec<&str>>| Viewer {
            account: account.map(str::to_owned),
            role,
            stakeholder: stakeholder.map(str::to_owned),
            communities: communities.map(|c| c.into_iter().map(str::to_owned).collect()),
        };
    vec![
        v(None, None, None, Some(vec![])),
        v(Some("r1"), Some(Role::Reader), None, Some(vec![])),
        v(Some("a1"), Some(Role::Contributor), Some("jp"), Some(vec![])),
        v(Some("a2"), Some(Role::Contributor), Some("acme"), Some(vec!["c1"])),
        v(Some("e1"), Some(Role::Editor), None, Some(vec![])),
        v(Some("rv"), Some(Role::Reviewer), None, Some(vec!["c1"])),
        v(Some("ad"), Some(Role::Admin), None, Some(vec![])),
        Viewer::system(),
    ]
}

fn queries(catalog: &Catalog) -> Vec<IncidentQuery> {
    let sets: Vec<Vec<(&str, &str)>> = vec![
        vec![],
        vec![("country", "JP")],
        vec![("year", "2017")],
        vec![("operation", "ransomware"), ("country", "UA")],
        vec![("norm", "gcsc-1")],
        vec![("attributed_state", "RU")],
        vec![("status", "draft")],
        vec![("q", "hospital")],
        vec![("q", "hospital"), ("sector", "ci.energy")],
        vec![("q", "攻撃")],
    ];
    sets.into_iter()
        .map(|s| {
            let mut q = IncidentQuery::parse(s.iter().copied(), catalog).expect("query");
            q.limit = 7;
            q
        })
        .collect()
}

fn same(a: &IncidentPage, b: &IncidentPage, what: &str) {
    assert_eq!(a.total, b.total, "total: {what}");
    let ids = |p: &IncidentPage| p.incidents.iter().map(|i| i.id.clone()).collect::<Vec<_>>();
    assert_eq!(ids(a), ids(b), "page: {what}");
    // Each row as listed: titles, start, marking, dataset, facet values, links.
    let rows = |p: &IncidentPage| serde_json::to_value(&p.incidents).expect("json");
    assert_eq!(rows(a), rows(b), "rows: {what}");
    assert_eq!(a.next, b.next, "cursor: {what}");
    let facets = |p: &IncidentPage| {
        p.facets
            .iter()
            .map(|(k, v)| (k.clone(), v.iter().map(|f| (f.value.clone(), f.count)).collect::<Vec<_>>()))
            .collect::<Vec<_>>()
    };
    assert_eq!(facets(a), facets(b), "facets: {what}");
}

/// Pages followed by their cursors list every match once, in the order asked for.
fn assert_in_order(listed: &[normwatch_store::IncidentSummary], sort: IncidentSort) {
    let key = |i: &normwatch_store::IncidentSummary| match sort.key {
        SortKey::Start => (i.start.clone().unwrap_or_else(|| "0000-00-00".into()), i.id.clone()),
        k => (k.title(&i.title.ja, &i.title.en).to_owned(), i.id.clone()),
    };
    for pair in listed.windows(2) {
        let (a, b) = (key(&pair[0]), key(&pair[1]));
        assert!(if sort.descending { a > b } else { a < b }, "{} then {a:?} before {b:?}", sort.name());
    }
}

async fn compare_all(store: &Store, catalog: &Catalog) -> usize {
    let mut pages = 0;
    for viewer in viewers() {
        for (n, mut q) in queries(catalog).into_iter().enumerate() {
            // Every order, spread over the queries (each query in two of them) to keep it quick.
            for sort in [IncidentSort::NAMES[n % 6], IncidentSort::NAMES[(n + 3) % 6]] {
                q.sort = IncidentSort::parse(sort).expect("sort");
                q.cursor = None;
                let mut listed: Vec<normwatch_store::IncidentSummary> = Vec::new();
                loop {
                    let index = store.search_incidents(&viewer, &q).await.expect("index");
                    let sql = store.search_incidents_sql(&viewer, &q).await.expect("sql");
                    same(&index, &sql, &format!("{viewer:?} {q:?}"));
                    pages += 1;
                    listed.extend(index.incidents);
                    match index.next.as_deref() {
                        Some(c) => q.cursor = Some(IncidentCursor::parse(c).expect("a cursor")),
                        None => break,
                    }
                }
                assert_in_order(&listed, q.sort);
            }
        }
    }
    pages
}

async fn create<T: LedgerKind>(store: &Store, actor: &str, input: &T) -> String {
    let published = input.status() == normwatch_core::RecordStatus::Published;
    store
        .create_ledger_record(&Actor(actor.to_owned()), input, WriteOptions { publish_directly: published })
        .await
        .expect("create")
        .id
}

crate::on_both_backends!(answers_as_sql_does);

async fn answers_as_sql_does(backend: Backend) {
    let (url, _dir) = fresh_url(backend).await;
    let store = Store::connect(&url).await.expect("store");
    let catalog = Catalog::embedded().expect("catalogue");
    store.load_catalog(&catalog).await.expect("catalogue");
    let system = Actor::system();
    for (id, kind, country) in [("jp", "state", Some("JP")), ("acme", "private-sector", None)] {
        let s =
            serde_json::from_value(json!({"id": id, "kind": kind, "country": country, "name": {"ja": id, "en": id}}))
                .expect("stakeholder");
        store.create_stakeholder(&system, &s).await.expect("stakeholder");
    }
    let factors = SuccessFactors {
        shared_principles: "p".into(),
        problem_focus: "p".into(),
        expertise: "p".into(),
        support: "p".into(),
        transparent_process: "p".into(),
    };
    store
        .create_community(
            &system,
            "c1",
            &Localized::new("c", "c"),
            &Localized::new("p", "p"),
            &[],
            &factors,
            &[("acme".into(), "coordinator".into())],
        )
        .await
        .expect("community");
    let recorders = ["a1", "a2", "e1"];
    let mut published = Vec::new();
    let mut ids = Vec::new();
    for i in 0..80 {
        let input = incident(i);
        let id = create(&store, recorders[i % 3], &input).await;
        ids.push(id.clone());
        if input.status == normwatch_core::RecordStatus::Published {
            published.push((id, input.tlp, input.community.clone()));
        }
    }
    // Findings add facets with their own marking and scope: a community's incident keeps its
    // findings in the community; others' findings may be narrower than their incident.
    for (n, (id, tlp, incident_community)) in published.iter().enumerate() {
        let finding_tlp = if n % 2 == 0 { *tlp } else { normwatch_core::Tlp::Amber.max(*tlp) };
        let community = match incident_community {
            Some(c) => json!(c),
            None if n % 5 == 0 => json!("c1"),
            None => json!(null),
        };
        let a: AssessmentInput = serde_json::from_value(json!({"incident": id, "norm": "gcsc-1",
            "actor": {"kind": "non-state", "group": "G"}, "level": "likely", "rationale": {"en": "r"},
            "status": "published", "tlp": finding_tlp, "community": community}))
        .expect("assessment");
        create(&store, "e1", &a).await;
        let state = ["RU", "CN"][n % 2];
        let c: AttributionInput = serde_json::from_value(json!({"incident": id,
            "attributor": {"name": "Lab", "kind": "security-company"}, "attributed_to": {"state": state},
            "type": "technical", "attributed_on": "2020-01-01", "status": "published", "tlp": finding_tlp,
            "community": incident_community}))
        .expect("claim");
        create(&store, "e1", &c).await;
    }
    let pages = compare_all(&store, &catalog).await;
    assert!(pages > 100, "{pages} pages compared");

    let everything = IncidentQuery::parse(std::iter::empty::<(&str, &str)>(), &catalog).expect("query");
    let unlinked = store.search_incidents(&Viewer::system(), &everything).await.expect("search").total;
    // Confirmed links across markings, statuses and communities (pairs and chains of three): a
    // group counts once, by its smallest matching member, on both paths and for every role.
    for k in (0..60).step_by(4) {
        for (a, b) in [(k, k + 1), (k + 1, k + 6)] {
            store.link_incidents(&system, &Viewer::system(), &ids[a], &ids[b]).await.expect("link");
        }
    }
    let groups = store.incident_groups(&Viewer::system()).await.expect("groups");
    assert!(groups.len() >= 30, "{} incidents in groups", groups.len());
    let distinct: std::collections::HashSet<&String> = groups.values().collect();
    let linked = store.search_incidents(&Viewer::system(), &everything).await.expect("search").total;
    assert_eq!(linked, unlinked - (groups.len() - distinct.len()) as i64, "each group counts once");
    let pages = compare_all(&store, &catalog).await;
    assert!(pages > 100, "{pages} pages compared with links");

    // Corrections: a published successor hides its predecessor from whoever may read the
    // successor — one narrower in marking, one still a draft, one published as widely.
    let before = store.search_incidents(&Viewer::system(), &everything).await.expect("search").total;
    let mut corrected = 0;
    for (n, (id, _, _)) in published.iter().enumerate().skip(1).step_by(5).take(9) {
        let mut input =
            store.ledger_record::<IncidentInput>(&Viewer::system(), id).await.expect("read").expect("record").body;
        input.title = Localized::new("", format!("Corrected {n}: pipeline"));
        if n % 3 == 1 {
            input.tlp = normwatch_core::Tlp::Red;
        }
        let new = store.correct_ledger_record(&system, &Viewer::system(), id, &input, None).await.expect("correct");
        if n % 3 != 2 {
            store.submit_ledger_record::<IncidentInput>(&system, &Viewer::system(), &new.id).await.expect("submit");
            store
                .publish_ledger_record::<IncidentInput>(
                    &system,
                    &Viewer::system(),
                    &new.id,
                    ReviewRule { approvals: 0, stakeholder_kinds: 0 },
                )
                .await
                .expect("publish");
            corrected += 1;
        }
    }
    assert!(corrected > 3, "{corrected} corrections published");
    let after = store.search_incidents(&Viewer::system(), &everything).await.expect("search").total;
    assert!(after <= before + 3, "published corrections replace what they correct: {before} → {after}");
    let pages = compare_all(&store, &catalog).await;
    assert!(pages > 100, "{pages} pages compared with corrections");

    // Writes after the index was built: a new incident, a status change, and an incident
    // written by another process on the same database.
    let fresh = create(&store, "a1", &incident(2)).await;
    store.submit_ledger_record::<IncidentInput>(&Actor("a1".into()), &Viewer::system(), &fresh).await.expect("submit");
    let other = Store::connect(&url).await.expect("second process");
    let mut input = incident(0);
    input.title = Localized::new("", "Written beside the server: hospital");
    input.origin = None; // incident 0's origin is taken
    create(&other, "a2", &input).await;
    // A draft's text edited in place: kept matches of "hospital" (and of its old word) follow it.
    let draft = store.ledger_record::<IncidentInput>(&Viewer::system(), &ids[6]).await.expect("read").expect("draft");
    assert_eq!(draft.body.status, normwatch_core::RecordStatus::Draft);
    let mut edited = draft.body.clone();
    edited.title = Localized::new("", "Edited draft: hospital");
    store
        .update_ledger_draft(&Actor("a1".into()), &Viewer::system(), &ids[6], draft.version, &edited)
        .await
        .expect("edit the draft");
    compare_all(&store, &catalog).await;
    // A link confirmed by the other process: the groups this store keeps per viewer follow it.
    let grouped = store.search_incidents(&Viewer::system(), &everything).await.expect("search").total;
    other.link_incidents(&system, &Viewer::system(), &ids[70], &ids[75]).await.expect("link beside the server");
    let after_link = store.search_incidents(&Viewer::system(), &everything).await.expect("search").total;
    assert_eq!(after_link, grouped - 1, "a link written by another process folds its pair into one");
    compare_all(&store, &catalog).await;
    let anonymous = &viewers()[0];
    let q = IncidentQuery::parse([("q", "beside")], &catalog).expect("query");
    assert_eq!(store.search_incidents(anonymous, &q).await.expect("search").total, 1);
}

/// Two writers on PostgreSQL: the first changes an incident and stays open; the second changes
/// another and commits as soon as it may. An index that read in between must not pass over the
/// first's change when it commits (its change number would be the smaller one).
#[tokio::test]
async fn a_write_that_commits_late_still_reaches_the_index_on_postgres() {
    use sqlx::{Connection, Executor, PgConnection};
    let (url, _dir) = fresh_url(Backend::Postgres).await;
    let store = Store::connect(&url).await.expect("store");
    let catalog = Catalog::embedded().expect("catalogue");
    store.load_catalog(&catalog).await.expect("catalogue");
    let mut ids = Vec::new();
    for i in 0..2 {
        let mut input = incident(0);
        input.tlp = normwatch_core::Tlp::Clear;
        input.status = normwatch_core::RecordStatus::Published;
        input.stakeholder = None;
        input.origin = None;
        input.title = Localized::new("", format!("Late writer {i}"));
        ids.push(create(&store, "e1", &input).await);
    }
    let anonymous = viewers()[0].clone();
    let q = IncidentQuery::parse([("q", "Late writer")], &catalog).expect("query");
    let listed = |page: IncidentPage| page.incidents.into_iter().map(|i| i.id).collect::<Vec<_>>();
    assert_eq!(listed(store.search_incidents(&anonymous, &q).await.expect("search")).len(), 2);

    let hide = |id: &str| sqlx::AssertSqlSafe(format!("UPDATE incidents SET tlp = 'red' WHERE id = '{id}'"));
    let mut first = PgConnection::connect(&url).await.expect("connect");
    first.execute("BEGIN").await.expect("begin");
    first.execute(hide(&ids[0])).await.expect("first write");
    let (second_url, second_id) = (url.clone(), ids[1].clone());
    let second = tokio::spawn(async move {
        let mut c = PgConnection::connect(&second_url).await.expect("connect");
        c.execute("BEGIN").await.expect("begin");
        c.execute(hide(&second_id)).await.expect("second write");
        c.execute("COMMIT").await.expect("commit");
    });
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    // The index reads while the first is open (the second waits for it: numbers go in commit order).
    let between = store.search_incidents(&anonymous, &q).await.expect("search");
    same(&between, &store.search_incidents_sql(&anonymous, &q).await.expect("sql"), "while the first is open");
    first.execute("COMMIT").await.expect("commit");
    second.await.expect("second writer");
    let after = store.search_incidents(&anonymous, &q).await.expect("search");
    same(&after, &store.search_incidents_sql(&anonymous, &q).await.expect("sql"), "after both");
    assert!(listed(after).is_empty(), "both changes reached the index");
}
