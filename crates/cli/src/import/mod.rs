//! Importers for public incident datasets: EuRepoC v1.1 (global, attribution and receiver CSVs)
//! and the CFR Cyber Operations Tracker CSV. Their vocabularies are mapped onto ours (the
//! crosswalk is docs/importers.md); every original field is kept in the incident's
//! `origin.fields`, so nothing the source said is lost.
mod cfr;
mod eurepoc;
mod kinds;
mod staging;

pub use cfr::{cfr_key, parse_cfr, read_cfr};
pub use eurepoc::{EUREPOC_CHUNK, Eurepoc, parse_eurepoc, read_eurepoc, stage_eurepoc};

use anyhow::{Context, Result};
use normwatch_core::incident::IncidentInput;
use normwatch_core::violation::{AttributionInput, ResponseInput};
use std::fs::File;
use std::io::Read;
use std::path::Path;

pub const EUREPOC_URL: &str = "https://doi.org/10.5281/zenodo.7848941";
pub const CFR_URL: &str = "https://www.cfr.org/cyber-operations";

/// What a dataset import holds before it is stored (the whole dataset, or one chunk of its
/// incidents with what is said about them). Findings name their incident by its id in the
/// dataset; our id is known once the incident is stored.
#[derive(Debug, Default, Clone)]
pub struct Import {
    pub incidents: Vec<IncidentInput>,
    pub claims: Vec<(String, AttributionInput)>,
    pub responses: Vec<(String, ResponseInput)>,
    /// Placeholder attribution rows with no attribution at all (skipped).
    pub empty_attribution_rows: usize,
    /// Incidents whose end date precedes their start: the end is left out (kept in the origin).
    pub end_before_start: usize,
    /// Response entries whose parallel lists (date, type, country, actor) do not line up, so
    /// which date or actor belongs to which response cannot be told (kept in the origin).
    pub responses_unaligned: usize,
    /// Response entries that name no response we have a type for ("Unknown", "Not available",
    /// a victim's "Confirmation", an accused state's "Denial"), or have no date at all; they
    /// stay in `origin.fields`.
    pub responses_incomplete: usize,
}

impl Import {
    /// Adds a later chunk's records and counts.
    pub fn append(&mut self, mut later: Import) {
        self.incidents.append(&mut later.incidents);
        self.claims.append(&mut later.claims);
        self.responses.append(&mut later.responses);
        self.empty_attribution_rows += later.empty_attribution_rows;
        self.end_before_start += later.end_before_start;
        self.responses_unaligned += later.responses_unaligned;
        self.responses_incomplete += later.responses_incomplete;
    }
}

/// A dataset as an import walks it, twice (checking everything, then storing): a chunk of
/// incidents at a time, each with the claims and responses about them.
pub trait Chunks {
    /// How many incidents the dataset holds (for progress).
    fn incidents(&self) -> u64;
    fn chunks(&self) -> Box<dyn Iterator<Item = Result<Import>> + '_>;
}

/// A dataset read whole (a small file) is its one chunk.
impl Chunks for Import {
    fn incidents(&self) -> u64 {
        self.incidents.len() as u64
    }

    fn chunks(&self) -> Box<dyn Iterator<Item = Result<Import>> + '_> {
        Box::new(std::iter::once(Ok(self.clone())))
    }
}

/// Values the datasets use for "nothing known".
fn missing(v: &str) -> bool {
    matches!(v.trim(), "" | "Not available" | "Unknown" | "none" | "None" | "nan" | "NaT" | "NA" | "[]")
}

fn open(path: &Path) -> Result<File> {
    File::open(path).with_context(|| format!("cannot open {}", path.display()))
}

/// A CSV file's header and rows, and how errors name it (its path, when it is a file).
struct Table {
    name: String,
    headers: Vec<String>,
    rows: Vec<Vec<String>>,
}

fn read_csv(input: impl Read, name: &str) -> Result<Table> {
    let mut reader = csv::ReaderBuilder::new().flexible(false).from_reader(input);
    let headers: Vec<String> = reader.headers()?.iter().map(str::to_owned).collect();
    let mut rows = Vec::new();
    for (i, record) in reader.records().enumerate() {
        let record = record.with_context(|| format!("{name}: record {} is not valid CSV", i + 1))?;
        rows.push(record.iter().map(|f| f.trim().to_owned()).collect());
    }
    Ok(Table { name: name.to_owned(), headers, rows })
}

fn column(headers: &[String], name: &str, input: &str) -> Result<usize> {
    headers.iter().position(|h| h == name).with_context(|| {
        format!("{input} has no column `{name}`: is it the EuRepoC v1.1 / CFR export normwatch reads?")
    })
}

/// A Python list literal as EuRepoC writes it (`['a', "b's"]`, possibly nested): its strings.
fn list_literal(value: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut chars = value.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '\'' || c == '"' {
            let quote = c;
            let mut s = String::new();
            while let Some(d) = chars.next() {
                match d {
                    '\\' => {
                        if let Some(e) = chars.next() {
                            s.push(e);
                        }
                    }
                    d if d == quote => break,
                    d => s.push(d),
                }
            }
            out.push(s);
        }
    }
    out
}

fn url_ok(u: &str) -> bool {
    (u.starts_with("https://") || u.starts_with("http://")) && u.len() <= 2048 && !u.contains(char::is_whitespace)
}

fn short(s: &str, max: usize) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ").chars().take(max).collect()
}

/// One CSV input and how errors name it.
#[derive(Debug)]
pub struct CsvInput<'a, R> {
    pub name: &'a str,
    pub reader: R,
}
