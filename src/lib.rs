//! honoraria: first-come subsidy campaigns, from application to audited payout.

pub mod clock;
pub mod config;
pub mod db;
pub mod domain;
pub mod email;
pub mod error;
pub mod formats;
pub mod housekeeping;
pub mod metrics;
pub mod net;
pub mod routes;
pub mod service;
pub mod startup;
pub mod telemetry;
pub mod worker;
