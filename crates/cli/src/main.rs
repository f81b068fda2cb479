//! `normwatch`: the cyberstability observatory's command line.
#![forbid(unsafe_code)]

mod classify;
mod collect;
mod commands;
mod config;
mod links;
mod log;
mod peers;
mod poller;
mod seed;
mod setup;
mod statement;
mod stix;

use anyhow::{Context, Result, bail};
use clap::Parser;
use commands::*;
use config::{Config, InstanceArgs};
use normwatch::import;
use normwatch_core::{Catalog, CatalogFile, Lang, LangChoice, NormQuery};
use std::path::Path;
use std::process::ExitCode;

fn main() -> ExitCode {
    let cli = Cli::parse();
    let runtime = match tokio::runtime::Builder::new_multi_thread().enable_all().build() {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("error: cannot start the async runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(run(cli)) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::FAILURE
        }
    }
}

async fn run(cli: Cli) -> Result<ExitCode> {
    // `serve`, `init` and `config` take the instance's settings as flags; every other command
    // reads them from the environment and the file.
    let instance = match &cli.command {
        Command::Serve(i) | Command::Init(i) | Command::Config { instance: i, .. } => i.clone(),
        _ => InstanceArgs::from_env()?,
    };
    let config = Config::resolve(&cli.config, &instance)?;
    match cli.command {
        Command::Config { json, .. } => {
            if json {
                let mut shown = serde_json::to_value(&config)?;
                shown["database"] = normwatch_store::redact_url(&config.database).into();
                println!("{}", serde_json::to_string_pretty(&shown)?);
            } else {
                print!("{}", config.redacted_toml()?);
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Catalog(CatalogCommand::Check { dir }) => catalog_check(dir.as_deref()),
        Command::Init(_) => {
            setup::init_logging(&config.log, true);
            let instance = setup::prepare(&config).await?;
            instance.print_summary(&config);
            instance.store.close().await;
            Ok(ExitCode::SUCCESS)
        }
        Command::Serve(_) => {
            setup::init_logging(&config.log, false);
            setup::serve(&config).await?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Norms(cmd) => {
            setup::init_logging(&config.log, true);
            norms(&config, cmd).await
        }
        Command::Verify { record, checkpoint, key, witnesses, quorum } => {
            log::verify(&record, &checkpoint, &key, &witnesses, quorum)
        }
        Command::Keygen { file } => statement::keygen(&file),
        Command::Sign { key, statement: file } => statement::sign(&key, &file),
        Command::Statement(StatementCommand::Verify { file }) => statement::verify(&file),
        Command::Log(cmd) => {
            setup::init_logging(&config.log, true);
            log_command(&config, cmd).await
        }
        Command::Accounts(cmd) => {
            setup::init_logging(&config.log, true);
            accounts(&config, cmd).await
        }
        Command::Import(cmd) => {
            setup::init_logging(&config.log, true);
            import_command(&config, cmd).await
        }
        Command::Classify(cmd) => {
            setup::init_logging(&config.log, true);
            classify::run(cmd, &config.data_dir, &config.database).await.map(|()| ExitCode::SUCCESS)
        }
        Command::Sources(cmd) => {
            setup::init_logging(&config.log, true);
            collect::sources(&config, cmd).await
        }
        Command::Collect(cmd) => {
            setup::init_logging(&config.log, true);
            collect::collect(&config, cmd).await
        }
        Command::Peers(cmd) => {
            setup::init_logging(&config.log, true);
            peers::run(&config, cmd).await
        }
        Command::Links(links::LinksCommand::Propose { threshold }) => {
            setup::init_logging(&config.log, true);
            let instance = setup::prepare(&config).await?;
            links::propose(&instance.store, threshold).await?;
            instance.store.close().await;
            Ok(ExitCode::SUCCESS)
        }
        Command::Report { from, to, lang, out } => {
            setup::init_logging(&config.log, true);
            if from > to {
                anyhow::bail!("--from {from} is after --to {to}: give the first day, then the last");
            }
            let day = |text: &str, flag: &str| {
                time::Date::parse(text, time::macros::format_description!("[year]-[month]-[day]"))
                    .with_context(|| format!("{flag} {text} is not a date: write YYYY-MM-DD"))
            };
            let period = (day(&from, "--from")?, day(&to, "--to")?);
            let instance = setup::prepare(&config).await?;
            let now = normwatch_store::now_rfc3339();
            // A line per phase on stderr: on a large instance the report takes a while.
            let started = std::time::Instant::now();
            let mut progress = |line: String| eprintln!("report: {line} ({:.1} s)", started.elapsed().as_secs_f64());
            let html = normwatch_server::report::periodic_report(
                &instance.store,
                &instance.catalog,
                period,
                lang,
                &now,
                &mut progress,
            )
            .await?;
            match out {
                Some(path) => {
                    std::fs::write(&path, &html).with_context(|| format!("cannot write {}", path.display()))?;
                    eprintln!("report for {from} – {to} written to {}", path.display());
                }
                None => print!("{html}"),
            }
            instance.store.close().await;
            Ok(ExitCode::SUCCESS)
        }
        Command::Export(cmd) => {
            setup::init_logging(&config.log, true);
            export_command(&config, cmd).await
        }
    }
}

/// Reads every `.toml` file below a catalogue folder.
pub fn read_catalog_dir(dir: &Path) -> Result<Vec<CatalogFile>> {
    fn walk(root: &Path, dir: &Path, out: &mut Vec<CatalogFile>) -> Result<()> {
        let entries =
            std::fs::read_dir(dir).with_context(|| format!("cannot read the catalogue folder {}", dir.display()))?;
        for entry in entries {
            let path = entry?.path();
            if path.is_dir() {
                walk(root, &path, out)?;
            } else if path.extension().is_some_and(|e| e == "toml") {
                let text = std::fs::read_to_string(&path).with_context(|| format!("cannot read {}", path.display()))?;
                let rel = path.strip_prefix(root).unwrap_or(&path).to_string_lossy().replace('\\', "/");
                out.push(CatalogFile::new(rel, text));
            }
        }
        Ok(())
    }
    let mut files = Vec::new();
    walk(dir, dir, &mut files)?;
    if files.is_empty() {
        bail!("{} has no catalogue files (*.toml); give the folder that holds norms.toml", dir.display());
    }
    Ok(files)
}

/// The catalogue from a folder, or the built-in one.
pub fn load_catalog(dir: Option<&Path>) -> Result<Catalog> {
    let files = match dir {
        Some(d) => read_catalog_dir(d)?,
        None => CatalogFile::embedded(),
    };
    Ok(Catalog::from_files(&files)?)
}

fn catalog_check(dir: Option<&Path>) -> Result<ExitCode> {
    let name = dir.map_or_else(|| "the built-in catalogue".to_owned(), |d| d.display().to_string());
    let files = match dir {
        Some(d) => read_catalog_dir(d)?,
        None => CatalogFile::embedded(),
    };
    match Catalog::from_files(&files) {
        Ok(c) => {
            let terms: usize = c.taxonomies.iter().map(|t| t.terms.len()).sum();
            println!(
                "{name}: valid — catalogue {} ({} documents, {} principles, {} framework elements, {} recommendations, {} norms, {} taxonomies with {} terms, {} standards, {} baselines)",
                c.meta.version,
                c.documents.len(),
                c.principles.len(),
                c.framework.len(),
                c.recommendations.len(),
                c.norms.len(),
                c.taxonomies.len(),
                terms,
                c.standards.len(),
                c.baselines.len()
            );
            Ok(ExitCode::SUCCESS)
        }
        Err(e) => {
            eprintln!("{name}: invalid\n{e}");
            Ok(ExitCode::FAILURE)
        }
    }
}

async fn log_command(config: &Config, cmd: LogCommand) -> Result<ExitCode> {
    let instance = setup::prepare(config).await?;
    let code = match cmd {
        LogCommand::Key => {
            println!("{}", instance.key.encode_verifier());
            ExitCode::SUCCESS
        }
        LogCommand::Audit => {
            let size = instance.store.log_size().await?;
            let problems = log::audit(&instance.store, &instance.key.verifier()).await?;
            if problems.is_empty() {
                println!(
                    "log {}: {size} leaves, every one matches its published record and the signed checkpoint",
                    instance.key.name()
                );
                ExitCode::SUCCESS
            } else {
                eprintln!("log {}: {} problem(s); the first:", instance.key.name(), problems.len());
                for p in &problems {
                    eprintln!("  - {p}");
                }
                ExitCode::FAILURE
            }
        }
        LogCommand::Witness { url, key } => match log::witness(&instance.store, &instance.key, &url, &key).await {
            Ok((cosigned, first)) => {
                if first {
                    eprintln!("first checkpoint seen from this log: trusted as the starting point");
                } else {
                    eprintln!("consistent with the last checkpoint seen from this log");
                }
                print!("{cosigned}");
                ExitCode::SUCCESS
            }
            Err(e) if e.to_string().starts_with("FORK") => {
                eprintln!("{e:#}");
                ExitCode::from(3)
            }
            Err(e) => return Err(e),
        },
        LogCommand::Witnesses(cmd) => log::witnesses(&instance, config, cmd).await?,
    };
    instance.store.close().await;
    Ok(code)
}

async fn accounts(config: &Config, cmd: AccountsCommand) -> Result<ExitCode> {
    let instance = setup::prepare(config).await?;
    let store = &instance.store;
    match cmd {
        AccountsCommand::List => {
            for a in store.accounts().await? {
                let state = if a.disabled { "disabled" } else { "" };
                println!("{:<24} {:<12} {:<16} {state}", a.username, a.role, a.stakeholder.as_deref().unwrap_or("-"));
            }
        }
        AccountsCommand::ResetPassword { username } => {
            let Some((account, _)) = store.account_for_sign_in(&username).await? else {
                let known: Vec<String> = store.accounts().await?.into_iter().map(|a| a.username).collect();
                bail!("no account `{username}`; accounts: {}", known.join(", "));
            };
            let password = normwatch_server::auth::random_secret();
            let hash = normwatch_server::auth::hash_password(&password).map_err(|e| anyhow::anyhow!("{e}"))?;
            // A one-time password: its person must change it at the next sign-in.
            store.set_password_hash(&normwatch_store::Actor::system(), &account.id, &hash, true).await?;
            println!("new password for {username}: {password}");
            println!(
                "(shown once, to be changed at the next sign-in; the account's sessions and API tokens have ended)"
            );
        }
    }
    store.close().await;
    Ok(ExitCode::SUCCESS)
}

fn parse_lang(output: &Output) -> Result<LangChoice> {
    match &output.lang {
        Some(l) => l.parse().map_err(|e: String| anyhow::anyhow!("--lang: {e}")),
        None if output.json => Ok(LangChoice::All),
        None => Ok(LangChoice::One(Lang::En)),
    }
}

async fn norms(config: &Config, cmd: NormsCommand) -> Result<ExitCode> {
    let instance = setup::prepare(config).await?;
    let store = &instance.store;
    let (norms, output) = match cmd {
        NormsCommand::List { source, paragraph, addressee, principle, q, output } => {
            let pairs: Vec<(&str, String)> = [
                ("source", source),
                ("paragraph", paragraph),
                ("addressee", addressee),
                ("principle", principle),
                ("q", q),
            ]
            .into_iter()
            .filter_map(|(k, v)| v.map(|v| (k, v)))
            .collect();
            let query = NormQuery::parse(pairs.iter().map(|(k, v)| (*k, v.as_str())), &instance.catalog)
                .map_err(|e| anyhow::anyhow!("--{}: {}", if e.field == "q" { "query" } else { &e.field }, e.reason))?;
            (store.norms(&query).await?, output)
        }
        NormsCommand::Show { id, output } => {
            let Some(norm) = store.norm(&id).await? else {
                let known: Vec<&str> = instance.catalog.norms.iter().map(|n| n.id.as_str()).collect();
                bail!("no norm `{id}`; known norms: {}", known.join(", "));
            };
            let lang = parse_lang(&output)?;
            if output.json {
                let mut v = serde_json::to_value(&norm)?;
                lang.project(&mut v);
                println!("{}", serde_json::to_string_pretty(&v)?);
            } else {
                print_norm(&instance.catalog, &norm, lang);
            }
            instance.store.close().await;
            return Ok(ExitCode::SUCCESS);
        }
    };
    let lang = parse_lang(&output)?;
    if output.json {
        let mut v = serde_json::to_value(&norms)?;
        lang.project(&mut v);
        println!("{}", serde_json::to_string_pretty(&v)?);
    } else {
        for n in &norms {
            let title = match lang {
                LangChoice::One(l) => n.title.get(l).to_owned(),
                LangChoice::All => format!("{} / {}", n.title.ja, n.title.en),
            };
            println!("{:<13} {:<19} {}", n.id, n.kind, title);
        }
        eprintln!("{} norm(s)", norms.len());
    }
    instance.store.close().await;
    Ok(ExitCode::SUCCESS)
}

fn print_norm(catalog: &Catalog, n: &normwatch_core::Norm, lang: LangChoice) {
    let langs: Vec<Lang> = match lang {
        LangChoice::One(l) => vec![l],
        LangChoice::All => Lang::ALL.to_vec(),
    };
    println!("{}", n.id);
    for l in &langs {
        println!("  [{l}] {}\n       {}", n.title.get(*l), n.summary.get(*l));
    }
    let label = |id: &str| catalog.term(id).map_or(id.to_owned(), |(_, t)| t.label.get(langs[0]).to_owned());
    println!("  kind:        {}", label(&n.kind));
    println!("  addressees:  {}", n.addressees.iter().map(|a| label(a)).collect::<Vec<_>>().join(", "));
    println!("  principles:  {}", n.principles.join(", "));
    println!("  related:     {}", n.related.join(", "));
    println!("  assets:      {}", n.assets.join(", "));
    println!("  sources:");
    for s in &n.sources {
        let title = catalog.document(&s.document).map_or(s.document.clone(), |d| d.title.get(langs[0]).to_owned());
        println!("    - {} ({}), {}", title, s.document, s.paragraph);
    }
}

/// A progress bar on stderr for long work: `message`, the bar, done/total followed by `unit`
/// (e.g. " log leaves"), rate and time left. Its length is set once known.
pub(crate) fn progress_bar(message: &str, unit: &str) -> indicatif::ProgressBar {
    let bar = indicatif::ProgressBar::new(0);
    bar.set_style(
        indicatif::ProgressStyle::with_template(&format!(
            "{{msg:<22}} [{{bar:40}}] {{pos}}/{{len}}{unit} ({{per_sec}}, eta {{eta}})"
        ))
        .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar())
        .progress_chars("=> "),
    );
    bar.set_message(message.to_owned());
    bar
}

fn counted(what: &str, total: usize, c: normwatch_store::ImportCounts) -> String {
    format!("{total} {what} ({} new, {} superseded, {} unchanged)", c.created, c.superseded, c.unchanged)
}

/// What one dataset import found, over all its chunks.
#[derive(Default)]
struct Found {
    incidents: usize,
    claims: usize,
    responses: usize,
    undated: usize,
}

/// Checks one chunk of a dataset as it will be stored: every record valid, every claim and
/// response about an incident of the chunk. `found` counts the records of earlier chunks, so
/// that an error names the record's place in the file.
fn check_chunk(instance: &setup::Instance, chunk: &import::Import, found: &Found) -> Result<()> {
    let today = normwatch_server::today();
    for (i, incident) in chunk.incidents.iter().enumerate() {
        incident.validate(&instance.catalog, today).map_err(|e| {
            let id = incident.origin.as_ref().map(|o| o.id.clone()).unwrap_or_default();
            anyhow::anyhow!("record {} (id {id}): {e}; nothing was imported", found.incidents + i + 1)
        })?;
    }
    let known: std::collections::HashSet<&str> =
        chunk.incidents.iter().filter_map(|i| i.origin.as_ref()).map(|o| o.id.as_str()).collect();
    for (i, (incident, claim)) in chunk.claims.iter().enumerate() {
        anyhow::ensure!(
            known.contains(incident.as_str()),
            "attribution row {}: no incident {incident} in the file",
            found.claims + i + 1
        );
        claim
            .validate(&instance.catalog, today)
            .map_err(|e| anyhow::anyhow!("attribution row {}: {e}; nothing was imported", found.claims + i + 1))?;
    }
    for (incident, response) in &chunk.responses {
        anyhow::ensure!(
            known.contains(incident.as_str()),
            "response of incident {incident}: no such incident in the file"
        );
        response.validate(&instance.catalog, today).map_err(|e| {
            anyhow::anyhow!(
                "response {} of incident {incident}: {e}; nothing was imported",
                response.origin.as_deref().unwrap_or("")
            )
        })?;
    }
    Ok(())
}

/// Validates and stores one dataset, a chunk of incidents at a time: every chunk is checked
/// before anything is stored (any invalid record stops the import with nothing stored), then
/// each chunk's incidents are stored and the claims and responses about them (which name their
/// incident by its id in the dataset) after them. What the import holds at once is one chunk.
async fn import_dataset(
    instance: &setup::Instance,
    dataset: &str,
    label: &str,
    data: &dyn import::Chunks,
) -> Result<(String, import::Import)> {
    let store = &instance.store;
    let checking = progress_bar(&format!("{label} checked"), " incidents");
    checking.set_length(data.incidents());
    let mut found = Found::default();
    // The chunks' counts (placeholders, unaligned responses, …); their records are not kept.
    let mut tally = import::Import::default();
    for chunk in data.chunks() {
        let chunk = chunk?;
        check_chunk(instance, &chunk, &found)?;
        found.incidents += chunk.incidents.len();
        found.claims += chunk.claims.len();
        found.responses += chunk.responses.len();
        found.undated += chunk.responses.iter().filter(|(_, r)| r.undated).count();
        checking.inc(chunk.incidents.len() as u64);
        tally.append(import::Import { incidents: vec![], claims: vec![], responses: vec![], ..chunk });
    }
    checking.finish();
    let bar = progress_bar(&format!("{label} stored"), " incidents");
    bar.set_length(data.incidents());
    let actor = normwatch_store::Actor::system();
    let mut incidents = normwatch_store::ImportCounts::default();
    let (mut claims, mut responses) = (incidents, incidents);
    // Read again, chunk by chunk: what was checked is not kept.
    for chunk in data.chunks() {
        let chunk = chunk?;
        incidents += store.import_ledger_records(&actor, &chunk.incidents).await?;
        // Findings hang off the current version of their incident.
        let keys: Vec<&str> = chunk.incidents.iter().filter_map(|i| i.origin.as_ref()).map(|o| o.id.as_str()).collect();
        let ids = store.incidents_by_origin(dataset, &keys).await?;
        let ours = |incident: &str| {
            ids.get(incident).cloned().with_context(|| format!("incident {incident} of {label} was not stored"))
        };
        let mut chunk_claims = Vec::with_capacity(chunk.claims.len());
        for (incident, mut claim) in chunk.claims {
            claim.incident = ours(&incident)?;
            chunk_claims.push(claim);
        }
        let mut chunk_responses = Vec::with_capacity(chunk.responses.len());
        for (incident, mut response) in chunk.responses {
            response.incident = ours(&incident)?;
            chunk_responses.push(response);
        }
        claims += store.import_ledger_records(&actor, &chunk_claims).await?;
        responses += store.import_ledger_records(&actor, &chunk_responses).await?;
        bar.inc(chunk.incidents.len() as u64);
    }
    bar.finish();
    let summary = format!(
        "{label}: {}, {}, {}; {} responses the source does not date (dated by their incident); \
         {} response entries not aligned across the source's lists, {} naming no response type (both kept in the origin fields)",
        counted("incidents", found.incidents, incidents),
        counted("attribution claims", found.claims, claims),
        counted("responses", found.responses, responses),
        found.undated,
        tally.responses_unaligned,
        tally.responses_incomplete,
    );
    Ok((summary, tally))
}

async fn import_command(config: &Config, cmd: ImportCommand) -> Result<ExitCode> {
    let instance = setup::prepare(config).await?;
    if let ImportCommand::Stix { source, tlp, community } = cmd {
        if let Some(c) = &community
            && !instance.store.communities().await?.iter().any(|k| &k.id == c)
        {
            anyhow::bail!("no community `{c}`: list them with GET /api/v1/communities");
        }
        let started = std::time::Instant::now();
        let report = stix::import(&instance.store, &source, tlp, community).await?;
        let secs = started.elapsed().as_secs_f64();
        println!(
            "STIX: {} objects read, {} added, {} already there, {} skipped, {} refused (not their creator's) in {secs:.2} s ({} objects/s)",
            report.read,
            report.added,
            report.unchanged,
            report.rejected,
            report.refused,
            (report.read as f64 / secs.max(1e-9)) as u64
        );
        instance.store.close().await;
        return Ok(if report.rejected + report.refused > 0 { ExitCode::from(2) } else { ExitCode::SUCCESS });
    }
    let summary = match cmd {
        ImportCommand::Eurepoc { dir } => {
            let data = import::stage_eurepoc(&dir)?;
            let (summary, tally) = import_dataset(&instance, "eurepoc", "EuRepoC", &data).await?;
            format!(
                "{summary}; {} placeholder rows without an attribution skipped; {} end dates before their start left out (kept in the origin fields)",
                tally.empty_attribution_rows, tally.end_before_start
            )
        }
        ImportCommand::Stix { .. } => unreachable!("handled above"),
        ImportCommand::Cfr { file } => import_dataset(&instance, "cfr", "CFR", &import::read_cfr(&file)?).await?.0,
    };
    println!("{summary}");
    // What was just published is covered by a signed checkpoint at once.
    normwatch_server::log::TransparencyLog::new(instance.key.clone()).checkpoint(&instance.store).await?;
    links::propose(&instance.store, normwatch_core::linking::PROPOSAL_THRESHOLD).await?;
    // TAXII serves what was published as STIX objects: made here, so that a server started on
    // this data does not spend its first minutes on them.
    let started = std::time::Instant::now();
    let bar = progress_bar("STIX objects for TAXII", " log leaves");
    let added = instance
        .store
        .sync_published_stix_in_steps(normwatch_store::STIX_SYNC_LEAVES, |done, size| {
            bar.set_length(size);
            bar.set_position(done);
        })
        .await?;
    bar.finish();
    println!("STIX: {added} objects made for TAXII in {:.1} s", started.elapsed().as_secs_f64());
    instance.store.close().await;
    Ok(ExitCode::SUCCESS)
}

async fn export_command(config: &Config, cmd: ExportCommand) -> Result<ExitCode> {
    let ExportCommand::Stix { norm, year, country, sector, attributed_state, operation, q, all, stored, out } = cmd;
    let instance = setup::prepare(config).await?;
    let pairs: Vec<(&str, String)> = [
        ("norm", norm),
        ("year", year),
        ("country", country),
        ("sector", sector),
        ("attributed_state", attributed_state),
        ("operation", operation),
        ("q", q),
    ]
    .into_iter()
    .filter_map(|(k, v)| v.map(|v| (k, v)))
    .collect();
    let query =
        normwatch_core::incident::IncidentQuery::parse(pairs.iter().map(|(k, v)| (*k, v.as_str())), &instance.catalog)
            .map_err(|e| anyhow::anyhow!("--{}: {}", e.field.replace('_', "-"), e.reason))?;
    let viewer = if all { normwatch_core::Viewer::system() } else { normwatch_core::Viewer::anonymous() };
    let count = stix::export(&instance.store, &viewer, &query, stored, out.as_deref()).await?;
    eprintln!("{count} STIX objects written");
    instance.store.close().await;
    Ok(ExitCode::SUCCESS)
}

#[cfg(test)]
mod help_tests;
