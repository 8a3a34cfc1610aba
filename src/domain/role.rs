//! Staff roles and what each may do.

use serde::{Deserialize, Serialize};
use std::str::FromStr;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    Admin,
    Secretariat,
    Auditor,
}

impl Role {
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Admin => "admin",
            Role::Secretariat => "secretariat",
            Role::Auditor => "auditor",
        }
    }

    /// Running the campaign: creating and changing records.
    pub fn may_operate(self) -> bool {
        matches!(self, Role::Admin | Role::Secretariat)
    }

    /// Issuing and revoking API tokens.
    pub fn may_manage_tokens(self) -> bool {
        self == Role::Admin
    }

    /// Every role may read everything.
    pub fn may_read(self) -> bool {
        true
    }
}

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
#[error("must be one of admin, secretariat, auditor")]
pub struct UnknownRole;

impl FromStr for Role {
    type Err = UnknownRole;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "admin" => Ok(Role::Admin),
            "secretariat" => Ok(Role::Secretariat),
            "auditor" => Ok(Role::Auditor),
            _ => Err(UnknownRole),
        }
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
        assert_eq!("Admin".parse::<Role>(), Err(UnknownRole));
    }

    #[test]
    fn only_admin_manages_tokens_and_auditors_only_read() {
        assert!(Role::Admin.may_manage_tokens());
        assert!(!Role::Secretariat.may_manage_tokens());
        assert!(Role::Secretariat.may_operate());
        assert!(!Role::Auditor.may_operate());
        assert!(Role::Auditor.may_read());
    }
}
