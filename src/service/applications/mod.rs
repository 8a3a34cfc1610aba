//! Applications: taking them first come, first served; withdrawing and disqualifying them; the
//! seminar attendee list; what staff and the applicant see of them.

mod attendees;
mod correction;
mod leaving;
mod status_page;
mod submission;
mod views;

pub use crate::db::applications::ListFilter;
pub use attendees::{import_attendees, parse_attendees, AttendeeImport};
pub use correction::{correct_by_secret, sent_of};
pub use leaving::{leave, may_leave, withdraw_by_secret, Exit, Leaving, MAX_REASON_CHARS};
pub use status_page::{status_page, StatusOffice, StatusPage};
pub use submission::{allocate, checked, created, known, prepare, ready, submit, Prepared};
pub use views::{
    count, find_by_secret, get, list, masked_contact, participants, public_status, ApplicationView,
    ContactView, ParticipantRowView, ParticipantView, PublicParticipant, PublicStatusView,
};
