//! `normwatch links`: incident linking from the command line, and the proposal run that ends an
//! import (so a fresh import of a second dataset shows its overlaps with the first at once).
use anyhow::Result;
use normwatch_core::linking::PROPOSAL_THRESHOLD;
use normwatch_store::{Actor, Store};

#[derive(Debug, clap::Subcommand)]
pub enum LinksCommand {
    /// Run the matcher over the stored incidents and record, for coders to confirm or reject,
    /// every pair of records from different sources that may describe the same incident (score
    /// at or above --threshold). Running it again proposes nothing twice, and never a pair
    /// already rejected.
    Propose {
        /// The lowest score proposed, 0 to 1 (the default is the one measured on the labelled
        /// sample: docs/linking.md).
        #[arg(long, default_value_t = PROPOSAL_THRESHOLD, value_parser = parse_threshold)]
        threshold: f64,
    },
}

fn parse_threshold(v: &str) -> Result<f64, String> {
    match v.parse::<f64>() {
        Ok(t) if (0.0..=1.0).contains(&t) => Ok(t),
        _ => Err(format!("`{v}` is not a score: give a number from 0 to 1")),
    }
}

/// Proposes links, showing progress, and prints what was done.
pub async fn propose(store: &Store, threshold: f64) -> Result<()> {
    let bar = crate::progress_bar("linking candidates", "");
    let report = store
        .propose_links(&Actor::system(), threshold, |done, total| {
            bar.set_length(total as u64);
            bar.set_position(done as u64);
        })
        .await?;
    bar.finish();
    println!(
        "links: {} incidents, {} candidate pairs, {} at or above {threshold}; {} proposed, {} already proposed or decided, {} confirmed links carried over to new records",
        report.incidents,
        report.candidates,
        report.above_threshold,
        report.proposed,
        report.already_decided,
        report.reapplied
    );
    Ok(())
}
