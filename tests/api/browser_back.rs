//! In Chromium: a refused application, then an accepted one, then Back lands on a real page
//! (a refused post answers with a redirect, so history holds no post to send again and no
//! ERR_CACHE_MISS); then the contact is corrected from the status page.

use crate::browser::{drive, field_id, fill, open_tier, status_text, with_open_campaign};
use crate::helpers::{office, Backend};
use fantoccini::{error::CmdError, Client, Locator};

async fn back_and_correct(c: &Client, base: &str, code: &str) -> Result<(), CmdError> {
    open_tier(
        c,
        base,
        code,
        "general_single",
        &[office(1, "care_management")],
        &[],
    )
    .await?;
    fill(c, "contact.email", "not-an-email").await?;
    c.find(Locator::Id("submit")).await?.click().await?;
    let summary = c.wait().for_element(Locator::Id("error-summary")).await?;
    assert!(summary
        .text()
        .await?
        .contains("メールアドレスの形で入力してください"));
    let refused_at = c.current_url().await?;
    assert!(
        refused_at.query().is_some_and(|q| q.contains("draft=")),
        "the refusal is a page of its own: {refused_at}"
    );
    // Reloading the refusal shows it again rather than asking to send the form again.
    c.refresh().await?;
    c.wait().for_element(Locator::Id("error-summary")).await?;
    let kept = c.find(Locator::Id(&field_id("contact.name"))).await?;
    assert_eq!(kept.prop("value").await?.as_deref(), Some("山田 花子"));

    let email = c.find(Locator::Id(&field_id("contact.email"))).await?;
    email.clear().await?;
    email.send_keys("kaigo@example.jp").await?;
    c.find(Locator::Id("submit")).await?.click().await?;
    assert_eq!(status_text(c).await?, "参加決定");
    let status_url = c.current_url().await?;

    c.back().await?;
    c.wait().for_element(Locator::Id("form")).await?;
    let source = c.source().await?;
    assert!(!source.contains("ERR_CACHE_MISS"), "{source}");
    assert_eq!(c.current_url().await?, refused_at);
    // Chromium may show the page as it kept it; reloaded, the server says it was sent.
    c.refresh().await?;
    let notice = c
        .wait()
        .for_element(Locator::Id("notice"))
        .await?
        .text()
        .await?;
    assert!(notice.contains("すでに送信済み"), "{notice}");
    assert!(!c.source().await?.contains("ERR_CACHE_MISS"));

    c.goto(status_url.as_str()).await?;
    c.wait()
        .for_element(Locator::Id("correct"))
        .await?
        .click()
        .await?;
    c.wait().for_element(Locator::Id("save-correction")).await?;
    fill(c, "contact.name", "山田 太郎").await?;
    fill(c, "contact.email", "taro@example.jp").await?;
    c.find(Locator::Id("save-correction"))
        .await?
        .click()
        .await?;
    assert_eq!(status_text(c).await?, "参加決定");
    assert_eq!(c.current_url().await?, status_url);
    let name = c.find(Locator::Id("contact-name")).await?.text().await?;
    assert_eq!(name, "山田 太郎");
    let email = c.find(Locator::Id("contact-email")).await?.text().await?;
    assert_eq!(email, "t***@example.jp");
    Ok(())
}

fn in_browser(backend: Backend) {
    let Some((driver, app, id, code)) = with_open_campaign(backend) else {
        return;
    };
    let base = app.base.clone();
    drive(&driver, move |c| {
        Box::pin(async move { back_and_correct(c, &base, &code).await })
    });
    let listed = app.get(&format!("/api/v1/campaigns/{id}/applications"));
    assert_eq!(listed.body["total"], 1, "the refusal made nothing");
    assert_eq!(listed.body["items"][0]["contact"]["name"], "山田 太郎");
}

#[test]
fn back_after_a_refused_then_accepted_form_is_a_page_and_the_contact_is_corrected_on_sqlite() {
    in_browser(Backend::Sqlite);
}

#[test]
fn back_after_a_refused_then_accepted_form_is_a_page_and_the_contact_is_corrected_on_postgres() {
    in_browser(Backend::Postgres);
}
