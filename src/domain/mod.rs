//! The campaign's rules as plain types and pure functions: no IO, no clock, no database.

pub mod allocation;
pub mod application;
pub mod bank;
pub mod business_day;
pub mod campaign;
pub mod checkpoint;
pub mod corporate_number;
pub mod correction;
pub mod delivery;
pub mod email;
pub mod field_error;
pub mod ids;
pub mod jst;
pub mod money;
pub mod municipality;
pub mod name;
pub mod office_list;
pub mod office_number;
pub mod office_register;
pub mod outcome;
pub mod participation;
pub mod payout;
pub mod person;
pub mod refusal;
pub mod role;
pub mod row_refusal;
pub mod secret;
pub mod sign_in;
pub mod survey;
pub mod text;
pub mod totp;
pub mod usage_list;
pub mod written;
pub mod year_end;

pub use field_error::{FieldError, FieldErrors};
