//! Who may open and post each console path: a table of every `/staff` route, checked for an
//! admin, a secretariat, an auditor and a browser without a session. The table is compared with
//! the routes the console's source registers, so a new page without a row fails here.

use crate::console::signed_in;
use crate::helpers::single;
use crate::on_both_backends;
use crate::staff_client::{Client, Reply};
use honoraria::domain::role::Role;

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Who {
    /// Before a session exists: sign-in and the welcome link.
    Door,
    /// Every role reads it.
    Read,
    /// Every role posts it: their own session and account.
    Own,
    /// Admin and secretariat change it; an auditor's post is 403.
    Operate,
    /// Admins only, to read and to post.
    Admin,
    /// Admin and secretariat, even to open: what it gives is issued and audited (the bank's
    /// file). Opened without what it needs, it is refused for that (422), never served.
    Issue,
}

/// Every console route as its handler registers it.
const TABLE: &[(&str, &str, Who)] = &[
    ("get", "/staff/sign-in", Who::Door),
    ("post", "/staff/sign-in", Who::Door),
    ("get", "/staff/welcome/{secret}", Who::Door),
    ("post", "/staff/welcome/{secret}", Who::Door),
    ("get", "/staff/account", Who::Read),
    ("post", "/staff/account", Who::Own),
    ("get", "/staff", Who::Read),
    ("get", "/staff/campaigns/new", Who::Admin),
    ("post", "/staff/campaigns", Who::Admin),
    ("get", "/staff/campaigns/{id}", Who::Read),
    ("post", "/staff/campaigns/{id}", Who::Operate),
    ("post", "/staff/campaigns/{id}/close", Who::Operate),
    ("get", "/staff/campaigns/{id}/applications", Who::Read),
    ("get", "/staff/applications/{id}", Who::Read),
    ("post", "/staff/applications/{id}/withdraw", Who::Operate),
    ("post", "/staff/applications/{id}/disqualify", Who::Operate),
    ("post", "/staff/applications/{id}/void", Who::Operate),
    ("post", "/staff/applications/{id}/notes", Who::Operate),
    (
        "post",
        "/staff/applications/{id}/emails/{email_id}/resend",
        Who::Operate,
    ),
    ("get", "/staff/campaigns/{id}/participants", Who::Read),
    (
        "post",
        "/staff/campaigns/{id}/participants/{office_number}/checkpoints",
        Who::Operate,
    ),
    ("post", "/staff/campaigns/{id}/checkpoints", Who::Operate),
    ("post", "/staff/campaigns/{id}/usage-lists", Who::Operate),
    (
        "post",
        "/staff/campaigns/{id}/seminar-attendees",
        Who::Operate,
    ),
    ("get", "/staff/campaigns/{id}/bank-accounts", Who::Read),
    (
        "post",
        "/staff/campaigns/{id}/bank-accounts/{office_number}",
        Who::Operate,
    ),
    ("get", "/staff/campaigns/{id}/year-end", Who::Read),
    (
        "post",
        "/staff/campaigns/{id}/year-end-checks",
        Who::Operate,
    ),
    ("get", "/staff/year-end-checks/{id}", Who::Read),
    ("post", "/staff/year-end-checks/{id}/notify", Who::Operate),
    ("post", "/staff/campaigns/{id}/reminders", Who::Operate),
    ("get", "/staff/campaigns/{id}/payouts", Who::Read),
    ("post", "/staff/campaigns/{id}/payout-batches", Who::Operate),
    ("get", "/staff/payout-batches/{id}", Who::Read),
    ("post", "/staff/payout-batches/{id}/approve", Who::Operate),
    ("post", "/staff/payout-batches/{id}/cancel", Who::Operate),
    ("get", "/staff/payout-batches/{id}/zengin", Who::Issue),
    ("get", "/staff/audit", Who::Read),
    ("get", "/staff/people", Who::Admin),
    ("post", "/staff/people", Who::Admin),
    ("post", "/staff/people/{id}/{change}", Who::Admin),
    // Last: it ends the session the rows above were checked with.
    ("post", "/staff/sign-out", Who::Own),
];

/// The uploads read a multipart body, their token a part of it.
const UPLOADS: [&str; 3] = [
    "/staff/campaigns/{id}/checkpoints",
    "/staff/campaigns/{id}/usage-lists",
    "/staff/campaigns/{id}/seminar-attendees",
];

/// Every `#[get("/staff…")]` and `#[post("/staff…")]` in the pages' source.
fn registered() -> Vec<(String, String)> {
    fn walk(dir: &std::path::Path, found: &mut Vec<(String, String)>) {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                walk(&path, found);
                continue;
            }
            let text = std::fs::read_to_string(&path).unwrap();
            for method in ["get", "post", "route"] {
                let needle = format!("#[{method}(\"/staff");
                for (at, _) in text.match_indices(&needle) {
                    let rest = &text[at + needle.len() - "/staff".len()..];
                    let path = &rest[..rest.find('"').unwrap()];
                    assert_ne!(method, "route", "{path}: name its methods in this table");
                    found.push((method.to_owned(), path.to_owned()));
                }
            }
        }
    }
    let mut found = Vec::new();
    let root = concat!(env!("CARGO_MANIFEST_DIR"), "/src/routes/pages");
    walk(std::path::Path::new(root), &mut found);
    found
}

/// The path with real ids where a page can show one, and ids of nothing elsewhere, so that a
/// post a role may make is refused for what it names or lacks (404, 422) rather than changing
/// anything: a campaign's forms sent empty are refused, an application's posts name none.
fn fill(method: &str, path: &str, campaign: &str, application: &str) -> String {
    let id = if path.starts_with("/staff/campaigns/{id}") {
        campaign
    } else if path.starts_with("/staff/applications/{id}") && method == "get" {
        application
    } else {
        "0000nothing"
    };
    path.replace("{id}", id)
        .replace("{secret}", "0000nothing")
        .replace("{email_id}", "0000nothing")
        .replace("{office_number}", "1310000000")
}

/// Each change the people page posts to its one route of a person.
const CHANGES: [&str; 4] = ["disable", "enable", "reset", "role"];

/// The paths to try for a route: one, or one per change of a person.
fn paths(method: &str, template: &str, campaign: &str, application: &str) -> Vec<String> {
    let path = fill(method, template, campaign, application);
    if !path.contains("{change}") {
        return vec![path];
    }
    CHANGES
        .iter()
        .map(|change| path.replace("{change}", change))
        .collect()
}

fn call(browser: &mut Client, (method, template): (&str, &str), path: &str, csrf: &str) -> Reply {
    match method {
        "get" => browser.get(path),
        _ if UPLOADS.contains(&template) => {
            browser.post_multipart(path, &[("csrf_token", csrf)], None)
        }
        _ => browser.post(path, &[("csrf_token", csrf)]),
    }
}

fn to_sign_in(reply: &Reply) -> bool {
    reply.status == 303
        && reply
            .location
            .as_deref()
            .is_some_and(|l| l.starts_with("/staff/sign-in?next="))
}

on_both_backends!(every_console_path_is_checked_for_every_role, |app| {
    let mut listed: Vec<(String, String)> = TABLE
        .iter()
        .map(|(m, p, _)| ((*m).to_owned(), (*p).to_owned()))
        .collect();
    let mut found = registered();
    listed.sort();
    found.sort();
    assert_eq!(
        listed, found,
        "the table against the registered console routes"
    );

    let campaign = app.open_campaign(5, 1);
    let applied = app.post(
        &format!("/api/v1/campaigns/{campaign}/applications"),
        &single(1),
    );
    let application = applied.body["id"].as_str().unwrap().to_owned();
    let mut people = [
        (
            Role::Admin,
            signed_in(app, "kanri@example.jp", "管理 太郎", Role::Admin),
        ),
        (
            Role::Secretariat,
            signed_in(app, "hanako@example.jp", "山田 花子", Role::Secretariat),
        ),
        (
            Role::Auditor,
            signed_in(app, "kansa@example.jp", "監査 三郎", Role::Auditor),
        ),
    ];
    let mut nobody = Client::new(app);
    for (method, template, who) in TABLE {
        for path in paths(method, template, &campaign, &application) {
            let anonymous = call(&mut nobody, (method, template), &path, "");
            assert_eq!(
                to_sign_in(&anonymous),
                *who != Who::Door,
                "{method} {template} without a session: {} {:?}",
                anonymous.status,
                anonymous.location
            );
            if *who == Who::Door {
                continue;
            }
            for (role, browser) in &mut people {
                let csrf = browser.get("/staff/account").input("csrf_token");
                let reply = call(browser, (method, template), &path, &csrf);
                let allowed = match who {
                    Who::Read | Who::Own => true,
                    Who::Operate => *method == "get" || *role != Role::Auditor,
                    Who::Admin => *role == Role::Admin,
                    Who::Issue => *role != Role::Auditor,
                    Who::Door => unreachable!(),
                };
                let refused = reply.status == 403 || to_sign_in(&reply);
                assert_eq!(
                    refused, !allowed,
                    "{method} {path} as {role:?}: {} {:?}\n{}",
                    reply.status, reply.location, reply.text
                );
                assert!(
                    reply.status < 500,
                    "{method} {path} as {role:?}: {}",
                    reply.text
                );
                if allowed && *method == "get" && *who != Who::Issue {
                    assert!(
                        [200, 404].contains(&reply.status),
                        "{path} as {role:?}: {}",
                        reply.status
                    );
                }
            }
        }
    }
});
