//! Typed ids: a campaign's id cannot be passed where an application's is wanted. Ids are
//! UUIDs made here, version 7 (time-ordered) so that new rows go to the end of their indexes
//! instead of a random page of a large one; one read from a request is taken as given (an
//! unknown id is simply not found).

use serde::{Deserialize, Serialize};
use std::fmt;

macro_rules! id_type {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(
            Debug,
            Clone,
            PartialEq,
            Eq,
            Hash,
            PartialOrd,
            Ord,
            Serialize,
            Deserialize,
            diesel::expression::AsExpression,
            diesel::deserialize::FromSqlRow,
            utoipa::ToSchema,
        )]
        #[diesel(sql_type = diesel::sql_types::Text)]
        #[serde(transparent)]
        #[schema(value_type = String, format = Uuid)]
        pub struct $name(String);

        impl $name {
            /// A fresh, random id.
            #[allow(clippy::new_without_default)]
            pub fn new() -> Self {
                $name(uuid::Uuid::now_v7().to_string())
            }

            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl From<String> for $name {
            fn from(id: String) -> Self {
                $name(id)
            }
        }

        impl From<&str> for $name {
            fn from(id: &str) -> Self {
                $name(id.to_owned())
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }
    };
}

id_type!(
    /// A campaign.
    CampaignId
);
id_type!(
    /// An application to a campaign.
    ApplicationId
);
id_type!(
    /// An API token (not its secret).
    TokenId
);
id_type!(
    /// A message in the email outbox.
    MessageId
);
id_type!(
    /// An imported office register.
    RegisterId
);
id_type!(
    /// A payout batch.
    BatchId
);
id_type!(
    /// A year-end check.
    CheckId
);
