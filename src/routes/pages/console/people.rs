//! The people page, for admins only: everyone who signs in to the console with their role and
//! standing, and the forms to add a person, change a role, disable, enable again and reset,
//! through the same use cases as `honoraria staff …`, as the signed-in admin. A new one-time link is shown once,
//! on the page that answers the post rather than after a redirect: only its hash is stored, so
//! no later page could show it again.

use super::super::form::Values;
use super::super::staff::{admin, role_ja, staff_form, Session, SummaryLine};
use super::super::{html, see_other, Data, PageError};
use super::refused;
use crate::domain::jst;
use crate::domain::person::StaffEmail;
use crate::domain::refusal::Refusal;
use crate::domain::role::Role;
use crate::domain::secret::Secret;
use crate::domain::{FieldError, FieldErrors};
use crate::error::ApiError;
use crate::routes::{read, write};
use crate::service::people::{self, CutOff, Listed, PersonView, WELCOME_VALID_HOURS};
use crate::service::ServiceError;
use actix_web::http::StatusCode;
use actix_web::{get, post, web, HttpRequest, HttpResponse};
use askama::Template;
use chrono::NaiveDateTime;

const PAGE: &str = "/staff/people";

struct RoleChoice {
    value: &'static str,
    label: &'static str,
    selected: bool,
}

fn role_choices(selected: Option<Role>) -> Vec<RoleChoice> {
    Role::ALL
        .iter()
        .map(|role| RoleChoice {
            value: role.as_str(),
            label: role_ja(*role),
            selected: Some(*role) == selected,
        })
        .collect()
}

struct PersonLine {
    id: String,
    name: String,
    email: String,
    role: &'static str,
    roles: Vec<RoleChoice>,
    enabled: bool,
    has_password: bool,
    totp: bool,
    created_at: String,
    created_by: String,
    last_sign_in: String,
    /// The admin's own row: the page offers no way to disable or demote oneself.
    me: bool,
    role_error: Option<String>,
    disable_error: Option<String>,
}

/// The add form as typed, and why each field was refused.
#[derive(Default)]
struct AddForm {
    email: String,
    name: String,
    roles: Vec<RoleChoice>,
    email_error: Option<String>,
    name_error: Option<String>,
    role_error: Option<String>,
}

/// A one-time link just made, shown on this answer only.
struct NewLink {
    name: String,
    email: String,
    url: String,
    until: String,
    /// What a reset ended (an added person had nothing to end).
    ended: Option<CutOff>,
}

#[derive(Template)]
#[template(path = "pages/staff/people.html")]
struct PeoplePage {
    csrf_token: String,
    is_admin: bool,
    people: Vec<PersonLine>,
    add: AddForm,
    errors: Vec<SummaryLine>,
    link: Option<NewLink>,
    hours: i64,
}

/// What the page shows beyond the list: a form that came back refused, or a new link.
#[derive(Default)]
struct Shown {
    typed: Typed,
    /// Refusals by the field's id without its `f-`: `email`, `name`, `role` of the add form,
    /// `{person id}-role` and `{person id}-disable` of a row.
    errors: Vec<(String, &'static str, String)>,
    link: Option<NewLink>,
}

#[derive(Default)]
struct Typed {
    email: String,
    name: String,
    role: Option<Role>,
}

impl Shown {
    fn error(&self, field: &str) -> Option<String> {
        self.errors
            .iter()
            .find(|(f, _, _)| f == field)
            .map(|(_, _, m)| m.clone())
    }
}

/// Who made a person, as the audit trail names them; the command line by name.
fn made_by(label: &str) -> String {
    match label {
        "cli" => "コマンドライン".to_owned(),
        other => other.to_owned(),
    }
}

fn person_line(listed: &Listed, me: &str, shown: &Shown) -> PersonLine {
    let p = &listed.person;
    PersonLine {
        role: role_ja(p.role),
        roles: role_choices(Some(p.role)),
        enabled: p.enabled,
        has_password: p.has_password,
        totp: p.totp,
        created_at: jst::display(p.created_at.naive_utc()),
        created_by: made_by(&p.created_by),
        last_sign_in: listed.last_sign_in.map(jst::display).unwrap_or_default(),
        me: p.id == me,
        role_error: shown.error(&format!("{}-role", p.id)),
        disable_error: shown.error(&format!("{}-disable", p.id)),
        id: p.id.as_str().to_owned(),
        name: p.name.clone(),
        email: p.email.clone(),
    }
}

async fn people_page(
    state: &Data,
    session: &Session,
    shown: Shown,
) -> Result<PeoplePage, PageError> {
    let found = read(state, people::roster).await?;
    let me = &session.0.person.id;
    let add = AddForm {
        // Nobody becomes an admin by leaving the choice alone.
        roles: role_choices(shown.typed.role.or(Some(Role::Secretariat))),
        email_error: shown.error("email"),
        name_error: shown.error("name"),
        role_error: shown.error("role"),
        email: shown.typed.email.clone(),
        name: shown.typed.name.clone(),
    };
    Ok(PeoplePage {
        csrf_token: session.0.csrf_token.clone(),
        is_admin: admin(&session.0),
        people: found.iter().map(|p| person_line(p, me, &shown)).collect(),
        add,
        errors: shown
            .errors
            .iter()
            .map(|(field, label, message)| SummaryLine {
                field: field.clone(),
                label,
                message: message.clone(),
            })
            .collect(),
        link: shown.link,
        hours: WELCOME_VALID_HOURS,
    })
}

async fn answer(
    state: &Data,
    session: &Session,
    status: StatusCode,
    shown: Shown,
) -> Result<HttpResponse, PageError> {
    Ok(html(status, &people_page(state, session, shown).await?))
}

/// The link made at `made` (the write's time, from which it works 72 hours), as the person is
/// given it.
fn new_link(
    state: &Data,
    person: &PersonView,
    secret: &Secret,
    made: NaiveDateTime,
    ended: Option<CutOff>,
) -> NewLink {
    let until = made + chrono::Duration::hours(WELCOME_VALID_HOURS);
    NewLink {
        name: person.name.clone(),
        email: person.email.clone(),
        url: people::welcome_link(&state.notifier.public_base_url, secret),
        until: jst::display(until),
        ended,
    }
}

/// The field refusals of a refused change, or the change's error page when it was refused
/// otherwise.
fn field_refusals(e: ApiError) -> Result<Vec<FieldError>, PageError> {
    match e {
        ApiError::Invalid(errors) | ApiError::RefusedWith(_, errors) if !errors.is_empty() => {
            Ok(errors)
        }
        e => Err(refused(e, PAGE.to_owned())),
    }
}

/// An admin's post on this page: 403 for anyone else before the form is read, then the
/// session's token.
fn admin_form(
    state: &Data,
    req: &HttpRequest,
    session: &Session,
    body: &[u8],
) -> Result<Values, PageError> {
    session.admin_only()?;
    staff_form(state, req, &session.0, body, PAGE)
}

/// Everyone who signs in to the console, and the forms to manage them (admins; 403 otherwise).
#[get("/staff/people")]
pub async fn show_people(state: Data, session: Session) -> Result<HttpResponse, PageError> {
    session.admin_only()?;
    answer(&state, &session, StatusCode::OK, Shown::default()).await
}

fn add_label(field: &str) -> &'static str {
    match field {
        "email" => "メールアドレス",
        "name" => "氏名",
        _ => "役割",
    }
}

/// Adds a person as `honoraria staff add` does, and shows their one-time link; the form again
/// (422) with each refusal beside its field and what was typed.
#[post("/staff/people")]
pub async fn add_person(
    state: Data,
    req: HttpRequest,
    session: Session,
    body: web::Bytes,
) -> Result<HttpResponse, PageError> {
    let values = admin_form(&state, &req, &session, &body)?;
    let mut errors = FieldErrors::new();
    let email = errors.take("email", StaffEmail::parse(values.get("email")));
    if let Err(name) = people::check_name(values.get("name")) {
        errors.extend(name);
    }
    let role = errors.take(
        "role",
        values
            .get("role")
            .parse::<Role>()
            .map_err(|_| Refusal::NotAnOption),
    );
    let typed = Typed {
        email: values.get("email").trim().to_owned(),
        name: values.get("name").to_owned(),
        role,
    };
    let refusals = match (email, role, errors.is_empty()) {
        (Some(email), Some(role), true) => {
            let (actor, name) = (session.actor(), typed.name.clone());
            let done = write(&state, move |conn, now| {
                Ok((
                    people::add(conn, &actor, now, &email, &name, role, None)?,
                    now,
                ))
            })
            .await;
            match done {
                Ok((added, made)) => {
                    let link = added
                        .welcome
                        .map(|secret| new_link(&state, &added.person, &secret, made, None));
                    let shown = Shown {
                        link,
                        ..Shown::default()
                    };
                    return answer(&state, &session, StatusCode::OK, shown).await;
                }
                Err(e) => field_refusals(e)?,
            }
        }
        _ => errors.into_vec(),
    };
    let shown = Shown {
        typed,
        errors: refusals
            .iter()
            .map(|e| (e.field.clone(), add_label(&e.field), e.japanese()))
            .collect(),
        link: None,
    };
    answer(&state, &session, StatusCode::UNPROCESSABLE_ENTITY, shown).await
}

/// A change to one person, named by the last segment of its path.
#[derive(Clone, Copy)]
enum RowChange {
    Disable,
    Enable,
    Reset,
    Role,
}

impl RowChange {
    fn of(segment: &str) -> Option<Self> {
        match segment {
            "disable" => Some(RowChange::Disable),
            "enable" => Some(RowChange::Enable),
            "reset" => Some(RowChange::Reset),
            "role" => Some(RowChange::Role),
            _ => None,
        }
    }

    /// The row's field a refusal stands beside, and its label in the summary.
    fn field(self) -> (&'static str, &'static str) {
        match self {
            RowChange::Role => ("role", "役割の変更"),
            RowChange::Disable | RowChange::Reset => ("disable", "無効にする"),
            RowChange::Enable => ("disable", "有効に戻す"),
        }
    }
}

/// A change to one person refused: the page again (422) with the refusal beside their row.
async fn refused_row(
    state: &Data,
    session: &Session,
    id: &str,
    change: RowChange,
    e: ApiError,
) -> Result<HttpResponse, PageError> {
    let (what, label) = change.field();
    let shown = Shown {
        errors: field_refusals(e)?
            .iter()
            .map(|e| (format!("{id}-{what}"), label, e.japanese()))
            .collect(),
        ..Shown::default()
    };
    answer(state, session, StatusCode::UNPROCESSABLE_ENTITY, shown).await
}

/// A role the form did not offer.
fn not_a_role() -> ServiceError {
    let mut errors = FieldErrors::new();
    errors.push("role", Refusal::NotAnOption);
    ServiceError::Invalid(errors)
}

/// What a change to one person did: nothing to show but the list, or a new link.
enum Changed {
    Done,
    Link(Box<people::Reset>, NaiveDateTime),
}

/// A change to one person, as the command line makes it: `disable` (their sessions end and
/// their tokens are revoked at once; nobody disables themselves), `enable` (a disabled person
/// signs in again with their password), `reset` (password, sessions
/// and tokens ended; the answer shows the new one-time link) or `role` (audited as
/// `person.role`; nobody lowers their own). Back to the page, or the page again with the
/// refusal beside the person's row.
#[post("/staff/people/{id}/{change}")]
pub async fn change_person(
    state: Data,
    req: HttpRequest,
    session: Session,
    path: web::Path<(String, String)>,
    body: web::Bytes,
) -> Result<HttpResponse, PageError> {
    let (id, change) = path.into_inner();
    let values = admin_form(&state, &req, &session, &body)?;
    let change = RowChange::of(&change).ok_or_else(PageError::not_found)?;
    let role = values.get("role").parse::<Role>().ok();
    let (actor, target) = (session.actor(), id.clone());
    let done = write(&state, move |conn, now| {
        let email = people::email_of(conn, &target)?;
        match change {
            RowChange::Disable => people::disable(conn, &actor, now, &email).map(drop)?,
            RowChange::Enable => people::enable(conn, &actor, now, &email).map(drop)?,
            RowChange::Role => {
                let role = role.ok_or_else(not_a_role)?;
                people::set_role(conn, &actor, now, &email, role).map(drop)?
            }
            RowChange::Reset => {
                let reset = people::reset(conn, &actor, now, &email)?;
                return Ok(Changed::Link(Box::new(reset), now));
            }
        }
        Ok(Changed::Done)
    })
    .await;
    match done {
        Ok(Changed::Done) => Ok(see_other(PAGE)),
        Ok(Changed::Link(reset, made)) => {
            let link = new_link(
                &state,
                &reset.person,
                &reset.welcome,
                made,
                Some(reset.ended),
            );
            let shown = Shown {
                link: Some(link),
                ..Shown::default()
            };
            answer(&state, &session, StatusCode::OK, shown).await
        }
        Err(e) => refused_row(&state, &session, &id, change, e).await,
    }
}
