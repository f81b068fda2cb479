//! What `init` and `serve` share: the data directory, the database, the catalogue, the key.
use crate::config::Config;
use anyhow::{Context, Result};
use normwatch_core::Catalog;
use normwatch_ledger::InstanceKey;
use normwatch_server::AppState;
use normwatch_store::{CatalogLoad, Store, redact_url};
use std::future::IntoFuture;
use std::path::Path;
use std::sync::Arc;
use std::time::Duration;
use tracing_subscriber::EnvFilter;

pub fn init_logging(filter: &str, quiet: bool) {
    // CLI commands other than serve log warnings only unless asked: their output is the result.
    let filter = if quiet && filter == "info" { "warn" } else { filter };
    let env = EnvFilter::try_new(filter).unwrap_or_else(|_| EnvFilter::new("info"));
    // Colour codes only for a person at a terminal: a log redirected to a file stays plain text.
    let ansi = std::io::IsTerminal::is_terminal(&std::io::stderr());
    let _ = tracing_subscriber::fmt().with_env_filter(env).with_writer(std::io::stderr).with_ansi(ansi).try_init();
}

/// A ready instance: migrated database with the catalogue loaded, and its signing key.
#[derive(Debug)]
pub struct Instance {
    pub store: Store,
    pub catalog: Arc<Catalog>,
    pub load: CatalogLoad,
    pub key: InstanceKey,
    pub key_created: bool,
    pub seeded: crate::seed::Seeded,
    /// The first admin, created now: its username and one-time password.
    pub first_admin: Option<(String, String)>,
    /// Figures kept until the next write, for the use cases a command runs.
    pub figures: normwatch_app::FigureCache,
}

impl Instance {
    pub fn print_summary(&self, config: &Config) {
        println!("normwatch {} is ready", env!("CARGO_PKG_VERSION"));
        println!("  data directory: {}", config.data_dir.display());
        println!("  database:       {} ({})", redact_url(&config.database), self.store.backend().name());
        match &self.load {
            CatalogLoad::Loaded { version, entries } => {
                println!(
                    "  catalogue:      {} loaded as version {version} ({entries} entries)",
                    self.catalog.meta.version
                )
            }
            CatalogLoad::Unchanged { version } => {
                println!("  catalogue:      {} (version {version}, unchanged)", self.catalog.meta.version)
            }
        }
        let state = if self.key_created { "created" } else { "existing" };
        println!("  log key:        {} ({state})", self.key.encode_verifier());
        if let crate::seed::Seeded::Loaded { stakeholders, positions } = self.seeded {
            println!("  G7 Lucca 2017:  {positions} positions of {stakeholders} stakeholders recorded");
        }
        if let Some((username, password)) = &self.first_admin {
            println!("  first admin:    {username}");
            println!("  its password:   {password}");
            println!(
                "                  (shown once: the first sign-in, in the portal or with POST /api/v1/tokens, asks for a new one)"
            );
        }
    }
}

/// Creates what is missing, and changes nothing that exists (but loads a changed catalogue as a
/// new version); the first admin too, when there is no account.
pub async fn prepare(config: &Config) -> Result<Instance> {
    let mut instance = open(config).await?;
    instance.first_admin = first_admin(&instance.store, &config.admin_username).await?;
    Ok(instance)
}

/// What [`prepare`] does but the first admin: `serve` creates that once it listens, so that the
/// Argon2id hash (tens of milliseconds and 19 MiB) is not on the way to the first answer.
pub async fn open(config: &Config) -> Result<Instance> {
    std::fs::create_dir_all(&config.data_dir).with_context(|| {
        format!("cannot create the data directory {}; choose another with --data-dir", config.data_dir.display())
    })?;
    let (key, key_created) = instance_key(config)?;
    let catalog = crate::load_catalog(config.catalog_dir.as_deref())?;
    let store = Store::connect(&config.database).await?;
    let load = store.load_catalog(&catalog).await?;
    let catalog = Arc::new(store.catalog().await?);
    let seeded = crate::seed::g7_lucca(&store, &catalog).await?;
    // What was published at start (the seed) is covered by a signed checkpoint at once.
    normwatch_server::log::TransparencyLog::new(key.clone()).checkpoint(&store).await?;
    Ok(Instance { store, catalog, load, key, key_created, seeded, first_admin: None, figures: Default::default() })
}

/// Creates the first admin account when there is no account at all.
async fn first_admin(store: &Store, username: &str) -> Result<Option<(String, String)>> {
    if store.count_accounts().await? > 0 {
        return Ok(None);
    }
    let password = normwatch_server::auth::random_secret();
    let secret = password.clone();
    // Argon2id is CPU work: off the threads that answer requests.
    let hash = tokio::task::spawn_blocking(move || normwatch_server::auth::hash_password(&secret))
        .await?
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    let new = normwatch_store::NewAccount {
        username: username.to_owned(),
        display_name: "Administrator".to_owned(),
        role: normwatch_core::Role::Admin,
        stakeholder: None,
        password_hash: hash,
        // The printed password is a one-time one: the first sign-in changes it.
        must_change_password: true,
    };
    store.create_account(&normwatch_store::Actor::system(), &new).await?;
    Ok(Some((username.to_owned(), password)))
}

/// The instance's log signing key: read, or created on first run (owner-only permissions).
fn instance_key(config: &Config) -> Result<(InstanceKey, bool)> {
    let dir = config.keys_dir();
    let private = dir.join("log.key");
    if private.exists() {
        let text = std::fs::read_to_string(&private).with_context(|| format!("cannot read {}", private.display()))?;
        let key =
            InstanceKey::parse_private(&text).with_context(|| format!("{}: damaged signing key", private.display()))?;
        // A name derived from --public-url gives way to the key's: a log keeps its name.
        if key.name() != config.log_origin && config.log_origin_named {
            anyhow::bail!(
                "{} signs as `{}` but --log-origin is `{}`: a log keeps its name; set log_origin back or use another data dir",
                private.display(),
                key.name(),
                config.log_origin
            );
        }
        return Ok((key, false));
    }
    std::fs::create_dir_all(&dir).with_context(|| format!("cannot create {}", dir.display()))?;
    let key = InstanceKey::from_seed(&config.log_origin, rand::random())?;
    write_secret(&private, &key.encode_private())?;
    std::fs::write(dir.join("log.vkey"), format!("{}\n", key.encode_verifier()))?;
    Ok((key, true))
}

fn write_secret(path: &Path, text: &str) -> Result<()> {
    use std::io::Write;
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let mut file = options.open(path).with_context(|| format!("cannot create {}", path.display()))?;
    writeln!(file, "{text}")?;
    Ok(())
}

pub async fn serve(config: &Config) -> Result<()> {
    let mut instance = open(config).await?;
    let listener = tokio::net::TcpListener::bind(config.listen)
        .await
        .with_context(|| format!("cannot listen on {}; choose another address with --listen", config.listen))?;
    let addr = listener.local_addr()?;
    let blobs = normwatch_store::BlobStore::open(&config.blobs).await?;
    let state = AppState::new(instance.store.clone(), blobs, instance.key.clone())
        .await?
        .with_public_url(config.public_url.as_deref())
        .with_review_rule(normwatch_core::violation::ReviewRule {
            approvals: config.review_approvals,
            stakeholder_kinds: config.review_stakeholder_kinds,
        })
        .with_evidence_limit(config.evidence_max_bytes)
        .with_collector(normwatch_app::Collector::load(&config.data_dir, config.allow_private_sources)?);
    normwatch_server::webhooks::Dispatcher {
        poll: std::time::Duration::from_millis(config.webhook_poll_ms),
        retry_base: std::time::Duration::from_millis(config.webhook_retry_base_ms),
        max_attempts: 5,
    }
    .spawn(instance.store.clone());
    // The incident search index is built in the background; searches wait for it only if they
    // come first.
    let store = instance.store.clone();
    tokio::spawn(async move {
        if let Err(e) = store.warm_search_index().await {
            tracing::error!(error = %e, "the incident search index could not be built");
        }
        // Records published while no one read TAXII become STIX now, not at the first TAXII
        // request (`normwatch import` makes its own; data written by other tools or versions
        // may still be waiting). The sync goes in committed steps, so pages are served meanwhile.
        if let Err(e) = store.sync_published_stix().await {
            tracing::error!(error = %e, "published records could not be turned into STIX objects");
        }
    });
    // One shutdown signal for the HTTP server and the collection poller.
    let (stop_tx, stop) = tokio::sync::watch::channel(false);
    tokio::spawn(async move {
        shutdown_signal().await;
        let _ = stop_tx.send(true);
    });
    let poller = (config.collect_poll_secs > 0).then(|| {
        crate::poller::spawn_poller(state.clone(), Duration::from_secs(config.collect_poll_secs), stop.clone())
    });
    let peer_sync = (config.peer_sync_secs > 0).then(|| {
        crate::poller::spawn_peer_sync(state.clone(), Duration::from_secs(config.peer_sync_secs), stop.clone())
    });
    let app = normwatch_server::router(state);
    let mut http_stop = stop;
    // Connection info gives the sign-in limiter the client's address.
    let http = tokio::spawn(
        axum::serve(listener, app.into_make_service_with_connect_info::<std::net::SocketAddr>())
            .with_graceful_shutdown(async move {
                let _ = http_stop.wait_for(|stopped| *stopped).await;
            })
            .into_future(),
    );
    // The server answers while the first admin's password is hashed; nobody can sign in as it
    // before its password is printed below.
    instance.first_admin = first_admin(&instance.store, &config.admin_username).await?;
    instance.print_summary(config);
    println!("  evidence blobs: {}", config.blobs);
    if let Some(url) = &config.public_url {
        println!("  public URL:     {url}");
    }
    // Tests and scripts read this line to find the port when --listen ends in :0; by then the
    // first admin exists.
    println!("normwatch listening on http://{addr}/");
    http.await??;
    // The poller finishes the source it is polling (its items and health are written), then ends.
    if let Some(poller) = poller
        && let Err(e) = poller.await
    {
        tracing::error!(error = %e, "the collection poller ended abnormally");
    }
    if let Some(sync) = peer_sync {
        sync.abort();
    }
    instance.store.close().await;
    tracing::info!("stopped");
    Ok(())
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! { _ = ctrl_c => {}, _ = terminate => {} }
}
