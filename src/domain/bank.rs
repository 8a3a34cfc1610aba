//! Bank accounts as Japanese banks take them: bank code (4 digits), branch code (3), account
//! type, account number (7 digits), and the holder's name in the characters the 全銀 format
//! allows (JIS X 0201: half-width katakana, upper-case letters, digits, a few symbols).

use super::name::named;
use super::FieldErrors;
use serde::{Deserialize, Serialize};

named! {
    pub enum AccountType {
        /// 普通預金
        Ordinary => "ordinary",
        /// 当座預金
        Current => "current",
        /// 貯蓄預金
        Savings => "savings",
    }
}

/// The 全銀 records that carry a 預金種目; each takes its own set of codes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ZenginRecord {
    /// The header's payer account: 1 (普通), 2 (当座) or 9 (その他) only.
    Header,
    /// A data record's payee account: 1, 2, 4 (貯蓄) or 9.
    Data,
}

impl AccountType {
    /// The 預金種目 digit of the 全銀 format in `record`. The header has no code for 貯蓄, so a
    /// savings account is その他 there; a bank refuses a header holding 4.
    pub fn zengin_code(self, record: ZenginRecord) -> u8 {
        match (self, record) {
            (AccountType::Ordinary, _) => b'1',
            (AccountType::Current, _) => b'2',
            (AccountType::Savings, ZenginRecord::Data) => b'4',
            (AccountType::Savings, ZenginRecord::Header) => b'9',
        }
    }
}

/// Characters a 全銀 name field may hold besides half-width katakana, A–Z and 0–9.
const SYMBOLS: &str = " ().-/,\\";

fn allowed(c: char) -> bool {
    matches!(c, 'ｱ'..='ﾝ' | 'ﾞ' | 'ﾟ' | 'ｦ' | 'A'..='Z' | '0'..='9') || SYMBOLS.contains(c)
}

/// Full-width katakana with their half-width spelling; voiced and semi-voiced ones become
/// two characters (ガ → ｶﾞ), small ones become large (ャ → ﾔ), as 全銀 names are written.
fn half_width(c: char) -> Option<&'static str> {
    const TABLE: &[(char, &str)] = &[
        ('ア', "ｱ"),
        ('イ', "ｲ"),
        ('ウ', "ｳ"),
        ('エ', "ｴ"),
        ('オ', "ｵ"),
        ('カ', "ｶ"),
        ('キ', "ｷ"),
        ('ク', "ｸ"),
        ('ケ', "ｹ"),
        ('コ', "ｺ"),
        ('サ', "ｻ"),
        ('シ', "ｼ"),
        ('ス', "ｽ"),
        ('セ', "ｾ"),
        ('ソ', "ｿ"),
        ('タ', "ﾀ"),
        ('チ', "ﾁ"),
        ('ツ', "ﾂ"),
        ('テ', "ﾃ"),
        ('ト', "ﾄ"),
        ('ナ', "ﾅ"),
        ('ニ', "ﾆ"),
        ('ヌ', "ﾇ"),
        ('ネ', "ﾈ"),
        ('ノ', "ﾉ"),
        ('ハ', "ﾊ"),
        ('ヒ', "ﾋ"),
        ('フ', "ﾌ"),
        ('ヘ', "ﾍ"),
        ('ホ', "ﾎ"),
        ('マ', "ﾏ"),
        ('ミ', "ﾐ"),
        ('ム', "ﾑ"),
        ('メ', "ﾒ"),
        ('モ', "ﾓ"),
        ('ヤ', "ﾔ"),
        ('ユ', "ﾕ"),
        ('ヨ', "ﾖ"),
        ('ラ', "ﾗ"),
        ('リ', "ﾘ"),
        ('ル', "ﾙ"),
        ('レ', "ﾚ"),
        ('ロ', "ﾛ"),
        ('ワ', "ﾜ"),
        ('ヲ', "ｦ"),
        ('ン', "ﾝ"),
        ('ガ', "ｶﾞ"),
        ('ギ', "ｷﾞ"),
        ('グ', "ｸﾞ"),
        ('ゲ', "ｹﾞ"),
        ('ゴ', "ｺﾞ"),
        ('ザ', "ｻﾞ"),
        ('ジ', "ｼﾞ"),
        ('ズ', "ｽﾞ"),
        ('ゼ', "ｾﾞ"),
        ('ゾ', "ｿﾞ"),
        ('ダ', "ﾀﾞ"),
        ('ヂ', "ﾁﾞ"),
        ('ヅ', "ﾂﾞ"),
        ('デ', "ﾃﾞ"),
        ('ド', "ﾄﾞ"),
        ('バ', "ﾊﾞ"),
        ('ビ', "ﾋﾞ"),
        ('ブ', "ﾌﾞ"),
        ('ベ', "ﾍﾞ"),
        ('ボ', "ﾎﾞ"),
        ('パ', "ﾊﾟ"),
        ('ピ', "ﾋﾟ"),
        ('プ', "ﾌﾟ"),
        ('ペ', "ﾍﾟ"),
        ('ポ', "ﾎﾟ"),
        ('ヴ', "ｳﾞ"),
        ('ァ', "ｱ"),
        ('ィ', "ｲ"),
        ('ゥ', "ｳ"),
        ('ェ', "ｴ"),
        ('ォ', "ｵ"),
        ('ャ', "ﾔ"),
        ('ュ', "ﾕ"),
        ('ョ', "ﾖ"),
        ('ッ', "ﾂ"),
        ('ヮ', "ﾜ"),
        ('ｧ', "ｱ"),
        ('ｨ', "ｲ"),
        ('ｩ', "ｳ"),
        ('ｪ', "ｴ"),
        ('ｫ', "ｵ"),
        ('ｬ', "ﾔ"),
        ('ｭ', "ﾕ"),
        ('ｮ', "ﾖ"),
        ('ｯ', "ﾂ"),
        ('゛', "ﾞ"),
        ('゜', "ﾟ"),
        ('　', " "),
        // The long vowel mark is written as a hyphen in 全銀 names.
        ('ー', "-"),
        ('ｰ', "-"),
        ('－', "-"),
        ('‐', "-"),
        ('−', "-"),
        ('（', "("),
        ('）', ")"),
        ('．', "."),
        ('／', "/"),
        ('，', ","),
        ('・', "."),
    ];
    TABLE.iter().find(|(k, _)| *k == c).map(|(_, v)| *v)
}

/// A name in the characters banks accept, or the characters that cannot be written so.
/// Hiragana is read as katakana, full-width letters and digits as ASCII, lower case as upper.
pub fn zengin_kana(name: &str) -> Result<String, Vec<char>> {
    let mut out = String::new();
    let mut refused = Vec::new();
    for c in name.trim().chars() {
        let c = match c {
            'ぁ'..='ゖ' => char::from_u32(c as u32 + 0x60).unwrap_or(c),
            '０'..='９' | 'Ａ'..='Ｚ' | 'ａ'..='ｚ' => {
                char::from_u32(c as u32 - 0xFEE0).unwrap_or(c)
            }
            c => c,
        }
        .to_ascii_uppercase();
        if let Some(half) = half_width(c) {
            out.push_str(half);
        } else if allowed(c) {
            out.push(c);
        } else if !refused.contains(&c) {
            refused.push(c);
        }
    }
    if refused.is_empty() {
        Ok(out)
    } else {
        Err(refused)
    }
}

/// A payee's account as given, every field checked; names converted with [`zengin_kana`].
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AccountInput {
    pub bank_code: String,
    pub branch_code: String,
    pub account_type: AccountType,
    pub account_number: String,
    pub holder_kana: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Account {
    pub bank_code: String,
    pub branch_code: String,
    pub account_type: AccountType,
    /// Seven digits, zero-padded on the left as banks write shorter numbers.
    pub account_number: String,
    pub holder_kana: String,
}

fn digits(errors: &mut FieldErrors, field: &str, value: &str, len: usize) -> String {
    let v = value.trim();
    if v.len() != len || !v.bytes().all(|b| b.is_ascii_digit()) {
        errors.push(field, format!("must be {len} digits"));
    }
    v.to_owned()
}

/// The name as banks take it, else a field error naming what cannot be written.
pub fn checked_kana(errors: &mut FieldErrors, field: &str, name: &str, max: usize) -> String {
    match zengin_kana(name) {
        Ok(kana) if kana.is_empty() => {
            errors.push(field, "must not be empty");
            kana
        }
        Ok(kana) if kana.chars().count() > max => {
            errors.push(
                field,
                format!("must be at most {max} half-width characters once converted"),
            );
            kana
        }
        Ok(kana) => kana,
        Err(refused) => {
            let shown: String = refused.iter().collect();
            errors.push(
                field,
                format!("banks cannot take these characters: {shown} (write the name in katakana)"),
            );
            String::new()
        }
    }
}

impl AccountInput {
    /// The account as stored, or every field error at once.
    pub fn check(&self) -> Result<Account, FieldErrors> {
        let mut errors = FieldErrors::new();
        let bank_code = digits(&mut errors, "bank_code", &self.bank_code, 4);
        let branch_code = digits(&mut errors, "branch_code", &self.branch_code, 3);
        let number = self.account_number.trim();
        if number.is_empty() || number.len() > 7 || !number.bytes().all(|b| b.is_ascii_digit()) {
            errors.push("account_number", "must be 1 to 7 digits");
        }
        let holder_kana = checked_kana(&mut errors, "holder_kana", &self.holder_kana, 30);
        errors.finish(|| Account {
            bank_code,
            branch_code,
            account_type: self.account_type,
            account_number: format!("{number:0>7}"),
            holder_kana,
        })
    }
}

/// The campaign's paying account as given.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PayerInput {
    /// 依頼人コード: 10 digits, assigned by the paying bank.
    pub requester_code: String,
    pub requester_name_kana: String,
    pub bank_code: String,
    pub branch_code: String,
    pub account_type: AccountType,
    pub account_number: String,
}

impl PayerInput {
    pub fn check(&self) -> Result<(String, String, Account), FieldErrors> {
        let mut errors = FieldErrors::new();
        let requester_code = digits(&mut errors, "requester_code", &self.requester_code, 10);
        let name = checked_kana(
            &mut errors,
            "requester_name_kana",
            &self.requester_name_kana,
            40,
        );
        let account = AccountInput {
            bank_code: self.bank_code.clone(),
            branch_code: self.branch_code.clone(),
            account_type: self.account_type,
            account_number: self.account_number.clone(),
            holder_kana: "ｱ".into(),
        }
        .check();
        match account {
            Ok(account) => errors.finish(|| (requester_code, name, account)),
            Err(more) => {
                errors.extend(more);
                Err(errors)
            }
        }
    }
}

/// An account number as shown to those who may not see it whole: the last three digits.
pub fn masked(account_number: &str) -> String {
    let keep = account_number.len().saturating_sub(3);
    format!("{}{}", "*".repeat(keep), &account_number[keep..])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_become_what_banks_take() {
        let cases = [
            ("シャカイフクシホウジン　ムサシノ", "ｼﾔｶｲﾌｸｼﾎｳｼﾞﾝ ﾑｻｼﾉ"),
            ("ｼﾔｶｲﾌｸｼﾎｳｼﾞﾝﾑｻｼﾉ", "ｼﾔｶｲﾌｸｼﾎｳｼﾞﾝﾑｻｼﾉ"),
            ("かぶしきがいしゃ　ケアプラン", "ｶﾌﾞｼｷｶﾞｲｼﾔ ｹｱﾌﾟﾗﾝ"),
            ("ケアセンター（ミドリチョウ）", "ｹｱｾﾝﾀ-(ﾐﾄﾞﾘﾁﾖｳ)"),
            ("ｶ)ｹｱ ﾌﾟﾗｽ", "ｶ)ｹｱ ﾌﾟﾗｽ"),
            ("ａｂｃ１２３", "ABC123"),
            ("ヴィラ", "ｳﾞｲﾗ"),
        ];
        for (given, expected) in cases {
            assert_eq!(zengin_kana(given).as_deref(), Ok(expected), "{given}");
        }
    }

    #[test]
    fn what_cannot_be_written_is_named_not_replaced() {
        assert_eq!(zengin_kana("武蔵野ケア"), Err(vec!['武', '蔵', '野']));
        assert_eq!(zengin_kana("ケア♪"), Err(vec!['♪']));
    }

    #[test]
    fn an_account_is_checked_field_by_field() {
        let good = AccountInput {
            bank_code: "0001".into(),
            branch_code: "001".into(),
            account_type: AccountType::Ordinary,
            account_number: "12345".into(),
            holder_kana: "ムサシノ".into(),
        };
        let account = good.check().unwrap();
        assert_eq!(account.account_number, "0012345");
        assert_eq!(account.holder_kana, "ﾑｻｼﾉ");
        let bad = AccountInput {
            bank_code: "1".into(),
            branch_code: "01a".into(),
            account_number: "12345678".into(),
            holder_kana: "山田".into(),
            ..good
        };
        let fields: Vec<String> = bad
            .check()
            .unwrap_err()
            .into_vec()
            .into_iter()
            .map(|e| e.field)
            .collect();
        assert_eq!(
            fields,
            ["bank_code", "branch_code", "account_number", "holder_kana"]
        );
    }

    #[test]
    fn each_record_type_has_its_own_account_type_codes() {
        let cases = [
            (AccountType::Ordinary, ZenginRecord::Header, b'1'),
            (AccountType::Current, ZenginRecord::Header, b'2'),
            (AccountType::Savings, ZenginRecord::Header, b'9'),
            (AccountType::Ordinary, ZenginRecord::Data, b'1'),
            (AccountType::Current, ZenginRecord::Data, b'2'),
            (AccountType::Savings, ZenginRecord::Data, b'4'),
        ];
        for (account, record, code) in cases {
            assert_eq!(
                account.zengin_code(record),
                code,
                "{account:?} in {record:?}"
            );
        }
        for account in [
            AccountType::Ordinary,
            AccountType::Current,
            AccountType::Savings,
        ] {
            assert!(b"129".contains(&account.zengin_code(ZenginRecord::Header)));
            assert!(b"1249".contains(&account.zengin_code(ZenginRecord::Data)));
        }
    }

    #[test]
    fn masking_keeps_the_last_three_digits() {
        assert_eq!(masked("1234567"), "****567");
    }
}
