//! The secretariat's year in headless Chromium: person A signs in, reads the first page, finds
//! an application by its office number typed full-width, withdraws it with a reason, ticks a
//! checkpoint, uploads the usage list through the file input, runs the year-end check and
//! drafts a batch; person B signs in, approves with B's password and downloads the ledger.

use crate::browser::{app_at_its_public_address, browser, chromedriver, Driver};
use crate::browser_world::five_offices;
use crate::console::{add_person, PASSWORD};
use crate::helpers::{single, Backend, TestApp};
use crate::pages::code_of;
use crate::year_end::{apply, campaign_of_five, end_campaign, fill_checkpoints, number};
use fantoccini::{error::CmdError, Client, Locator};
use honoraria::domain::role::Role;
use std::time::{Duration, Instant};

/// Waits until the element `css` holds `expected` (a slow machine may still show the page
/// before), and returns its text.
pub(crate) async fn wait_text(c: &Client, css: &str, expected: &str) -> Result<String, CmdError> {
    let started = Instant::now();
    loop {
        let text = match c.find(Locator::Css(css)).await {
            Ok(e) => e.text().await.unwrap_or_default(),
            Err(_) => String::new(),
        };
        if text.contains(expected) {
            return Ok(text);
        }
        if started.elapsed() > Duration::from_secs(15) {
            let at = c.current_url().await?;
            panic!("{css} at {at} reads {text:?}, not {expected:?}");
        }
        actix_web::rt::time::sleep(Duration::from_millis(100)).await;
    }
}

pub(crate) async fn click(c: &Client, css: &str) -> Result<(), CmdError> {
    c.wait().for_element(Locator::Css(css)).await?.click().await
}

/// Signs in through the form as `email` with [`PASSWORD`] and waits for the first page.
pub(crate) async fn sign_in(c: &Client, base: &str, email: &str) -> Result<(), CmdError> {
    c.goto(&format!("{base}/staff")).await?;
    c.wait().for_element(Locator::Id("sign-in")).await?;
    assert_eq!(c.current_url().await?.path(), "/staff/sign-in");
    c.find(Locator::Id("f-email"))
        .await?
        .send_keys(email)
        .await?;
    c.find(Locator::Id("f-password"))
        .await?
        .send_keys(PASSWORD)
        .await?;
    click(c, "#sign-in").await?;
    c.wait().for_element(Locator::Id("sign-out")).await?;
    Ok(())
}

/// What the walk starts from: a campaign of five offices plus a sixth (a single office) to
/// withdraw, every checkpoint met but office 5's end survey, the campaign ended today.
struct Year {
    base: String,
    campaign: String,
    code: String,
    csv: std::path::PathBuf,
    _dir: tempfile::TempDir,
}

fn year(app: &TestApp) -> Year {
    let campaign = campaign_of_five(app);
    apply(app, &campaign, &single(6));
    fill_checkpoints(app, &campaign);
    end_campaign(app, &campaign);
    add_person(app, "a@example.jp", "青木 一郎", Role::Secretariat);
    add_person(app, "b@example.jp", "馬場 二郎", Role::Admin);
    let dir = tempfile::tempdir().unwrap();
    let csv = dir.path().join("利用者リスト.csv");
    let mut text = String::from("事業所名,事業所番号\n");
    for (i, office) in five_offices().iter().enumerate() {
        text.push_str(&format!("事業所{},{office}\n", i + 1));
    }
    std::fs::write(&csv, text).unwrap();
    Year {
        base: app.base.clone(),
        code: code_of(app, &campaign),
        campaign,
        csv,
        _dir: dir,
    }
}

pub(crate) fn full_width(digits: &str) -> String {
    digits
        .chars()
        .map(|d| char::from_u32(d as u32 + 0xFEE0).unwrap())
        .collect()
}

/// A's part: from the first page to a drafted batch; the batch page's path.
async fn secretariat(c: &Client, y: &Year) -> Result<String, CmdError> {
    let (base, campaign, code) = (&y.base, &y.campaign, &y.code);
    sign_in(c, base, "a@example.jp").await?;
    wait_text(c, "h1", "ようこそ、青木 一郎さん").await?;
    let row = format!("#campaign-{code}");
    wait_text(c, &format!("{row} [data-counter=total]"), "6 / 10").await?;
    wait_text(c, &format!("{row} [data-counter=waiting]"), "0件").await?;

    // The applications, searched by an office number typed with a Japanese input method.
    click(c, &format!("{row} a[href$='/applications']")).await?;
    let six = number(6, "care_management");
    c.wait()
        .for_element(Locator::Id("f-q"))
        .await?
        .send_keys(&full_width(&six))
        .await?;
    click(c, "#filter").await?;
    wait_text(c, "#total", "1件（1ページ目）").await?;
    wait_text(c, "#applications tbody", &six).await?;
    click(c, "#applications tbody a").await?;
    wait_text(c, "#status", "参加決定").await?;

    // Withdrawn with a reason, on the person's word.
    c.find(Locator::Id("f-withdraw-reason"))
        .await?
        .send_keys("ご担当者から電話で辞退の申し出")
        .await?;
    click(c, "#withdraw").await?;
    wait_text(c, "#status", "辞退").await?;
    wait_text(c, "#status-reason", "ご担当者から電話で辞退の申し出").await?;
    assert!(c.find(Locator::Id("withdraw")).await.is_err(), "once only");
    c.goto(&format!("{base}/staff")).await?;
    wait_text(c, &format!("{row} [data-counter=total]"), "5 / 10").await?;

    // Office 5's end survey, ticked in its row.
    let five = number(5, "service");
    click(c, &format!("{row} a[href$='/participants']")).await?;
    let line = format!("#o-{five}");
    wait_text(c, &line, "未了").await?;
    click(c, &format!("{line} summary")).await?;
    click(c, &format!("#f-{five}-end_survey_answered")).await?;
    click(c, &format!("#save-{five}")).await?;
    wait_text(c, &line, "回答済み").await?;
    let now = c.find(Locator::Css(&line)).await?.text().await?;
    assert_eq!(
        now.matches("未了").count(),
        1,
        "only continued use is open, until the usage list: {now}"
    );

    // The usage list, chosen in the file input as a person picks it from the disk.
    c.find(Locator::Id("f-usage-list-file"))
        .await?
        .send_keys(y.csv.to_str().unwrap())
        .await?;
    click(c, "#upload-usage-list").await?;
    wait_text(c, "h1", "を取り込みました").await?;
    wait_text(c, "#rows-taken", "5事業所").await?;
    wait_text(c, "#no-refused-rows", "ありません").await?;
    click(c, "main a[href$='/participants']").await?;
    let listed = wait_text(c, &line, "利用者リストに掲載").await?;
    assert!(
        !listed.contains("未了"),
        "nothing open for office 5: {listed}"
    );

    // The year-end check as of today (the form's default), the real one.
    c.goto(&format!("{base}/staff/campaigns/{campaign}/year-end"))
        .await?;
    click(c, "#run-check").await?;
    c.wait().for_element(Locator::Id("final")).await?;
    assert!(c
        .current_url()
        .await?
        .path()
        .starts_with("/staff/year-end-checks/"));

    // The batch, drafted from that check; its author may not approve it.
    c.goto(&format!("{base}/staff/campaigns/{campaign}/payouts"))
        .await?;
    click(c, "#draft-batch").await?;
    wait_text(c, "#batch-status", "承認待ち").await?;
    wait_text(c, "#author", "青木 一郎").await?;
    wait_text(c, "#not-yours", "ほかの担当者").await?;
    assert!(c.find(Locator::Id("approve")).await.is_err());
    let batch = c.current_url().await?.path().to_owned();
    click(c, "#sign-out").await?;
    c.wait().for_element(Locator::Id("sign-in")).await?;
    Ok(batch)
}

/// B's part: the batch waiting on the first page, approved with B's password, its ledger.
async fn approver(c: &Client, base: &str, batch: &str) -> Result<(), CmdError> {
    sign_in(c, base, "b@example.jp").await?;
    wait_text(c, "h1", "ようこそ、馬場 二郎さん").await?;
    click(c, &format!("#approvals a[href='{batch}']")).await?;
    c.wait()
        .for_element(Locator::Id("f-password"))
        .await?
        .send_keys(PASSWORD)
        .await?;
    click(c, "#approve").await?;
    wait_text(c, "#batch-status", "承認済み").await?;
    wait_text(c, "#decider", "馬場 二郎").await?;
    wait_text(c, "#author", "青木 一郎").await?;

    // The ledger, fetched from its link with the browser's session, as the download is.
    let href = c
        .find(Locator::Id("ledger-csv"))
        .await?
        .prop("href")
        .await?
        .unwrap_or_default();
    let session = c.get_named_cookie("honoraria_staff").await?;
    let got = ureq::get(&href)
        .set("Cookie", &format!("honoraria_staff={}", session.value()))
        .call()
        .unwrap_or_else(|e| panic!("{href}: {e}"));
    assert!(got.content_type().starts_with("text/csv"), "{href}");
    let disposition = got.header("Content-Disposition").unwrap_or_default();
    assert!(disposition.contains("attachment"), "{disposition}");
    let text = got.into_string().unwrap();
    for (n, kind) in [(1, "care_management"), (5, "service")] {
        assert!(text.contains(&number(n, kind)), "office {n} paid: {text}");
    }
    assert!(
        !text.contains(&number(6, "care_management")),
        "the withdrawn office is not paid: {text}"
    );
    Ok(())
}

/// Runs `journey` in a fresh Chromium session, saying where the browser stopped if it fails.
pub(crate) fn in_chromium<F, Fut>(driver: &Driver, journey: F)
where
    F: FnOnce(Client) -> Fut,
    Fut: std::future::Future<Output = Result<(), CmdError>>,
{
    actix_web::rt::System::new().block_on(async {
        let c = browser(driver).await;
        let outcome = journey(c.clone()).await;
        if let Err(e) = &outcome {
            let url = c.current_url().await.map(|u| u.to_string());
            let source = c.source().await.unwrap_or_default();
            eprintln!("the browser stopped at {url:?}: {e}\n{source}");
        }
        let _ = c.close().await;
        outcome.expect("every step in the browser");
    });
}

/// Chromium, and a server at its public address; None where either cannot run here.
pub(crate) fn chromium_and_app(backend: Backend) -> Option<(Driver, TestApp)> {
    let driver = chromedriver()?;
    Some((driver, app_at_its_public_address(backend)?))
}

fn walk(backend: Backend) {
    let Some((driver, app)) = chromium_and_app(backend) else {
        return;
    };
    let y = year(&app);
    let mut batch = String::new();
    let (y, drafted) = (&y, &mut batch);
    in_chromium(&driver, |c| async move {
        *drafted = secretariat(&c, y).await?;
        approver(&c, &y.base, drafted).await
    });
    let id = batch.rsplit('/').next().unwrap();
    let shown = app.get(&format!("/api/v1/payout-batches/{id}"));
    assert_eq!(shown.body["status"], "approved", "{}", shown.body);
    assert_eq!(shown.body["created_by_person"]["name"], "青木 一郎");
    assert_eq!(shown.body["decided_by_person"]["name"], "馬場 二郎");
}

#[test]
fn the_secretariats_year_in_a_real_browser_on_sqlite() {
    walk(Backend::Sqlite);
}

#[test]
fn the_secretariats_year_in_a_real_browser_on_postgres() {
    walk(Backend::Postgres);
}
