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
        let req = self.with_cookies(req);
        let result = match form {
            Some(pairs) => req.send_form(pairs),
            None => req.call(),
        };
        self.keep(result)
    }

    fn with_cookies(&self, req: ureq::Request) -> ureq::Request {
        let cookies: Vec<String> = self.jar.iter().map(|(k, v)| format!("{k}={v}")).collect();
        if cookies.is_empty() {
            req
        } else {
            req.set("Cookie", &cookies.join("; "))
        }
    }

    /// The answer, its cookies kept in the jar.
    fn keep(&mut self, result: Result<ureq::Response, ureq::Error>) -> Reply {
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

    /// Posts `multipart/form-data` as a browser sends a form with a file input: the text
    /// `fields` in order, then the file part `file` (`None`: the input with nothing chosen).
    pub fn post_multipart(
        &mut self,
        path: &str,
        fields: &[(&str, &str)],
        file: Option<(&str, &[u8])>,
    ) -> Reply {
        let boundary = "----honorariaTestBoundary7MA4YWxkTrZu0gW";
        let mut body = Vec::new();
        for (name, value) in fields {
            body.extend_from_slice(
                format!(
                    "--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n"
                )
                .as_bytes(),
            );
        }
        let (filename, bytes) = file.unwrap_or(("", b""));
        let content_type = if file.is_some() {
            "text/csv"
        } else {
            "application/octet-stream"
        };
        body.extend_from_slice(
            format!(
                "--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{filename}\"\r\nContent-Type: {content_type}\r\n\r\n"
            )
            .as_bytes(),
        );
        body.extend_from_slice(bytes);
        body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
        let req = self.agent.post(&format!("{}{path}", self.base)).set(
            "Content-Type",
            &format!("multipart/form-data; boundary={boundary}"),
        );
        let result = self.with_cookies(req).send_bytes(&body);
        self.keep(result)
    }

    /// Opens `page` and uploads `file` to `action`, the page's CSRF token first as the form
    /// sends it.
    pub fn upload(
        &mut self,
        page: &str,
        action: &str,
        fields: &[(&str, &str)],
        file: Option<(&str, &[u8])>,
    ) -> Reply {
        let opened = self.get(page);
        assert_eq!(opened.status, 200, "{}", opened.text);
        let csrf = opened.input("csrf_token");
        let mut all = vec![("csrf_token", csrf.as_str())];
        all.extend_from_slice(fields);
        self.post_multipart(action, &all, file)
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
