//! The one typed configuration: defaults, then a TOML file, then `NORMWATCH_*` environment
//! variables, then command-line flags (each overrides the one before).
use anyhow::{Context, Result, bail};
use clap::Args;
use serde::{Deserialize, Serialize};
use std::net::SocketAddr;
use std::path::{Path, PathBuf};

pub const DEFAULT_LISTEN: &str = "127.0.0.1:8380";
pub const DEFAULT_DATA_DIR: &str = "normwatch-data";
pub const DEFAULT_LOG_ORIGIN: &str = normwatch_core::federation::DEFAULT_LOG_ORIGIN;
pub const CONFIG_FILE_NAME: &str = "normwatch.toml";

/// Settings every command takes (flags override the environment, which overrides the file).
#[derive(Debug, Clone, Args)]
pub struct ConfigArgs {
    /// Configuration file (TOML). Default: <data-dir>/normwatch.toml if it exists.
    #[arg(long, global = true, env = "NORMWATCH_CONFIG", value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Folder for the SQLite database, evidence blobs and the instance's keys [default: ./normwatch-data]
    #[arg(long, global = true, env = "NORMWATCH_DATA_DIR", value_name = "DIR")]
    pub data_dir: Option<PathBuf>,
    /// Database URL: sqlite://PATH or postgres://USER[:PASSWORD]@HOST:PORT/DB [default: SQLite file in the data dir]
    #[arg(long, global = true, env = "NORMWATCH_DATABASE", value_name = "URL")]
    pub database: Option<String>,
    /// Log filter, e.g. `info` or `normwatch=debug,sqlx=warn` [default: info]
    #[arg(long, global = true, env = "NORMWATCH_LOG", value_name = "FILTER")]
    pub log: Option<String>,
}

/// How the instance runs: flags of `serve`, `init` and `config`. Every other command reads the
/// same settings from the environment and the configuration file, so that an import signs with
/// the log origin the server uses.
#[derive(Debug, Clone, Default, Args)]
pub struct InstanceArgs {
    /// Address and port to serve on; port 0 picks a free one [default: 127.0.0.1:8380]
    #[arg(long, env = "NORMWATCH_LISTEN", value_name = "ADDR:PORT")]
    pub listen: Option<String>,
    /// Load the catalogue from this folder instead of the one built into the binary
    #[arg(long, env = "NORMWATCH_CATALOG_DIR", value_name = "DIR")]
    pub catalog_dir: Option<PathBuf>,
    /// Name of the transparency log, used in signed checkpoints and the signing key; peers know
    /// the instance by it [default: HOST/normwatch from --public-url, else localhost/normwatch]
    #[arg(long, env = "NORMWATCH_LOG_ORIGIN", value_name = "NAME")]
    pub log_origin: Option<String>,
    /// The URL people reach this instance at, if it is behind a proxy (https:// makes cookies Secure)
    #[arg(long, env = "NORMWATCH_PUBLIC_URL", value_name = "URL")]
    pub public_url: Option<String>,
    /// Username of the first admin account, created with a one-time password [default: admin]
    #[arg(long, env = "NORMWATCH_ADMIN_USERNAME", value_name = "NAME")]
    pub admin_username: Option<String>,
    /// How often webhook deliveries are attempted, in milliseconds [default: 1000]
    #[arg(long, env = "NORMWATCH_WEBHOOK_POLL_MS", value_name = "MS")]
    pub webhook_poll_ms: Option<u64>,
    /// The first webhook retry waits this long (ms); each later one twice as long [default: 30000]
    #[arg(long, env = "NORMWATCH_WEBHOOK_RETRY_BASE_MS", value_name = "MS")]
    pub webhook_retry_base_ms: Option<u64>,
    /// Approvals a violation assessment, attribution, statement, response or incident needs before it is published [default: 2]
    #[arg(long, env = "NORMWATCH_REVIEW_APPROVALS", value_name = "N")]
    pub review_approvals: Option<usize>,
    /// Different stakeholder kinds those approvals must come from [default: 2]
    #[arg(long, env = "NORMWATCH_REVIEW_STAKEHOLDER_KINDS", value_name = "N")]
    pub review_stakeholder_kinds: Option<usize>,
    /// Where evidence bytes are kept: a folder, or s3://BUCKET/PREFIX for an S3-compatible store
    /// configured by AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_REGION, AWS_ENDPOINT and
    /// AWS_ALLOW_HTTP [default: <data-dir>/blobs]
    #[arg(long, env = "NORMWATCH_BLOBS", value_name = "DIR|s3://BUCKET/PREFIX")]
    pub blobs: Option<String>,
    /// Largest evidence upload accepted, in bytes [default: 104857600]
    #[arg(long, env = "NORMWATCH_EVIDENCE_MAX_BYTES", value_name = "BYTES")]
    pub evidence_max_bytes: Option<u64>,
    /// Poll collection sources on private, loopback or link-local addresses (refused by default:
    /// a source URL must not reach into the operator's own network)
    #[arg(long, env = "NORMWATCH_ALLOW_PRIVATE_SOURCES")]
    pub allow_private_sources: bool,
    /// How often `serve` looks for collection sources that are due, in seconds; 0 turns the
    /// background poller off (use `normwatch collect once` from cron instead) [default: 60]
    #[arg(long, env = "NORMWATCH_COLLECT_POLL_SECS", value_name = "SECS")]
    pub collect_poll_secs: Option<u64>,
    /// How often `serve` syncs the peers it follows, in seconds; 0 turns the background sync
    /// off (use `normwatch peers sync` instead) [default: 300]
    #[arg(long, env = "NORMWATCH_PEER_SYNC_SECS", value_name = "SECS")]
    pub peer_sync_secs: Option<u64>,
}

impl InstanceArgs {
    /// The settings as the environment gives them, for a command that takes none as flags (clap
    /// reads the same variables, with the same parsing and messages, as for `serve`).
    pub fn from_env() -> Result<InstanceArgs> {
        use clap::FromArgMatches;
        let command = InstanceArgs::augment_args(clap::Command::new("normwatch").no_binary_name(true));
        let matches = command
            .try_get_matches_from(std::iter::empty::<String>())
            .map_err(|e| anyhow::anyhow!("{}", e.to_string().trim_start_matches("error: ").trim_end()))?;
        Ok(InstanceArgs::from_arg_matches(&matches)?)
    }
}

/// The file's shape: every key optional.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct FileConfig {
    data_dir: Option<PathBuf>,
    database: Option<String>,
    listen: Option<String>,
    catalog_dir: Option<PathBuf>,
    log_origin: Option<String>,
    admin_username: Option<String>,
    public_url: Option<String>,
    webhook_poll_ms: Option<u64>,
    webhook_retry_base_ms: Option<u64>,
    review_approvals: Option<usize>,
    review_stakeholder_kinds: Option<usize>,
    evidence_max_bytes: Option<u64>,
    blobs: Option<String>,
    allow_private_sources: Option<bool>,
    collect_poll_secs: Option<u64>,
    peer_sync_secs: Option<u64>,
    log: Option<String>,
}

/// The effective configuration.
#[derive(Debug, Clone, Serialize)]
pub struct Config {
    pub data_dir: PathBuf,
    pub database: String,
    pub listen: SocketAddr,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub catalog_dir: Option<PathBuf>,
    pub log_origin: String,
    pub admin_username: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub public_url: Option<String>,
    pub webhook_poll_ms: u64,
    pub webhook_retry_base_ms: u64,
    pub review_approvals: usize,
    pub review_stakeholder_kinds: usize,
    pub evidence_max_bytes: u64,
    pub blobs: normwatch_store::BlobLocation,
    pub allow_private_sources: bool,
    pub collect_poll_secs: u64,
    pub peer_sync_secs: u64,
    pub log: String,
    /// Whether the log origin was named (flag, environment or file) rather than derived: a
    /// derived name gives way to the name an existing signing key has.
    #[serde(skip)]
    pub log_origin_named: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub config_file: Option<PathBuf>,
}

impl Config {
    pub fn resolve(args: &ConfigArgs, instance: &InstanceArgs) -> Result<Config> {
        let data_dir_hint = args.data_dir.clone().unwrap_or_else(|| PathBuf::from(DEFAULT_DATA_DIR));
        let (file, config_file) = match &args.config {
            Some(path) => (read_file(path)?, Some(path.clone())),
            None => {
                let default = data_dir_hint.join(CONFIG_FILE_NAME);
                if default.is_file() { (read_file(&default)?, Some(default)) } else { (FileConfig::default(), None) }
            }
        };
        let data_dir = args.data_dir.clone().or(file.data_dir).unwrap_or_else(|| PathBuf::from(DEFAULT_DATA_DIR));
        let data_dir = absolute(&data_dir)?;
        let database = match args.database.clone().or(file.database) {
            Some(url) => url,
            None => format!("sqlite://{}", data_dir.join("normwatch.db").display()),
        };
        normwatch_store::Backend::from_url(&database).map_err(|e| anyhow::anyhow!("--database: {e}"))?;
        let listen_text = instance.listen.clone().or(file.listen).unwrap_or_else(|| DEFAULT_LISTEN.to_owned());
        let listen: SocketAddr = listen_text.parse().with_context(|| {
            format!("--listen: `{listen_text}` is not an address and port such as 127.0.0.1:8380 or [::1]:0")
        })?;
        let public_url = instance.public_url.clone().or(file.public_url);
        let named_origin = instance.log_origin.clone().or(file.log_origin);
        let log_origin_named = named_origin.is_some();
        let log_origin = named_origin
            .or_else(|| public_url.as_deref().and_then(normwatch_core::federation::origin_from_public_url))
            .unwrap_or_else(|| DEFAULT_LOG_ORIGIN.to_owned());
        if log_origin.is_empty() || log_origin.contains(char::is_whitespace) || log_origin.contains('+') {
            bail!("--log-origin: `{log_origin}` must be non-empty, without spaces or `+` (e.g. example.org/normwatch)");
        }
        let admin_username =
            instance.admin_username.clone().or(file.admin_username).unwrap_or_else(|| "admin".to_owned());
        if !normwatch_core::access::valid_username(&admin_username) {
            bail!("--admin-username: `{admin_username}` must be 3–64 of a-z, 0-9, `.`, `_`, `-`");
        }
        if let Some(u) = &public_url
            && !(u.starts_with("https://") || u.starts_with("http://"))
        {
            bail!("--public-url: `{u}` is not an http(s) URL");
        }
        let review_approvals = instance.review_approvals.or(file.review_approvals).unwrap_or(2);
        let review_stakeholder_kinds = instance.review_stakeholder_kinds.or(file.review_stakeholder_kinds).unwrap_or(2);
        if review_approvals == 0 || review_stakeholder_kinds == 0 || review_stakeholder_kinds > review_approvals {
            bail!(
                "--review-approvals {review_approvals} / --review-stakeholder-kinds {review_stakeholder_kinds}: both must be at least 1, and the kinds no more than the approvals"
            );
        }
        let blobs = match instance.blobs.clone().or(file.blobs) {
            Some(text) => match normwatch_store::BlobLocation::parse(&text)
                .map_err(|e| anyhow::anyhow!("--blobs: {e}"))?
            {
                normwatch_store::BlobLocation::Folder(dir) => normwatch_store::BlobLocation::Folder(absolute(&dir)?),
                s3 => s3,
            },
            None => normwatch_store::BlobLocation::Folder(data_dir.join("blobs")),
        };
        Ok(Config {
            blobs,
            review_approvals,
            review_stakeholder_kinds,
            evidence_max_bytes: instance
                .evidence_max_bytes
                .or(file.evidence_max_bytes)
                .unwrap_or(100 * 1024 * 1024)
                .max(1),
            webhook_poll_ms: instance.webhook_poll_ms.or(file.webhook_poll_ms).unwrap_or(1000).max(10),
            webhook_retry_base_ms: instance
                .webhook_retry_base_ms
                .or(file.webhook_retry_base_ms)
                .unwrap_or(30_000)
                .max(10),
            allow_private_sources: instance.allow_private_sources || file.allow_private_sources.unwrap_or(false),
            collect_poll_secs: instance.collect_poll_secs.or(file.collect_poll_secs).unwrap_or(60),
            peer_sync_secs: instance.peer_sync_secs.or(file.peer_sync_secs).unwrap_or(300),
            log_origin_named,
            public_url,
            admin_username,
            data_dir,
            database,
            listen,
            catalog_dir: instance.catalog_dir.clone().or(file.catalog_dir),
            log_origin,
            log: args.log.clone().or(file.log).unwrap_or_else(|| "info".to_owned()),
            config_file,
        })
    }

    /// The configuration as TOML, with secrets (the database password) redacted.
    pub fn redacted_toml(&self) -> Result<String> {
        let mut shown = self.clone();
        shown.database = normwatch_store::redact_url(&self.database);
        Ok(toml::to_string(&shown)?)
    }

    pub fn keys_dir(&self) -> PathBuf {
        self.data_dir.join("keys")
    }
}

fn read_file(path: &Path) -> Result<FileConfig> {
    let text = std::fs::read_to_string(path)
        .with_context(|| format!("cannot read the configuration file {}", path.display()))?;
    toml::from_str(&text).with_context(|| format!("{}: not a valid normwatch configuration", path.display()))
}

fn absolute(path: &Path) -> Result<PathBuf> {
    if path.is_absolute() {
        Ok(path.to_owned())
    } else {
        Ok(std::env::current_dir().context("cannot read the current directory")?.join(path))
    }
}
