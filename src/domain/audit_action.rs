//! What an audit event records, one name per kind of change. The names are stored with each
//! event and filtered on (`?action=`), so a name never changes once written.

use super::name::named;

named! {
    pub enum Action {
        ApplicationSubmit => "application.submit",
        ApplicationPromote => "application.promote",
        ApplicationWithdraw => "application.withdraw",
        ApplicationDisqualify => "application.disqualify",
        ApplicationVoid => "application.void",
        ApplicationNote => "application.note",
        ApplicationCorrect => "application.correct",
        BankAccountSet => "bank_account.set",
        PayerAccountSet => "payer_account.set",
        CampaignCreate => "campaign.create",
        CampaignUpdate => "campaign.update",
        CampaignDeadlineChange => "campaign.deadline_change",
        SeminarAttendeesImport => "campaign.seminar_attendees.import",
        CheckpointsRemind => "checkpoints.remind",
        EmailResend => "email.resend",
        OfficeRegisterImport => "office_register.import",
        ParticipantCheckpoints => "participant.checkpoints",
        PayoutBatchCreate => "payout_batch.create",
        PayoutBatchApprove => "payout_batch.approve",
        PayoutBatchCancel => "payout_batch.cancel",
        PayoutBatchZenginIssue => "payout_batch.zengin_issue",
        PersonAdd => "person.add",
        PersonRole => "person.role",
        PersonDisable => "person.disable",
        PersonEnable => "person.enable",
        PersonReset => "person.reset",
        PersonChoosePassword => "person.choose_password",
        PersonChangePassword => "person.change_password",
        PersonTotpOn => "person.totp_on",
        PersonTotpReplace => "person.totp_replace",
        PersonSignIn => "person.sign_in",
        PersonSignInFailed => "person.sign_in_failed",
        PersonSignOut => "person.sign_out",
        SurveyDefine => "survey.define",
        SurveyAnswer => "survey.answer",
        TokenCreate => "token.create",
        TokenRevoke => "token.revoke",
        UsageListImport => "usage_list.import",
        YearEndCheckRun => "year_end_check.run",
        YearEndCheckNotify => "year_end_check.notify",
    }
}

impl Action {
    /// The change as the console's history and audit pages name it.
    pub fn label_ja(self) -> &'static str {
        use Action::*;
        match self {
            ApplicationSubmit => "応募を受付",
            ApplicationPromote => "キャンセル待ちから参加決定",
            ApplicationWithdraw => "辞退",
            ApplicationDisqualify => "失格",
            ApplicationVoid => "無効",
            ApplicationNote => "メモ",
            ApplicationCorrect => "応募内容の訂正",
            BankAccountSet => "振込口座の登録",
            PayerAccountSet => "支払口座の登録",
            CampaignCreate => "キャンペーン作成",
            CampaignUpdate => "キャンペーン変更",
            CampaignDeadlineChange => "締切の変更",
            SeminarAttendeesImport => "説明会参加者の取込",
            CheckpointsRemind => "確認事項の催促メール",
            EmailResend => "メールの再送",
            OfficeRegisterImport => "事業所台帳の取込",
            ParticipantCheckpoints => "確認事項の記録",
            PayoutBatchCreate => "支払バッチ作成",
            PayoutBatchApprove => "支払バッチ承認",
            PayoutBatchCancel => "支払バッチ取消",
            PayoutBatchZenginIssue => "全銀ファイル発行",
            PersonAdd => "担当者の追加",
            PersonRole => "役割の変更",
            PersonDisable => "担当者の無効化",
            PersonEnable => "担当者の再有効化",
            PersonReset => "パスワード再設定リンクの発行",
            PersonChoosePassword => "パスワードの設定",
            PersonChangePassword => "パスワードの変更",
            PersonTotpOn => "二段階認証の開始",
            PersonTotpReplace => "二段階認証の再設定",
            PersonSignIn => "サインイン",
            PersonSignInFailed => "サインイン失敗",
            PersonSignOut => "サインアウト",
            SurveyDefine => "アンケートの設問設定",
            SurveyAnswer => "アンケート回答",
            TokenCreate => "APIトークン発行",
            TokenRevoke => "APIトークン失効",
            UsageListImport => "利用者リストの取込",
            YearEndCheckRun => "年度末確認の実行",
            YearEndCheckNotify => "年度末確認の結果メール",
        }
    }

    /// A stored name in Japanese where it is one of ours, or as it was stored.
    pub fn label_of(stored: &str) -> String {
        stored
            .parse::<Action>()
            .map(|a| a.label_ja().to_owned())
            .unwrap_or_else(|_| stored.to_owned())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_action_has_a_japanese_label_and_its_name_reads_back() {
        for action in Action::ALL {
            assert_eq!(action.as_str().parse::<Action>(), Ok(*action));
            assert!(!action.label_ja().is_ascii(), "{action}");
        }
        assert_eq!(Action::label_of("payout_batch.approve"), "支払バッチ承認");
        assert_eq!(Action::label_of("something.else"), "something.else");
    }
}
