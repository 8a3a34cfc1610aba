//! The results as one SVG: a horizontal bar chart per question that has answers to count.
//! Written directly rather than through a plotting crate: the text stays text, set in the
//! viewer's own Japanese font, and the output is the same bytes for the same results.

use super::{QuestionResult, QuestionType};
use std::fmt::Write;

const WIDTH: u32 = 720;
const LABEL_WIDTH: u32 = 260;
const BAR_MAX: u32 = 380;
const ROW: u32 = 24;
const HEADING: u32 = 40;
const GAP: u32 = 16;

fn escaped(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c if c.is_control() => out.push(' '),
            c => out.push(c),
        }
    }
    out
}

/// What a count's key reads as on the chart.
fn label(kind: QuestionType, key: &str) -> String {
    match (kind, key) {
        (QuestionType::YesNo, "yes") => "はい".into(),
        (QuestionType::YesNo, "no") => "いいえ".into(),
        (_, other) => other.chars().take(24).collect(),
    }
}

/// The chart of every counted question under `title`; free-text questions show how many
/// answered.
pub fn svg(title: &str, responses: i64, questions: &[QuestionResult]) -> String {
    let mut body = String::new();
    let mut y = HEADING + GAP;
    for q in questions {
        let _ = write!(
            body,
            r#"<text x="16" y="{}" font-size="15" font-weight="bold">{} {}</text>"#,
            y + 16,
            escaped(&q.key),
            escaped(&q.text.chars().take(60).collect::<String>()),
        );
        y += ROW + 4;
        if q.kind == QuestionType::Text {
            let _ = write!(
                body,
                r#"<text x="32" y="{}" font-size="13">自由記述 {}件（結果のCSVに全文）</text>"#,
                y + 16,
                q.texts.len()
            );
            y += ROW + GAP;
            continue;
        }
        let most = q.counts.0.iter().map(|(_, n)| *n).max().unwrap_or(0).max(1);
        for (key, n) in &q.counts.0 {
            let width = u32::try_from(*n).unwrap_or(0) * BAR_MAX / u32::try_from(most).unwrap_or(1);
            let _ = write!(
                body,
                concat!(
                    r#"<text x="{lx}" y="{ty}" font-size="13" text-anchor="end">{label}</text>"#,
                    r##"<rect x="{bx}" y="{by}" width="{w}" height="16" fill="#2f6fb0"><title>{label}: {n}</title></rect>"##,
                    r#"<text x="{nx}" y="{ty}" font-size="13">{n}</text>"#,
                ),
                lx = LABEL_WIDTH - 8,
                ty = y + 13,
                label = escaped(&label(q.kind, key)),
                bx = LABEL_WIDTH,
                by = y,
                w = width,
                nx = LABEL_WIDTH + width + 6,
                n = n,
            );
            y += ROW;
        }
        if let Some(mean) = q.mean {
            let _ = write!(
                body,
                r#"<text x="{}" y="{}" font-size="13">平均 {mean:.2}</text>"#,
                LABEL_WIDTH,
                y + 13
            );
            y += ROW;
        }
        y += GAP;
    }
    format!(
        concat!(
            r#"<svg xmlns="http://www.w3.org/2000/svg" width="{w}" height="{h}" viewBox="0 0 {w} {h}" role="img" aria-labelledby="chart-title">"#,
            r#"<title id="chart-title">{title}（回答 {responses}件）</title>"#,
            r##"<rect width="100%" height="100%" fill="#ffffff"/>"##,
            r##"<g font-family="'Noto Sans JP','Hiragino Sans','Yu Gothic',Meiryo,sans-serif" fill="#1a1a1a">"##,
            r#"<text x="16" y="28" font-size="18" font-weight="bold">{title}（回答 {responses}件）</text>"#,
            "{body}</g></svg>\n"
        ),
        w = WIDTH,
        h = y + GAP,
        title = escaped(title),
        responses = responses,
        body = body,
    )
}
