use super::*;

/// A small catalogue that is valid; each test breaks one thing in it.
fn fixture() -> Vec<CatalogFile> {
    vec![
        CatalogFile::new(
            "catalog.toml",
            r#"version = "t.1"
title = { ja = "目録", en = "Catalogue" }
description = { ja = "試験用", en = "For tests" }"#,
        ),
        CatalogFile::new(
            "documents.toml",
            r#"[[document]]
id = "un-gge-2015"
title = { ja = "国連GGE報告書", en = "UN GGE report" }
date = "2015-07-22"
publisher = { ja = "国際連合", en = "United Nations" }
url = "https://example.org/a-70-174"
[[document]]
id = "g7-lucca-2017"
title = { ja = "ルッカ宣言", en = "Lucca Declaration" }
date = "2017-04-11"
publisher = { ja = "G7", en = "G7" }
url = "https://example.org/lucca""#,
        ),
        CatalogFile::new(
            "principles.toml",
            r#"[[principle]]
id = "restraint"
title = { ja = "自制", en = "Restraint" }
summary = { ja = "控える", en = "Hold back" }
sources = [{ document = "un-gge-2015", paragraph = "1" }]"#,
        ),
        CatalogFile::new("framework.toml", ""),
        CatalogFile::new("recommendations.toml", ""),
        CatalogFile::new(
            "norms.toml",
            r#"[[norm]]
id = "gge-f"
title = { ja = "重要インフラ", en = "Critical infrastructure" }
summary = { ja = "損なわない", en = "Do not damage it" }
sources = [{ document = "un-gge-2015", paragraph = "13(f)" }, { document = "g7-lucca-2017", paragraph = "6" }]
addressees = ["states"]
kind = "restraint"
principles = ["restraint"]
related = ["gge-g"]
assets = ["ci"]
status = "active"
[[norm]]
id = "gge-g"
title = { ja = "防護", en = "Protection" }
summary = { ja = "守る", en = "Protect it" }
sources = [{ document = "un-gge-2015", paragraph = "13(g)" }]
addressees = ["states"]
kind = "restraint"
principles = ["restraint"]
status = "active""#,
        ),
        taxonomy(
            "addressees",
            "vocabulary",
            ("名宛人", "Addressees"),
            ("誰に", "Whom"),
            &[("states", "国家", "States")],
        ),
        taxonomy(
            "norm-kinds",
            "vocabulary",
            ("種類", "Kinds"),
            ("種類", "Kinds"),
            &[("restraint-kind", "自制", "Restraint"), ("restraint", "自制", "Restraint")],
        ),
        taxonomy(
            "critical-infrastructure",
            "assets",
            ("重要インフラ", "Critical infrastructure"),
            ("分野", "Sectors"),
            &[("ci", "重要インフラ", "Critical infrastructure")],
        ),
    ]
}

/// `taxonomies/<id>.toml`, written as a catalogue author would; texts and labels are (ja, en).
fn taxonomy(
    id: &str,
    kind: &str,
    (title_ja, title_en): (&str, &str),
    (desc_ja, desc_en): (&str, &str),
    terms: &[(&str, &str, &str)],
) -> CatalogFile {
    let mut text = format!(
        "id = \"{id}\"\nkind = \"{kind}\"\ntitle = {{ ja = \"{title_ja}\", en = \"{title_en}\" }}\ndescription = {{ ja = \"{desc_ja}\", en = \"{desc_en}\" }}"
    );
    for (term, ja, en) in terms {
        text.push_str(&format!("\n[[term]]\nid = \"{term}\"\nlabel = {{ ja = \"{ja}\", en = \"{en}\" }}"));
    }
    CatalogFile::new(format!("taxonomies/{id}.toml"), text)
}

fn with(path: &str, edit: impl Fn(&str) -> String) -> Vec<CatalogFile> {
    fixture()
        .into_iter()
        .map(|f| if f.path == path { CatalogFile::new(f.path.clone(), edit(&f.text)) } else { f })
        .collect()
}

fn problems(files: &[CatalogFile]) -> Vec<Problem> {
    match Catalog::from_files(files) {
        Err(CatalogError::Invalid(p)) => p,
        other => panic!("expected validation problems, got {other:?}"),
    }
}

#[test]
fn the_fixture_is_valid_and_relations_read_both_ways() {
    let c = Catalog::from_files(&fixture()).expect("fixture is valid");
    assert_eq!(c.norm("gge-g").map(|n| n.related.clone()), Some(vec!["gge-f".to_owned()]));
    assert_eq!(c.norms_citing("g7-lucca-2017", " 6 ").len(), 1);
    assert_eq!(c.norms_citing("un-gge-2015", "13 (F)")[0].id, "gge-f");
}

#[test]
fn duplicate_id_names_file_entry_and_first_place() {
    // A term that reuses another taxonomy's term: terms are unique across taxonomies.
    let files = with("taxonomies/norm-kinds.toml", |t| t.replace("id = \"restraint-kind\"", "id = \"states\""));
    let p = problems(&files);
    assert_eq!(p.len(), 1, "{p:?}");
    assert_eq!(p[0].file, "taxonomies/norm-kinds.toml");
    assert_eq!(p[0].entry, "term `states`");
    assert_eq!(p[0].field, "id");
    assert!(
        matches!(&p[0].defect, Defect::DuplicateId { id, first_in } if id == "states" && first_in == "taxonomies/addressees.toml")
    );
}

#[test]
fn dangling_reference_names_the_field() {
    let files = with("norms.toml", |t| t.replace("related = [\"gge-g\"]", "related = [\"gge-z\"]"));
    let p = problems(&files);
    assert_eq!(p.len(), 1, "{p:?}");
    assert_eq!(
        (p[0].file.as_str(), p[0].entry.as_str(), p[0].field.as_str()),
        ("norms.toml", "norm `gge-f`", "related[0]")
    );
    assert_eq!(p[0].defect, Defect::DanglingReference { target: "norm", id: "gge-z".into() });
    let text = CatalogError::Invalid(p).to_string();
    assert!(text.contains("norms.toml: norm `gge-f`: field `related[0]`"), "{text}");
}

#[test]
fn missing_language_names_the_language() {
    let files = with("norms.toml", |t| {
        t.replace("summary = { ja = \"守る\", en = \"Protect it\" }", "summary = { en = \"Protect it\" }")
    });
    let p = problems(&files);
    assert_eq!(p.len(), 1, "{p:?}");
    assert_eq!((p[0].entry.as_str(), p[0].field.as_str()), ("norm `gge-g`", "summary.ja"));
    assert_eq!(p[0].defect, Defect::MissingLanguage { lang: Lang::Ja });
}

#[test]
fn unknown_document_names_the_source() {
    let files = with("norms.toml", |t| t.replace("document = \"g7-lucca-2017\"", "document = \"g7-lucca-2071\""));
    let p = problems(&files);
    assert_eq!(p.len(), 1, "{p:?}");
    assert_eq!((p[0].entry.as_str(), p[0].field.as_str()), ("norm `gge-f`", "sources[1].document"));
    assert_eq!(p[0].defect, Defect::UnknownDocument { id: "g7-lucca-2071".into() });
}

#[test]
fn a_norm_addressing_an_unknown_actor_is_refused() {
    let files = with("norms.toml", |t| t.replacen("addressees = [\"states\"]", "addressees = [\"pirates\"]", 1));
    let p = problems(&files);
    assert_eq!(p[0].field, "addressees[0]");
}

#[test]
fn parse_errors_name_the_file() {
    let files = with("norms.toml", |t| t.replace("status = \"active\"", "status = \"maybe\""));
    let err = Catalog::from_files(&files).expect_err("bad status");
    assert!(matches!(&err, CatalogError::Parse { file, .. } if file == "norms.toml"), "{err}");
    let files = with("documents.toml", |t| format!("{t}\nauthor = \"x\""));
    let err = Catalog::from_files(&files).expect_err("unknown field");
    assert!(err.to_string().contains("documents.toml"), "{err}");
}

#[test]
fn digest_changes_with_content() {
    let a = Catalog::from_files(&fixture()).expect("valid");
    let b = Catalog::from_files(&with("norms.toml", |t| t.replace("Protect it", "Protect them"))).expect("valid");
    assert_ne!(a.digest, b.digest);
    assert_eq!(a.digest, Catalog::from_files(&fixture()).expect("valid").digest);
}
