//! axe-core in headless Chromium on every console page and every applicant page, refusals
//! included: no violation of any rule axe runs by default (WCAG 2.0, 2.1 and 2.2 A and AA,
//! and its best practices).
//!
//! axe-core is not vendored: `scripts/install-axe.sh` installs the pinned version with npm into
//! `.axe/` (ignored by git), as CI does. Without it these tests fail, saying how to install it;
//! `AXE_CORE_JS` may name another copy of `axe.min.js`.

use crate::browser::{fill, open_tier, status_text};
use crate::browser_console::{
    chromium_and_app, click, full_width, in_chromium, sign_in, wait_text,
};
use crate::browser_world::{five_offices, world, World, B};
use crate::console::PASSWORD;
use crate::helpers::{office, Backend};
use fantoccini::{error::CmdError, Client, Locator};
use serde_json::Value;

/// The source of `axe.min.js`, or a failure that says how to install it.
pub(crate) fn axe_source() -> String {
    let path = std::env::var("AXE_CORE_JS").unwrap_or_else(|_| {
        concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/.axe/node_modules/axe-core/axe.min.js"
        )
        .to_owned()
    });
    std::fs::read_to_string(&path).unwrap_or_else(|e| {
        panic!(
            "axe-core is missing ({path}: {e}); the accessibility tests cannot run without it. \
             Install the pinned version with: scripts/install-axe.sh"
        )
    })
}

const RUN_AXE: &str = "const done = arguments[arguments.length - 1];
axe.run(document, {resultTypes: ['violations']}).then(
  r => done(r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
    nodes: v.nodes.map(n => n.target.join(' ') + ': ' + (n.failureSummary || ''))}))),
  e => done([{id: 'axe-error', impact: null, help: String(e), nodes: []}]));";

/// axe's source, and every violation found so far.
struct Axe {
    source: String,
    found: Vec<String>,
}

impl Axe {
    /// Runs axe on the page the browser shows, keeping every violation.
    async fn audit(&mut self, c: &Client, name: &str) -> Result<(), CmdError> {
        c.execute(&self.source, vec![]).await?;
        let violations: Value = c.execute_async(RUN_AXE, vec![]).await?;
        let at = c.current_url().await?;
        for v in violations.as_array().into_iter().flatten() {
            let nodes: Vec<&str> = v["nodes"]
                .as_array()
                .into_iter()
                .flatten()
                .filter_map(Value::as_str)
                .collect();
            self.found.push(format!(
                "{name} ({}): {} [{}] {}\n    {}",
                at.path(),
                v["id"],
                v["impact"],
                v["help"],
                nodes.join("\n    ")
            ));
        }
        Ok(())
    }
}

/// Opens `path` and waits for its heading.
pub(crate) async fn open(c: &Client, base: &str, path: &str) -> Result<(), CmdError> {
    c.goto(&format!("{base}{path}")).await?;
    c.wait().for_element(Locator::Css("h1")).await?;
    Ok(())
}

/// Every console page, as admin B; the forms' refusals and an upload's answer too.
async fn console(c: &Client, w: &World, axe: &mut Axe) -> Result<(), CmdError> {
    let base = &w.base;
    c.goto(&format!("{base}/staff/sign-in")).await?;
    axe.audit(c, "sign-in").await?;
    c.find(Locator::Id("f-email")).await?.send_keys(B).await?;
    c.find(Locator::Id("f-password"))
        .await?
        .send_keys("まちがったパスワードです")
        .await?;
    click(c, "#sign-in").await?;
    c.wait().for_element(Locator::Css(".error-summary")).await?;
    axe.audit(c, "sign-in-refused").await?;

    sign_in(c, base, B).await?;
    for (name, path) in w.console_pages() {
        open(c, base, &path).await?;
        axe.audit(c, name).await?;
    }

    // A disqualification without its reason comes back with the error beside the field.
    open(c, base, &format!("/staff/applications/{}", w.application)).await?;
    click(c, "#disqualify").await?;
    c.wait().for_element(Locator::Css(".error-summary")).await?;
    axe.audit(c, "application-refused").await?;

    // An upload's answer, a refused row in it.
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("usage.csv");
    let mut text = format!("office_number\n{}\n13701\n", five_offices().join("\n"));
    text.push('\n');
    std::fs::write(&file, text).unwrap();
    let participants = format!("/staff/campaigns/{}/participants", w.campaign);
    open(c, base, &participants).await?;
    c.find(Locator::Id("f-usage-list-file"))
        .await?
        .send_keys(file.to_str().unwrap())
        .await?;
    click(c, "#upload-usage-list").await?;
    wait_text(c, "h1", "を取り込みました").await?;
    axe.audit(c, "upload-answer").await?;

    // The batch approved: its downloads and the bank's file.
    open(c, base, &w.batch).await?;
    c.find(Locator::Id("f-password"))
        .await?
        .send_keys(PASSWORD)
        .await?;
    click(c, "#approve").await?;
    wait_text(c, "#batch-status", "承認済み").await?;
    c.wait().for_element(Locator::Id("zengin")).await?;
    axe.audit(c, "batch-approved").await
}

/// The single tier's form, filled in for office `n`.
async fn single_form(c: &Client, w: &World, n: u32) -> Result<(), CmdError> {
    let offices = [office(n, "care_management")];
    open_tier(c, &w.base, &w.code, "general_single", &offices, &[]).await
}

/// Every applicant page: each tier's form, a refusal, an office already taking part, a form
/// sent with full-width digits, the status page and the pages it leads to, a missing page.
async fn applicant(c: &Client, w: &World, axe: &mut Axe) -> Result<(), CmdError> {
    let base = &w.base;
    for (name, path) in w.applicant_pages() {
        open(c, base, &path).await?;
        axe.audit(c, name).await?;
    }

    single_form(c, w, 7).await?;
    fill(c, "contact.email", "not-an-email").await?;
    click(c, "#submit").await?;
    c.wait().for_element(Locator::Id("error-summary")).await?;
    axe.audit(c, "apply-refused").await?;

    single_form(c, w, 1).await?;
    click(c, "#submit").await?;
    c.wait().for_element(Locator::Css("h1")).await?;
    let said = c.source().await?;
    assert!(!said.contains("already taking part"), "Japanese: {said}");
    axe.audit(c, "apply-taken-office").await?;

    // The office number as a Japanese input method types it.
    single_form(c, w, 8).await?;
    let typed = full_width(&crate::year_end::number(8, "care_management"));
    fill(c, "offices.0.office_number", &typed).await?;
    click(c, "#submit").await?;
    assert_eq!(status_text(c).await?, "参加決定");
    axe.audit(c, "status-new").await
}

fn every_page(backend: Backend) {
    let axe = axe_source();
    let Some((driver, app)) = chromium_and_app(backend) else {
        return;
    };
    let w = world(&app);
    let mut axe = Axe {
        source: axe,
        found: Vec::new(),
    };
    let (w, seen) = (&w, &mut axe);
    in_chromium(&driver, |c| async move {
        applicant(&c, w, seen).await?;
        console(&c, w, seen).await
    });
    let found = axe.found;
    assert!(
        found.is_empty(),
        "axe-core found {} violations:\n{}",
        found.len(),
        found.join("\n")
    );
}

#[test]
fn axe_finds_nothing_on_any_page_on_sqlite() {
    every_page(Backend::Sqlite);
}

#[test]
fn axe_finds_nothing_on_any_page_on_postgres() {
    every_page(Backend::Postgres);
}
