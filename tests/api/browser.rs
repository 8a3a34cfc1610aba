//! The applicant's journeys end to end in headless Chromium through WebDriver (Debian's
//! `chromium` and `chromium-driver`): each tier filled in and submitted, refusals seen where
//! the applicant looks, the keyboard alone submitting, the status page, the withdrawal, a
//! survey answered from the status page.
//!
//! CI installs the browser. Elsewhere, without `chromedriver` on the PATH (or in
//! `CHROMEDRIVER`), these tests say loudly that they did not run; with `CI` set they fail.

use crate::helpers::{office, Backend, TestApp};
use crate::pages::{code_of, every_tier, office_fields};
use fantoccini::{elements::Element, error::CmdError, Client, ClientBuilder, Locator};
use serde_json::{json, Value};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

pub(crate) struct Driver {
    child: Child,
    url: String,
}

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

pub(crate) fn chromedriver() -> Option<Driver> {
    let program = std::env::var("CHROMEDRIVER").unwrap_or_else(|_| "chromedriver".into());
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("a free port")
        .port();
    let child = match Command::new(&program)
        .arg(format!("--port={port}"))
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
    {
        Ok(child) => child,
        Err(e) if std::env::var_os("CI").is_some() => {
            panic!("CI must install chromium and chromium-driver: {program}: {e}")
        }
        Err(e) => {
            eprintln!(
                "\n*** SKIPPED: the browser tests did not run: {program}: {e} (apt install chromium chromium-driver) ***\n"
            );
            return None;
        }
    };
    let started = Instant::now();
    while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(
            started.elapsed() < Duration::from_secs(20),
            "chromedriver did not listen"
        );
        std::thread::sleep(Duration::from_millis(100));
    }
    Some(Driver {
        child,
        url: format!("http://127.0.0.1:{port}"),
    })
}

pub(crate) async fn browser(driver: &Driver) -> Client {
    let mut options = json!({"args": [
        "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
        "--window-size=420,900", "--lang=ja"
    ]});
    if std::path::Path::new("/usr/bin/chromium").exists() {
        options["binary"] = json!("/usr/bin/chromium");
    }
    let mut caps = serde_json::Map::new();
    caps.insert("goog:chromeOptions".into(), options);
    ClientBuilder::new(hyper_util::client::legacy::connect::HttpConnector::new())
        .capabilities(caps)
        .connect(&driver.url)
        .await
        .expect("a Chromium session")
}

pub(crate) fn field_id(name: &str) -> String {
    format!("f-{}", name.replace('.', "-"))
}

pub(crate) async fn fill(c: &Client, name: &str, value: &str) -> Result<(), CmdError> {
    let found: Result<Element, CmdError> = c.find(Locator::Id(&field_id(name))).await;
    let element = match found {
        Ok(e) => e,
        // A pair's kinds are fixed by the form and have no control to fill.
        Err(_) if name.ends_with(".kind") => return Ok(()),
        Err(e) => return Err(e),
    };
    if element.tag_name().await? == "select" {
        element.select_by_value(value).await
    } else {
        element.clear().await?;
        element.send_keys(value).await
    }
}

async fn fill_office(c: &Client, prefix: &str, o: &Value) -> Result<(), CmdError> {
    for (name, value) in office_fields(prefix, o) {
        fill(c, &name, &value).await?;
    }
    Ok(())
}

/// Opens the form, chooses `tier` and fills in the contact and the offices.
pub(crate) async fn open_tier(
    c: &Client,
    base: &str,
    code: &str,
    tier: &str,
    offices: &[Value],
    referrals: &[Value],
) -> Result<(), CmdError> {
    c.goto(&format!("{base}/apply/{code}")).await?;
    c.find(Locator::Id(&format!("tier-{tier}")))
        .await?
        .click()
        .await?;
    c.find(Locator::Id("next")).await?.click().await?;
    c.wait().for_element(Locator::Id("form")).await?;
    fill(c, "contact.name", "山田 花子").await?;
    fill(c, "contact.email", "kaigo@example.jp").await?;
    for (i, o) in offices.iter().enumerate() {
        fill_office(c, &format!("offices.{i}"), o).await?;
    }
    for (i, o) in referrals.iter().enumerate() {
        fill_office(c, &format!("referrals.{i}"), o).await?;
    }
    Ok(())
}

pub(crate) async fn status_text(c: &Client) -> Result<String, CmdError> {
    c.wait()
        .for_element(Locator::Id("status"))
        .await?
        .text()
        .await
}

async fn journeys(c: &Client, base: &str, code: &str) -> Result<(), CmdError> {
    // Each tier, submitted with the button.
    let tiers = every_tier();
    for (tier, offices, referrals) in &tiers {
        open_tier(c, base, code, tier, offices, referrals).await?;
        c.find(Locator::Id("submit")).await?.click().await?;
        assert_eq!(status_text(c).await?, "参加決定", "{tier}");
        assert!(c.current_url().await?.path().starts_with("/status/"));
    }

    // A refusal: the summary takes the focus, names every error, and what was typed stays.
    let mut second = office(7, "service");
    second["corporate_number"] = office(6, "care_management")["corporate_number"].clone();
    open_tier(
        c,
        base,
        code,
        "general_pair",
        &[office(6, "care_management"), second],
        &[],
    )
    .await?;
    fill(c, "contact.email", "not-an-email").await?;
    c.find(Locator::Id("submit")).await?.click().await?;
    let summary = c.wait().for_element(Locator::Id("error-summary")).await?;
    let said = summary.text().await?;
    assert!(
        said.contains("同じ法人の事業所同士では応募できません"),
        "{said}"
    );
    assert!(
        said.contains("メールアドレスの形で入力してください"),
        "{said}"
    );
    let focused = c.active_element().await?;
    assert_eq!(focused.attr("id").await?.as_deref(), Some("error-summary"));
    let kept = c.find(Locator::Id(&field_id("contact.name"))).await?;
    assert_eq!(kept.prop("value").await?.as_deref(), Some("山田 花子"));
    let beside = c
        .find(Locator::Id(&format!("{}-error", field_id("contact.email"))))
        .await?;
    assert!(beside.text().await?.contains("メールアドレス"));
    // The summary's link leads to the field.
    summary
        .find(Locator::Css("a[href='#f-contact-email']"))
        .await?
        .click()
        .await?;
    assert_eq!(c.current_url().await?.fragment(), Some("f-contact-email"));

    // The keyboard alone: correct the fields and press Enter in one of them.
    fill(
        c,
        "offices.1.corporate_number",
        office(7, "service")["corporate_number"].as_str().unwrap(),
    )
    .await?;
    let email = c.find(Locator::Id(&field_id("contact.email"))).await?;
    email.clear().await?;
    email.send_keys("kaigo@example.jp\u{E007}").await?;
    assert_eq!(status_text(c).await?, "参加決定");

    // Withdrawing from the status page, after the confirmation step.
    c.find(Locator::Id("withdraw")).await?.click().await?;
    c.wait()
        .for_element(Locator::Id("confirm-withdraw"))
        .await?
        .click()
        .await?;
    assert_eq!(status_text(c).await?, "辞退済み");
    assert!(c.find(Locator::Id("withdraw")).await.is_err());
    Ok(())
}

/// A server listening where its public base URL says: the browser's `Origin` must match it.
pub(crate) fn app_at_its_public_address(backend: Backend) -> Option<TestApp> {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("a free port")
        .port();
    TestApp::spawn_with(backend, |s| {
        s.bind = format!("127.0.0.1:{port}");
        s.public_base_url = format!("http://127.0.0.1:{port}");
    })
}

/// Runs `journey` in a fresh Chromium session, saying where the browser stopped if it fails.
pub(crate) fn drive<F>(driver: &Driver, journey: F)
where
    F: for<'c> FnOnce(
        &'c Client,
    ) -> std::pin::Pin<
        Box<dyn std::future::Future<Output = Result<(), CmdError>> + 'c>,
    >,
{
    actix_web::rt::System::new().block_on(async {
        let c = browser(driver).await;
        let outcome = journey(&c).await;
        if let Err(e) = &outcome {
            let url = c
                .current_url()
                .await
                .map(|u| u.to_string())
                .unwrap_or_default();
            let source = c.source().await.unwrap_or_default();
            eprintln!("the browser stopped at {url}: {e}\n{source}");
        }
        let _ = c.close().await;
        outcome.expect("every step of the journey");
    });
}

/// Chromium, and a server at its public address with a campaign open for 50 offices: the
/// campaign's id and code. None where either cannot run here.
pub(crate) fn with_open_campaign(backend: Backend) -> Option<(Driver, TestApp, String, String)> {
    let driver = chromedriver()?;
    let app = app_at_its_public_address(backend)?;
    let id = app.open_campaign(50, 10);
    let code = code_of(&app, &id);
    Some((driver, app, id, code))
}

fn in_browser(backend: Backend) {
    let Some((driver, app, id, code)) = with_open_campaign(backend) else {
        return;
    };
    let base = app.base.clone();
    drive(&driver, move |c| {
        Box::pin(async move { journeys(c, &base, &code).await })
    });
    let listed = app.get(&format!("/api/v1/campaigns/{id}/applications"));
    assert_eq!(listed.body["total"], 4, "four applications, one withdrawn");
}

#[test]
fn applicant_journeys_in_a_real_browser_on_sqlite() {
    in_browser(Backend::Sqlite);
}

#[test]
fn applicant_journeys_in_a_real_browser_on_postgres() {
    in_browser(Backend::Postgres);
}

/// A person signs in through the real form and reaches the console's first page.
async fn sign_in_journey(c: &Client, base: &str) -> Result<(), CmdError> {
    c.goto(&format!("{base}/staff")).await?;
    c.wait().for_element(Locator::Id("sign-in")).await?;
    assert_eq!(c.current_url().await?.path(), "/staff/sign-in");
    c.find(Locator::Id("f-email"))
        .await?
        .send_keys("hanako@example.jp")
        .await?;
    c.find(Locator::Id("f-password"))
        .await?
        .send_keys("むさしの事務局の春の青空")
        .await?;
    c.find(Locator::Id("sign-in")).await?.click().await?;
    // The sign-in page has an h1 too: wait for what only the console shows, or a slow
    // machine reads the old page's heading as it goes away.
    c.wait().for_element(Locator::Id("sign-out")).await?;
    let heading = c.find(Locator::Css("h1")).await?.text().await?;
    assert_eq!(heading, "ようこそ、山田 花子さん");
    assert_eq!(c.current_url().await?.path(), "/staff");
    c.find(Locator::Id("sign-out")).await?.click().await?;
    c.wait().for_element(Locator::Id("sign-in")).await?;
    Ok(())
}

fn sign_in_in_browser(backend: Backend) {
    let Some(driver) = chromedriver() else {
        return;
    };
    let Some(app) = app_at_its_public_address(backend) else {
        return;
    };
    let email = honoraria::domain::person::StaffEmail::parse("hanako@example.jp").unwrap();
    let password =
        honoraria::domain::person::Password::parse("むさしの事務局の春の青空", &email).unwrap();
    let mut conn = app.pool.get().unwrap();
    honoraria::db::write_transaction(&mut conn, |c| {
        honoraria::service::people::add(
            c,
            &honoraria::service::Actor::cli(),
            honoraria::clock::now(),
            &email,
            "山田 花子",
            honoraria::domain::role::Role::Secretariat,
            Some(&password),
        )
    })
    .expect("person added");
    drop(conn);
    actix_web::rt::System::new().block_on(async {
        let c = browser(&driver).await;
        let outcome = sign_in_journey(&c, &app.base).await;
        if let Err(e) = &outcome {
            let source = c.source().await.unwrap_or_default();
            eprintln!("the browser stopped: {e}\n{source}");
        }
        let _ = c.close().await;
        outcome.expect("every step of the sign-in");
    });
}

#[test]
fn a_person_signs_in_in_a_real_browser_on_sqlite() {
    sign_in_in_browser(Backend::Sqlite);
}

#[test]
fn a_person_signs_in_in_a_real_browser_on_postgres() {
    sign_in_in_browser(Backend::Postgres);
}

/// An office answers its start survey from the status page: a refusal first, then the
/// answer, and back on the status page it reads 回答済.
async fn survey_journey(c: &Client, base: &str, secret: &str) -> Result<(), CmdError> {
    c.goto(&format!("{base}/status/{secret}")).await?;
    c.wait()
        .for_element(Locator::Css("ul.surveys a"))
        .await?
        .click()
        .await?;
    c.wait().for_element(Locator::Id("send-survey")).await?;
    c.find(Locator::Id("q-q2-2")).await?.click().await?;
    c.find(Locator::Id("send-survey")).await?.click().await?;
    let summary = c
        .wait()
        .for_element(Locator::Id("error-summary"))
        .await?
        .text()
        .await?;
    assert!(summary.contains("問1"), "{summary}");
    assert!(summary.contains("問3"), "{summary}");
    let kept = c.find(Locator::Id("q-q2-2")).await?;
    assert_eq!(kept.prop("checked").await?.as_deref(), Some("true"));
    c.find(Locator::Id("q-q1-3")).await?.click().await?;
    c.find(Locator::Id("q-q3-4")).await?.click().await?;
    c.find(Locator::Id("q-q5"))
        .await?
        .send_keys("設定は半日で終わりました")
        .await?;
    c.find(Locator::Id("send-survey")).await?.click().await?;
    c.wait().for_element(Locator::Id("status")).await?;
    assert_eq!(c.current_url().await?.path(), format!("/status/{secret}"));
    let surveys = c.find(Locator::Css("ul.surveys")).await?.text().await?;
    assert!(surveys.contains("回答済"), "{surveys}");
    Ok(())
}

fn survey_in_browser(backend: Backend) {
    let Some(driver) = chromedriver() else {
        return;
    };
    let Some(app) = app_at_its_public_address(backend) else {
        return;
    };
    let id = app.open_campaign(50, 10);
    let (secret, _) = crate::surveys::applied(&app, &id, &crate::helpers::single(1));
    actix_web::rt::System::new().block_on(async {
        let c = browser(&driver).await;
        let outcome = survey_journey(&c, &app.base, &secret).await;
        if let Err(e) = &outcome {
            let source = c.source().await.unwrap_or_default();
            eprintln!("the browser stopped: {e}\n{source}");
        }
        let _ = c.close().await;
        outcome.expect("every step of the survey");
    });
    let tally = app.get(&format!("/api/v1/campaigns/{id}/surveys/start/results"));
    assert_eq!(tally.body["responses"], 1, "{}", tally.body);
    assert_eq!(tally.body["questions"][0]["counts"]["両方"], 1);
    assert_eq!(tally.body["questions"][2]["mean"], 4.0);
}

#[test]
fn an_office_answers_its_survey_in_a_real_browser_on_sqlite() {
    survey_in_browser(Backend::Sqlite);
}

#[test]
fn an_office_answers_its_survey_in_a_real_browser_on_postgres() {
    survey_in_browser(Backend::Postgres);
}
