//! A browser without JavaScript for the staff pages: keeps cookies, follows no redirect, and
//! knows the sign-in form and the CSRF token every staff form carries.

use crate::helpers::TestApp;
use std::collections::BTreeMap;
use std::io::Read;

/// A browser without JavaScript: keeps cookies, follows no redirect.
pub struct Client {
    base: String,
    agent: ureq::Agent,
    jar: BTreeMap<String, String>,
}

pub struct Reply {
    pub status: u16,
    pub text: String,
    pub location: Option<String>,
    pub set_cookies: Vec<String>,
    pub retry_after: Option<String>,
}

impl Reply {
    pub fn input(&self, name: &str) -> String {
        let needle = format!("name=\"{name}\" value=\"");
        let at = self
            .text
            .find(&needle)
            .unwrap_or_else(|| panic!("no input {name} in:\n{}", self.text));
        let rest = &self.text[at + needle.len()..];
        rest[..rest.find('"').unwrap()].to_owned()
    }

    pub fn has(&self, text: &str) -> bool {
        self.text.contains(text)
    }
}

impl Client {
    pub fn new(app: &TestApp) -> Self {
        Client {
            base: app.base.clone(),
            agent: ureq::AgentBuilder::new().redirects(0).build(),
            jar: BTreeMap::new(),
        }
    }

    pub fn send(&mut self, req: ureq::Request, form: Option<&[(&str, &str)]>) -> Reply {
        let cookies: Vec<String> = self.jar.iter().map(|(k, v)| format!("{k}={v}")).collect();
        let req = if cookies.is_empty() {
            req
        } else {
            req.set("Cookie", &cookies.join("; "))
        };
        let result = match form {
            Some(pairs) => req.send_form(pairs),
            None => req.call(),
        };
        let resp = match result {
            Ok(r) | Err(ureq::Error::Status(_, r)) => r,
            Err(e) => panic!("{e}"),
        };
        let set_cookies: Vec<String> = resp
            .all("Set-Cookie")
            .into_iter()
            .map(str::to_owned)
            .collect();
        for set in &set_cookies {
            let (pair, attributes) = set.split_once(';').unwrap_or((set, ""));
            let (name, value) = pair.split_once('=').unwrap();
            if attributes.to_ascii_lowercase().contains("max-age=0") {
                self.jar.remove(name.trim());
            } else {
                self.jar
                    .insert(name.trim().to_owned(), value.trim().to_owned());
            }
        }
        let status = resp.status();
        let location = resp.header("Location").map(str::to_owned);
        let retry_after = resp.header("Retry-After").map(str::to_owned);
        let mut bytes = Vec::new();
        resp.into_reader().read_to_end(&mut bytes).unwrap();
        Reply {
            status,
            text: String::from_utf8_lossy(&bytes).into_owned(),
            location,
            set_cookies,
            retry_after,
        }
    }

    pub fn get(&mut self, path: &str) -> Reply {
        let req = self.agent.get(&format!("{}{path}", self.base));
        self.send(req, None)
    }

    pub fn post(&mut self, path: &str, form: &[(&str, &str)]) -> Reply {
        let req = self.agent.post(&format!("{}{path}", self.base));
        self.send(req, Some(form))
    }

    /// Opens `page` and posts `form` to `action` with the page's CSRF token.
    pub fn submit(&mut self, page: &str, action: &str, form: &[(&str, &str)]) -> Reply {
        let opened = self.get(page);
        assert_eq!(opened.status, 200, "{}", opened.text);
        let csrf = opened.input("csrf_token");
        let mut fields = vec![("csrf_token", csrf.as_str())];
        fields.extend_from_slice(form);
        self.post(action, &fields)
    }

    /// Opens the sign-in form and signs in with these answers.
    pub fn sign_in(&mut self, email: &str, password: &str, totp: &str, next: &str) -> Reply {
        let form = self.get("/staff/sign-in");
        assert_eq!(form.status, 200, "{}", form.text);
        let csrf = form.input("csrf_token");
        self.post(
            "/staff/sign-in",
            &[
                ("csrf_token", &csrf),
                ("email", email),
                ("password", password),
                ("totp", totp),
                ("next", next),
            ],
        )
    }

    /// Puts a cookie back, as a copied cookie would be sent again.
    pub fn set_cookie(&mut self, name: &str, value: &str) {
        self.jar.insert(name.to_owned(), value.to_owned());
    }

    pub fn session(&self) -> Option<String> {
        self.jar.get("honoraria_staff").cloned()
    }
}
