//! Enums whose every value has one written name, the same in JSON, in the database and in
//! query strings. Reading a name that is not one of them is an error, never a guess.

/// A written name that names no value of the enum.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("must be one of {}", .allowed.join(", "))]
pub struct UnknownName {
    pub allowed: &'static [&'static str],
}

/// Declares an enum whose every value has one written name: the same in JSON (serde), in
/// the database (`db::stored`), in query strings and in the OpenAPI document. Gives it
/// `as_str`, `ALL`, `NAMES`, `FromStr` (failing with [`UnknownName`]) and `Display`.
macro_rules! named {
    (
        $(#[$meta:meta])*
        pub enum $ty:ident {
            $($(#[$vmeta:meta])* $variant:ident => $name:literal),+ $(,)?
        }
    ) => {
        $(#[$meta])*
        #[derive(
            Debug,
            Clone,
            Copy,
            PartialEq,
            Eq,
            Hash,
            serde::Serialize,
            serde::Deserialize,
            diesel::expression::AsExpression,
            diesel::deserialize::FromSqlRow,
        )]
        #[diesel(sql_type = diesel::sql_types::Text)]
        pub enum $ty {
            $($(#[$vmeta])* #[serde(rename = $name)] $variant),+
        }

        impl $ty {
            pub const ALL: &'static [$ty] = &[$($ty::$variant),+];
            pub const NAMES: &'static [&'static str] = &[$($name),+];

            pub fn as_str(self) -> &'static str {
                match self {
                    $($ty::$variant => $name),+
                }
            }
        }

        impl std::str::FromStr for $ty {
            type Err = $crate::domain::name::UnknownName;

            fn from_str(s: &str) -> Result<Self, Self::Err> {
                match s {
                    $($name => Ok($ty::$variant),)+
                    _ => Err($crate::domain::name::UnknownName { allowed: $ty::NAMES }),
                }
            }
        }

        // Written by hand: the derive cannot see the names through this macro and documented
        // the Rust variants (`Admin`), which no client may send or will receive.
        impl utoipa::PartialSchema for $ty {
            fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
                utoipa::openapi::schema::ObjectBuilder::new()
                    .schema_type(utoipa::openapi::schema::Type::String)
                    .enum_values(Some([$($name),+]))
                    .into()
            }
        }

        impl utoipa::ToSchema for $ty {}

        impl std::fmt::Display for $ty {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }
    };
}
pub(crate) use named;
