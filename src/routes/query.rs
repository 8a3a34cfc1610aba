//! Query parameters read at the edge: filters parsed into their enums, choices among a few
//! names, yes/no flags and paging, each refused naming the parameter.

use crate::error::ApiError;
use crate::service::Page;
use serde::Deserialize;

/// A query filter parsed into its enum at the edge: absent is `None`, an unknown name is 422
/// naming the parameter and the names it takes.
pub fn filter<T>(field: &str, value: Option<String>) -> Result<Option<T>, ApiError>
where
    T: std::str::FromStr<Err = crate::domain::name::UnknownName>,
{
    value
        .map(|v| {
            v.parse::<T>().map_err(|e| {
                ApiError::Invalid(vec![crate::domain::FieldError::new(
                    field.to_owned(),
                    e.to_string(),
                )])
            })
        })
        .transpose()
}

/// A query parameter that takes one of a few names (the first of each entry is the one the
/// error names): absent is `default`, anything else is 422 naming the parameter.
pub fn choice<T: Copy>(
    field: &str,
    value: Option<&str>,
    default: T,
    names: &[(&[&str], T)],
) -> Result<T, ApiError> {
    let Some(v) = value else {
        return Ok(default);
    };
    names
        .iter()
        .find(|(spellings, _)| spellings.contains(&v))
        .map(|(_, t)| *t)
        .ok_or_else(|| {
            let allowed: Vec<&str> = names.iter().map(|(spellings, _)| spellings[0]).collect();
            ApiError::Invalid(vec![crate::domain::FieldError::new(
                field.to_owned(),
                format!("must be {}", allowed.join(" or ")),
            )])
        })
}

/// A yes/no query parameter: `true` or `false`, else 400 naming it.
pub fn flag(field: &str, value: Option<String>) -> Result<Option<bool>, ApiError> {
    value
        .map(|v| match v.as_str() {
            "true" => Ok(true),
            "false" => Ok(false),
            _ => Err(ApiError::bad_request(field, "must be true or false")),
        })
        .transpose()
}

/// The largest page number taken: 1,000,000 pages of the largest size hold half a billion rows,
/// more than any list here; the bound keeps the offset arithmetic far from overflow.
pub const MAX_PAGE: i64 = 1_000_000;
pub const MAX_PER_PAGE: i64 = 500;

#[derive(Debug, Deserialize, utoipa::IntoParams)]
pub struct PageQuery {
    /// From 1 to 1,000,000; default 1.
    #[param(value_type = Option<i64>, minimum = 1, maximum = 1_000_000)]
    pub page: Option<String>,
    /// From 1 to 500; default 50.
    #[param(value_type = Option<i64>, minimum = 1, maximum = 500)]
    pub per_page: Option<String>,
}

fn page_number(field: &str, value: &Option<String>, default: i64) -> Result<i64, ApiError> {
    match value {
        None => Ok(default),
        Some(v) => v
            .trim()
            .parse::<i64>()
            .map_err(|_| ApiError::bad_request(field, "must be a whole number")),
    }
}

impl PageQuery {
    pub fn page(&self) -> Result<Page, ApiError> {
        let page = page_number("page", &self.page, 1)?;
        let per_page = page_number("per_page", &self.per_page, 50)?;
        let mut errors = Vec::new();
        if !(1..=MAX_PAGE).contains(&page) {
            errors.push(crate::domain::FieldError::new(
                "page",
                format!("must be from 1 to {MAX_PAGE}"),
            ));
        }
        if !(1..=MAX_PER_PAGE).contains(&per_page) {
            errors.push(crate::domain::FieldError::new(
                "per_page",
                format!("must be from 1 to {MAX_PER_PAGE}"),
            ));
        }
        if errors.is_empty() {
            Ok(Page { page, per_page })
        } else {
            Err(ApiError::Invalid(errors))
        }
    }
}
