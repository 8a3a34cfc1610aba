//! Building the application: database, migrations, HTTP server.

use crate::config::Settings;
use crate::db::{self, Pool};
use crate::error::ApiError;
use crate::routes::{self, rate_limit::RateLimiter, AppState};
use actix_web::dev::Server;
use actix_web::middleware::ErrorHandlers;
use actix_web::{web, App, HttpServer};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;

#[derive(Debug, thiserror::Error)]
pub enum StartupError {
    #[error(transparent)]
    Db(#[from] db::DbError),
    #[error(transparent)]
    Mail(#[from] crate::email::MailerError),
    #[error(transparent)]
    Config(#[from] crate::config::ConfigError),
    #[error(transparent)]
    SealKey(#[from] crate::service::sealing::SealKeyError),
    #[error("cannot listen on {addr}: {source}")]
    Bind {
        addr: String,
        source: std::io::Error,
    },
}

pub struct Application {
    port: u16,
    server: Server,
    pool: Pool,
    worker: Option<Background>,
    housekeeping: Background,
}

/// Opens the pool and applies pending migrations.
pub fn prepare_database(settings: &Settings) -> Result<Pool, StartupError> {
    let pool = db::connect(
        settings.database_url.expose(),
        settings.db_pool_size,
        Duration::from_secs(settings.db_timeout_secs),
    )?;
    let mut conn = pool.get().map_err(db::DbError::from)?;
    let applied = db::run_migrations(&mut conn)?;
    if applied > 0 {
        tracing::info!(applied, "applied database migrations");
    }
    Ok(pool)
}

fn query_error(
    err: actix_web::error::QueryPayloadError,
    _: &actix_web::HttpRequest,
) -> actix_web::Error {
    let message = err.to_string();
    // serde names the parameter between backticks (`duplicate field `page``).
    let field = message
        .split('`')
        .nth(1)
        .filter(|f| !f.is_empty())
        .unwrap_or("query")
        .to_owned();
    ApiError::bad_request(field, format!("invalid query string: {message}")).into()
}

/// A path value that is none of ours (a malformed secret or id) names nothing: the JSON API's
/// 404 problem, or the pages' Japanese 404 page.
fn path_error(_: actix_web::error::PathError, req: &actix_web::HttpRequest) -> actix_web::Error {
    if req.path().starts_with("/api/") {
        ApiError::NotFound("not found".into()).into()
    } else {
        crate::routes::pages::PageError::not_found().into()
    }
}

type Background = (Arc<AtomicBool>, Vec<std::thread::JoinHandle<()>>);

/// The threads beside the HTTP server: the email worker (unless turned off) and housekeeping,
/// each with the flag that stops it.
fn spawn_background(
    settings: &Settings,
    pool: &Pool,
    mailer: crate::email::Mailer,
) -> (Option<Background>, Background) {
    let worker = settings.email_worker.then(|| {
        let stop = Arc::new(AtomicBool::new(false));
        let handles = crate::worker::spawn(
            pool.clone(),
            mailer,
            settings.retry_policy(),
            Duration::from_millis(settings.outbox_poll_ms),
            settings.email_senders,
            stop.clone(),
        );
        (stop, handles)
    });
    let stop = Arc::new(AtomicBool::new(false));
    let housekeeping = crate::housekeeping::spawn(
        pool.clone(),
        Duration::from_secs(settings.idempotency_ttl_hours.saturating_mul(3600)),
        stop.clone(),
    );
    (worker, (stop, vec![housekeeping]))
}

/// Headers every answer carries: no sniffing, no framing, no referrer, nothing cached (answers
/// may hold personal data).
fn security_headers() -> actix_web::middleware::DefaultHeaders {
    actix_web::middleware::DefaultHeaders::new()
        .add(("X-Content-Type-Options", "nosniff"))
        .add(("X-Frame-Options", "DENY"))
        .add(("Referrer-Policy", "no-referrer"))
        .add(("Cache-Control", "no-store"))
        .add((
            "Content-Security-Policy",
            // The applicant pages load only their own stylesheet and images and post only to
            // this site; the JSON API needs nothing.
            "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'",
        ))
}

impl Application {
    pub fn build(settings: Settings) -> Result<Self, StartupError> {
        crate::housekeeping::limit_heaps();
        let pool = prepare_database(&settings)?;
        let mailer = settings.mailer()?;
        let key = crate::service::sealing::SealKey::load(
            settings.secret_key.as_ref().map(|k| k.expose()),
            &settings.secret_key_file,
        )?;
        crate::service::sign_in::warm_up();
        let listener = crate::net::listen(&settings.bind).map_err(|source| StartupError::Bind {
            addr: settings.bind.clone(),
            source,
        })?;
        let port = listener.local_addr().map(|a| a.port()).unwrap_or(0);
        let proxies = settings.proxies()?;
        let caps = crate::net::ConnectionCaps::new(
            usize::try_from(settings.max_connections).unwrap_or(usize::MAX),
            usize::try_from(settings.max_connections_per_address).unwrap_or(usize::MAX),
            proxies.clone(),
        );
        let body_timeout = routes::body_timeout::BodyTimeout(Duration::from_secs(
            settings.client_body_timeout_secs,
        ));
        let (worker, housekeeping) = spawn_background(&settings, &pool, mailer);
        let state = web::Data::new(AppState {
            notifier: crate::service::outbox::Notifier::new(&settings.public_base_url),
            store: crate::service::Store::new(pool.clone()),
            public_limiter: RateLimiter::new(settings.public_rate_limit),
            view_limiter: RateLimiter::new(settings.view_rate_limit()),
            intake: Default::default(),
            trusted_proxies: proxies,
            console: crate::service::sign_in::Console {
                rules: crate::domain::sign_in::SessionRules::new(
                    settings.staff_session_idle_minutes,
                    settings.staff_session_max_hours,
                ),
                require_totp: settings.staff_require_totp,
                key,
            },
            hashing: routes::hash_gate::HashGate::new(
                settings.hash_concurrency(),
                std::time::Duration::from_millis(settings.staff_sign_in_wait_ms),
            ),
        });
        let server = HttpServer::new(move || {
            App::new()
                .app_data(state.clone())
                .app_data(web::QueryConfig::default().error_handler(query_error))
                .app_data(web::PathConfig::default().error_handler(path_error))
                .app_data(web::PayloadConfig::new(routes::MAX_JSON_BYTES))
                .app_data(body_timeout)
                .wrap(actix_web::middleware::from_fn(routes::body_timeout::limit))
                .wrap(actix_web::middleware::from_fn(
                    routes::input_guard::refuse_nul,
                ))
                .wrap(ErrorHandlers::new().default_handler(crate::error::problem_for_plain_errors))
                .wrap(security_headers())
                .wrap(actix_web::middleware::from_fn(routes::request_id::assign))
                .configure(routes::configure)
                .default_service(web::to(routes::pages::unrouted))
        })
        .on_connect(move |conn, ext| {
            crate::net::on_connect(&caps, conn, ext);
            ext.insert(routes::body_timeout::StalledBody::default());
        })
        // A client gets 10 s to send its request head (its body is timed by the middleware)
        // and 1 s to close after an early answer such as a 408 for a stalled body; a stuck one
        // cannot hold a connection for long.
        .client_request_timeout(Duration::from_secs(10))
        .client_disconnect_timeout(Duration::from_secs(1))
        .shutdown_timeout(30)
        .listen(listener)
        .map_err(|source| StartupError::Bind {
            addr: "listener".into(),
            source,
        })?
        .run();
        Ok(Application {
            port,
            server,
            pool,
            worker,
            housekeeping,
        })
    }

    pub fn port(&self) -> u16 {
        self.port
    }

    pub fn pool(&self) -> Pool {
        self.pool.clone()
    }

    pub async fn run_until_stopped(self) -> std::io::Result<()> {
        let served = self.server.await;
        for (stop, handles) in self.worker.into_iter().chain([self.housekeeping]) {
            stop.store(true, Ordering::Relaxed);
            for handle in handles {
                let _ = handle.join();
            }
        }
        served
    }
}
