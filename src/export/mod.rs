//! Files for people and banks: spreadsheet-safe CSV. Pure: bytes in, bytes out.

pub mod chart;
pub mod csv;
