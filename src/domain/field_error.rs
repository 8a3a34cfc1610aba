//! A refusal that names the field at fault, collected so every problem is reported at once.

use super::refusal::Refusal;
use serde::Serialize;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct FieldError {
    /// Path of the field in the request body, e.g. `offices[1].corporate_number`.
    pub field: String,
    /// Why, in English: [`Refusal::english`].
    pub message: String,
    /// Why, as a value: pages say it in Japanese from this, never from `message`.
    #[serde(skip)]
    pub refusal: Refusal,
}

impl FieldError {
    pub fn new(field: impl Into<String>, refusal: impl Into<Refusal>) -> Self {
        let refusal = refusal.into();
        FieldError {
            field: field.into(),
            message: refusal.english(),
            refusal,
        }
    }

    /// The refusal in Japanese, for pages and emails.
    pub fn japanese(&self) -> String {
        self.refusal.japanese()
    }
}

/// A field error as an application keeps it (`warnings_json`): with its refusal, so it is said
/// in Japanese when read back. Rows kept before refusals were values hold only the English,
/// which is then shown as it is.
#[derive(Serialize, serde::Deserialize)]
struct Stored {
    field: String,
    message: String,
    #[serde(default)]
    refusal: Option<Refusal>,
}

/// `errors` as JSON to store.
pub fn to_stored(errors: &[FieldError]) -> Result<String, serde_json::Error> {
    let stored: Vec<Stored> = errors
        .iter()
        .map(|e| Stored {
            field: e.field.clone(),
            message: e.message.clone(),
            refusal: Some(e.refusal.clone()),
        })
        .collect();
    serde_json::to_string(&stored)
}

/// Errors stored by [`to_stored`].
pub fn from_stored(json: &str) -> Result<Vec<FieldError>, serde_json::Error> {
    let stored: Vec<Stored> = serde_json::from_str(json)?;
    Ok(stored
        .into_iter()
        .map(|s| FieldError {
            field: s.field,
            refusal: s.refusal.unwrap_or(Refusal::Other(s.message.clone())),
            message: s.message,
        })
        .collect())
}

#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct FieldErrors(Vec<FieldError>);

impl FieldErrors {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn push(&mut self, field: impl Into<String>, refusal: impl Into<Refusal>) {
        self.0.push(FieldError::new(field, refusal));
    }

    /// Keeps the parsed value, or records the error under `field` and gives `None`.
    pub fn take<T, E: Into<Refusal>>(
        &mut self,
        field: impl Into<String>,
        parsed: Result<T, E>,
    ) -> Option<T> {
        match parsed {
            Ok(v) => Some(v),
            Err(e) => {
                self.push(field, e);
                None
            }
        }
    }

    pub fn extend(&mut self, other: FieldErrors) {
        self.0.extend(other.0);
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub fn into_vec(self) -> Vec<FieldError> {
        self.0
    }

    /// `Ok(value)` when nothing was recorded, else every recorded error.
    pub fn finish<T>(self, value: impl FnOnce() -> T) -> Result<T, FieldErrors> {
        if self.0.is_empty() {
            Ok(value())
        } else {
            Err(self)
        }
    }
}
