//! Settings: built-in defaults, then `config/default.toml`, then `HONORARIA_*` environment
//! variables, then command-line flags, each overriding the one before.

use serde::Deserialize;

#[derive(Debug, Clone, Deserialize)]
pub struct Settings {
    pub database_url: String,
    pub bind: String,
    pub public_base_url: String,
    pub public_rate_limit: u32,
    pub db_pool_size: u32,
    pub outbox_dir: String,
    pub smtp_url: Option<String>,
}

#[derive(Debug, thiserror::Error)]
#[error("invalid configuration: {0}")]
pub struct ConfigError(String);

/// Values given on the command line, which win over everything else.
#[derive(Debug, Default, Clone)]
pub struct Overrides {
    pub database_url: Option<String>,
    pub bind: Option<String>,
}

impl Settings {
    pub fn load(config_file: &str, overrides: &Overrides) -> Result<Self, ConfigError> {
        let err = |e: config::ConfigError| ConfigError(e.to_string());
        let mut builder = config::Config::builder()
            .set_default("database_url", "sqlite://data/honoraria.db")
            .and_then(|b| b.set_default("bind", "127.0.0.1:8080"))
            .and_then(|b| b.set_default("public_base_url", "http://127.0.0.1:8080"))
            .and_then(|b| b.set_default("public_rate_limit", 60))
            .and_then(|b| b.set_default("db_pool_size", 16))
            .and_then(|b| b.set_default("outbox_dir", "data/outbox"))
            .map_err(err)?
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
        crate::db::Backend::from_url(&self.database_url)
            .map_err(|e| ConfigError(format!("database_url: {e}")))?;
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
        if self.db_pool_size == 0 {
            return Err(ConfigError("db_pool_size must be at least 1".into()));
        }
        Ok(())
    }
}
