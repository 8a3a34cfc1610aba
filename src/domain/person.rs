//! Staff as people: a person's sign-in address, the password rules, which token roles a
//! person may hold, and who may approve whose batch.

use super::email::{EmailAddress, EmailError};
use super::refusal::Refusal;
use super::role::Role;

/// A person's sign-in address: an ordinary email address, lower-cased, so that one address
/// is one person however it is typed.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct StaffEmail(String);

impl StaffEmail {
    pub fn parse(input: &str) -> Result<Self, EmailError> {
        let lowered = input.trim().to_ascii_lowercase();
        EmailAddress::parse(&lowered).map(|_| StaffEmail(lowered))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// Shortest password a person may choose: long passphrases beat composition rules.
pub const MIN_PASSWORD_CHARS: usize = 12;
const MAX_PASSWORD_CHARS: usize = 256;

/// Passwords of twelve characters or more that appear near the top of every leaked list; a
/// person is asked for something else.
const COMMON: &[&str] = &[
    "123456789012",
    "1234567890123",
    "12345678901234",
    "123456123456",
    "password1234",
    "password12345",
    "password123456",
    "passwordpassword",
    "qwertyuiop12",
    "qwertyuiopasdf",
    "qwerty123456",
    "1q2w3e4r5t6y",
    "1qaz2wsx3edc",
    "abcdefghijkl",
    "abc123456789",
    "iloveyou1234",
    "administrator",
    "letmein12345",
    "welcome12345",
    "changeme1234",
    "aaaaaaaaaaaa",
    "111111111111",
    "000000000000",
    "987654321098",
    "asdfghjklqwe",
    "zaq12wsxcde3",
    "honoraria123",
    "honorariahonoraria",
];

/// A password that meets the rules; its text never reaches a log (`Debug` hides it).
#[derive(Clone, PartialEq, Eq)]
pub struct Password(String);

impl std::fmt::Debug for Password {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Password([redacted])")
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum PasswordRefusal {
    #[error("must be at least {MIN_PASSWORD_CHARS} characters")]
    TooShort,
    #[error("must be at most {MAX_PASSWORD_CHARS} characters")]
    TooLong,
    #[error("is one of the passwords tried first by anyone guessing; choose another")]
    Common,
    #[error("must not be the sign-in address")]
    SameAsEmail,
}

impl Password {
    /// `chosen` checked against the rules for the person signing in as `email`.
    pub fn parse(chosen: &str, email: &StaffEmail) -> Result<Self, PasswordRefusal> {
        let chars = chosen.chars().count();
        if chars < MIN_PASSWORD_CHARS {
            return Err(PasswordRefusal::TooShort);
        }
        if chars > MAX_PASSWORD_CHARS {
            return Err(PasswordRefusal::TooLong);
        }
        let lowered = chosen.to_lowercase();
        let one_char = lowered.chars().all(|c| lowered.starts_with(c));
        if one_char || COMMON.contains(&lowered.as_str()) {
            return Err(PasswordRefusal::Common);
        }
        if lowered == email.as_str() || Some(lowered.as_str()) == email.as_str().split('@').next() {
            return Err(PasswordRefusal::SameAsEmail);
        }
        Ok(Password(chosen.to_owned()))
    }

    pub fn expose(&self) -> &str {
        &self.0
    }
}

/// How much a role may do, for comparing roles.
fn rank(role: Role) -> u8 {
    match role {
        Role::Auditor => 0,
        Role::Secretariat => 1,
        Role::Admin => 2,
    }
}

/// A token a person holds acts with a role no higher than the person's own.
pub fn may_hold(person: Role, token: Role) -> bool {
    rank(token) <= rank(person)
}

/// A person may not disable themselves: the console they are using would end under them, and
/// the last admin could lock everyone out. `actor` is the acting account's id (`None` for the
/// command line, which is nobody's account).
pub fn may_disable(actor: Option<&str>, person: &str) -> Result<(), Refusal> {
    if actor == Some(person) {
        return Err(Refusal::DisableSelf);
    }
    Ok(())
}

/// A person may not lower their own role. Only an admin changes roles, so the admin acting
/// stays one: there is always an admin to change roles back.
pub fn may_change_role(
    actor: Option<&str>,
    person: &str,
    from: Role,
    to: Role,
) -> Result<(), Refusal> {
    if actor == Some(person) && rank(to) < rank(from) {
        return Err(Refusal::DemoteSelf);
    }
    Ok(())
}

/// Four eyes: a batch is approved by an account (a person, or a machine account) other than
/// the one that drafted it, whichever tokens or sessions each used.
pub fn may_approve(author_account: &str, approver_account: &str) -> bool {
    author_account != approver_account
}

#[cfg(test)]
mod tests {
    use super::*;

    fn email() -> StaffEmail {
        StaffEmail::parse("  Yamada.Hanako@Example.JP ").unwrap()
    }

    #[test]
    fn an_address_is_one_person_however_it_is_typed() {
        assert_eq!(email().as_str(), "yamada.hanako@example.jp");
        assert!(StaffEmail::parse("yamada").is_err());
    }

    #[test]
    fn passwords_follow_the_rules() {
        let cases = [
            ("short-pass1", Err(PasswordRefusal::TooShort)),
            ("Password1234", Err(PasswordRefusal::Common)),
            ("zzzzzzzzzzzzzzz", Err(PasswordRefusal::Common)),
            (
                "yamada.hanako@example.jp",
                Err(PasswordRefusal::SameAsEmail),
            ),
            ("yamada.hanako", Err(PasswordRefusal::SameAsEmail)),
        ];
        for (chosen, expected) in cases {
            assert_eq!(
                Password::parse(chosen, &email()).map(|_| ()),
                expected,
                "{chosen}"
            );
        }
        assert!(Password::parse("むさしの事務局の春の青空", &email()).is_ok());
        assert!(Password::parse(&"x".repeat(257), &email()).is_err());
        let p = Password::parse("correct horse battery", &email()).unwrap();
        assert!(!format!("{p:?}").contains("horse"));
    }

    #[test]
    fn a_token_role_is_never_above_its_person() {
        use Role::*;
        for (person, token, allowed) in [
            (Admin, Admin, true),
            (Admin, Auditor, true),
            (Secretariat, Secretariat, true),
            (Secretariat, Admin, false),
            (Auditor, Secretariat, false),
            (Auditor, Auditor, true),
        ] {
            assert_eq!(may_hold(person, token), allowed, "{person:?} {token:?}");
        }
    }

    #[test]
    fn nobody_disables_themselves_or_lowers_their_own_role() {
        use Role::*;
        assert_eq!(may_disable(Some("a"), "a"), Err(Refusal::DisableSelf));
        assert_eq!(may_disable(Some("a"), "b"), Ok(()));
        assert_eq!(may_disable(None, "a"), Ok(()), "the command line is nobody");
        for (actor, from, to, allowed) in [
            ("a", Admin, Secretariat, false),
            ("a", Admin, Auditor, false),
            ("a", Admin, Admin, true),
            ("b", Admin, Auditor, true),
            ("b", Auditor, Admin, true),
        ] {
            let judged = may_change_role(Some(actor), "a", from, to);
            assert_eq!(judged.is_ok(), allowed, "{actor} {from:?} -> {to:?}");
        }
    }

    #[test]
    fn the_author_never_approves_their_own_batch() {
        assert!(!may_approve("person-a", "person-a"));
        assert!(may_approve("person-a", "person-b"));
    }
}
