//! `normwatch peers`: following other observatories (federation) from the command line, as
//! the local operator, through the same use cases the API calls. The background sync that
//! `serve` runs is `poller::spawn_peer_sync`.
use crate::collect::{app, operator, refused, short_time};
use crate::config::Config;
use crate::setup;
use anyhow::{Context, Result};
use clap::Subcommand;
use normwatch_app::{Acting, AppError, PeerInput, SyncReport};
use normwatch_store::PeerRecord;
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Debug, Subcommand)]
pub enum PeersCommand {
    /// Follow another normwatch instance: its published records are pulled over TAXII 2.1 and
    /// each is kept only once its inclusion proof verifies against a checkpoint signed by the
    /// pinned --key, consistent with every checkpoint seen from it before. Refused while this
    /// instance's log has the default name (start it with --public-url or --log-origin). Prints
    /// the new peer's id.
    Add {
        /// The peer's base URL (where its /log and /taxii2/ are), e.g. https://obs.example.org
        url: String,
        /// The peer's log verifier key (NAME+KEYID+BASE64, as its `normwatch log key` prints),
        /// or the path of a file holding it.
        #[arg(long)]
        key: String,
        /// A file holding an API token of an account at the peer: the sync then reads what that
        /// account may read there (its TLP markings and communities). Without one, only what
        /// the peer publishes for everyone.
        #[arg(long, value_name = "FILE")]
        token_file: Option<PathBuf>,
    },
    /// List the peers: id, origin, URL, state (active or forked), the last checkpoint size
    /// verified, records kept, records refused, the last sync and its error.
    List {
        /// Print JSON (every field, the last signed checkpoint and the cursors included).
        #[arg(long)]
        json: bool,
    },
    /// Sync now: one peer by id, or every active peer. Prints a line per peer (checkpoint size,
    /// records received, kept already, refused, or the fork found). Exits non-zero if a peer
    /// could not be synced or forked.
    Sync {
        /// The peer's id (from `normwatch peers list`); every active peer when left out.
        id: Option<String>,
    },
}

fn report_line(r: &SyncReport) -> String {
    match &r.fork {
        Some(f) => format!("{}: FORK: {f}; sync stopped, both checkpoints kept", r.origin),
        None => format!(
            "{}: checkpoint size {}, {} received, {} kept already, {} refused in {:.3} s; {}",
            r.origin,
            r.checkpoint_size,
            r.received,
            r.already,
            r.refused,
            r.seconds,
            match &r.cosignature_error {
                None if r.cosigned => "cosigned".to_owned(),
                None => "not cosigned".to_owned(),
                Some(e) => format!("our cosignature was not taken: {e}"),
            }
        ),
    }
}

fn print_peers(list: &[PeerRecord]) {
    println!(
        "{:<36}  {:<28}  {:<36}  {:<7}  {:>8}  {:>8}  {:>7}  {:<19}  last error",
        "id", "origin", "url", "state", "size", "records", "refused", "last sync"
    );
    for p in list {
        println!(
            "{:<36}  {:<28}  {:<36}  {:<7}  {:>8}  {:>8}  {:>7}  {:<19}  {}",
            p.id,
            p.origin,
            p.url,
            p.state,
            p.seen_size.map_or_else(|| "-".to_owned(), |s| s.to_string()),
            p.records,
            p.refused,
            short_time(p.last_sync_at.as_deref()),
            p.last_error.as_deref().unwrap_or("-"),
        );
    }
    eprintln!("{} peer(s)", list.len());
}

pub async fn run(config: &Config, cmd: PeersCommand) -> Result<ExitCode> {
    let instance = setup::prepare(config).await?;
    let account = operator();
    let who = Acting::new(Some(&account), &[]);
    let app = app(&instance, config);
    let result = match cmd {
        PeersCommand::Add { url, key, token_file } => {
            let key = crate::log::read_key(&key)?.encode();
            let token = match token_file {
                Some(f) => Some(
                    std::fs::read_to_string(&f)
                        .with_context(|| format!("--token-file: cannot read {}", f.display()))?,
                ),
                None => None,
            };
            let input = PeerInput { url, key, token };
            let peer = app.add_peer(who, instance.key.name(), &input).await.map_err(refused)?;
            println!("{}", peer.id);
            eprintln!("following {} at {}: synced by `normwatch peers sync` or by `serve`", peer.origin, peer.url);
            Ok(ExitCode::SUCCESS)
        }
        PeersCommand::List { json } => {
            let list = app.peers(who).await?;
            if json {
                println!("{}", serde_json::to_string_pretty(&list)?);
            } else {
                print_peers(&list);
            }
            Ok(ExitCode::SUCCESS)
        }
        PeersCommand::Sync { id: Some(id) } => match app.sync_peer(who, &id, &instance.key).await {
            Ok(r) => {
                println!("{}", report_line(&r));
                Ok(if r.fork.is_some() { ExitCode::FAILURE } else { ExitCode::SUCCESS })
            }
            Err(AppError::NotFound { .. }) => {
                Err(anyhow::anyhow!("no peer `{id}`: list the peers with `normwatch peers list`"))
            }
            Err(e) => Err(anyhow::anyhow!("peer {id}: {e}")),
        },
        PeersCommand::Sync { id: None } => {
            let mut ok = true;
            let results = app.sync_peers(&instance.key).await?;
            for r in &results {
                match r {
                    Ok(r) => {
                        ok &= r.fork.is_none();
                        println!("{}", report_line(r));
                    }
                    Err(e) => {
                        ok = false;
                        println!("error: {e}");
                    }
                }
            }
            eprintln!("{} peer(s) synced", results.len());
            Ok(if ok { ExitCode::SUCCESS } else { ExitCode::FAILURE })
        }
    };
    instance.store.close().await;
    result
}
