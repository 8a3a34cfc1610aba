//! What auditors get of a payout batch: the ledger (CSV, JSON, Excel). The bank's transfer
//! file is in [`super::transfers`].

use super::{ServiceError, ServiceResult};
use crate::db::payouts as rows;
use crate::db::DbConn;
use crate::domain::application::{ParticipantRole, Tier};
use crate::domain::ids::ApplicationId;
use crate::domain::ids::BatchId;
use crate::domain::FieldErrors;
use crate::formats::csv::{self, Cell};
use crate::formats::xlsx::Ledger;
use serde::Serialize;
use sha2::{Digest, Sha256};

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct LedgerLine {
    pub office_number: String,
    pub office_name: String,
    pub corporate_number: String,
    pub corporation_name: String,
    pub role: ParticipantRole,
    pub tier: Tier,
    pub application_id: ApplicationId,
    pub amount_yen: i64,
}

/// Lines per page of a ledger: two queries, one chunk (about 650 KB) of the response; with at
/// most two chunks queued ahead of the client, an export holds about 2 MB whatever its size.
const PAGE: i64 = 5_000;

/// Calls `each` with every page of the batch's ledger, in office-number order, until it says
/// stop; memory stays at one page whatever the batch's size.
fn pages(
    conn: &mut DbConn,
    batch_id: &BatchId,
    mut each: impl FnMut(Vec<LedgerLine>) -> ServiceResult<bool>,
) -> ServiceResult<()> {
    let mut after = String::new();
    loop {
        let page: Vec<LedgerLine> = rows::ledger_page(conn, batch_id, &after, PAGE)?
            .into_iter()
            .map(|(line, office, tier)| LedgerLine {
                office_number: line.office_number,
                office_name: office.name,
                corporate_number: office.corporate_number,
                corporation_name: office.corporation_name,
                role: line.role,
                tier,
                application_id: line.application_id,
                amount_yen: line.amount,
            })
            .collect();
        let Some(last) = page.last() else {
            return Ok(());
        };
        after = last.office_number.clone();
        let full = page.len() as i64 == PAGE;
        if !each(page)? || !full {
            return Ok(());
        }
    }
}

const HEADER: [&str; 8] = [
    "office_number",
    "office_name",
    "corporate_number",
    "corporation_name",
    "role",
    "tier",
    "application_id",
    "amount_yen",
];

fn csv_header() -> String {
    let mut out = String::new();
    csv::line(&mut out, &HEADER.map(Cell::Text));
    out
}

fn csv_rows(lines: &[LedgerLine]) -> String {
    let mut out = String::new();
    for l in lines {
        csv::line(
            &mut out,
            &[
                Cell::Text(&l.office_number),
                Cell::Text(&l.office_name),
                Cell::Text(&l.corporate_number),
                Cell::Text(&l.corporation_name),
                Cell::Text(l.role.as_str()),
                Cell::Text(l.tier.as_str()),
                Cell::Text(l.application_id.as_str()),
                Cell::Number(l.amount_yen),
            ],
        );
    }
    out
}

/// Whether the ledger can be exported as asked: the batch exists, and for Shift_JIS, every
/// character of it has a Shift_JIS code (else 422 naming the first row that does not). Run
/// before a streamed export, whose status is sent with its first byte.
pub fn check_export(conn: &mut DbConn, batch_id: &BatchId, shift_jis: bool) -> ServiceResult<()> {
    rows::find(conn, batch_id)?.ok_or(ServiceError::NotFound("payout batch"))?;
    if !shift_jis {
        return Ok(());
    }
    let mut row = 0usize;
    let mut refused = None;
    pages(conn, batch_id, |page| {
        let text = csv_rows(&page);
        if let Err((line, c)) = csv::shift_jis(&text) {
            refused = Some((row + line, c));
            return Ok(false);
        }
        row += page.len();
        Ok(true)
    })?;
    match refused {
        None => Ok(()),
        Some((row, c)) => {
            let mut errors = FieldErrors::new();
            errors.push(
                "encoding",
                format!("row {row} holds {c:?}, which Shift_JIS cannot; export UTF-8 instead"),
            );
            Err(ServiceError::Invalid(errors))
        }
    }
}

/// The ledger as CSV, page by page: UTF-8 with a BOM, or Shift_JIS (checked beforehand with
/// [`check_export`]).
pub fn stream_csv(
    conn: &mut DbConn,
    batch_id: &BatchId,
    shift_jis: bool,
    send: &mut dyn FnMut(Vec<u8>) -> bool,
) -> ServiceResult<()> {
    // `check_export` refused what Shift_JIS cannot hold before anything was sent; a row that
    // fails here all the same ends the file with an error, never with its bytes left out.
    let encode = |text: String| -> ServiceResult<Vec<u8>> {
        if shift_jis {
            csv::shift_jis(&text).map_err(|(row, c)| {
                ServiceError::Format(format!(
                    "ledger line {row} holds {c:?}, which Shift_JIS cannot encode"
                ))
            })
        } else {
            Ok(text.into_bytes())
        }
    };
    let mut head = encode(csv_header())?;
    if !shift_jis {
        head.splice(0..0, *b"\xEF\xBB\xBF");
    }
    if !send(head) {
        return Ok(());
    }
    pages(conn, batch_id, |page| Ok(send(encode(csv_rows(&page))?)))
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct LedgerJson {
    pub batch: super::payouts::BatchView,
    pub lines: Vec<LedgerLine>,
    pub total_amount: i64,
    pub line_count: usize,
    /// SHA-256 of the UTF-8 CSV ledger's bytes, BOM included.
    pub sha256: String,
}

/// A value of the JSON ledger; one that cannot be written ends the file with an error rather
/// than leaving a hole in it.
fn json(value: &impl Serialize) -> ServiceResult<String> {
    serde_json::to_string(value).map_err(|e| ServiceError::Format(format!("ledger JSON: {e}")))
}

/// The ledger as JSON (the shape of [`LedgerJson`]), written page by page; the CSV ledger is
/// made alongside only to be hashed.
pub fn stream_json(
    conn: &mut DbConn,
    batch_id: &BatchId,
    send: &mut dyn FnMut(Vec<u8>) -> bool,
) -> ServiceResult<()> {
    let batch = super::payouts::get_without_lines(conn, batch_id)?;
    let mut hash = Sha256::new();
    hash.update(b"\xEF\xBB\xBF");
    hash.update(csv_header().as_bytes());
    let open = format!("{{\"batch\":{},\"lines\":[", json(&batch)?);
    if !send(open.into_bytes()) {
        return Ok(());
    }
    let (mut total, mut count, mut gone) = (0i64, 0usize, false);
    pages(conn, batch_id, |page| {
        hash.update(csv_rows(&page).as_bytes());
        let mut chunk = String::new();
        for line in &page {
            if count > 0 {
                chunk.push(',');
            }
            chunk.push_str(&json(line)?);
            total += line.amount_yen;
            count += 1;
        }
        gone = !send(chunk.into_bytes());
        Ok(!gone)
    })?;
    if !gone {
        let close = format!(
            "],\"total_amount\":{total},\"line_count\":{count},\"sha256\":\"{}\"}}",
            hex::encode(hash.finalize())
        );
        send(close.into_bytes());
    }
    Ok(())
}

/// The ledger as an Excel workbook ([`crate::formats::xlsx`]): the lines with a totals row,
/// the campaign's facts, and the approval record (who drafted, who decided, when, the CSV
/// ledger's digest). Lines are read a page at a time.
pub fn xlsx(conn: &mut DbConn, batch_id: &BatchId) -> ServiceResult<Vec<u8>> {
    let batch = rows::find(conn, batch_id)?.ok_or(ServiceError::NotFound("payout batch"))?;
    let campaign = crate::db::campaigns::find(conn, &batch.campaign_id)?
        .ok_or(ServiceError::NotFound("campaign"))?;
    let failed = |e: rust_xlsxwriter::XlsxError| ServiceError::Format(format!("workbook: {e}"));
    let mut ledger = Ledger::new("明細", &HEADER).map_err(failed)?;
    let mut hash = Sha256::new();
    hash.update(b"\xEF\xBB\xBF");
    hash.update(csv_header().as_bytes());
    let mut written = Ok(());
    pages(conn, batch_id, |page| {
        hash.update(csv_rows(&page).as_bytes());
        for l in &page {
            let cells = [
                l.office_number.as_str(),
                &l.office_name,
                &l.corporate_number,
                &l.corporation_name,
                l.role.as_str(),
                l.tier.as_str(),
                l.application_id.as_str(),
            ];
            if let Err(e) = ledger.line(&cells, l.amount_yen) {
                written = Err(e);
                return Ok(false);
            }
        }
        Ok(true)
    })?;
    written.map_err(failed)?;
    let jst = |t| crate::domain::jst::to_jst(t).to_rfc3339();
    let facts: Vec<(&str, String)> = vec![
        ("キャンペーン", campaign.name.clone()),
        ("コード", campaign.code.clone()),
        (
            "地域",
            format!("{} ({})", campaign.region_name, campaign.region_code),
        ),
        ("総枠", campaign.total_slots.to_string()),
        ("モデル事業所枠", campaign.model_slots.to_string()),
        ("謝礼（一般）", campaign.honorarium_general_yen.to_string()),
        (
            "謝礼（モデル事業所）",
            campaign.honorarium_model_yen.to_string(),
        ),
        (
            "謝礼（紹介事業所）",
            campaign.honorarium_referred_yen.to_string(),
        ),
        ("応募締切", campaign.deadline.to_string()),
        ("継続利用の確認日", campaign.ends_on.to_string()),
    ];
    let record: Vec<(&str, String)> = vec![
        ("支払バッチ", batch.id.to_string()),
        ("状態", batch.status.as_str().to_owned()),
        ("年度末確認", batch.year_end_check_id.to_string()),
        (
            "訂正対象バッチ",
            batch
                .corrects
                .as_ref()
                .map(BatchId::to_string)
                .unwrap_or_default(),
        ),
        ("作成者", batch.created_by.clone()),
        ("作成日時", jst(batch.created_at)),
        ("承認・取消者", batch.decided_by.clone().unwrap_or_default()),
        (
            "承認・取消日時",
            batch.decided_at.map(jst).unwrap_or_default(),
        ),
        ("件数", batch.line_count.to_string()),
        ("合計金額", batch.total_amount.to_string()),
        ("台帳CSVのSHA-256", hex::encode(hash.finalize())),
    ];
    ledger
        .finish("合計", &[("キャンペーン", facts), ("承認記録", record)])
        .map_err(failed)
}
