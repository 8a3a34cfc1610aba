//! The README's screenshots, taken in headless Chromium from the same campaign the
//! accessibility audit reads: the console's main pages at 1280×900 and at a phone's 390×844,
//! and the applicant's form, a refusal and the status page at the phone's width.
//!
//! Ignored in ordinary runs: `scripts/screenshots.sh` runs it (it checks that a Japanese font
//! is installed first, or every character would be a box) and writes `docs/screenshots/`.

use crate::browser::{app_at_its_public_address, chromedriver, fill, open_tier};
use crate::browser_axe::open;
use crate::browser_console::{click, in_chromium, sign_in};
use crate::browser_world::{world, B};
use crate::helpers::{office, Backend};
use fantoccini::{error::CmdError, Client, Locator};
use serde_json::Value;
use std::path::Path;

/// Sizes the window so that the page itself is `width` × `height` CSS pixels.
async fn viewport(c: &Client, width: u32, height: u32) -> Result<(), CmdError> {
    c.set_window_size(width, height).await?;
    let inner: Value = c
        .execute("return [window.innerWidth, window.innerHeight];", vec![])
        .await?;
    let (w, h) = (inner[0].as_u64().unwrap(), inner[1].as_u64().unwrap());
    if (w, h) != (u64::from(width), u64::from(height)) {
        let grow = |want: u32, got: u64| (2 * u64::from(want)).saturating_sub(got) as u32;
        c.set_window_size(grow(width, w), grow(height, h)).await?;
    }
    Ok(())
}

async fn shoot(c: &Client, dir: &Path, name: &str) -> Result<(), CmdError> {
    // Nothing focused, no caret: the picture shows the page as it is first seen.
    c.execute(
        "document.activeElement && document.activeElement.blur();",
        vec![],
    )
    .await?;
    let png = c.screenshot().await?;
    std::fs::write(dir.join(format!("{name}.png")), png).expect("the screenshot written");
    Ok(())
}

#[test]
#[ignore = "writes docs/screenshots/: run scripts/screenshots.sh"]
fn screenshots_of_the_main_pages() {
    let dir = std::env::var("HONORARIA_SCREENSHOTS")
        .unwrap_or_else(|_| concat!(env!("CARGO_MANIFEST_DIR"), "/docs/screenshots").to_owned());
    let dir = Path::new(&dir);
    std::fs::create_dir_all(dir).unwrap();
    let driver = chromedriver().expect("chromedriver, to take the screenshots");
    let app = app_at_its_public_address(Backend::Sqlite).expect("a server");
    let w = world(&app);
    let w = &w;
    in_chromium(&driver, |c| async move {
        let base = &w.base;
        sign_in(&c, base, B).await?;
        let console = [
            ("console-dashboard", "/staff".to_owned()),
            (
                "console-application",
                format!("/staff/applications/{}", w.application),
            ),
            (
                "console-participants",
                format!("/staff/campaigns/{}/participants", w.campaign),
            ),
            (
                "console-year-end",
                format!("/staff/campaigns/{}/year-end", w.campaign),
            ),
            ("console-check", w.check.clone()),
            ("console-batch", w.batch.clone()),
        ];
        for (width, height, size) in [(1280, 900, "desktop"), (390, 844, "phone")] {
            viewport(&c, width, height).await?;
            for (name, path) in &console {
                open(&c, base, path).await?;
                shoot(&c, dir, &format!("{name}-{size}")).await?;
            }
        }

        open(&c, base, &format!("/apply/{}", w.code)).await?;
        shoot(&c, dir, "apply-choice-phone").await?;
        let seven = [office(7, "care_management")];
        open_tier(&c, base, &w.code, "general_single", &seven, &[]).await?;
        c.execute("window.scrollTo(0, 0);", vec![]).await?;
        shoot(&c, dir, "apply-form-phone").await?;
        fill(&c, "contact.email", "kaigo@example").await?;
        click(&c, "#submit").await?;
        c.wait().for_element(Locator::Id("error-summary")).await?;
        shoot(&c, dir, "apply-refused-phone").await?;
        open(&c, base, &format!("/status/{}", w.secret)).await?;
        shoot(&c, dir, "status-phone").await
    });
}
