//! The 全銀協 総合振込 (bulk transfer) file a bank takes from the payer: 120-byte records in
//! JIS X 0201 (as Shift_JIS bytes), each ended by CRLF: a header (1), one data record per
//! transfer (2), a trailer with the count and the total (8), and an end record (9).

use crate::domain::bank::{Account, AccountType, ZenginRecord};
use chrono::{Datelike, NaiveDate};

const RECORD: usize = 120;

/// The campaign's own account and its bank-assigned requester code.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Payer {
    /// 依頼人コード, 10 digits.
    pub requester_code: String,
    /// 依頼人名, already in 全銀 characters.
    pub requester_name_kana: String,
    pub bank_code: String,
    pub branch_code: String,
    pub account_type: AccountType,
    pub account_number: String,
}

/// One transfer to one office.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Transfer {
    /// The payee's account; its holder (受取人名) already in 全銀 characters.
    pub account: Account,
    pub amount: i64,
    /// Written beside the transfer (顧客コード1 or EDI情報) so the bank's statement matches the
    /// ledger.
    pub office_number: String,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ZenginError {
    #[error("{field} {value:?} cannot be written in the bank's character set")]
    Characters { field: &'static str, value: String },
    #[error("{field} {value:?} is longer than the {width} bytes the record holds")]
    TooLong {
        field: &'static str,
        value: String,
        width: usize,
    },
    #[error("a transfer of {0} yen is outside 1 to 9,999,999,999")]
    Amount(i64),
    #[error("the batch's total does not fit the trailer's 12 digits")]
    Total,
    /// A file whose trailer counts no transfer is refused by the bank.
    #[error("nothing to transfer")]
    NoTransfers,
}

/// A field of `width` bytes: the text in JIS X 0201, left-aligned and space-padded.
fn text(
    out: &mut Vec<u8>,
    field: &'static str,
    value: &str,
    width: usize,
) -> Result<(), ZenginError> {
    let (bytes, _, unmappable) = encoding_rs::SHIFT_JIS.encode(value);
    if unmappable || bytes.len() != value.chars().count() {
        return Err(ZenginError::Characters {
            field,
            value: value.to_owned(),
        });
    }
    if bytes.len() > width {
        return Err(ZenginError::TooLong {
            field,
            value: value.to_owned(),
            width,
        });
    }
    out.extend_from_slice(&bytes);
    out.extend(std::iter::repeat_n(b' ', width - bytes.len()));
    Ok(())
}

/// A number of `width` digits, zero-padded.
fn number(out: &mut Vec<u8>, value: u64, width: usize) {
    out.extend_from_slice(format!("{value:0width$}").as_bytes());
}

fn blank(out: &mut Vec<u8>, width: usize) {
    out.extend(std::iter::repeat_n(b' ', width));
}

/// Bytes 92–120 of a data record: 顧客コード1 and 2, 振込指定区分, 識別表示 and the filler.
/// 顧客コード1 is numeric, so an office number with a letter in its category (13A0005010),
/// which would make the bank refuse the whole file there, is written as EDI information
/// (bytes 92–111, alphanumeric) flagged by 識別表示 `Y`: the office stays named beside its
/// transfer either way.
fn customer_fields(out: &mut Vec<u8>, office_number: &str) -> Result<(), ZenginError> {
    if office_number.len() == 10 && office_number.bytes().all(|b| b.is_ascii_digit()) {
        out.extend_from_slice(office_number.as_bytes());
        blank(out, 10);
        blank(out, 1);
        blank(out, 1);
    } else {
        text(out, "office_number", office_number, 20)?;
        blank(out, 1);
        out.push(b'Y');
    }
    blank(out, 7);
    Ok(())
}

fn end_record(out: &mut Vec<u8>, start: usize) {
    debug_assert_eq!(out.len() - start, RECORD, "every record is 120 bytes");
    out.extend_from_slice(b"\r\n");
}

/// The whole file for `transfers` on `date`.
pub fn file(
    payer: &Payer,
    date: NaiveDate,
    transfers: &[Transfer],
) -> Result<Vec<u8>, ZenginError> {
    if transfers.is_empty() {
        return Err(ZenginError::NoTransfers);
    }
    let mut out = Vec::with_capacity((transfers.len() + 3) * (RECORD + 2));
    let start = out.len();
    out.extend_from_slice(b"1210");
    text(&mut out, "requester_code", &payer.requester_code, 10)?;
    text(
        &mut out,
        "requester_name_kana",
        &payer.requester_name_kana,
        40,
    )?;
    number(&mut out, u64::from(date.month() * 100 + date.day()), 4);
    text(&mut out, "bank_code", &payer.bank_code, 4)?;
    blank(&mut out, 15);
    text(&mut out, "branch_code", &payer.branch_code, 3)?;
    blank(&mut out, 15);
    out.push(payer.account_type.zengin_code(ZenginRecord::Header));
    text(&mut out, "account_number", &payer.account_number, 7)?;
    blank(&mut out, 17);
    end_record(&mut out, start);

    let mut total: u64 = 0;
    for t in transfers {
        let amount = u64::try_from(t.amount)
            .ok()
            .filter(|a| (1..=9_999_999_999).contains(a))
            .ok_or(ZenginError::Amount(t.amount))?;
        total += amount;
        let start = out.len();
        out.push(b'2');
        text(&mut out, "bank_code", &t.account.bank_code, 4)?;
        blank(&mut out, 15);
        text(&mut out, "branch_code", &t.account.branch_code, 3)?;
        blank(&mut out, 15);
        blank(&mut out, 4);
        out.push(t.account.account_type.zengin_code(ZenginRecord::Data));
        text(&mut out, "account_number", &t.account.account_number, 7)?;
        text(&mut out, "holder_kana", &t.account.holder_kana, 30)?;
        number(&mut out, amount, 10);
        out.push(b'0');
        customer_fields(&mut out, &t.office_number)?;
        end_record(&mut out, start);
    }
    if total > 999_999_999_999 {
        return Err(ZenginError::Total);
    }
    let start = out.len();
    out.push(b'8');
    number(&mut out, transfers.len() as u64, 6);
    number(&mut out, total, 12);
    blank(&mut out, 101);
    end_record(&mut out, start);
    let start = out.len();
    out.push(b'9');
    blank(&mut out, 119);
    end_record(&mut out, start);
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn payer() -> Payer {
        Payer {
            requester_code: "1234567890".into(),
            requester_name_kana: "ﾑｻｼﾉｼｷﾔﾝﾍﾟ-ﾝｼﾞﾑｷﾖｸ".into(),
            bank_code: "0001".into(),
            branch_code: "123".into(),
            account_type: AccountType::Ordinary,
            account_number: "7654321".into(),
        }
    }

    fn transfers() -> Vec<Transfer> {
        vec![
            Transfer {
                account: Account {
                    bank_code: "0005".into(),
                    branch_code: "234".into(),
                    account_type: AccountType::Ordinary,
                    account_number: "0012345".into(),
                    holder_kana: "ｼﾔｶｲﾌｸｼﾎｳｼﾞﾝ ﾑｻｼﾉ".into(),
                },
                amount: 31_000,
                office_number: "1370100016".into(),
            },
            Transfer {
                account: Account {
                    bank_code: "0009".into(),
                    branch_code: "001".into(),
                    account_type: AccountType::Current,
                    account_number: "1111111".into(),
                    holder_kana: "ｶ)ﾐﾄﾞﾘﾁﾖｳｶｲｺﾞ".into(),
                },
                amount: 26_000,
                office_number: "1371100049".into(),
            },
        ]
    }

    /// The expected bytes were written apart from this code (Python, cp932, fields laid out by
    /// hand from the 全銀協 layout) and are compared byte for byte.
    #[test]
    fn the_file_matches_the_golden_bytes() {
        let made = file(&payer(), "2024-04-25".parse().unwrap(), &transfers()).unwrap();
        let golden: &[u8] = include_bytes!("zengin_golden.dat");
        assert_eq!(made.len(), 5 * 122);
        for (i, (m, g)) in made.chunks(122).zip(golden.chunks(122)).enumerate() {
            assert_eq!(m, g, "record {}", i + 1);
        }
        assert_eq!(made, golden);
    }

    #[test]
    fn positions_the_bank_reads() {
        let made = file(&payer(), "2024-04-25".parse().unwrap(), &transfers()).unwrap();
        let records: Vec<&[u8]> = made
            .split(|b| *b == b'\n')
            .filter(|r| !r.is_empty())
            .collect();
        assert!(records.iter().all(|r| r.len() == 121 && r.ends_with(b"\r")));
        assert_eq!(&records[0][..3], b"121");
        assert_eq!(&records[0][54..58], b"0425", "date at bytes 55-58");
        assert_eq!(&records[1][80..90], b"0000031000", "amount at bytes 81-90");
        assert_eq!(&records[3][1..7], b"000002", "count at bytes 2-7");
        assert_eq!(&records[3][7..19], b"000000057000", "total at bytes 8-19");
        assert_eq!(records[4][0], b'9');
    }

    #[test]
    fn what_a_bank_cannot_take_is_refused_not_replaced() {
        let mut t = transfers();
        t[0].account.holder_kana = "社会福祉法人".into();
        assert!(matches!(
            file(&payer(), "2024-04-25".parse().unwrap(), &t),
            Err(ZenginError::Characters {
                field: "holder_kana",
                ..
            })
        ));
        t[0].account.holder_kana = "ｱ".into();
        t[0].amount = 0;
        assert_eq!(
            file(&payer(), "2024-04-25".parse().unwrap(), &t),
            Err(ZenginError::Amount(0))
        );
    }

    #[test]
    fn a_letter_in_the_office_number_moves_it_to_the_edi_information() {
        let mut t = transfers();
        t[1].office_number = "13A0005010".into();
        let made = file(&payer(), "2024-04-25".parse().unwrap(), &t).unwrap();
        let records: Vec<&[u8]> = made.chunks(122).collect();
        assert_eq!(
            &records[1][91..101],
            b"1370100016",
            "顧客コード1, bytes 92-101"
        );
        assert_eq!(
            &records[1][112], &b' ',
            "識別表示, byte 113: customer codes"
        );
        assert_eq!(
            &records[2][91..111],
            b"13A0005010          ",
            "EDI情報, bytes 92-111"
        );
        assert_eq!(&records[2][112], &b'Y', "識別表示, byte 113: EDI");
        assert!(records.iter().all(|r| r.len() == 122));
    }

    #[test]
    fn a_savings_account_is_other_in_the_header_and_savings_in_a_data_record() {
        let mut p = payer();
        p.account_type = AccountType::Savings;
        let mut t = transfers();
        t[0].account.account_type = AccountType::Savings;
        let made = file(&p, "2024-04-25".parse().unwrap(), &t).unwrap();
        let records: Vec<&[u8]> = made.chunks(122).collect();
        assert_eq!(records[0][95], b'9', "header 預金種目 at byte 96");
        assert_eq!(records[1][42], b'4', "data 預金種目 at byte 43");
        assert_eq!(records[2][42], b'2');
    }

    #[test]
    fn a_file_without_a_transfer_is_not_written() {
        assert_eq!(
            file(&payer(), "2024-04-25".parse().unwrap(), &[]),
            Err(ZenginError::NoTransfers)
        );
    }
}
