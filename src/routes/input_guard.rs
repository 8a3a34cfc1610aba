//! Refuses NUL characters before they reach the database, by the rule of
//! [`crate::domain::text::storable`]. In a path the resource cannot exist (404); in a query
//! parameter, a JSON field or a form field it is bad input (422 naming where). CSV cells are
//! held to the same rule by the one CSV reader, row by row.

use crate::domain::text::{self, TextError};
use crate::domain::FieldError;
use crate::error::ApiError;
use actix_web::body::MessageBody;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::middleware::Next;

fn refused(field: String) -> FieldError {
    FieldError::new(field, TextError::Nul)
}

fn has_encoded_nul(s: &str) -> bool {
    s.as_bytes()
        .windows(3)
        .any(|w| w[0] == b'%' && w[1] == b'0' && w[2] == b'0')
}

/// The query parameters whose name or value decodes to a NUL.
fn nul_parameters(query: &str) -> Vec<FieldError> {
    query
        .split('&')
        .filter(|pair| has_encoded_nul(pair))
        .map(|pair| {
            let name = pair.split('=').next().unwrap_or("");
            let name = percent_decoded(name).replace('\0', "");
            refused(if name.is_empty() {
                "query".into()
            } else {
                name
            })
        })
        .collect()
}

/// A query's name or value as the form encoding means it: `+` is a space.
fn percent_decoded(s: &str) -> String {
    decoded(s, true)
}

/// A path as the router reads it (`%73tatus` is `status`), for whatever must judge the path the
/// router serves rather than the bytes sent.
pub fn percent_decoded_path(s: &str) -> String {
    decoded(s, false)
}

fn decoded(s: &str, plus_is_space: bool) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = |b: u8| (b as char).to_digit(16);
        match (bytes[i], bytes.get(i + 1), bytes.get(i + 2)) {
            (b'%', Some(&h), Some(&l)) if hex(h).is_some() && hex(l).is_some() => {
                out.push((hex(h).unwrap_or(0) * 16 + hex(l).unwrap_or(0)) as u8);
                i += 3;
            }
            (b'+', _, _) if plus_is_space => {
                out.push(b' ');
                i += 1;
            }
            (b, _, _) => {
                out.push(b);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// Middleware: a request whose path or query carries an encoded NUL is answered before
/// routing.
pub async fn refuse_nul(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
    if has_encoded_nul(req.path()) {
        return Err(ApiError::NotFound("not found".into()).into());
    }
    let bad = nul_parameters(req.query_string());
    if !bad.is_empty() {
        return Err(ApiError::Invalid(bad).into());
    }
    next.call(req).await
}

/// Every string in `value` (a parsed JSON body) that holds a NUL, by its path.
pub fn nul_fields(value: &serde_json::Value, path: String, out: &mut Vec<FieldError>) {
    let join = |key: &str| {
        if path.is_empty() {
            key.to_owned()
        } else {
            format!("{path}.{key}")
        }
    };
    match value {
        serde_json::Value::String(s) if text::storable(s).is_err() => {
            out.push(refused(if path.is_empty() { "body".into() } else { path }))
        }
        serde_json::Value::Array(items) => {
            for (i, item) in items.iter().enumerate() {
                nul_fields(item, format!("{path}[{i}]"), out);
            }
        }
        serde_json::Value::Object(map) => {
            for (key, item) in map {
                if text::storable(key).is_err() {
                    out.push(refused(join(&key.replace('\0', ""))));
                }
                nul_fields(item, join(key), out);
            }
        }
        _ => {}
    }
}

/// The fields of a form post (name, value) whose name or value holds a NUL, by name.
pub fn form_fields<'a>(fields: impl Iterator<Item = (&'a String, &'a String)>) -> Vec<FieldError> {
    fields
        .filter(|(name, value)| text::storable(name).is_err() || text::storable(value).is_err())
        .map(|(name, _)| refused(name.replace('\0', "")))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nul_in_a_query_names_its_parameter() {
        let found = nul_parameters("page=1&recipient=a%00b&x=%2500");
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].field, "recipient");
        assert!(
            nul_parameters("a=%2500").is_empty(),
            "%25 is a percent sign"
        );
    }

    #[test]
    fn nul_in_json_is_found_at_its_path() {
        let value = serde_json::json!({"contact": {"name": "a\u{0}"}, "offices": [{"name": "ok"}, {"address": "\u{0}"}]});
        let mut out = Vec::new();
        nul_fields(&value, String::new(), &mut out);
        let fields: Vec<_> = out.into_iter().map(|e| e.field).collect();
        assert_eq!(fields, ["contact.name", "offices[1].address"]);
    }
}
