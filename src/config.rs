//! Settings: built-in defaults, then `config/default.toml`, then `HONORARIA_*` environment
//! variables, then command-line flags, each overriding the one before.

use crate::domain::secret::Secret;
use serde::{Deserialize, Serialize};
use std::ops::RangeInclusive;
use std::time::Duration;

#[derive(Debug, Clone, Deserialize, Serialize)]
pub struct Settings {
    pub database_url: Secret,
    pub bind: String,
    pub public_base_url: String,
    /// Submissions (posts) per minute per client address on the public endpoints; `0` = off.
    pub public_rate_limit: u32,
    /// Page views and public reads per minute per client address; unset: 20 times
    /// `public_rate_limit`. Many offices share one address (a corporation's network, a mobile
    /// carrier) and reload at the opening minute, so views must not use up submissions.
    pub public_view_rate_limit: Option<u32>,
    pub db_pool_size: u32,
    /// How long a request waits for the database (a pooled connection, a new connection,
    /// SQLite's lock) before it is answered 503.
    pub db_timeout_secs: u64,
    /// Where emails are written as `.eml` files when no SMTP server is configured.
    pub outbox_dir: String,
    pub smtp_url: Option<Secret>,
    pub smtp_timeout_secs: u64,
    /// The From of applicant emails.
    pub mail_from: String,
    pub outbox_max_attempts: i32,
    pub outbox_retry_base_secs: u64,
    pub outbox_retry_max_secs: u64,
    pub outbox_poll_ms: u64,
    /// Whether `serve` runs the email delivery worker.
    pub email_worker: bool,
    /// How many messages the worker hands to the mail server at once: an SMTP exchange spends
    /// most of its time waiting on the network, so one sender alone managed about 20 a second.
    pub email_senders: usize,
    /// How long a stored `Idempotency-Key` response is replayed.
    pub idempotency_ttl_hours: u64,
    /// `text` (default) or `json`: one JSON object per log line, for log collectors.
    pub log_format: crate::telemetry::LogFormat,
    /// How long a request body may pause between two pieces before it is answered 408.
    pub client_body_timeout_secs: u64,
    /// Open connections the process holds in all.
    pub max_connections: u64,
    /// Open connections one client address may hold (trusted proxies are exempt).
    pub max_connections_per_address: u64,
    /// Comma-separated addresses or CIDR blocks whose `Forwarded` / `X-Forwarded-For` name
    /// the client.
    pub trusted_proxies: String,
    /// A console session ends after this many minutes without a request.
    pub staff_session_idle_minutes: u64,
    /// A console session ends this many hours after sign-in.
    pub staff_session_max_hours: u64,
    /// Whether every person must have TOTP on before using the console.
    pub staff_require_totp: bool,
    /// Password hashes and verifications (sign-ins, welcome links, password changes) running
    /// at once in this process; unset: half the CPUs, at least one.
    pub staff_sign_in_concurrency: Option<u32>,
    /// How long a sign-in waits for one of those before it is answered 503 with `Retry-After`.
    pub staff_sign_in_wait_ms: u64,
    /// 64 hex digits sealing secrets at rest (TOTP secrets). Unset: read from
    /// `secret_key_file`, which is made on first start.
    pub secret_key: Option<Secret>,
    pub secret_key_file: String,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            database_url: Secret::new("sqlite://data/honoraria.db"),
            bind: "127.0.0.1:8080".into(),
            public_base_url: "http://127.0.0.1:8080".into(),
            public_rate_limit: 60,
            public_view_rate_limit: None,
            db_pool_size: 16,
            db_timeout_secs: 5,
            outbox_dir: "data/outbox".into(),
            smtp_url: None,
            smtp_timeout_secs: 15,
            mail_from: "キャンペーン事務局 <noreply@honoraria.localhost>".into(),
            outbox_max_attempts: 8,
            outbox_retry_base_secs: 30,
            outbox_retry_max_secs: 3600,
            outbox_poll_ms: 1000,
            email_worker: true,
            email_senders: 4,
            idempotency_ttl_hours: 24,
            log_format: crate::telemetry::LogFormat::Text,
            client_body_timeout_secs: 10,
            max_connections: 4096,
            max_connections_per_address: 1024,
            trusted_proxies: String::new(),
            staff_session_idle_minutes: 30,
            staff_session_max_hours: 12,
            staff_require_totp: false,
            staff_sign_in_concurrency: None,
            staff_sign_in_wait_ms: 1000,
            secret_key: None,
            secret_key_file: "data/secret.key".into(),
        }
    }
}

#[derive(Debug, thiserror::Error)]
#[error("invalid configuration: {0}")]
pub struct ConfigError(String);

const WEEK_SECS: u64 = 7 * 24 * 3600;

/// Every number a setting takes is bounded, so no later arithmetic on it can overflow.
fn in_range(name: &str, value: u64, allowed: RangeInclusive<u64>) -> Result<(), ConfigError> {
    if allowed.contains(&value) {
        Ok(())
    } else {
        Err(ConfigError(format!(
            "{name} must be from {} to {}, got {value}",
            allowed.start(),
            allowed.end()
        )))
    }
}

/// Values given on the command line, which win over everything else.
#[derive(Debug, Default, Clone)]
pub struct Overrides {
    pub database_url: Option<String>,
    pub bind: Option<String>,
}

impl Settings {
    /// The per-minute limit on page views and public reads.
    pub fn view_rate_limit(&self) -> u32 {
        self.public_view_rate_limit
            .unwrap_or_else(|| self.public_rate_limit.saturating_mul(20))
    }

    /// Password hashes and verifications at once in this process.
    pub fn hash_concurrency(&self) -> usize {
        self.staff_sign_in_concurrency
            .and_then(|n| usize::try_from(n).ok())
            .unwrap_or_else(|| {
                crate::domain::sign_in::default_hash_concurrency(
                    std::thread::available_parallelism().map_or(1, usize::from),
                )
            })
    }

    pub fn load(config_file: &str, overrides: &Overrides) -> Result<Self, ConfigError> {
        let err = |e: config::ConfigError| ConfigError(e.to_string());
        let defaults = config::Config::try_from(&Settings::default()).map_err(err)?;
        let mut builder = config::Config::builder()
            .add_source(defaults)
            .add_source(config::File::with_name(config_file).required(false))
            .add_source(config::Environment::with_prefix("HONORARIA").try_parsing(true));
        for (key, value) in [
            ("database_url", &overrides.database_url),
            ("bind", &overrides.bind),
        ] {
            if let Some(v) = value {
                builder = builder.set_override(key, v.as_str()).map_err(err)?;
            }
        }
        let settings: Settings = builder
            .build()
            .and_then(|c| c.try_deserialize())
            .map_err(err)?;
        settings.check()?;
        Ok(settings)
    }

    fn check(&self) -> Result<(), ConfigError> {
        crate::db::Backend::from_url(self.database_url.expose()).map_err(|_| {
            ConfigError("database_url must start with sqlite:// or postgres://".into())
        })?;
        self.bind
            .parse::<std::net::SocketAddr>()
            .map_err(|e| ConfigError(format!("bind {:?}: {e}", self.bind)))?;
        if !(self.public_base_url.starts_with("http://")
            || self.public_base_url.starts_with("https://"))
        {
            return Err(ConfigError(format!(
                "public_base_url must start with http:// or https://, got {:?}",
                self.public_base_url
            )));
        }
        in_range("db_pool_size", self.db_pool_size.into(), 1..=1_000)?;
        in_range("db_timeout_secs", self.db_timeout_secs, 1..=300)?;
        in_range("smtp_timeout_secs", self.smtp_timeout_secs, 1..=600)?;
        in_range(
            "outbox_max_attempts",
            u64::try_from(self.outbox_max_attempts).unwrap_or(0),
            1..=100,
        )?;
        in_range(
            "outbox_retry_base_secs",
            self.outbox_retry_base_secs,
            0..=WEEK_SECS,
        )?;
        in_range(
            "outbox_retry_max_secs",
            self.outbox_retry_max_secs,
            self.outbox_retry_base_secs..=WEEK_SECS,
        )?;
        in_range("outbox_poll_ms", self.outbox_poll_ms, 10..=600_000)?;
        in_range("email_senders", self.email_senders as u64, 1..=64)?;
        in_range(
            "idempotency_ttl_hours",
            self.idempotency_ttl_hours,
            1..=24 * 366,
        )?;
        in_range(
            "client_body_timeout_secs",
            self.client_body_timeout_secs,
            1..=600,
        )?;
        in_range("max_connections", self.max_connections, 1..=1_000_000)?;
        in_range(
            "max_connections_per_address",
            self.max_connections_per_address,
            1..=self.max_connections,
        )?;
        self.proxies()?;
        in_range(
            "staff_session_idle_minutes",
            self.staff_session_idle_minutes,
            1..=24 * 60,
        )?;
        in_range(
            "staff_session_max_hours",
            self.staff_session_max_hours,
            1..=7 * 24,
        )?;
        if let Some(n) = self.staff_sign_in_concurrency {
            in_range("staff_sign_in_concurrency", n.into(), 1..=1_024)?;
        }
        in_range(
            "staff_sign_in_wait_ms",
            self.staff_sign_in_wait_ms,
            0..=60_000,
        )?;
        Ok(())
    }
}

impl Settings {
    pub fn proxies(&self) -> Result<crate::net::TrustedProxies, ConfigError> {
        self.trusted_proxies
            .parse()
            .map_err(|e| ConfigError(format!("trusted_proxies: {e}")))
    }

    pub fn retry_policy(&self) -> crate::worker::RetryPolicy {
        crate::worker::RetryPolicy {
            max_attempts: self.outbox_max_attempts,
            base_delay: Duration::from_secs(self.outbox_retry_base_secs),
            max_delay: Duration::from_secs(self.outbox_retry_max_secs),
            lease: Duration::from_secs(self.smtp_timeout_secs.saturating_mul(4).max(60)),
        }
    }

    pub fn mailer(&self) -> Result<crate::email::Mailer, crate::email::MailerError> {
        crate::email::Mailer::new(
            self.smtp_url.as_ref().map(Secret::expose),
            &self.outbox_dir,
            &self.mail_from,
            Duration::from_secs(self.smtp_timeout_secs),
        )
    }
}
