//! The `honoraria` command: serve, migrate, issue tokens, verify the audit trail, load a
//! campaign from a file.

use clap::{Parser, Subcommand};
use honoraria::config::{Overrides, Settings};
use honoraria::domain::person::{Password, StaffEmail};
use honoraria::domain::role::Role;
use honoraria::service::{campaigns, people, tokens, Actor};
use honoraria::{clock, db, startup, telemetry};
use std::process::ExitCode;

#[derive(Parser)]
#[command(
    name = "honoraria",
    version,
    about = "First-come subsidy campaigns, end to end"
)]
struct Cli {
    /// Configuration file (TOML), overridden by HONORARIA_* variables and by flags; without
    /// it, config/default.toml when there is one. A file named here must exist.
    #[arg(long, global = true)]
    config: Option<String>,
    /// sqlite://PATH or postgres://USER@HOST:PORT/DB
    #[arg(long, global = true)]
    database_url: Option<String>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Apply pending migrations, then serve HTTP.
    Serve {
        /// Address to listen on, e.g. 127.0.0.1:8080.
        #[arg(long)]
        bind: Option<String>,
    },
    /// Apply pending migrations and exit.
    Migrate,
    /// Staff people, who sign in to the console and own tokens.
    Staff {
        #[command(subcommand)]
        command: StaffCommand,
    },
    /// API tokens.
    Token {
        #[command(subcommand)]
        command: TokenCommand,
    },
    /// The audit trail.
    Audit {
        #[command(subcommand)]
        command: AuditCommand,
    },
    /// Campaigns.
    Campaign {
        #[command(subcommand)]
        command: CampaignCommand,
    },
    /// The email outbox.
    Outbox {
        #[command(subcommand)]
        command: OutboxCommand,
    },
    /// Copy a SQLite database, consistently, while the service runs (PostgreSQL: pg_dump).
    Backup {
        /// Where the copy goes; must not exist yet.
        file: String,
    },
}

#[derive(Subcommand)]
enum OutboxCommand {
    /// Deliver every email that is due now, then exit.
    Drain,
}

#[derive(Subcommand)]
enum TokenCommand {
    /// Print one new API token, alone on one line.
    Create {
        #[arg(long)]
        role: Role,
        #[arg(long)]
        name: String,
        /// The person the token belongs to (its role no higher than theirs); without it the
        /// token is a machine account of its own.
        #[arg(long = "for")]
        for_email: Option<String>,
    },
}

#[derive(Subcommand)]
enum StaffCommand {
    /// Add a person; prints the one-time link where they choose a password.
    Add {
        #[arg(long)]
        email: String,
        #[arg(long)]
        name: String,
        #[arg(long)]
        role: Role,
        /// Read the password from one line of standard input instead; prints nothing.
        #[arg(long)]
        password_stdin: bool,
    },
    /// List people and their roles.
    List,
    /// Disable a person: their sessions end and their tokens stop working at once.
    Disable {
        #[arg(long)]
        email: String,
    },
    /// End a person's password and sessions and revoke their tokens (a reset assumes the
    /// password may be known to someone else); prints a new one-time link.
    Reset {
        #[arg(long)]
        email: String,
    },
}

#[derive(Subcommand)]
enum AuditCommand {
    /// Check the hash chain: exit 0 when intact, else name the first broken event.
    Verify {
        /// A head printed earlier by `audit anchor` (SEQ:HASH): the chain must still hold
        /// that event with that hash, so a cut tail with a rewritten head is caught.
        #[arg(long)]
        anchor: Option<String>,
    },
    /// Print the chain head as SEQ:HASH, to keep outside the database.
    Anchor,
}

#[derive(Subcommand)]
enum CampaignCommand {
    /// Create a campaign from a JSON file shaped like POST /api/v1/campaigns, e.g.
    /// config/fixtures/musashino-2023.json; prints its id.
    Load { file: String },
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(cli) {
        Ok(code) => code,
        Err(message) => {
            // One line, whatever the cause: libpq's messages span several.
            let line: Vec<&str> = message
                .lines()
                .map(str::trim)
                .filter(|l| !l.is_empty())
                .collect();
            eprintln!("honoraria: {}", line.join(" "));
            ExitCode::FAILURE
        }
    }
}

fn run(cli: Cli) -> Result<ExitCode, String> {
    let bind = match &cli.command {
        Command::Serve { bind } => bind.clone(),
        _ => None,
    };
    let config = match &cli.config {
        Some(named) if !std::path::Path::new(named).is_file() => {
            return Err(format!("the configuration file {named} does not exist"));
        }
        Some(named) => named.as_str(),
        None => "config/default.toml",
    };
    let settings = Settings::load(
        config,
        &Overrides {
            database_url: cli.database_url.clone(),
            bind,
        },
    )
    .map_err(|e| e.to_string())?;
    telemetry::init_as(settings.log_format);
    match cli.command {
        Command::Serve { .. } => serve(settings),
        Command::Migrate => migrate(&settings),
        Command::Token {
            command:
                TokenCommand::Create {
                    role,
                    name,
                    for_email,
                },
        } => create_token(&settings, role, &name, for_email.as_deref()),
        Command::Staff { command } => staff(&settings, command),
        Command::Audit {
            command: AuditCommand::Verify { anchor },
        } => verify_audit(&settings, anchor.as_deref()),
        Command::Audit {
            command: AuditCommand::Anchor,
        } => audit_anchor(&settings),
        Command::Outbox {
            command: OutboxCommand::Drain,
        } => drain_outbox(&settings),
        Command::Campaign {
            command: CampaignCommand::Load { file },
        } => load_campaign(&settings, &file),
        Command::Backup { file } => backup(&settings, &file),
    }
}

fn backup(settings: &Settings, file: &str) -> Result<ExitCode, String> {
    let mut conn = connection(settings)?;
    db::backup(&mut conn, file).map_err(|e| telemetry::error_chain(&e))?;
    println!("backed up to {file}");
    Ok(ExitCode::SUCCESS)
}

fn migrate(settings: &Settings) -> Result<ExitCode, String> {
    let pool = startup::prepare_database(settings).map_err(|e| telemetry::error_chain(&e))?;
    drop(pool);
    println!("migrations are up to date");
    Ok(ExitCode::SUCCESS)
}

fn create_token(
    settings: &Settings,
    role: Role,
    name: &str,
    for_email: Option<&str>,
) -> Result<ExitCode, String> {
    let email = for_email.map(staff_email).transpose()?;
    let mut conn = connection(settings)?;
    let now = clock::now();
    let created = db::write_transaction(&mut conn, |c| {
        let person = email.as_ref().map(|e| people::find(c, e)).transpose()?;
        let owner = match &person {
            Some(p) => tokens::Owner::Person(p),
            None => tokens::Owner::NewMachineAccount,
        };
        tokens::create(c, &Actor::cli(), now, role, name, owner)
    })
    .map_err(|e| e.to_string())?;
    println!("{}", created.token.expose());
    // A token written to the wrong database works nowhere: the default is a file relative to
    // the current folder, so say which one (a PostgreSQL URL may hold a password: not shown).
    if let Some(path) = settings.database_url.expose().strip_prefix("sqlite://") {
        let at = std::path::absolute(path).unwrap_or_else(|_| path.into());
        eprintln!("honoraria: stored in the SQLite database {}", at.display());
    }
    Ok(ExitCode::SUCCESS)
}

fn staff_email(typed: &str) -> Result<StaffEmail, String> {
    StaffEmail::parse(typed).map_err(|e| format!("email {e}"))
}

fn staff(settings: &Settings, command: StaffCommand) -> Result<ExitCode, String> {
    let mut conn = connection(settings)?;
    let now = clock::now();
    let actor = Actor::cli();
    let link = |secret| people::welcome_link(&settings.public_base_url, secret);
    match command {
        StaffCommand::Add {
            email,
            name,
            role,
            password_stdin,
        } => {
            let email = staff_email(&email)?;
            let password = if password_stdin {
                let mut line = String::new();
                std::io::stdin()
                    .read_line(&mut line)
                    .map_err(|e| format!("reading the password: {e}"))?;
                let chosen = line.trim_end_matches(['\r', '\n']);
                Some(Password::parse(chosen, &email).map_err(|e| format!("password {e}"))?)
            } else {
                None
            };
            let added = db::write_transaction(&mut conn, |c| {
                people::add(c, &actor, now, &email, &name, role, password.as_ref())
            })
            .map_err(|e| e.to_string())?;
            if let Some(secret) = added.welcome {
                println!("{}", link(&secret));
            }
        }
        StaffCommand::List => {
            let found =
                db::write_transaction(&mut conn, people::list).map_err(|e| e.to_string())?;
            for p in found {
                let state = if p.enabled { "enabled" } else { "disabled" };
                println!("{}\t{}\t{}\t{state}", p.email, p.role.as_str(), p.name);
            }
        }
        StaffCommand::Disable { email } => {
            let email = staff_email(&email)?;
            let (_, ended) =
                db::write_transaction(&mut conn, |c| people::disable(c, &actor, now, &email))
                    .map_err(|e| e.to_string())?;
            println!(
                "{} disabled; {} sessions ended and {} tokens revoked",
                email.as_str(),
                ended.sessions,
                ended.tokens
            );
        }
        StaffCommand::Reset { email } => {
            let email = staff_email(&email)?;
            let reset = db::write_transaction(&mut conn, |c| people::reset(c, &actor, now, &email))
                .map_err(|e| e.to_string())?;
            // The link alone on standard output, as `staff add` prints it, for scripts; what
            // else the reset did on standard error, for the person running it.
            println!("{}", link(&reset.welcome));
            eprintln!(
                "honoraria: {}: password cleared, {} sessions ended and {} tokens revoked (a \
                 reset assumes the password may be known to someone else); once they have \
                 chosen a new password, make new tokens with `token create --for`",
                email.as_str(),
                reset.ended.sessions,
                reset.ended.tokens
            );
        }
    }
    Ok(ExitCode::SUCCESS)
}

fn audit_anchor(settings: &Settings) -> Result<ExitCode, String> {
    let mut conn = connection(settings)?;
    let head = db::audit::head(&mut conn).map_err(|e| format!("reading the chain head: {e}"))?;
    println!("{head}");
    Ok(ExitCode::SUCCESS)
}

fn verify_audit(settings: &Settings, anchor: Option<&str>) -> Result<ExitCode, String> {
    let anchor: Option<db::audit::Anchor> = anchor
        .map(str::parse)
        .transpose()
        .map_err(|e| format!("--anchor: {e}"))?;
    let mut conn = connection(settings)?;
    match db::audit::verify_against(&mut conn, anchor.as_ref()) {
        Ok(count) => {
            println!("audit trail intact: {count} events");
            Ok(ExitCode::SUCCESS)
        }
        Err(e) => Err(format!("audit trail broken: {e}")),
    }
}

fn drain_outbox(settings: &Settings) -> Result<ExitCode, String> {
    use honoraria::worker::{drain, Outcome};
    let pool = startup::prepare_database(settings).map_err(|e| telemetry::error_chain(&e))?;
    let mailer = settings.mailer().map_err(|e| e.to_string())?;
    let outcomes = drain(&pool, &mailer, &settings.retry_policy()).map_err(|e| e.to_string())?;
    let count = |o: Outcome| outcomes.iter().filter(|x| **x == o).count();
    println!(
        "sent {}, retrying {}, failed {}",
        count(Outcome::Sent),
        count(Outcome::Retrying),
        count(Outcome::Failed)
    );
    Ok(ExitCode::SUCCESS)
}

fn load_campaign(settings: &Settings, file: &str) -> Result<ExitCode, String> {
    let text = std::fs::read_to_string(file).map_err(|e| format!("{file}: {e}"))?;
    let input: campaigns::CampaignInput =
        serde_json::from_str(&text).map_err(|e| format!("{file}: {e}"))?;
    let mut conn = connection(settings)?;
    let now = clock::now();
    let created = db::write_transaction(&mut conn, |c| {
        campaigns::create(c, &Actor::cli(), now, &input)
    })
    .map_err(|e| match e {
        honoraria::service::ServiceError::Invalid(errors) => errors
            .into_vec()
            .into_iter()
            .map(|e| format!("{}: {}", e.field, e.message))
            .collect::<Vec<_>>()
            .join("; "),
        other => other.to_string(),
    })?;
    println!("{}", created.id);
    Ok(ExitCode::SUCCESS)
}

fn connection(settings: &Settings) -> Result<db::PooledConn, String> {
    let pool = startup::prepare_database(settings).map_err(|e| telemetry::error_chain(&e))?;
    pool.get().map_err(|e| e.to_string())
}

fn serve(settings: Settings) -> Result<ExitCode, String> {
    let bind = settings.bind.clone();
    actix_web::rt::System::new().block_on(async move {
        let app = startup::Application::build(settings).map_err(|e| telemetry::error_chain(&e))?;
        tracing::info!(%bind, port = app.port(), "serving");
        app.run_until_stopped().await.map_err(|e| e.to_string())?;
        Ok(ExitCode::SUCCESS)
    })
}
