//! How the domain's named enums are stored: as their name in a TEXT column. A stored name the
//! enum does not know fails the query with a deserialization error; it is never read as some
//! default value.

use super::MultiBackend;
use crate::domain::application::{OfficeKind, ParticipantRole, Tier};
use crate::domain::bank::AccountType;
use crate::domain::campaign::OfficeCheckDigitPolicy;
use crate::domain::delivery::{AttemptOutcome, DeliveryStatus};
use crate::domain::ids::{
    ApplicationId, BatchId, CampaignId, CheckId, MessageId, RegisterId, TokenId,
};
use crate::domain::participation::Status;
use crate::domain::payout::BatchStatus;
use crate::domain::role::Role;
use crate::domain::secret::Secret;
use crate::domain::survey::SurveyKind;
use diesel::backend::Backend;
use diesel::deserialize::{self, FromSql};
use diesel::pg::Pg;
use diesel::serialize::{self, IsNull, Output, ToSql};
use diesel::sql_types::Text;
use diesel::sqlite::Sqlite;

/// A value kept in a TEXT column: written as `stored()`, read back through `read`, which
/// refuses what the type cannot hold.
trait StoredText: Sized {
    fn stored(&self) -> &str;
    fn read(text: String) -> Result<Self, String>;
}

macro_rules! named_text {
    ($($ty:ty),+ $(,)?) => {$(
        impl StoredText for $ty {
            fn stored(&self) -> &str {
                self.as_str()
            }

            fn read(text: String) -> Result<Self, String> {
                text.parse().map_err(|e| {
                    format!("unknown stored value {text:?} for {}: {e}", stringify!($ty))
                })
            }
        }
    )+};
}

named_text!(
    Status,
    Tier,
    OfficeKind,
    ParticipantRole,
    Role,
    OfficeCheckDigitPolicy,
    DeliveryStatus,
    AttemptOutcome,
    BatchStatus,
    AccountType,
    SurveyKind,
);

macro_rules! id_text {
    ($($ty:ty),+ $(,)?) => {$(
        impl StoredText for $ty {
            fn stored(&self) -> &str {
                self.as_str()
            }

            fn read(text: String) -> Result<Self, String> {
                Ok(<$ty>::from(text))
            }
        }

        stored_as_text!($ty);
    )+};
}

impl StoredText for Secret {
    fn stored(&self) -> &str {
        self.expose()
    }

    fn read(text: String) -> Result<Self, String> {
        Ok(Secret::new(text))
    }
}

macro_rules! stored_as_text {
    ($($ty:ty),+ $(,)?) => {$(
        impl FromSql<Text, Sqlite> for $ty {
            fn from_sql(value: <Sqlite as Backend>::RawValue<'_>) -> deserialize::Result<Self> {
                Ok(<$ty as StoredText>::read(<String as FromSql<Text, Sqlite>>::from_sql(value)?)?)
            }
        }

        impl FromSql<Text, Pg> for $ty {
            fn from_sql(value: <Pg as Backend>::RawValue<'_>) -> deserialize::Result<Self> {
                Ok(<$ty as StoredText>::read(<String as FromSql<Text, Pg>>::from_sql(value)?)?)
            }
        }

        impl FromSql<Text, MultiBackend> for $ty {
            fn from_sql(value: <MultiBackend as Backend>::RawValue<'_>) -> deserialize::Result<Self> {
                value.from_sql::<Self, Text>()
            }
        }

        impl ToSql<Text, Sqlite> for $ty {
            fn to_sql<'b>(&'b self, out: &mut Output<'b, '_, Sqlite>) -> serialize::Result {
                out.set_value(self.stored());
                Ok(IsNull::No)
            }
        }

        impl ToSql<Text, Pg> for $ty {
            fn to_sql<'b>(&'b self, out: &mut Output<'b, '_, Pg>) -> serialize::Result {
                <str as ToSql<Text, Pg>>::to_sql(self.stored(), &mut out.reborrow())
            }
        }

        impl ToSql<Text, MultiBackend> for $ty {
            fn to_sql<'b>(&'b self, out: &mut Output<'b, '_, MultiBackend>) -> serialize::Result {
                out.set_value((Text, self));
                Ok(IsNull::No)
            }
        }
    )+};
}

stored_as_text!(
    Status,
    Tier,
    OfficeKind,
    ParticipantRole,
    Role,
    OfficeCheckDigitPolicy,
    DeliveryStatus,
    AttemptOutcome,
    BatchStatus,
    AccountType,
    SurveyKind,
    Secret,
);

id_text!(
    CampaignId,
    ApplicationId,
    TokenId,
    MessageId,
    RegisterId,
    BatchId,
    CheckId
);
