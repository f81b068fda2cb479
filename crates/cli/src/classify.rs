//! `normwatch classify`: train the collection classifier on EuRepoC's coded incidents, and
//! measure it by k-fold cross-validation.
use anyhow::{Context, Result};
use clap::Subcommand;
use normwatch::import::read_eurepoc;
use normwatch_collect::evaluate::cross_validate;
use normwatch_collect::examples::examples;
use normwatch_collect::{Example, Model};
use normwatch_core::collection::ItemState;
use normwatch_core::incident::IncidentInput;
use normwatch_core::{Localized, Viewer};
use normwatch_store::Store;
use std::path::{Path, PathBuf};
use std::time::Instant;

/// The model's file in the data directory; collection loads it when present.
pub use normwatch_app::collect::MODEL_FILE;

#[derive(Debug, Subcommand)]
pub enum ClassifyCommand {
    /// Train the classifier that proposes operation types, targeted sectors and countries, the
    /// attributed state, and whether an item reports an attribution or a response, on EuRepoC
    /// v1.1's coded incidents (their titles and descriptions, and the coders' labels), and on
    /// this instance's triage decisions: an item promoted or attached teaches the labels of the
    /// incident it became (operation types, sectors, countries, state actors), a dismissed item
    /// teaches that its text carries none. Writes <data-dir>/classifier.json, replacing the
    /// model there; without it collection proposes from the gazetteer and keyword rules only.
    Train {
        /// The EuRepoC v1.1 folder (EuRepoC_Global_Database_1.1.csv, the attribution and the
        /// receiver datasets).
        eurepoc: PathBuf,
    },
    /// Measure the classifier by k-fold cross-validation on EuRepoC v1.1: prints macro-F1 per
    /// label family, the mistakes it makes most often and the items it classifies per second.
    /// Writes nothing.
    Evaluate {
        /// The EuRepoC v1.1 folder.
        eurepoc: PathBuf,
        /// Number of folds (2 or more).
        #[arg(long, default_value_t = 5)]
        folds: usize,
    },
}

fn load(dir: &Path) -> Result<Vec<Example>> {
    let import = read_eurepoc(dir)?;
    let examples = examples(&import.incidents, &import.claims, &import.responses);
    eprintln!("{} incidents with text, of {}", examples.len(), import.incidents.len());
    Ok(examples)
}

/// Examples from the triage decisions in the database: `(examples, from promoted or attached
/// items, from dismissed items)`. Open items teach nothing yet.
pub async fn triage_examples(database: &str) -> Result<(Vec<Example>, usize, usize)> {
    let store = Store::connect(database).await?;
    let mut out = Vec::new();
    let (mut used, mut dismissed) = (0, 0);
    for (text, state, incident) in store.decided_items().await? {
        match (state, incident) {
            (ItemState::Dismissed, _) => {
                out.push(Example { text, labels: Default::default() });
                dismissed += 1;
            }
            (ItemState::Promoted | ItemState::Attached, Some(id)) => {
                let Some(incident) = current_incident(&store, &id).await? else { continue };
                // The incident's labels, as EuRepoC's coded incidents are labelled, on the
                // item's own text (the incident's text was written from it, or before it).
                let mut labelled = incident;
                labelled.title = Localized::new("", text.clone());
                labelled.description = Localized::new("", "");
                labelled.origin = None;
                let labels = examples(&[labelled], &[], &[]).pop().map(|e| e.labels).unwrap_or_default();
                out.push(Example { text, labels });
                used += 1;
            }
            _ => {}
        }
    }
    store.close().await;
    Ok((out, used, dismissed))
}

/// A SQLite file not created yet (training before the first `init`): no decisions to learn from.
fn no_database_yet(database: &str) -> bool {
    let Some(path) = database.strip_prefix("sqlite://") else { return false };
    let path = path.split('?').next().unwrap_or(path);
    !path.is_empty() && path != ":memory:" && !Path::new(path).exists()
}

/// The latest version of an incident (coders refine a promoted draft's labels in revisions).
async fn current_incident(store: &Store, id: &str) -> Result<Option<IncidentInput>> {
    let mut id = id.to_owned();
    for _ in 0..32 {
        let Some(record) = store.ledger_record::<IncidentInput>(&Viewer::system(), &id).await? else { return Ok(None) };
        match record.superseded_by {
            Some(next) if next != id => id = next,
            _ => return Ok(Some(record.body)),
        }
    }
    Ok(None)
}

pub async fn run(cmd: ClassifyCommand, data_dir: &Path, database: &str) -> Result<()> {
    match cmd {
        ClassifyCommand::Train { eurepoc } => {
            let mut examples = load(&eurepoc)?;
            std::fs::create_dir_all(data_dir).with_context(|| format!("cannot create {}", data_dir.display()))?;
            let (triage, used, dismissed) =
                if no_database_yet(database) { (vec![], 0, 0) } else { triage_examples(database).await? };
            eprintln!(
                "{} examples from triage: {used} promoted or attached items, {dismissed} dismissed items",
                triage.len()
            );
            examples.extend(triage);
            let started = Instant::now();
            let model = Model::train(&examples)?;
            std::fs::create_dir_all(data_dir).with_context(|| format!("cannot create {}", data_dir.display()))?;
            let path = data_dir.join(MODEL_FILE);
            model.save(&path)?;
            println!(
                "trained on {} examples in {:.1} s: {} labels; wrote {}",
                examples.len(),
                started.elapsed().as_secs_f64(),
                model.labels().count(),
                path.display()
            );
        }
        ClassifyCommand::Evaluate { eurepoc, folds } => {
            let examples = load(&eurepoc)?;
            let r = cross_validate(&examples, folds)?;
            println!("{}-fold cross-validation on {} examples", r.folds, r.examples);
            println!("{:<18} {:>8} {:>8} {:>7}", "family", "macro-F1", "micro-F1", "labels");
            for f in &r.families {
                println!("{:<18} {:>8.3} {:>8.3} {:>7}", f.family.name(), f.macro_f1, f.micro_f1, f.labels);
            }
            println!("items classified per second: {:.0}", r.items_per_second);
            println!("most frequent mistakes (family: expected → proposed, count):");
            for c in &r.confusions {
                println!("  {}: {} → {}  {}", c.family.name(), c.expected, c.proposed, c.count);
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::Parser;

    #[derive(Debug, Parser)]
    struct Cli {
        #[command(subcommand)]
        command: ClassifyCommand,
    }

    #[test]
    fn commands_parse_and_folds_default_to_five() {
        let cli = Cli::try_parse_from(["classify", "evaluate", "/data/eurepoc"]).expect("parses");
        assert!(matches!(cli.command, ClassifyCommand::Evaluate { folds: 5, .. }));
        let cli = Cli::try_parse_from(["classify", "train", "/data/eurepoc"]).expect("parses");
        assert!(matches!(cli.command, ClassifyCommand::Train { eurepoc } if eurepoc == Path::new("/data/eurepoc")));
        assert!(Cli::try_parse_from(["classify", "evaluate", "d", "--folds", "x"]).is_err());
    }

    #[tokio::test]
    async fn a_missing_dataset_is_named() {
        let dir = tempfile::tempdir().expect("tmp");
        let db = format!("sqlite://{}", dir.path().join("n.db").display());
        let err = run(ClassifyCommand::Evaluate { eurepoc: dir.path().join("absent"), folds: 5 }, dir.path(), &db)
            .await
            .expect_err("no data");
        assert!(format!("{err:#}").contains("absent"), "{err:#}");
        assert!(!dir.path().join(MODEL_FILE).exists());
    }
}
