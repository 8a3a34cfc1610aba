//! What free text may hold. Every text that reaches the database must be free of NUL:
//! PostgreSQL cannot store one (SQLite can, so the backends would disagree) and no real value
//! holds one. Names, addresses and reasons are copied into emails, the ledger CSV and the
//! workbook, where a control character or a direction override would rewrite what a reader
//! sees, so they are held to more: a one-line text (a name, an address) takes no control
//! character at all, a multi-line text (a reason) only line breaks and tabs.

use super::refusal::Refusal;
use super::FieldErrors;

/// Why a text is refused; the message is the one a field error carries.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, thiserror::Error, serde::Serialize, serde::Deserialize,
)]
#[serde(rename_all = "snake_case")]
pub enum TextError {
    #[error("must not contain a NUL character")]
    Nul,
    #[error("must be one line")]
    LineBreak,
    #[error("must not contain control or text-direction characters")]
    Control,
}

/// What any text stored must satisfy.
pub fn storable(text: &str) -> Result<(), TextError> {
    if text.contains('\0') {
        Err(TextError::Nul)
    } else {
        Ok(())
    }
}

/// A name or an address: one line, nothing that is not shown as itself.
pub fn single_line(text: &str) -> Result<(), TextError> {
    storable(text)?;
    if text.chars().any(is_line_break) {
        return Err(TextError::LineBreak);
    }
    if text.chars().any(hidden) {
        return Err(TextError::Control);
    }
    Ok(())
}

/// A reason: lines and tabs as a text box sends them, nothing else that is not shown as
/// itself.
pub fn multi_line(text: &str) -> Result<(), TextError> {
    storable(text)?;
    if text
        .chars()
        .any(|c| hidden(c) && !is_line_break(c) && c != '\t')
    {
        return Err(TextError::Control);
    }
    Ok(())
}

/// A name or an address of 1 to `max` characters, trimmed; a refusal is recorded under
/// `field`.
pub fn one_line(errors: &mut FieldErrors, field: &str, value: &str, max: usize) -> String {
    let value = value.trim();
    if value.is_empty() || value.chars().count() > max {
        errors.push(field, Refusal::Length { max });
    } else if let Err(e) = single_line(value) {
        errors.push(field, e);
    }
    value.to_owned()
}

fn is_line_break(c: char) -> bool {
    matches!(c, '\n' | '\r' | '\u{2028}' | '\u{2029}')
}

/// Characters that are not shown as themselves: C0 and C1 controls and DEL, the bidi
/// embeddings, overrides and isolates (they reorder what follows them), and noncharacters.
fn hidden(c: char) -> bool {
    c.is_control()
        || is_line_break(c)
        || matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
        || matches!(c, '\u{FDD0}'..='\u{FDEF}')
        || (c as u32) & 0xFFFE == 0xFFFE
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_line_texts_take_printable_characters_only() {
        let table: &[(&str, Result<(), TextError>)] = &[
            ("むさしの居宅介護支援センター", Ok(())),
            ("山田 花子", Ok(())),
            ("東京都武蔵野市緑町2-2-28　3階", Ok(())),
            ("O'Brien & Co. (本店)", Ok(())),
            ("a\u{0}b", Err(TextError::Nul)),
            ("a\nb", Err(TextError::LineBreak)),
            ("a\rb", Err(TextError::LineBreak)),
            ("a\u{2028}b", Err(TextError::LineBreak)),
            ("a\tb", Err(TextError::Control)),
            ("\u{1B}[31mred", Err(TextError::Control)),
            ("a\u{7F}", Err(TextError::Control)),
            ("a\u{85}", Err(TextError::Control)),
            ("a\u{9F}", Err(TextError::Control)),
            ("evil\u{202E}gpj.exe", Err(TextError::Control)),
            ("\u{202A}x", Err(TextError::Control)),
            ("\u{2066}x\u{2069}", Err(TextError::Control)),
            ("x\u{FFFE}", Err(TextError::Control)),
            ("x\u{FFFF}", Err(TextError::Control)),
            ("x\u{1FFFF}", Err(TextError::Control)),
            ("x\u{FDD0}", Err(TextError::Control)),
        ];
        for (text, expected) in table {
            assert_eq!(single_line(text), *expected, "{text:?}");
        }
    }

    #[test]
    fn reasons_keep_their_lines_and_tabs_and_nothing_else_hidden() {
        let table: &[(&str, Result<(), TextError>)] = &[
            ("利用一覧の更新漏れ。\r\n利用画面で確認\t済", Ok(())),
            ("一行目\n二行目", Ok(())),
            ("a\u{0}", Err(TextError::Nul)),
            ("\u{1B}]0;title\u{7}", Err(TextError::Control)),
            ("a\u{8}b", Err(TextError::Control)),
            ("a\u{202D}b", Err(TextError::Control)),
            ("a\u{FFFF}", Err(TextError::Control)),
        ];
        for (text, expected) in table {
            assert_eq!(multi_line(text), *expected, "{text:?}");
        }
    }

    #[test]
    fn only_nul_keeps_a_text_from_being_stored() {
        assert_eq!(storable("a\u{1B}\n"), Ok(()));
        assert_eq!(storable("a\u{0}"), Err(TextError::Nul));
    }
}
