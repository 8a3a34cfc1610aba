//! Why a rule refused a field, as a value. The JSON API says it in English (`message`), the
//! pages and emails in Japanese, each from one exhaustive match: a new refusal cannot be given
//! without both, and rewording the English never turns a page English.
//!
//! Refusals that only staff meet through the JSON API (file formats, settings) are still plain
//! English ([`Refusal::Other`]); everything an applicant or a console form can be refused is a
//! variant.

use super::corporate_number::CorporateNumberError;
use super::email::EmailError;
use super::jst::DateOutOfRange;
use super::office_number::OfficeNumberError;
use super::text::TextError;

/// Kept as itself where a refusal is stored (an application's warnings), so it is said in
/// Japanese when read back.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Refusal {
    Email(EmailError),
    OfficeNumber(OfficeNumberError),
    CorporateNumber(CorporateNumberError),
    Text(TextError),
    DateOutOfRange,
    /// A text that must be given, of at most `max` characters.
    Length {
        max: usize,
    },
    /// A text of at most `max` characters.
    TooLong {
        max: usize,
    },
    Required,
    /// The office number's check digit does not match, and the campaign refuses such numbers.
    OfficeCheckDigit,
    /// The office number's check digit does not match; taken, for staff to review.
    OfficeCheckDigitToReview,
    OutsideRegion {
        region: String,
        code: String,
    },
    UsingSystemOnlyAsModel,
    TierTakes {
        tier: String,
        offices: usize,
    },
    Referrals {
        max: usize,
    },
    ReferralsOnlyForModel,
    PairKinds,
    PairSameCorporation,
    ReferralStarted,
    ReferralSameCorporation,
    NamedTwice,
    /// The office register names another corporation for the office; taken, for staff to
    /// review.
    RegisterCorporateNumber {
        corporate: String,
    },
    /// Offices that already take part in the campaign (which, when known).
    AlreadyTakingPart(Vec<String>),
    NotAQuestion,
    NotAnOption,
    NotOffered {
        chosen: String,
    },
    NotOptions,
    NotText,
    NotYesOrNo,
    NotOnTheScale,
    DisqualificationNeedsReason,
    VoidNeedsReason,
    FutureAsOf,
    /// A date field that is not a date (a console form's, typed by hand).
    NotADate,
    /// An upload form sent without a file chosen.
    FileRequired,
    /// An uploaded CSV with no header row naming the office number column near its top.
    NoHeaderRow,
    /// A checkpoint sheet whose header names no checkpoint column.
    NoCheckpointColumn,
    /// A workflow change confirmed for an office that is not a model office.
    WorkflowOnlyForModel,
    /// A linkage confirmed for an office that was not referred.
    LinkageOnlyForReferred,
    /// A person added with an address another person signs in with.
    PersonExists,
    /// A person disabling themselves.
    DisableSelf,
    /// A person disabled twice (a form sent again).
    AlreadyDisabled,
    /// A person enabled who is not disabled (a form sent again).
    NotDisabled,
    /// A person lowering their own role.
    DemoteSelf,
    /// A correction naming an office the application does not hold.
    NotInApplication,
    /// A correction changing what decides who takes part (a corporate number).
    FixedOnceSent,
    Other(String),
}

impl Refusal {
    /// What the JSON API says (`message`).
    pub fn english(&self) -> String {
        use Refusal::*;
        match self {
            Email(e) => e.to_string(),
            OfficeNumber(e) => e.to_string(),
            CorporateNumber(e) => e.to_string(),
            Text(e) => e.to_string(),
            DateOutOfRange => super::jst::DateOutOfRange.to_string(),
            Length { max } => format!("must be 1 to {max} characters"),
            TooLong { max } => format!("must be at most {max} characters"),
            Required => "is required".into(),
            OfficeCheckDigit => "check digit does not match".into(),
            OfficeCheckDigitToReview => {
                "check digit does not match; some real numbers do not, so staff will review it"
                    .into()
            }
            OutsideRegion { region, code } => {
                format!("the office must be in {region} (code {code})")
            }
            UsingSystemOnlyAsModel => {
                "an office already using the system may only apply as a model office".into()
            }
            TierTakes { tier, offices } => format!("{tier} takes exactly {offices} office(s)"),
            Referrals { max } => format!(
                "a model office refers 1 to {max} office(s) that have not started using the system"
            ),
            ReferralsOnlyForModel => "only the model tier takes referrals".into(),
            PairKinds => "a pair is one care_management office and one service office".into(),
            PairSameCorporation => {
                "the two offices of a pair must not belong to the same corporation".into()
            }
            ReferralStarted => "a referred office must not have started using the system".into(),
            ReferralSameCorporation => {
                "a referred office must not belong to the model office's corporation".into()
            }
            NamedTwice => "this office is named twice in the application".into(),
            RegisterCorporateNumber { corporate } => format!(
                "the office register gives {corporate} for this office; staff will review it"
            ),
            AlreadyTakingPart(offices) => {
                format!(
                    "already taking part in this campaign: {}",
                    offices.join(", ")
                )
            }
            NotAQuestion => "is not a question of this survey".into(),
            NotAnOption => "must be one of the options, as text".into(),
            NotOffered { chosen } => format!("{chosen:?} is not an option of this question"),
            NotOptions => "must be a list of the options".into(),
            NotText => "must be text".into(),
            NotYesOrNo => "must be yes or no (true or false)".into(),
            NotOnTheScale => "must be a whole number from 1 to 5".into(),
            DisqualificationNeedsReason => "a disqualification needs a reason".into(),
            VoidNeedsReason => "a void needs a reason".into(),
            FutureAsOf => {
                "must not be in the future: continued use is judged on what has happened".into()
            }
            NotADate => "must be a date like 2024-03-31".into(),
            FileRequired => "choose a file to upload".into(),
            NoHeaderRow => crate::formats::csv_lines::TableError::NoHeader.to_string(),
            NoCheckpointColumn => super::checkpoint::SheetError::NoCheckpointColumn.to_string(),
            WorkflowOnlyForModel => "only a model office has a workflow change to confirm".into(),
            LinkageOnlyForReferred => "only a referred office has a linkage to confirm".into(),
            PersonExists => "is already a person here".into(),
            DisableSelf => "you may not disable yourself; another admin can".into(),
            AlreadyDisabled => "is disabled already".into(),
            NotDisabled => "is not disabled".into(),
            DemoteSelf => {
                "you may not lower your own role; another admin can, so an admin remains".into()
            }
            NotInApplication => "is not an office of this application; an office number cannot be corrected: apply again with the right one".into(),
            FixedOnceSent => "cannot be corrected once sent: apply again with the right one".into(),
            Other(message) => message.clone(),
        }
    }

    /// What the pages and emails say. [`Refusal::Other`] is shown as it came, so nothing is
    /// ever hidden.
    pub fn japanese(&self) -> String {
        use Refusal::*;
        match self {
            Email(EmailError::Invalid) => {
                "メールアドレスの形で入力してください（例: name@example.jp）".into()
            }
            Email(EmailError::TooLong) => "254文字以内で入力してください".into(),
            OfficeNumber(OfficeNumberError::Length) => {
                "10桁で入力してください（都道府県番号2桁・種別1桁・市区町村2桁・連番4桁・検査数字1桁）".into()
            }
            OfficeNumber(OfficeNumberError::Prefecture) => {
                "先頭の2桁（都道府県番号）は01〜47です".into()
            }
            OfficeNumber(OfficeNumberError::Category) => {
                "3桁目は数字か英大文字（I・O・Qを除く）です".into()
            }
            OfficeNumber(OfficeNumberError::Digits) => "4桁目から後は数字で入力してください".into(),
            CorporateNumber(CorporateNumberError::Format) => "13桁の数字で入力してください".into(),
            CorporateNumber(CorporateNumberError::CheckDigit { .. }) => {
                "先頭の検査数字が合いません。法人番号をお確かめください".into()
            }
            Text(TextError::Nul) => "使えない文字（NUL文字）が含まれています".into(),
            Text(TextError::LineBreak) => "改行を含めずに1行で入力してください".into(),
            Text(TextError::Control) => {
                "制御文字や文字の向きを変える記号など、表示されない文字が含まれています".into()
            }
            DateOutOfRange => format!(
                "{}年から{}年までの日付を入力してください",
                super::jst::FIRST_YEAR,
                super::jst::LAST_YEAR
            ),
            Length { max } => format!("入力してください（{max}文字以内）"),
            TooLong { max } => format!("{max}文字以内で入力してください"),
            Required => "入力してください".into(),
            OfficeCheckDigit => "末尾の検査数字が合いません。事業所番号をお確かめください".into(),
            OfficeCheckDigitToReview => {
                "末尾の検査数字が合いません。このまま受け付け、事務局が確認します".into()
            }
            OutsideRegion { region, .. } => format!("{region}内の事業所が対象です"),
            UsingSystemOnlyAsModel => {
                "すでにシステムを利用している事業所は、モデル事業所枠でのみ応募できます".into()
            }
            TierTakes { .. } => "この応募枠に必要な事業所をすべて入力してください".into(),
            Referrals { max } => format!(
                "まだシステムの利用を始めていないご紹介先を1〜{max}件入力してください"
            ),
            ReferralsOnlyForModel => "ご紹介先はモデル事業所枠でのみ入力できます".into(),
            PairKinds => {
                "居宅介護支援事業所とサービス事業所の組み合わせで応募してください".into()
            }
            PairSameCorporation => {
                "同じ法人の事業所同士では応募できません（法人番号が同じです）".into()
            }
            ReferralStarted => {
                "ご紹介先は、まだシステムの利用を始めていない事業所に限ります".into()
            }
            ReferralSameCorporation => {
                "ご紹介先は、モデル事業所と別の法人の事業所に限ります".into()
            }
            NamedTwice => "同じ事業所番号が2回入力されています".into(),
            RegisterCorporateNumber { corporate } => format!(
                "事業所台帳では、この事業所の法人番号は{corporate}です。事務局が確認します"
            ),
            AlreadyTakingPart(offices) => {
                let which = if offices.is_empty() {
                    "この応募の事業所".to_owned()
                } else {
                    format!("事業所番号 {}", offices.join("、"))
                };
                format!(
                    "{which}は、すでにこのキャンペーンに応募されています。同じ事業所は一度だけ参加できます。お心当たりがない場合は事務局へお問い合わせください。"
                )
            }
            NotAQuestion => "このアンケートにない質問です".into(),
            NotAnOption | NotOffered { .. } | NotOptions => "選択肢から選んでください".into(),
            NotText => "文字で入力してください".into(),
            NotYesOrNo => "「はい」か「いいえ」を選んでください".into(),
            NotOnTheScale => "1〜5から選んでください".into(),
            DisqualificationNeedsReason => "失格の理由を入力してください".into(),
            VoidNeedsReason => "無効にする理由を入力してください".into(),
            FutureAsOf => {
                "未来の日付は指定できません。継続利用は起きたことで判断します".into()
            }
            NotADate => "日付を 2026-03-31 の形で入力してください".into(),
            FileRequired => "取り込むファイルを選んでください".into(),
            NoHeaderRow => format!(
                "見出し行が見つかりません。先頭{}行以内に、事業所番号の列（「事業所番号」を含む列名、または office_number）がある見出し行を置いてください",
                crate::formats::csv_lines::HEADER_SEARCH_RECORDS
            ),
            NoCheckpointColumn => "見出し行にチェックポイントの列がありません（usage_started_on、start_survey_answered、end_survey_answered、workflow_change_confirmed、linkage_confirmed、continued_use_attested_reason のいずれか）".into(),
            WorkflowOnlyForModel => "業務フロー変更の確認はモデル事業所だけにあります".into(),
            LinkageOnlyForReferred => {
                "データ連携の確認は紹介を受けた事業所だけにあります".into()
            }
            PersonExists => "このメールアドレスの担当者はすでに登録されています".into(),
            DisableSelf => {
                "ご自身は無効にできません。必要なときは、ほかの管理者が行います".into()
            }
            AlreadyDisabled => "この担当者はすでに無効です".into(),
            NotDisabled => "この担当者は無効になっていません".into(),
            DemoteSelf => {
                "ご自身の役割は下げられません。管理者がいなくならないよう、ほかの管理者が行います"
                    .into()
            }
            NotInApplication => "この応募の事業所ではありません。事業所番号は訂正できません（変更する場合は、正しい番号であらためてご応募ください）".into(),
            FixedOnceSent => "応募後は訂正できません（変更する場合は、正しい番号であらためてご応募ください）".into(),
            Other(message) => message.clone(),
        }
    }
}

impl From<String> for Refusal {
    fn from(message: String) -> Self {
        Refusal::Other(message)
    }
}

impl From<&str> for Refusal {
    fn from(message: &str) -> Self {
        Refusal::Other(message.to_owned())
    }
}

/// The parse errors that are refusals of their own.
macro_rules! refusal_of {
    ($($error:ty => $variant:ident),+) => {$(
        impl From<$error> for Refusal {
            fn from(e: $error) -> Self {
                Refusal::$variant(e)
            }
        }
    )+};
}

refusal_of!(
    EmailError => Email,
    OfficeNumberError => OfficeNumber,
    CorporateNumberError => CorporateNumber,
    TextError => Text
);

impl From<DateOutOfRange> for Refusal {
    fn from(_: DateOutOfRange) -> Self {
        Refusal::DateOutOfRange
    }
}

/// Refusals staff alone meet, said in English everywhere.
macro_rules! in_english_only {
    ($($error:ty),+) => {$(
        impl From<$error> for Refusal {
            fn from(e: $error) -> Self {
                Refusal::Other(e.to_string())
            }
        }
    )+};
}

in_english_only!(super::money::YenError);

impl From<crate::formats::csv_lines::TableError> for Refusal {
    fn from(e: crate::formats::csv_lines::TableError) -> Self {
        match e {
            crate::formats::csv_lines::TableError::NoHeader => Refusal::NoHeaderRow,
            // A broken read (the client's body stopped) is said as it happened.
            other => Refusal::Other(other.to_string()),
        }
    }
}

impl From<super::checkpoint::SheetError> for Refusal {
    fn from(e: super::checkpoint::SheetError) -> Self {
        match e {
            super::checkpoint::SheetError::Table(table) => table.into(),
            super::checkpoint::SheetError::NoCheckpointColumn => Refusal::NoCheckpointColumn,
        }
    }
}

#[cfg(test)]
mod tests;
