//! Why a use case refused an action as the records stand (409), or refused this caller (403),
//! as values. The JSON API says them in English (`detail`), the console in Japanese, each from
//! one exhaustive match: a new refusal cannot be added without both, and rewording the English
//! never turns a console page English.

use super::correction::Closed;
use super::delivery::DeliveryStatus;
use super::jst;
use super::participation::Status;
use super::payout::{BatchStatus, CorrectsRefusal};
use super::refusal::Refusal;
use super::role::Role;
use super::survey::SurveyKind;
use super::year_end::DryRun;
use chrono::NaiveDate;

/// What in the records stands in the way of an action.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Conflict {
    CampaignNotOpenYet,
    CampaignClosed,
    HonorariaFixedOnceOpen,
    OpensAtFixedOnceOpen,
    SlotsBelowTaken {
        offices: u32,
        model: u32,
        non_attendees: u32,
    },
    CampaignCodeTaken {
        code: String,
    },
    ApplicationAlready {
        status: Status,
    },
    /// An application's contact and offices are no longer corrected.
    CorrectionsClosed(Closed),
    /// A withdrawn application cannot be disqualified once one of its offices applied again.
    AppliedAgain,
    /// One bulk request gave the same Idempotency-Key to two applications.
    TwinKeys,
    SurveyAnswered {
        kind: SurveyKind,
    },
    /// The survey opens on that day, or once the application is accepted when `None`.
    SurveyNotYet {
        kind: SurveyKind,
        opens_on: Option<NaiveDate>,
    },
    SurveyClosed {
        kind: SurveyKind,
        closed_after: NaiveDate,
    },
    MessageAlready {
        status: DeliveryStatus,
    },
    ResultsMailedAlready,
    NoUsageList {
        as_of: NaiveDate,
    },
    NewerCheck,
    /// Nothing is paid from a dry run; why the check is one (`None`: it was flagged so when run).
    DryRun(Option<DryRun>),
    DraftExists,
    Corrects(CorrectsRefusal),
    NothingToPay,
    BatchAlready {
        status: BatchStatus,
    },
    BatchNoLongerDraft,
    OfficesNoLongerAccepted,
    OnlyApprovedSentToBank,
    NothingToTransfer,
    NoPayer,
    OfficesWithoutAccount,
    /// The bank's file format cannot carry a value (the English says which).
    TransferFile(String),
    PersonDisabled {
        email: String,
    },
    TokenRevoked,
    /// A change to a person that a rule refused (`refusal` says which).
    Person {
        email: String,
        refusal: Refusal,
    },
    NoRegister {
        as_of: NaiveDate,
    },
    NoUsageListForOutcome {
        campaign_id: String,
    },
    RegionCode {
        code: String,
        why: String,
    },
}

/// What this caller may not do, whatever the records say.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NotAllowed {
    SelfApproval,
    TokenAboveHolder { ceiling: Role },
}

fn dry_run_english(why: &Option<DryRun>) -> String {
    match why {
        Some(why) => why.to_string(),
        None => {
            "the check is a dry run: it was run before the campaign's end as it then stood".into()
        }
    }
}

impl Conflict {
    /// The API's `detail`.
    pub fn english(&self) -> String {
        use Conflict::*;
        match self {
            CampaignNotOpenYet => "the campaign is not open for applications yet".into(),
            CampaignClosed => {
                "the campaign no longer takes applications: its deadline has passed".into()
            }
            HonorariaFixedOnceOpen => "honoraria cannot change once the campaign has opened".into(),
            OpensAtFixedOnceOpen => "opens_at cannot change once the campaign has opened".into(),
            SlotsBelowTaken { offices, model, non_attendees } => format!(
                "slots cannot go below those taken: {offices} offices, {model} model offices, {non_attendees} non-attendees hold slots"
            ),
            CampaignCodeTaken { code } => format!("a campaign with code {code:?} already exists"),
            ApplicationAlready { status } => format!("the application is already {status}"),
            CorrectionsClosed(Closed::DeadlinePassed) => {
                "corrections closed with the campaign's application deadline".into()
            }
            CorrectionsClosed(Closed::Left(status)) => {
                format!("the application is {status}: it takes no correction")
            }
            AppliedAgain => "an office of this withdrawn application has applied again; disqualify that application instead".into(),
            TwinKeys => "twin keys in one batch".into(),
            SurveyAnswered { kind } => {
                format!("the {kind} survey has answers: its questions can no longer change")
            }
            SurveyNotYet { kind, opens_on: Some(day) } => format!("the {kind} survey opens on {day}"),
            SurveyNotYet { kind, opens_on: None } => {
                format!("the {kind} survey opens once the application is accepted")
            }
            SurveyClosed { kind, closed_after } => {
                format!("the {kind} survey closed after {closed_after}")
            }
            MessageAlready { status } => format!("the message is {status} already"),
            ResultsMailedAlready => "the results of this check were mailed already".into(),
            NoUsageList { as_of } => {
                format!("no usage list as of {as_of} or earlier has been imported")
            }
            NewerCheck => "a newer year-end check exists; build the batch from the latest".into(),
            DryRun(why) => format!(
                "{}; nothing is paid from a dry run: run the check again at or after the end, on a usage list from then",
                dry_run_english(why)
            ),
            DraftExists => "this campaign has a draft batch already: approve or cancel it first".into(),
            Corrects(refusal) => refusal.to_string(),
            NothingToPay => "the batch would pay nothing: approved batches already pay what the check says".into(),
            BatchAlready { status } => format!("the batch is {status} already"),
            BatchNoLongerDraft => "the batch is no longer a draft".into(),
            OfficesNoLongerAccepted => "offices of this batch are no longer accepted: cancel it, run the year-end check again and draft a new batch".into(),
            OnlyApprovedSentToBank => "only an approved batch is sent to the bank".into(),
            NothingToTransfer => "nothing to transfer: every line of the batch reclaims money".into(),
            NoPayer => "the campaign has no paying account (PUT …/payer)".into(),
            OfficesWithoutAccount => "offices cannot be paid by transfer".into(),
            TransferFile(why) => format!("the transfer file cannot be written: {why}"),
            PersonDisabled { email } => format!("{email} is disabled"),
            TokenRevoked => "the token is already revoked".into(),
            Person { email, refusal } => format!("{email}: {}", refusal.english()),
            NoRegister { as_of } => format!(
                "no office register as of {as_of} or earlier: import one with POST /api/v1/office-registers"
            ),
            NoUsageListForOutcome { campaign_id } => format!(
                "the campaign has no usage list: import one with POST /api/v1/campaigns/{campaign_id}/usage-lists"
            ),
            RegionCode { code, why } => format!("the campaign's region code {code}: {why}"),
        }
    }

    /// The console's words for the same refusal.
    pub fn japanese(&self) -> String {
        use Conflict::*;
        match self {
            CampaignNotOpenYet => "このキャンペーンはまだ受付を始めていません。".into(),
            CampaignClosed => "このキャンペーンは締切を過ぎたため、受付を終了しました。".into(),
            HonorariaFixedOnceOpen => "受付開始後は謝礼額を変更できません。".into(),
            OpensAtFixedOnceOpen => "受付開始後は受付開始日時を変更できません。".into(),
            SlotsBelowTaken { offices, model, non_attendees } => format!(
                "枠は使われている数より少なくできません（事業所{offices}、モデル事業所{model}、説明会未参加{non_attendees}が枠を使っています）。"
            ),
            CampaignCodeTaken { code } => format!(
                "このコードのキャンペーンはすでにあります（{code}）。別のコードにしてください。"
            ),
            ApplicationAlready { status } => {
                format!("この応募はすでに{}です。", status.label_ja())
            }
            CorrectionsClosed(Closed::DeadlinePassed) => {
                "応募締切を過ぎたため、応募内容は訂正できません。".into()
            }
            CorrectionsClosed(Closed::Left(status)) => {
                format!("この応募は{}のため、訂正できません。", status.label_ja())
            }
            AppliedAgain => "この応募の事業所が改めて応募しています。そちらの応募を失格にしてください。".into(),
            TwinKeys => "同じ Idempotency-Key の応募が一度に二つ送られました。".into(),
            SurveyAnswered { kind } => {
                format!("{}には回答があるため、設問を変更できません。", kind.label_ja())
            }
            SurveyNotYet { kind, opens_on: Some(day) } => {
                format!("{}は{}から回答できます。", kind.label_ja(), jst::day(*day))
            }
            SurveyNotYet { kind, opens_on: None } => {
                format!("{}は参加決定後に回答できます。", kind.label_ja())
            }
            SurveyClosed { kind, closed_after } => format!(
                "{}の回答期限（{}）を過ぎました。",
                kind.label_ja(),
                jst::day(*closed_after)
            ),
            MessageAlready { status } => format!("このメールはすでに{}です。", status.label_ja()),
            ResultsMailedAlready => "この確認の結果はすでにメールで送りました。".into(),
            NoUsageList { .. } => "その日付以前の利用者リストが取り込まれていません。先に利用者リストを取り込んでください。".into(),
            NewerCheck => "より新しい年度末確認があります。最新の確認から作成してください。".into(),
            DryRun(_) => "試行（ドライラン）の確認からは支払えません。キャンペーン終了日以降に、終了日以降の利用者リストで確認をやり直してください。".into(),
            DraftExists => "このキャンペーンには承認待ちのバッチがすでにあります。承認するか取り消してから作成してください。".into(),
            Corrects(CorrectsRefusal::NothingToCorrect) => "承認済みのバッチがないため、訂正するバッチは選べません。".into(),
            Corrects(CorrectsRefusal::MustNameOne) => "承認済みのバッチがあるため、訂正するバッチを選んでください。".into(),
            Corrects(CorrectsRefusal::NotApprovedHere) => "訂正するバッチには、このキャンペーンの承認済みバッチを選んでください。".into(),
            NothingToPay => "支払う金額がありません。承認済みのバッチが確認の結果どおりにすでに支払っています。".into(),
            BatchAlready { status } => {
                format!("このバッチはすでに{}です。", status.label_ja())
            }
            BatchNoLongerDraft => "このバッチは承認待ちではなくなっています。".into(),
            OfficesNoLongerAccepted => "このバッチには参加決定でなくなった事業所があります。取り消して、年度末確認をやり直してから作成してください。".into(),
            OnlyApprovedSentToBank => "銀行へ送れるのは承認済みのバッチだけです。".into(),
            NothingToTransfer => "振り込むものがありません。このバッチの明細はすべて返還です。".into(),
            NoPayer => "このキャンペーンの支払口座が登録されていません。".into(),
            OfficesWithoutAccount => "振込口座のない事業所があるため、振込できません。".into(),
            TransferFile(why) => format!("全銀ファイルを作れません（{why}）。"),
            PersonDisabled { email } => format!("{email} は無効にされています。"),
            TokenRevoked => "このトークンはすでに失効しています。".into(),
            Person { email, refusal } => format!("{email}：{}", refusal.japanese()),
            NoRegister { .. } => "その日付以前の事業所台帳が取り込まれていません。".into(),
            NoUsageListForOutcome { .. } => "このキャンペーンには利用者リストがありません。".into(),
            RegionCode { code, .. } => format!("キャンペーンの地域コード {code} が正しくありません。"),
        }
    }
}

impl NotAllowed {
    pub fn english(&self) -> String {
        match self {
            NotAllowed::SelfApproval => "a batch is approved by a different person than its author, whichever token or session each uses".into(),
            NotAllowed::TokenAboveHolder { ceiling } => format!(
                "a token's role is no higher than its holder's ({})",
                ceiling.as_str()
            ),
        }
    }

    pub fn japanese(&self) -> String {
        match self {
            NotAllowed::SelfApproval => {
                "作成した本人は承認できません。別の担当者が承認してください。".into()
            }
            NotAllowed::TokenAboveHolder { .. } => {
                "トークンの役割は持ち主の役割より上にできません。".into()
            }
        }
    }
}

#[cfg(test)]
mod tests;
