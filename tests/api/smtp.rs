//! A small SMTP server for the tests, on a real TCP port: it accepts every message, except
//! that recipients containing "reject" get a permanent 550 at RCPT.

use std::io::{BufRead, BufReader, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::{Arc, Mutex};

#[derive(Debug, Clone)]
pub struct Received {
    pub recipients: Vec<String>,
    pub data: String,
}

pub struct FakeSmtp {
    pub port: u16,
    received: Arc<Mutex<Vec<Received>>>,
    acknowledging: Arc<Acknowledging>,
}

/// Messages whose data the server holds before acknowledging them: now, and at most so far.
#[derive(Default)]
struct Acknowledging {
    now: Mutex<(usize, usize)>,
}

impl FakeSmtp {
    pub fn start() -> Self {
        Self::start_on(0)
    }

    pub fn start_on(port: u16) -> Self {
        Self::listen(port, std::time::Duration::ZERO)
    }

    /// A server that takes `delay` to acknowledge each message's data, as a slow relay does.
    pub fn slow(delay: std::time::Duration) -> Self {
        Self::listen(0, delay)
    }

    fn listen(port: u16, delay: std::time::Duration) -> Self {
        let listener = TcpListener::bind(("127.0.0.1", port)).expect("bind the SMTP port");
        let port = listener.local_addr().unwrap().port();
        let received = Arc::new(Mutex::new(Vec::new()));
        let acknowledging = Arc::new(Acknowledging::default());
        let (store, held) = (received.clone(), acknowledging.clone());
        std::thread::spawn(move || {
            for stream in listener.incoming().flatten() {
                let (store, held) = (store.clone(), held.clone());
                std::thread::spawn(move || {
                    let _ = session(stream, &store, &held, delay);
                });
            }
        });
        FakeSmtp {
            port,
            received,
            acknowledging,
        }
    }

    pub fn url(&self) -> String {
        format!("smtp://127.0.0.1:{}", self.port)
    }

    pub fn messages(&self) -> Vec<Received> {
        self.received.lock().unwrap().clone()
    }

    /// The most messages it was given at the same time.
    pub fn most_at_once(&self) -> usize {
        self.acknowledging.now.lock().unwrap().1
    }
}

/// A port with nothing listening on it (yet).
pub fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

fn session(
    stream: TcpStream,
    store: &Mutex<Vec<Received>>,
    held: &Acknowledging,
    delay: std::time::Duration,
) -> std::io::Result<()> {
    let mut out = stream.try_clone()?;
    let mut lines = BufReader::new(stream);
    out.write_all(b"220 fake.smtp ESMTP\r\n")?;
    let mut recipients = Vec::new();
    let mut line = String::new();
    loop {
        line.clear();
        if lines.read_line(&mut line)? == 0 {
            return Ok(());
        }
        let command = line.trim_end().to_ascii_uppercase();
        if command.starts_with("EHLO") || command.starts_with("HELO") {
            out.write_all(b"250-fake.smtp\r\n250 8BITMIME\r\n")?;
        } else if command.starts_with("MAIL FROM") {
            recipients.clear();
            out.write_all(b"250 2.1.0 OK\r\n")?;
        } else if command.starts_with("RCPT TO") {
            if command.contains("REJECT") {
                out.write_all(b"550 5.1.1 mailbox unavailable\r\n")?;
            } else {
                recipients.push(
                    line.trim_end()[8..]
                        .trim()
                        .trim_matches(['<', '>'])
                        .to_owned(),
                );
                out.write_all(b"250 2.1.5 OK\r\n")?;
            }
        } else if command == "DATA" {
            out.write_all(b"354 end with .\r\n")?;
            let mut data = String::new();
            loop {
                line.clear();
                if lines.read_line(&mut line)? == 0 {
                    return Ok(());
                }
                if line == ".\r\n" || line == ".\n" {
                    break;
                }
                data.push_str(
                    line.strip_prefix('.')
                        .filter(|_| line.starts_with(".."))
                        .unwrap_or(&line),
                );
            }
            {
                let mut now = held.now.lock().unwrap();
                now.0 += 1;
                now.1 = now.1.max(now.0);
            }
            std::thread::sleep(delay);
            held.now.lock().unwrap().0 -= 1;
            store.lock().unwrap().push(Received {
                recipients: recipients.clone(),
                data,
            });
            out.write_all(b"250 2.0.0 queued\r\n")?;
        } else if command == "QUIT" {
            out.write_all(b"221 bye\r\n")?;
            return Ok(());
        } else {
            out.write_all(b"250 OK\r\n")?;
        }
    }
}
