//! A browser without JavaScript for the applicant pages' tests: the one cookie the pages set,
//! the form's fields for each tier, and a campaign's code.

use crate::helpers::{office, TestApp};
use serde_json::Value;
use std::io::Read;

/// What a browser keeps between requests: the one cookie the pages set.
pub struct Browser {
    base: String,
    agent: ureq::Agent,
    cookie: Option<String>,
}

pub struct Page {
    pub status: u16,
    pub text: String,
    pub location: Option<String>,
    pub content_type: String,
    pub retry_after: Option<String>,
    pub bytes: Vec<u8>,
}

impl Page {
    /// The value of the hidden or visible input named `name`.
    pub fn input(&self, name: &str) -> String {
        let at = self
            .text
            .find(&format!("name=\"{name}\" value=\""))
            .unwrap_or_else(|| panic!("no input {name} in:\n{}", self.text));
        let rest = &self.text[at + name.len() + 15..];
        rest[..rest.find('"').unwrap()].to_owned()
    }
}

impl Browser {
    pub fn new(app: &TestApp) -> Self {
        Self::at(&app.base)
    }

    /// A browser that reaches the site at `base` (through a proxy, say).
    pub fn at(base: &str) -> Self {
        Browser {
            base: base.to_owned(),
            agent: ureq::AgentBuilder::new().redirects(0).build(),
            cookie: None,
        }
    }

    fn send(&mut self, req: ureq::Request, form: Option<&[(String, String)]>) -> Page {
        // What a browser asks for when a person opens an address.
        let req = req.set(
            "Accept",
            "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8",
        );
        let req = match &self.cookie {
            Some(c) => req.set("Cookie", c),
            None => req,
        };
        let result = match form {
            Some(pairs) => {
                let pairs: Vec<(&str, &str)> = pairs
                    .iter()
                    .map(|(k, v)| (k.as_str(), v.as_str()))
                    .collect();
                req.send_form(&pairs)
            }
            None => req.call(),
        };
        let resp = match result {
            Ok(r) | Err(ureq::Error::Status(_, r)) => r,
            Err(e) => panic!("{e}"),
        };
        if let Some(set) = resp.header("Set-Cookie") {
            self.cookie = Some(set.split(';').next().unwrap().to_owned());
        }
        let status = resp.status();
        let location = resp.header("Location").map(str::to_owned);
        let content_type = resp.header("Content-Type").unwrap_or("").to_owned();
        let retry_after = resp.header("Retry-After").map(str::to_owned);
        let mut bytes = Vec::new();
        resp.into_reader().read_to_end(&mut bytes).unwrap();
        Page {
            status,
            text: String::from_utf8_lossy(&bytes).into_owned(),
            location,
            content_type,
            retry_after,
            bytes,
        }
    }

    pub fn get(&mut self, path: &str) -> Page {
        let req = self.agent.get(&format!("{}{path}", self.base));
        self.send(req, None)
    }

    /// Where a 303 leads, as a browser follows it.
    pub fn follow(&mut self, redirect: &Page) -> Page {
        assert_eq!(redirect.status, 303, "{}", redirect.text);
        let to = redirect.location.clone().expect("a Location");
        self.get(&to)
    }

    pub fn head(&mut self, path: &str) -> Page {
        let req = self.agent.head(&format!("{}{path}", self.base));
        self.send(req, None)
    }

    pub fn post(&mut self, path: &str, form: &[(String, String)]) -> Page {
        let req = self.agent.post(&format!("{}{path}", self.base));
        self.send(req, Some(form))
    }

    pub fn post_with(
        &mut self,
        path: &str,
        headers: &[(&str, &str)],
        form: &[(String, String)],
    ) -> Page {
        let mut req = self.agent.post(&format!("{}{path}", self.base));
        for (k, v) in headers {
            req = req.set(k, v);
        }
        self.send(req, Some(form))
    }
}

/// The form fields of one office as the JSON API's `office` helper describes it.
pub fn office_fields(prefix: &str, o: &Value) -> Vec<(String, String)> {
    honoraria::routes::pages::form::OFFICE_FIELDS
        .iter()
        .filter(|f| **f != "using_system_since")
        .map(|f| (format!("{prefix}.{f}"), o[f].as_str().unwrap().to_owned()))
        .collect()
}

/// A filled form for `tier`, with the page's hidden fields.
pub fn filled(
    page: &Page,
    tier: &str,
    offices: &[Value],
    referrals: &[Value],
) -> Vec<(String, String)> {
    let mut form = vec![
        ("tier".to_owned(), tier.to_owned()),
        ("idempotency_key".to_owned(), page.input("idempotency_key")),
        ("csrf_token".to_owned(), page.input("csrf_token")),
        ("contact.name".to_owned(), "山田 花子".to_owned()),
        ("contact.email".to_owned(), "kaigo@example.jp".to_owned()),
    ];
    for (i, o) in offices.iter().enumerate() {
        form.extend(office_fields(&format!("offices.{i}"), o));
    }
    for (i, o) in referrals.iter().enumerate() {
        form.extend(office_fields(&format!("referrals.{i}"), o));
    }
    form
}

/// One application of each tier: its offices and referrals, none sharing an office.
pub fn every_tier() -> [(&'static str, Vec<Value>, Vec<Value>); 3] {
    [
        ("general_single", vec![office(1, "care_management")], vec![]),
        (
            "general_pair",
            vec![office(2, "care_management"), office(3, "service")],
            vec![],
        ),
        (
            "model",
            vec![office(4, "care_management")],
            vec![office(5, "service")],
        ),
    ]
}

/// The code of the campaign with `id`.
pub fn code_of(app: &TestApp, id: &str) -> String {
    app.get(&format!("/api/v1/campaigns/{id}")).body["code"]
        .as_str()
        .unwrap()
        .to_owned()
}

/// The campaign's applications as staff list them.
pub fn applications(app: &TestApp, id: &str) -> Value {
    app.get(&format!("/api/v1/campaigns/{id}/applications"))
        .body
}
