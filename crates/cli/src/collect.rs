//! `normwatch sources` and `normwatch collect`: registering collection sources and polling them
//! from the command line (for cron). The poller that `serve` runs is `poller.rs`.
//!
//! The CLI has no signed-in account: it acts as the local operator, a system admin account
//! (`system` in the audit trail, as other CLI writes), through the same use cases the API calls.
use crate::config::Config;
use crate::setup;
use anyhow::{Result, bail};
use clap::Subcommand;
use normwatch_app::collect::Polled1;
use normwatch_app::{Acting, App, AppError, CollectReport, Collector};
use normwatch_collect::SourceConfig;
use normwatch_core::{Account, Role};
use normwatch_store::{SourceRecord, Store, StoreError};
use serde_json::Value;
use std::process::ExitCode;
use std::time::{Duration, Instant};
use time::OffsetDateTime;

#[derive(Debug, Subcommand)]
pub enum SourcesCommand {
    /// Register a collection source; it is polled at the next run (`normwatch collect once`, or
    /// the poller of `serve`), then every --interval-secs. Prints the new source's id.
    Add {
        /// A name unique among the sources, shown in triage (e.g. "JPCERT/CC alerts").
        #[arg(long)]
        name: String,
        /// What the URL serves: rss, atom, json-feed, misp (a MISP feed folder or its
        /// manifest.json), stix-bundle, taxii (a TAXII 2.1 collection URL ending in
        /// /collections/<id>/) or exploited-vulnerabilities (a JSON list of entries keyed by CVE).
        #[arg(long)]
        kind: String,
        /// The http(s) URL to poll, without user name or password.
        #[arg(long)]
        url: String,
        /// Seconds between polls, 60 to 604800 (a week) [default: 3600].
        #[arg(long, value_name = "SECS")]
        interval_secs: Option<u64>,
    },
    /// List the sources with their health: id, name, kind, URL, last success, last error,
    /// failures since the last success, items kept, and when each is next due.
    List {
        /// Print JSON (every field, the health record included) instead of a table.
        #[arg(long)]
        json: bool,
    },
    /// Stop polling a source (by its id, from `normwatch sources list`). The items it brought
    /// in stay, with their triage decisions.
    Remove {
        /// The source's id.
        id: String,
    },
}

#[derive(Debug, Subcommand)]
pub enum CollectCommand {
    /// Poll every due source once and exit (for cron): fetch, parse, drop duplicates, cluster,
    /// classify, match against the incidents held, and keep the new items for triage. Prints a
    /// line per source (name, entries, new items, error) and a summary. Exits 0 even when some
    /// sources failed (their health records the error and backs off); non-zero only when the
    /// database cannot be opened or written. Sources on private or loopback addresses are
    /// polled only with --allow-private-sources.
    Once {
        /// Poll every source now, due or not.
        #[arg(long)]
        all: bool,
        /// Poll sources on private, loopback or link-local addresses too (refused by default: a
        /// source URL must not reach into the operator's own network).
        #[arg(long, env = "NORMWATCH_ALLOW_PRIVATE_SOURCES")]
        allow_private_sources: bool,
    },
}

/// The local operator: an admin account that is not stored, named `system` in the audit trail.
pub(crate) fn operator() -> Account {
    let now = normwatch_store::now_rfc3339();
    Account {
        id: "system".to_owned(),
        username: "system".to_owned(),
        display_name: "Local operator (command line)".to_owned(),
        role: Role::Admin,
        stakeholder: None,
        disabled: false,
        created_at: now.clone(),
        updated_at: now,
        version: 1,
    }
}

pub(crate) fn app<'a>(instance: &'a setup::Instance, config: &Config) -> App<'a, Store> {
    App {
        store: &instance.store,
        catalog: instance.catalog.clone(),
        today: normwatch_server::today(),
        review_rule: normwatch_core::violation::ReviewRule {
            approvals: config.review_approvals,
            stakeholder_kinds: config.review_stakeholder_kinds,
        },
        figures: &instance.figures,
    }
}

/// The flag a refused field came from.
fn flag(field: &str) -> String {
    format!("--{}", field.replace('_', "-"))
}

/// A refusal in the CLI's words: the flag it is about, and why.
pub(crate) fn refused(e: AppError) -> anyhow::Error {
    match e {
        AppError::InvalidField(f) | AppError::Store(StoreError::Rejected(f)) => {
            anyhow::anyhow!("{}: {}; nothing was added", flag(&f.field), f.reason)
        }
        other => other.into(),
    }
}

pub async fn sources(config: &Config, cmd: SourcesCommand) -> Result<ExitCode> {
    // Refuse a bad kind or URL before the database is even opened: nothing is written.
    if let SourcesCommand::Add { name, kind, url, interval_secs } = &cmd {
        let c =
            SourceConfig { name: name.clone(), kind: kind.clone(), url: url.clone(), interval_secs: *interval_secs };
        if let Err(e) = normwatch_collect::Source::from_config(&c) {
            bail!("{}: {e}; nothing was added", flag(e.field()));
        }
    }
    let instance = setup::prepare(config).await?;
    let account = operator();
    let who = Acting::new(Some(&account), &[]);
    let app = app(&instance, config);
    let result = match cmd {
        SourcesCommand::Add { name, kind, url, interval_secs } => {
            let c = SourceConfig { name, kind, url, interval_secs };
            let record = app.register_source(who, &c).await.map_err(refused)?;
            println!("{}", record.id);
            eprintln!(
                "source `{}` ({}, {}) registered: polled at the next run, then every {} s",
                record.name, record.kind, record.url, record.interval_secs
            );
            Ok(())
        }
        SourcesCommand::List { json } => {
            let list = app.sources(who).await?;
            if json {
                println!("{}", serde_json::to_string_pretty(&list)?);
            } else {
                print_sources(&list);
            }
            Ok(())
        }
        SourcesCommand::Remove { id } => match app.remove_source(who, &id).await {
            Ok(()) => {
                eprintln!("source {id} removed: it is no longer polled; its items stay");
                Ok(())
            }
            Err(AppError::NotFound { .. }) => {
                Err(anyhow::anyhow!("no source `{id}`: list the sources with `normwatch sources list`"))
            }
            Err(e) => Err(e.into()),
        },
    };
    instance.store.close().await;
    result.map(|()| ExitCode::SUCCESS)
}

/// A stored timestamp, to the second.
pub(crate) fn short_time(v: Option<&str>) -> String {
    v.map_or_else(|| "-".to_owned(), |t| t.get(..19).unwrap_or(t).replace('T', " "))
}

fn print_sources(list: &[SourceRecord]) {
    println!(
        "{:<36}  {:<24}  {:<11}  {:<40}  {:<19}  {:<30}  {:>8}  {:>6}  {:<19}",
        "id", "name", "kind", "url", "last success", "last error", "failures", "items", "next due"
    );
    for s in list {
        let h = &s.health;
        let text = |k: &str| h.get(k).and_then(Value::as_str);
        let error: String = text("last_error").unwrap_or("-").chars().take(30).collect();
        println!(
            "{:<36}  {:<24}  {:<11}  {:<40}  {:<19}  {:<30}  {:>8}  {:>6}  {:<19}",
            s.id,
            s.name,
            s.kind,
            s.url,
            short_time(text("last_success")),
            error,
            h.get("failures").and_then(Value::as_u64).unwrap_or(0),
            s.items,
            short_time(Some(&s.next_due)),
        );
    }
    eprintln!("{} source(s)", list.len());
}

/// A source's line in a run's progress.
fn progress_line(p: &Polled1) -> String {
    match &p.error {
        Some(e) => format!("{}: error: {e}", p.name),
        None if p.not_modified => format!("{}: not modified", p.name),
        None => format!("{}: {} entries, {} new", p.name, p.entries, p.new),
    }
}

pub async fn collect(config: &Config, cmd: CollectCommand) -> Result<ExitCode> {
    let CollectCommand::Once { all, allow_private_sources } = cmd;
    let instance = setup::prepare(config).await?;
    let collector = Collector::load(&config.data_dir, allow_private_sources || config.allow_private_sources)?;
    let app = app(&instance, config);
    let started = Instant::now();
    // A time ten years ahead finds every source due.
    let due_by = if all { OffsetDateTime::now_utc() + time::Duration::days(3650) } else { OffsetDateTime::now_utc() };
    let report = app.collect_due_by(&collector, due_by, || false, |p| println!("{}", progress_line(p))).await;
    instance.store.close().await;
    let report = report?;
    println!("{}", summary(&report, started.elapsed()));
    Ok(ExitCode::SUCCESS)
}

fn summary(report: &CollectReport, took: Duration) -> String {
    let entries: usize = report.sources.iter().map(|s| s.entries).sum();
    let secs = took.as_secs_f64();
    format!(
        "collected: {} source(s) polled, {entries} entries, {} new item(s), {} failed, in {secs:.1} s ({:.1} sources/s)",
        report.sources.len(),
        report.new_items(),
        report.failed(),
        report.sources.len() as f64 / secs.max(1e-9)
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::Parser;

    #[derive(Debug, Parser)]
    struct Cli {
        #[command(subcommand)]
        command: SourcesCommand,
    }

    #[test]
    fn add_parses_and_fields_name_their_flag() {
        let cli = Cli::try_parse_from(["s", "add", "--name", "n", "--kind", "rss", "--url", "https://a.example/"])
            .expect("parses");
        assert!(matches!(cli.command, SourcesCommand::Add { interval_secs: None, .. }));
        assert!(Cli::try_parse_from(["s", "add", "--name", "n", "--kind", "rss"]).is_err());
        assert_eq!(flag("interval_secs"), "--interval-secs");
        let e = refused(AppError::InvalidField(normwatch_core::FieldError::new("kind", "no such kind")));
        assert_eq!(e.to_string(), "--kind: no such kind; nothing was added");
    }

    #[test]
    fn progress_lines_say_what_happened() {
        let mut p =
            Polled1 { source: "s1".into(), name: "CERT".into(), entries: 20, new: 3, error: None, not_modified: false };
        assert_eq!(progress_line(&p), "CERT: 20 entries, 3 new");
        p.error = Some("timed out".into());
        assert_eq!(progress_line(&p), "CERT: error: timed out");
        let report = CollectReport { sources: vec![p] };
        let line = summary(&report, Duration::from_secs(2));
        assert!(line.contains("1 source(s) polled, 20 entries, 3 new item(s), 1 failed"), "{line}");
    }
}
