//! Staff roles and what each may do. Every role reads everything: being signed in (a live
//! session or token of an enabled person) is the whole of the read permission.

use super::name::named;

named! {
    pub enum Role {
        Admin => "admin",
        Secretariat => "secretariat",
        Auditor => "auditor",
    }
}

impl Role {
    /// Running the campaign: creating and changing records.
    pub fn may_operate(self) -> bool {
        matches!(self, Role::Admin | Role::Secretariat)
    }

    /// Issuing and revoking API tokens.
    pub fn may_manage_tokens(self) -> bool {
        self == Role::Admin
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn roles_round_trip_through_their_names() {
        for role in [Role::Admin, Role::Secretariat, Role::Auditor] {
            assert_eq!(role.as_str().parse::<Role>(), Ok(role));
        }
        assert!("Admin".parse::<Role>().is_err());
    }

    #[test]
    fn only_admin_manages_tokens_and_auditors_only_read() {
        assert!(Role::Admin.may_manage_tokens());
        assert!(!Role::Secretariat.may_manage_tokens());
        assert!(Role::Secretariat.may_operate());
        assert!(!Role::Auditor.may_operate());
    }
}
