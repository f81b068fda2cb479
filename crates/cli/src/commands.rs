//! The command line's shape: every command, its arguments and their help. `main.rs` runs them.
use crate::config::{ConfigArgs, InstanceArgs};
use crate::{classify, collect, links, peers};
use clap::{Parser, Subcommand};
use std::path::PathBuf;

/// normwatch — a cyberstability observatory: the cyber norms of the G7 Lucca Declaration (2017)
/// and the GCSC report (2019), who adopts them, and verifiable records of their violation.
#[derive(Debug, Parser)]
#[command(name = "normwatch", version, propagate_version = true, arg_required_else_help = true)]
pub struct Cli {
    #[command(flatten)]
    pub config: ConfigArgs,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Serve the portal and the API. The first run creates the data directory, the SQLite
    /// database, the catalogue and the instance's Ed25519 log key; then prints the URL.
    Serve(InstanceArgs),
    /// Create the data directory, the database (migrated), the catalogue and the signing key,
    /// then exit. Running it again changes nothing that exists.
    Init(InstanceArgs),
    /// Work with the norm catalogue.
    #[command(subcommand)]
    Catalog(CatalogCommand),
    /// Read the norms in the database.
    #[command(subcommand)]
    Norms(NormsCommand),
    /// Prove offline that a record is in the transparency log: RECORD is the file from
    /// /log/proof/inclusion?record=TYPE/ID, CHECKPOINT a signed checkpoint from /log/checkpoint,
    /// and --key the log's verifier key. With --witness, the checkpoint must also carry the
    /// cosignatures of --quorum of those witnesses (others saw the same tree). Exits 1 when the
    /// proof or the quorum fails.
    Verify {
        /// The record and its inclusion proof (JSON from /log/proof/inclusion?record=TYPE/ID).
        record: PathBuf,
        /// The signed checkpoint to check against (text from /log/checkpoint; ?size=N for the
        /// size of the proof).
        #[arg(long, value_name = "FILE")]
        checkpoint: PathBuf,
        /// The log's verifier key (NAME+KEYID+BASE64), or a file holding it.
        #[arg(long, value_name = "KEY")]
        key: String,
        /// A witness you trust (its verifier key as its `normwatch log key` prints it, or a file
        /// holding it); give --witness once per witness.
        #[arg(long = "witness", value_name = "KEY")]
        witnesses: Vec<String>,
        /// How many of the --witness keys must have cosigned the checkpoint [default: all].
        #[arg(long, value_name = "K", requires = "witnesses")]
        quorum: Option<usize>,
    },
    /// The transparency log: its key, an audit of the stored log, witnessing other logs.
    #[command(subcommand)]
    Log(LogCommand),
    /// Manage accounts from the machine the data lives on (e.g. a lost admin password).
    #[command(subcommand)]
    Accounts(AccountsCommand),
    /// Import public incident datasets (published at once: they are published sources; every
    /// original field is kept). Importing the same file again changes nothing. What was
    /// published is then signed into a checkpoint, proposed for linking, and made into the STIX
    /// objects TAXII serves.
    #[command(subcommand)]
    Import(ImportCommand),
    /// Link records of the same real-world incident across sources (docs/linking.md).
    #[command(subcommand)]
    Links(links::LinksCommand),
    /// The collection classifier (docs/collection.md): train it on EuRepoC, or measure it.
    #[command(subcommand)]
    Classify(classify::ClassifyCommand),
    /// Collection sources (feeds, TAXII collections, MISP feeds, STIX bundles, exploited
    /// vulnerability catalogues): register, list with their health, remove. Acts as the operator.
    #[command(subcommand)]
    Sources(collect::SourcesCommand),
    /// Poll collection sources from the command line (e.g. from cron, with `serve`'s poller off).
    #[command(subcommand)]
    Collect(collect::CollectCommand),
    /// Other observatories this instance follows (federation): add one with its pinned key,
    /// list them with their state, sync now. Acts as the operator.
    #[command(subcommand)]
    Peers(peers::PeersCommand),
    /// Write the periodic report (GCSC Recommendation 4, "publish") as one self-contained HTML
    /// file of what happened in the period: incidents by their start, the violations found in
    /// them, attributions and responses by their own dates (month- or year-precise dates that
    /// overlap the period included and marked; undated records listed apart), the changes in
    /// norm adoption, a chart per norm, and the signed checkpoint it was built from. Only what
    /// anyone may read (published, TLP:CLEAR) goes in. Print-ready. Progress goes to stderr.
    Report {
        /// First day of the period (YYYY-MM-DD).
        #[arg(long, value_parser = parse_day)]
        from: String,
        /// Last day of the period (YYYY-MM-DD), included.
        #[arg(long, value_parser = parse_day)]
        to: String,
        /// Language of the report: ja or en.
        #[arg(long, default_value = "ja", value_parser = parse_report_lang)]
        lang: normwatch_core::Lang,
        /// Write to FILE instead of standard output.
        #[arg(long, value_name = "FILE")]
        out: Option<PathBuf>,
    },
    /// Export records in exchange formats (STIX 2.1).
    #[command(subcommand)]
    Export(ExportCommand),
    /// Create an Ed25519 signing key for co-signing statements: writes FILE (owner-only) and
    /// prints the public key to register with POST /api/v1/stakeholders/ID/keys.
    Keygen {
        /// Where to write the private key (created owner-only; an existing file is not overwritten).
        file: PathBuf,
    },
    /// Sign a collective attribution statement: STATEMENT is the file saved from
    /// GET /api/v1/statements/ID/canonical; prints the base64 signature to POST to …/signatures.
    Sign {
        /// The signing key from `normwatch keygen`.
        #[arg(long, value_name = "FILE")]
        key: PathBuf,
        /// The statement's canonical text, saved from GET /api/v1/statements/ID/canonical.
        statement: PathBuf,
    },
    /// Collective attribution statements, offline.
    #[command(subcommand)]
    Statement(StatementCommand),
    /// Print the effective configuration (file + environment + flags), secrets redacted.
    Config {
        /// Print JSON instead of TOML.
        #[arg(long)]
        json: bool,
        #[command(flatten)]
        instance: InstanceArgs,
    },
}

#[derive(Debug, Subcommand)]
pub enum StatementCommand {
    /// Check every co-signature in FILE (saved from GET /api/v1/statements/ID/verify) against the
    /// statement's own text, claims and date. Exits 1 when one fails.
    Verify {
        /// The JSON saved from GET /api/v1/statements/ID/verify.
        file: PathBuf,
    },
}

#[derive(Debug, Subcommand)]
pub enum ImportCommand {
    /// EuRepoC v1.1: DIR holds EuRepoC_Global_Database_1.1.csv, EuRepoC_Attribution_dataset_1.1.csv
    /// and EuRepoC_Receiver_dataset_1.1.csv (Zenodo record 7848941). Imports the incidents with
    /// their receivers, one attribution claim per attribution row, and the political and legal
    /// responses. Importing the same files again changes nothing; a newer release supersedes
    /// the records whose content changed (docs/importers.md).
    Eurepoc {
        /// The folder holding the three EuRepoC v1.1 CSV files.
        dir: PathBuf,
    },
    /// The CFR Cyber Operations Tracker export (cyber-operations-incidents.csv): incidents, a
    /// claim per sponsor state, and the responses CFR names.
    Cfr {
        /// The tracker's CSV export (cyber-operations-incidents.csv).
        file: PathBuf,
    },
    /// A STIX 2.1 or 2.0 bundle (or a TAXII envelope), from FILE or `-` for standard input.
    /// Streams: a bundle larger than memory imports in bounded memory. Each object is checked;
    /// a bad one is reported with its id and a JSON pointer and skipped, the rest are imported.
    /// Unknown types and properties are kept verbatim. Objects go to the TAXII collection of
    /// their TLP marking (TLP 1.0, 2.0 and common vendor markings are recognised). Importing
    /// the same objects again (same id and `modified`) adds nothing. Only an object's creator
    /// versions it (STIX 2.1 §3.6): a new version of an object normwatch published, or one
    /// naming normwatch's identity as its creator, is refused and named. Exit code 2 when
    /// objects were skipped or refused.
    Stix {
        /// The bundle file, or `-` for standard input.
        source: String,
        /// The marking of objects that carry none (clear, green, amber, amber+strict, red).
        #[arg(long, default_value = "clear", value_parser = parse_tlp)]
        tlp: normwatch_core::Tlp,
        /// Share the objects with this community of interest only (its id).
        #[arg(long, value_name = "ID")]
        community: Option<String>,
    },
}

pub fn parse_day(text: &str) -> Result<String, String> {
    time::Date::parse(text, time::macros::format_description!("[year]-[month]-[day]"))
        .map(|_| text.to_owned())
        .map_err(|_| format!("`{text}` is not a date: write YYYY-MM-DD, e.g. 2025-01-31"))
}

pub fn parse_report_lang(text: &str) -> Result<normwatch_core::Lang, String> {
    match text {
        "ja" => Ok(normwatch_core::Lang::Ja),
        "en" => Ok(normwatch_core::Lang::En),
        other => Err(format!("`{other}` is not a language of the report: use ja or en")),
    }
}

pub fn parse_tlp(text: &str) -> Result<normwatch_core::Tlp, String> {
    text.parse()
}

#[derive(Debug, Subcommand)]
pub enum ExportCommand {
    /// Write a STIX 2.1 bundle of the published records about the incidents the filters find
    /// (the incident list's filters): incidents, evidence, violation assessments, attribution
    /// claims, statements, responses, the identities behind them, and a report naming them.
    Stix {
        /// Norm id (e.g. gge-f).
        #[arg(long)]
        norm: Option<String>,
        /// Year the incident started.
        #[arg(long)]
        year: Option<String>,
        /// Target country (ISO 3166-1 alpha-2).
        #[arg(long)]
        country: Option<String>,
        /// Target sector (a term of the sector taxonomy).
        #[arg(long)]
        sector: Option<String>,
        /// State an attribution claim names (ISO 3166-1 alpha-2).
        #[arg(long)]
        attributed_state: Option<String>,
        /// Operation type (a term of the operation-type taxonomy).
        #[arg(long)]
        operation: Option<String>,
        /// Full-text search words.
        #[arg(long)]
        q: Option<String>,
        /// Every published record at every marking (the operator's view); without it, what an
        /// anonymous reader may see (TLP:CLEAR, no community).
        #[arg(long)]
        all: bool,
        /// Also write the STIX objects others shared (imported or posted over TAXII), verbatim.
        #[arg(long)]
        stored: bool,
        /// Write to FILE instead of standard output.
        #[arg(long, value_name = "FILE")]
        out: Option<PathBuf>,
    },
}

#[derive(Debug, Subcommand)]
pub enum CatalogCommand {
    /// Validate a catalogue: unique ids, every reference resolved, both languages present, every
    /// source a known document. Exits 1 and names file, entry and field of each problem.
    Check {
        /// Catalogue folder to check [default: the catalogue built into this binary]
        #[arg(long, value_name = "DIR")]
        dir: Option<PathBuf>,
    },
}

#[derive(Debug, Subcommand)]
pub enum LogCommand {
    /// Print this instance's log verifier key (give it to those who verify your records).
    Key,
    /// Recompute the log from the store and compare it with the published records and the latest
    /// signed checkpoint; name the first leaf that differs. Exits 1 on any difference.
    Audit,
    /// Fetch another instance's checkpoint, check that it extends the last one seen from that log
    /// (a fork is reported and exits 3), and cosign it with this instance's key.
    Witness {
        /// The other instance's base URL, e.g. http://127.0.0.1:8380
        url: String,
        /// That log's verifier key (NAME+KEYID+BASE64), or a file holding it.
        #[arg(long, value_name = "KEY")]
        key: String,
    },
    /// The witnesses this log knows: their cosignatures of its checkpoints are accepted (POST
    /// /log/cosignatures) and served with them. The peers this instance follows are witnesses
    /// too.
    #[command(subcommand)]
    Witnesses(crate::log::WitnessesCommand),
}

#[derive(Debug, Subcommand)]
pub enum AccountsCommand {
    /// List the accounts: username, role, stakeholder, disabled.
    List,
    /// Give an account a new one-time password (printed once); its sessions and tokens end.
    ResetPassword {
        /// The account's username.
        username: String,
    },
}

#[derive(Debug, Clone, clap::Args)]
pub struct Output {
    /// Print JSON instead of a table.
    #[arg(long)]
    pub json: bool,
    /// Language of texts: ja, en, or all (both) [default: en for tables, all for JSON]
    #[arg(long, value_name = "LANG")]
    pub lang: Option<String>,
}

#[derive(Debug, Subcommand)]
pub enum NormsCommand {
    /// List norms, optionally filtered (filters combine with AND).
    List {
        /// Only norms citing this document (e.g. un-gge-2015).
        #[arg(long, value_name = "DOCUMENT")]
        source: Option<String>,
        /// With --source: only this paragraph of it (e.g. "13(f)").
        #[arg(long)]
        paragraph: Option<String>,
        /// states, non-state-actors, producers, or both.
        #[arg(long)]
        addressee: Option<String>,
        /// responsibility, restraint, requirement-to-act or human-rights.
        #[arg(long)]
        principle: Option<String>,
        /// Words (Japanese or English) that must all occur in the norm.
        #[arg(short, long = "query", value_name = "WORDS")]
        q: Option<String>,
        #[command(flatten)]
        output: Output,
    },
    /// Show one norm.
    Show {
        /// The norm's id, e.g. gcsc-1.
        id: String,
        #[command(flatten)]
        output: Output,
    },
}
