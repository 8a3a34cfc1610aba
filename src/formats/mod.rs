//! File formats, pure: rows in, bytes out, or bytes in, records out. The use cases read the
//! database and feed these; nothing here touches a connection, so a format's bug is a format
//! error (500 with its cause), never mistaken for an outage.
//!
//! - [`csv_lines`]: the one CSV reader behind every import.
//! - [`csv`]: spreadsheet-safe CSV for people.
//! - [`xlsx`]: the payout ledger as a workbook.
//! - [`zengin`]: the 全銀協 bulk transfer file for the bank.
//! - [`chart`]: the outcome chart as SVG.

pub mod chart;
pub mod csv;
pub mod csv_lines;
pub mod xlsx;
pub mod zengin;
