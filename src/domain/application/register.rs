//! An application read against the office register: the squatter's tell.

use super::{Application, ParticipantRole};
use crate::domain::refusal::Refusal;
use crate::domain::FieldError;

impl Application {
    /// Asks staff to look where an office's corporate number is not the one the office
    /// register gives for its number (`registered`: office number, corporate number): someone
    /// may have typed another office's number. Not a refusal: registers lag behind mergers.
    pub fn compare_with_register(&mut self, registered: &[(String, String)]) {
        let (mut own, mut referred) = (0, 0);
        for office in &self.offices {
            let path = if office.role == ParticipantRole::Referred {
                referred += 1;
                format!("referrals[{}]", referred - 1)
            } else {
                own += 1;
                format!("offices[{}]", own - 1)
            };
            let listed = registered
                .iter()
                .find(|(number, _)| number == office.office_number.as_str());
            if let Some((_, corporate)) = listed {
                if corporate != office.corporate_number.as_str() {
                    self.warnings.push(FieldError::new(
                        format!("{path}.corporate_number"),
                        Refusal::RegisterCorporateNumber {
                            corporate: corporate.clone(),
                        },
                    ));
                }
            }
        }
    }
}
