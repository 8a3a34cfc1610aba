//! Integration tests: the real server on a free port, over HTTP, against a fresh SQLite file
//! and a fresh PostgreSQL database per test. Every test runs on both backends.

mod helpers;

mod applications;
mod audit;
mod browser;
mod browser_back;
mod campaigns;
mod cli;
mod console;
mod console_participants;
mod console_people;
mod contact;
mod corrections;
mod drafts;
mod email;
mod exports;
mod faults;
mod hardening;
mod health;
mod hostile;
mod imports;
mod money;
mod network;
mod office_registers;
mod operations;
mod outcome;
mod pages;
mod paging;
mod people;
mod people_four_eyes;
mod permissions;
mod race;
mod scale;
mod sign_in;
mod sign_in_races;
mod sign_in_rules;
mod smtp;
mod squatting;
mod staff_client;
mod survey_results;
mod surveys;
mod tokens;
mod transfers;
mod year_end;
