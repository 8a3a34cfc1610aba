//! A survey's results for staff and auditors: the tabulation, one sheet row per answered
//! office (CSV and workbook), and the bar chart.

use super::{find, ServiceError, ServiceResult};
use crate::db::surveys as rows;
use crate::db::DbConn;
use crate::domain::ids::CampaignId;
use crate::domain::jst;
use crate::domain::survey::{
    chart, tabulate, written, Answers, Definition, QuestionResult, SurveyKind,
};
use crate::formats::csv::{line, utf8_with_bom, Cell};
use serde::Serialize;

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ResultsView {
    pub campaign_id: CampaignId,
    pub kind: SurveyKind,
    pub title: String,
    /// Offices that answered.
    pub responses: i64,
    /// Offices accepted now, which are all asked to answer.
    pub offices_expected: i64,
    pub questions: Vec<QuestionResult>,
}

/// One answered office, as a sheet row shows it.
struct Answered {
    office_number: String,
    office_name: String,
    answered_at: String,
    answers: Answers,
}

fn answered(
    conn: &mut DbConn,
    campaign_id: &CampaignId,
    kind: SurveyKind,
) -> ServiceResult<(Definition, Vec<Answered>)> {
    let (_, definition) = find(conn, campaign_id, kind)?;
    let list = rows::answers(conn, campaign_id, kind)?
        .into_iter()
        .map(|(row, office_name)| {
            Ok(Answered {
                answers: serde_json::from_str(&row.answers_json)
                    .map_err(|e| ServiceError::Format(format!("stored answers: {e}")))?,
                office_number: row.office_number,
                office_name,
                answered_at: jst::to_jst(row.answered_at).to_rfc3339(),
            })
        })
        .collect::<ServiceResult<Vec<_>>>()?;
    Ok((definition, list))
}

pub fn results(
    conn: &mut DbConn,
    campaign_id: &CampaignId,
    kind: SurveyKind,
) -> ServiceResult<ResultsView> {
    let (definition, list) = answered(conn, campaign_id, kind)?;
    let expected = crate::db::year_end::accepted_offices(conn, campaign_id)?.len();
    let all: Vec<Answers> = list.into_iter().map(|a| a.answers).collect();
    Ok(ResultsView {
        campaign_id: campaign_id.clone(),
        kind,
        title: definition.title.clone(),
        responses: i64::try_from(all.len()).unwrap_or(i64::MAX),
        offices_expected: i64::try_from(expected).unwrap_or(i64::MAX),
        questions: tabulate(&definition, &all),
    })
}

/// The sheet's rows as text: a header, then one row per answered office.
fn sheet(definition: &Definition, list: &[Answered]) -> Vec<Vec<String>> {
    let mut header: Vec<String> = ["事業所番号", "事業所名", "回答日時"]
        .map(str::to_owned)
        .to_vec();
    header.extend(
        definition
            .questions
            .iter()
            .map(|q| format!("{} {}", q.key, q.text)),
    );
    let mut out = vec![header];
    for a in list {
        let mut row = vec![
            a.office_number.clone(),
            a.office_name.clone(),
            a.answered_at.clone(),
        ];
        row.extend(
            definition
                .questions
                .iter()
                .map(|q| a.answers.get(&q.key).map(written).unwrap_or_default()),
        );
        out.push(row);
    }
    out
}

/// UTF-8 with a BOM, CRLF, formula-safe: one row per answered office.
pub fn csv(
    conn: &mut DbConn,
    campaign_id: &CampaignId,
    kind: SurveyKind,
) -> ServiceResult<Vec<u8>> {
    let (definition, list) = answered(conn, campaign_id, kind)?;
    let mut out = String::new();
    for row in sheet(&definition, &list) {
        let cells: Vec<Cell<'_>> = row.iter().map(|c| Cell::Text(c)).collect();
        line(&mut out, &cells);
    }
    Ok(utf8_with_bom(&out))
}

/// The same rows as a workbook, every cell written as text so nothing is read as a formula.
pub fn xlsx(
    conn: &mut DbConn,
    campaign_id: &CampaignId,
    kind: SurveyKind,
) -> ServiceResult<Vec<u8>> {
    use rust_xlsxwriter::{Format, Workbook};
    let failed = |e: rust_xlsxwriter::XlsxError| ServiceError::Format(format!("workbook: {e}"));
    let (definition, list) = answered(conn, campaign_id, kind)?;
    let mut book = Workbook::new();
    let bold = Format::new().set_bold();
    let ws = book.add_worksheet();
    ws.set_name(kind.label_ja()).map_err(failed)?;
    for (r, row) in sheet(&definition, &list).iter().enumerate() {
        let r = u32::try_from(r).map_err(|e| ServiceError::Format(e.to_string()))?;
        for (c, text) in row.iter().enumerate() {
            let c = u16::try_from(c).map_err(|e| ServiceError::Format(e.to_string()))?;
            if r == 0 {
                ws.write_string_with_format(r, c, text, &bold)
                    .map_err(failed)?;
            } else {
                ws.write_string(r, c, text).map_err(failed)?;
            }
        }
    }
    book.save_to_buffer().map_err(failed)
}

/// A bar chart per question.
pub fn svg(conn: &mut DbConn, campaign_id: &CampaignId, kind: SurveyKind) -> ServiceResult<String> {
    let view = results(conn, campaign_id, kind)?;
    Ok(chart::svg(&view.title, view.responses, &view.questions))
}
