//! `normwatch import stix` and `normwatch export stix`.
//!
//! Import streams: a blocking thread reads the bundle one object at a time and hands batches to
//! the database through a channel of two batches, so memory stays bounded by the batch size
//! whatever the size of the file.
use anyhow::{Context, Result};
use normwatch_core::{Tlp, Viewer};
use normwatch_stix::bundle::{self, TlpResolver};
use normwatch_store::{NewStixObject, StixFilter, StixScope, Store, VersionMatch};
use std::io::{BufWriter, Read, Write};
use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

/// Objects per database transaction.
const BATCH: usize = 5000;

/// What an import did.
#[derive(Debug, Default, Clone, Copy)]
pub struct ImportReport {
    pub read: u64,
    pub added: u64,
    pub unchanged: u64,
    pub rejected: u64,
    /// New versions of objects the importer did not create (STIX 2.1 §3.6).
    pub refused: u64,
}

/// Counts bytes as they are read, for the progress bar.
struct Counting<R> {
    inner: R,
    count: Arc<AtomicU64>,
}

impl<R: Read> Read for Counting<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.count.fetch_add(n as u64, Ordering::Relaxed);
        Ok(n)
    }
}

/// Imports a STIX 2.0 or 2.1 bundle from `source` (a path, or `-` for standard input) into the
/// collection of each object's TLP marking (`default_tlp` for unmarked objects) and `community`.
pub async fn import(store: &Store, source: &str, default_tlp: Tlp, community: Option<String>) -> Result<ImportReport> {
    let (reader, length): (Box<dyn Read + Send>, Option<u64>) = if source == "-" {
        (Box::new(std::io::stdin()), None)
    } else {
        let file = std::fs::File::open(source).with_context(|| format!("cannot open {source}"))?;
        let length = file.metadata().ok().map(|m| m.len());
        (Box::new(file), length)
    };
    let bytes = Arc::new(AtomicU64::new(0));
    let counting = std::io::BufReader::with_capacity(1 << 20, Counting { inner: reader, count: bytes.clone() });
    let bar = match length {
        Some(n) => indicatif::ProgressBar::new(n).with_style(
            indicatif::ProgressStyle::with_template(
                "STIX objects [{bar:40}] {bytes}/{total_bytes} ({bytes_per_sec}, eta {eta}) {msg}",
            )
            .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar())
            .progress_chars("=> "),
        ),
        None => indicatif::ProgressBar::new_spinner().with_style(
            indicatif::ProgressStyle::with_template("STIX objects {spinner} {bytes} read {msg}")
                .unwrap_or_else(|_| indicatif::ProgressStyle::default_spinner()),
        ),
    };
    let (tx, mut rx) = tokio::sync::mpsc::channel::<Vec<(Tlp, NewStixObject)>>(2);
    let printer = bar.clone();
    let reader = tokio::task::spawn_blocking(move || {
        let mut resolver = TlpResolver::default();
        let mut batch: Vec<(Tlp, NewStixObject)> = Vec::with_capacity(BATCH);
        let mut rejected = 0u64;
        let summary = bundle::read_bundle(counting, &mut resolver, |item| -> Result<(), String> {
            match item {
                Ok(o) => {
                    let tlp = o.tlp.unwrap_or(default_tlp);
                    batch.push((tlp, NewStixObject::from(o)));
                    if batch.len() >= BATCH {
                        let full = std::mem::replace(&mut batch, Vec::with_capacity(BATCH));
                        tx.blocking_send(full).map_err(|_| "the database side stopped".to_owned())?;
                    }
                }
                Err(e) => {
                    rejected += 1;
                    // A hidden bar (no terminal) prints nothing: errors must still be seen.
                    if printer.is_hidden() {
                        eprintln!("skipped {e}");
                    } else {
                        printer.println(format!("skipped {e}"));
                    }
                }
            }
            Ok(())
        });
        if !batch.is_empty() {
            // A closed channel means the database side failed; its error is reported there.
            let _ = tx.blocking_send(batch);
        }
        summary.map(|s| (s, rejected))
    });
    let mut report = ImportReport::default();
    let mut failure: Option<anyhow::Error> = None;
    while let Some(batch) = rx.recv().await {
        report.read += batch.len() as u64;
        let mut by_tlp: Vec<(Tlp, Vec<NewStixObject>)> = Vec::new();
        for (tlp, object) in batch {
            match by_tlp.iter_mut().find(|(t, _)| *t == tlp) {
                Some((_, list)) => list.push(object),
                None => by_tlp.push((tlp, vec![object])),
            }
        }
        for (tlp, objects) in by_tlp {
            let scope = StixScope { tlp, community: community.clone() };
            match store.import_stix_objects(&scope, objects).await {
                Ok(added) => {
                    report.added += added.added;
                    report.unchanged += added.unchanged;
                    report.refused += added.refused.len() as u64;
                    for (id, version, why) in &added.refused {
                        let line = format!("refused {id} (version {}): {why}", version.as_deref().unwrap_or("-"));
                        if bar.is_hidden() { eprintln!("{line}") } else { bar.println(line) }
                    }
                }
                Err(e) => {
                    failure = Some(e.into());
                    break;
                }
            }
        }
        if failure.is_some() {
            // Dropping the receiver stops the reader at its next batch.
            break;
        }
        bar.set_position(bytes.load(Ordering::Relaxed));
        bar.set_message(format!("{} stored", report.added + report.unchanged));
    }
    drop(rx);
    let read = reader.await.context("the bundle reader stopped unexpectedly")?;
    bar.finish_and_clear();
    if let Some(e) = failure {
        return Err(e.context("storing the objects failed; batches stored before it stay"));
    }
    let (_, rejected) = read.map_err(|e| anyhow::anyhow!("{e}; objects before that point were imported"))?;
    report.rejected = rejected;
    report.read += rejected;
    Ok(report)
}

/// Writes a bundle: normwatch's published records about the incidents `query` finds, as
/// `viewer` may read them, and with `stored` the STIX objects others shared (verbatim).
pub async fn export(
    store: &Store,
    viewer: &Viewer,
    query: &normwatch_core::incident::IncidentQuery,
    stored: bool,
    out: Option<&Path>,
) -> Result<u64> {
    let objects = store.export_stix(viewer, query).await?;
    let ids: Vec<String> =
        objects.iter().filter_map(|o| o.get("id").and_then(|v| v.as_str()).map(str::to_owned)).collect();
    let bundle_id = normwatch_stix::stix_id("bundle", &ids.join(","));
    let sink: Box<dyn Write> = match out {
        Some(path) => {
            Box::new(std::fs::File::create(path).with_context(|| format!("cannot write {}", path.display()))?)
        }
        None => Box::new(std::io::stdout().lock()),
    };
    let mut w = BufWriter::new(sink);
    write!(w, "{{\"type\":\"bundle\",\"id\":\"{bundle_id}\",\"objects\":[")?;
    let mut count = 0u64;
    for o in &objects {
        if count > 0 {
            w.write_all(b",")?;
        }
        serde_json::to_writer(&mut w, o)?;
        count += 1;
    }
    if stored {
        for scope in StixScope::readable_by(viewer) {
            let mut filter =
                StixFilter { limit: 5000, versions: VersionMatch::All, foreign_only: true, ..Default::default() };
            loop {
                let page = store.stix_objects(viewer, &scope, &filter).await?;
                for r in &page.rows {
                    if count > 0 {
                        w.write_all(b",")?;
                    }
                    w.write_all(r.body.as_bytes())?;
                    count += 1;
                }
                match (page.more, page.rows.last()) {
                    (true, Some(last)) => filter.after_added = Some(last.date_added.clone()),
                    _ => break,
                }
            }
        }
    }
    w.write_all(b"]}\n")?;
    w.flush()?;
    Ok(count)
}
