//! Email to applicants: rendering from templates, and the transports that deliver what the
//! outbox holds (SMTP, or `.eml` files when no SMTP server is configured).

pub mod templates;

use lettre::message::{header::ContentType, Mailbox, Message};
use lettre::transport::smtp::SmtpTransport;
use lettre::Transport;
use std::path::PathBuf;
use std::time::Duration;

/// What became of one delivery attempt.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Delivery {
    Sent(String),
    /// Worth retrying: connection refused, time-out, 4xx reply.
    Transient(String),
    /// Not worth retrying: a 5xx reply, an address that cannot be sent to.
    Permanent(String),
}

#[derive(Debug, thiserror::Error)]
pub enum MailerError {
    /// The URL itself is left out: it may hold a password.
    #[error("smtp_url: {reason}")]
    SmtpUrl { reason: String },
    #[error("mail_from {0:?} is not a mailbox such as 事務局 <noreply@example.jp>")]
    From(String),
}

enum Transport_ {
    Smtp(Box<SmtpTransport>),
    Files(PathBuf),
}

pub struct Mailer {
    transport: Transport_,
    from: Mailbox,
}

/// A message as the outbox stores it.
pub struct Outgoing<'a> {
    pub message_id: &'a str,
    pub recipient: &'a str,
    pub reply_to: Option<&'a str>,
    pub subject: &'a str,
    pub body: &'a str,
    pub file_stem: &'a str,
}

impl Mailer {
    /// SMTP when `smtp_url` is set (`smtp://` plain, `smtp://…?tls=required` STARTTLS,
    /// `smtps://` TLS, `user:password@` for credentials), else files under `outbox_dir`.
    pub fn new(
        smtp_url: Option<&str>,
        outbox_dir: &str,
        from: &str,
        timeout: Duration,
    ) -> Result<Self, MailerError> {
        let from: Mailbox = from
            .parse()
            .map_err(|_| MailerError::From(from.to_owned()))?;
        let transport = match smtp_url.filter(|u| !u.trim().is_empty()) {
            Some(url) => {
                let builder = SmtpTransport::from_url(url).map_err(|e| MailerError::SmtpUrl {
                    reason: e.to_string(),
                })?;
                Transport_::Smtp(Box::new(builder.timeout(Some(timeout)).build()))
            }
            None => Transport_::Files(PathBuf::from(outbox_dir)),
        };
        Ok(Mailer { transport, from })
    }

    pub fn build(&self, m: &Outgoing<'_>) -> Result<Message, String> {
        let to: Mailbox = m
            .recipient
            .parse()
            .map_err(|e| format!("recipient {:?}: {e}", m.recipient))?;
        let mut builder = Message::builder()
            .message_id(Some(m.message_id.to_owned()))
            .from(self.from.clone())
            .to(to);
        if let Some(reply_to) = m.reply_to {
            let reply_to: Mailbox = reply_to
                .parse()
                .map_err(|e| format!("reply-to {reply_to:?}: {e}"))?;
            builder = builder.reply_to(reply_to);
        }
        builder
            .subject(m.subject)
            .header(lettre::message::header::MIME_VERSION_1_0)
            .header(ContentType::TEXT_PLAIN)
            .body(m.body.to_owned())
            .map_err(|e| e.to_string())
    }

    pub fn deliver(&self, m: &Outgoing<'_>) -> Delivery {
        let message = match self.build(m) {
            Ok(message) => message,
            Err(e) => return Delivery::Permanent(e),
        };
        match &self.transport {
            Transport_::Smtp(smtp) => match smtp.send(&message) {
                Ok(response) => Delivery::Sent(format!(
                    "{} {}",
                    response.code(),
                    response.message().collect::<Vec<_>>().join(" ")
                )),
                Err(e) if e.is_permanent() => Delivery::Permanent(e.to_string()),
                Err(e) => Delivery::Transient(e.to_string()),
            },
            Transport_::Files(dir) => {
                let path = dir.join(format!("{}.eml", m.file_stem));
                let written = std::fs::create_dir_all(dir)
                    .and_then(|_| std::fs::write(&path, message.formatted()));
                match written {
                    Ok(()) => Delivery::Sent(format!("written to {}", path.display())),
                    Err(e) => Delivery::Transient(format!("{}: {e}", path.display())),
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_message_declares_its_mime_version_and_carries_its_message_id() {
        let mailer = Mailer::new(
            None,
            "/tmp",
            "事務局 <noreply@example.jp>",
            Duration::from_secs(1),
        )
        .expect("mailer");
        let message = mailer
            .build(&Outgoing {
                recipient: "kaigo@example.jp",
                subject: "件名",
                body: "本文",
                message_id: "<abc@campaign.example.jp>",
                file_stem: "x",
                reply_to: None,
            })
            .expect("message");
        let text = String::from_utf8(message.formatted()).unwrap();
        assert!(text.contains("MIME-Version: 1.0"), "{text}");
        assert!(
            text.contains("Message-ID: <abc@campaign.example.jp>"),
            "{text}"
        );
    }
}
