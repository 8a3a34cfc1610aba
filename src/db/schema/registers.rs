//! The office registers (the national open data of care offices), which stand apart from any
//! campaign: kept beside the campaign's tables so that each file stays readable.

diesel::table! {
    office_registers (id) {
        id -> Text,
        as_of -> Date,
        row_count -> Integer,
        office_count -> Integer,
        invalid_row_count -> Integer,
        encoding -> Text,
        sha256 -> Text,
        imported_at -> Timestamp,
        imported_by -> Text,
    }
}

diesel::table! {
    office_register_offices (register_id, municipality_code, office_number) {
        register_id -> Text,
        office_number -> Text,
        name -> Text,
        kind -> Text,
        municipality_code -> Text,
        corporate_number -> Nullable<Text>,
        corporation_name -> Nullable<Text>,
        address -> Nullable<Text>,
    }
}
