//! The network edge: bodies that stop arriving, connection caps, a reverse proxy in front, and
//! the Content-Type a JSON body must carry. Each test failed before its fix.

use crate::helpers::{single, Backend, TestApp};
use crate::pages::{code_of, filled, Browser};
use honoraria::config::Settings;
use serde_json::{json, Value};
use std::io::{ErrorKind, Read, Write};
use std::net::{Shutdown, SocketAddr, TcpListener, TcpStream};
use std::time::{Duration, Instant};

/// Runs `body` against a server on each backend configured by `configure`.
fn on_each_backend(configure: fn(&mut Settings), body: fn(&TestApp)) {
    for backend in [Backend::Sqlite, Backend::Postgres] {
        if let Some(app) = TestApp::spawn_with(backend, configure) {
            body(&app);
        }
    }
}

fn server_addr(app: &TestApp) -> SocketAddr {
    app.base
        .trim_start_matches("http://")
        .parse()
        .expect("base is an address")
}

/// A connection to the server from `local` (any address of the loopback network).
fn connect_from(app: &TestApp, local: &str) -> TcpStream {
    let socket = socket2::Socket::new(socket2::Domain::IPV4, socket2::Type::STREAM, None).unwrap();
    let local: SocketAddr = format!("{local}:0").parse().unwrap();
    socket.bind(&local.into()).unwrap();
    socket.connect(&server_addr(app).into()).unwrap();
    let stream: TcpStream = socket.into();
    stream
        .set_read_timeout(Some(Duration::from_secs(5)))
        .unwrap();
    stream
}

/// Everything the server sends until it closes the connection, and how long that took; fails
/// if it is still open after the read time-out.
fn read_until_closed(stream: &mut TcpStream) -> (String, Duration) {
    let started = Instant::now();
    let mut got = Vec::new();
    let mut buf = [0u8; 4096];
    loop {
        match stream.read(&mut buf) {
            Ok(0) => break,
            Ok(n) => got.extend_from_slice(&buf[..n]),
            Err(e) if e.kind() == ErrorKind::ConnectionReset => break,
            Err(e) => panic!(
                "still open after {:?} with {:?}: {e}",
                started.elapsed(),
                String::from_utf8_lossy(&got)
            ),
        }
    }
    (
        String::from_utf8_lossy(&got).into_owned(),
        started.elapsed(),
    )
}

fn health_on(stream: &mut TcpStream) -> Option<String> {
    stream
        .write_all(b"GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
        .ok()?;
    let (answer, _) = read_until_closed(stream);
    (!answer.is_empty()).then_some(answer)
}

fn short_body_timeout(s: &mut Settings) {
    s.client_body_timeout_secs = 1;
}

#[test]
fn a_body_that_stops_arriving_is_answered_408_and_its_connection_closed() {
    on_each_backend(short_body_timeout, |app| {
        let c = app.open_campaign(5, 1);
        let path = format!("/api/v1/campaigns/{c}/applications");
        for framing in ["Content-Length: 100000", "Transfer-Encoding: chunked"] {
            let mut stream = connect_from(app, "127.0.0.1");
            let first = if framing.starts_with("Content") {
                "{"
            } else {
                "1\r\n{\r\n"
            };
            write!(
                stream,
                "POST {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n{framing}\r\n\r\n{first}"
            )
            .unwrap();
            let (answer, took) = read_until_closed(&mut stream);
            assert!(answer.starts_with("HTTP/1.1 408"), "{framing}: {answer}");
            assert!(answer.contains("application/problem+json"), "{answer}");
            assert!(answer.contains("\"field\":\"body\""), "{answer}");
            assert!(
                took >= Duration::from_millis(900) && took < Duration::from_secs(4),
                "{framing}: closed after {took:?}"
            );
        }
        // A slow body that keeps moving is read to its end.
        let body = single(1).to_string();
        let mut stream = connect_from(app, "127.0.0.1");
        write!(
            stream,
            "POST {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
            body.len()
        )
        .unwrap();
        for piece in body.as_bytes().chunks(body.len() / 4 + 1) {
            std::thread::sleep(Duration::from_millis(600));
            stream.write_all(piece).unwrap();
        }
        let (answer, _) = read_until_closed(&mut stream);
        assert!(answer.starts_with("HTTP/1.1 201"), "{answer}");
        assert_eq!(app.get("/health").status, 200);
    });
}

#[test]
fn one_address_cannot_take_every_connection() {
    let Some(app) = TestApp::spawn_with(Backend::Sqlite, |s| {
        s.max_connections = 5;
        s.max_connections_per_address = 3;
    }) else {
        return;
    };
    let mut held: Vec<_> = (0..3).map(|_| connect_from(&app, "127.0.0.1")).collect();
    std::thread::sleep(Duration::from_millis(200));
    let mut extra = connect_from(&app, "127.0.0.1");
    assert_eq!(
        health_on(&mut extra),
        None,
        "the fourth from one address is closed"
    );
    let mut other = connect_from(&app, "127.0.0.2");
    let answer = health_on(&mut other).expect("another address is served");
    assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");

    // Two more from elsewhere fill the total; then nobody new gets in.
    let _more: Vec<_> = (0..2).map(|_| connect_from(&app, "127.0.0.3")).collect();
    std::thread::sleep(Duration::from_millis(200));
    assert_eq!(health_on(&mut connect_from(&app, "127.0.0.4")), None);

    // A closed connection frees its place.
    held.pop().unwrap().shutdown(Shutdown::Both).unwrap();
    std::thread::sleep(Duration::from_millis(200));
    let answer = health_on(&mut connect_from(&app, "127.0.0.1")).expect("a place was freed");
    assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
}

/// A reverse proxy as nginx is set up by default: it passes requests on with `Host` rewritten
/// to the upstream's address and the client it saw added to `X-Forwarded-For`. One request
/// per connection.
fn proxy(upstream: SocketAddr, client: &'static str) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    std::thread::spawn(move || {
        for downstream in listener.incoming().flatten() {
            std::thread::spawn(move || relay(downstream, upstream, client));
        }
    });
    format!("http://{addr}")
}

fn relay(mut downstream: TcpStream, upstream: SocketAddr, client: &str) {
    let mut head = Vec::new();
    let mut byte = [0u8; 1];
    while !head.ends_with(b"\r\n\r\n") {
        if downstream.read(&mut byte).unwrap_or(0) == 0 {
            return;
        }
        head.push(byte[0]);
    }
    let head = String::from_utf8_lossy(&head).into_owned();
    let mut lines = head.trim_end().split("\r\n");
    let mut rewritten = format!("{}\r\n", lines.next().unwrap_or_default());
    for line in lines {
        let name = line.split(':').next().unwrap_or("").to_ascii_lowercase();
        if name != "host" && name != "connection" {
            rewritten.push_str(line);
            rewritten.push_str("\r\n");
        }
    }
    rewritten.push_str(&format!(
        "Host: {upstream}\r\nX-Forwarded-For: {client}\r\nConnection: close\r\n\r\n"
    ));
    let mut up = TcpStream::connect(upstream).unwrap();
    up.write_all(rewritten.as_bytes()).unwrap();
    let mut up_reader = up.try_clone().unwrap();
    let mut down_writer = downstream.try_clone().unwrap();
    let back = std::thread::spawn(move || {
        let _ = std::io::copy(&mut up_reader, &mut down_writer);
        let _ = down_writer.shutdown(Shutdown::Both);
    });
    let _ = std::io::copy(&mut downstream, &mut up);
    let _ = back.join();
}

fn behind_a_proxy(s: &mut Settings) {
    s.trusted_proxies = "127.0.0.1, ::1".into();
    s.public_view_rate_limit = Some(2);
}

fn behind_a_proxy_unlimited(s: &mut Settings) {
    s.trusted_proxies = "127.0.0.1".into();
}

#[test]
fn a_form_posted_through_a_host_rewriting_proxy_is_taken() {
    on_each_backend(behind_a_proxy_unlimited, |app| {
        let id = app.open_campaign(5, 1);
        let code = code_of(app, &id);
        let site = proxy(server_addr(app), "198.51.100.7");
        let mut browser = Browser::at(&site);
        let page = browser.get(&format!("/apply/{code}?tier=general_single"));
        assert_eq!(page.status, 200, "{}", page.text);
        let form = filled(
            &page,
            "general_single",
            &[crate::helpers::office(1, "care_management")],
            &[],
        );
        let origin = app.settings.public_base_url.clone();
        let taken = browser.post_with(&format!("/apply/{code}"), &[("Origin", &origin)], &form);
        assert_eq!(taken.status, 303, "{}", taken.text);
        let elsewhere = browser.post_with(&format!("/apply/{code}"), &[("Origin", &site)], &form);
        assert_eq!(
            elsewhere.status, 403,
            "the proxy's own address is not the public site"
        );
    });
}

fn slots(base: &str, campaign: &str, headers: &[(&str, &str)]) -> u16 {
    let mut req = ureq::get(&format!("{base}/api/v1/campaigns/{campaign}/slots"));
    for (k, v) in headers {
        req = req.set(k, v);
    }
    match req.call() {
        Ok(r) => r.status(),
        Err(ureq::Error::Status(s, _)) => s,
        Err(e) => panic!("{e}"),
    }
}

#[test]
fn clients_behind_a_trusted_proxy_have_their_own_rate_limit() {
    let Some(app) = TestApp::spawn_with(Backend::Sqlite, behind_a_proxy) else {
        return;
    };
    let c = app.open_campaign(5, 1);
    let first = proxy(server_addr(&app), "198.51.100.1");
    let second = proxy(server_addr(&app), "2001:db8::2");
    assert_eq!(slots(&first, &c, &[]), 200);
    assert_eq!(slots(&first, &c, &[]), 200);
    assert_eq!(slots(&first, &c, &[]), 429);
    assert_eq!(
        slots(&second, &c, &[]),
        200,
        "another client behind the same proxy"
    );
    // Forwarded names the client when both are sent.
    let both = [
        ("Forwarded", "for=198.51.100.9"),
        ("X-Forwarded-For", "198.51.100.1"),
    ];
    assert_eq!(slots(&app.base, &c, &both), 200);
}

#[test]
fn an_untrusted_peer_cannot_choose_its_address() {
    let Some(app) = TestApp::spawn_with(Backend::Sqlite, |s| {
        s.trusted_proxies = "10.0.0.0/8".into();
        s.public_view_rate_limit = Some(2);
    }) else {
        return;
    };
    let c = app.open_campaign(5, 1);
    let statuses: Vec<u16> = ["198.51.100.1", "198.51.100.2", "198.51.100.3"]
        .iter()
        .map(|fake| {
            slots(
                &app.base,
                &c,
                &[
                    ("X-Forwarded-For", fake),
                    ("Forwarded", &format!("for={fake}")),
                ],
            )
        })
        .collect();
    assert_eq!(statuses, [200, 200, 429]);
}

fn send(
    app: &TestApp,
    method: &str,
    path: &str,
    content_type: Option<&str>,
    body: &str,
) -> (u16, Value) {
    let mut req = ureq::request(method, &format!("{}{path}", app.base))
        .set("Authorization", &format!("Bearer {}", app.admin_token))
        .set("Origin", "https://evil.example");
    if let Some(ct) = content_type {
        req = req.set("Content-Type", ct);
    }
    let resp = match req.send_bytes(body.as_bytes()) {
        Ok(r) | Err(ureq::Error::Status(_, r)) => r,
        Err(e) => panic!("{e}"),
    };
    let headers: Vec<String> = resp.headers_names();
    assert!(
        !headers.iter().any(|h| h.starts_with("access-control-")),
        "no CORS header: {headers:?}"
    );
    let status = resp.status();
    let text = resp.into_string().unwrap();
    (
        status,
        serde_json::from_str(&text).unwrap_or(Value::String(text)),
    )
}

#[test]
fn a_json_endpoint_takes_only_a_json_body() {
    on_each_backend(
        |_| {},
        |app| {
            let c = app.open_campaign(5, 1);
            let path = format!("/api/v1/campaigns/{c}/applications");
            let body = single(1).to_string();
            for ct in [
                Some("text/plain"),
                Some("application/x-www-form-urlencoded"),
                Some("multipart/form-data; boundary=x"),
                Some("application/jsonp"),
                None,
            ] {
                let (status, problem) = send(app, "POST", &path, ct, &body);
                assert_eq!(status, 415, "{ct:?}: {problem}");
                assert_eq!(problem["status"], 415);
                assert_eq!(problem["errors"][0]["field"], "Content-Type", "{problem}");
            }
            let (status, created) = send(
                app,
                "POST",
                &path,
                Some("Application/JSON; charset=utf-8"),
                &body,
            );
            assert_eq!(status, 201, "{created}");

            let patch = json!({"deadline": "2099-01-01", "reason": "延長"}).to_string();
            let (status, _) = send(
                app,
                "PATCH",
                &format!("/api/v1/campaigns/{c}"),
                Some("text/plain"),
                &patch,
            );
            assert_eq!(status, 415);
            let id = created["id"].as_str().unwrap();
            let (status, _) = send(
                app,
                "POST",
                &format!("/api/v1/applications/{id}/withdraw"),
                None,
                "",
            );
            assert_eq!(status, 200, "an empty body needs no type");

            // A browser's preflight gets no permission either.
            let preflight = ureq::request("OPTIONS", &format!("{}{path}", app.base))
                .set("Origin", "https://evil.example")
                .set("Access-Control-Request-Method", "POST")
                .set("Access-Control-Request-Headers", "content-type")
                .call();
            let resp = match preflight {
                Ok(r) | Err(ureq::Error::Status(_, r)) => r,
                Err(e) => panic!("{e}"),
            };
            assert!(!resp
                .headers_names()
                .iter()
                .any(|h| h.starts_with("access-control-")));
        },
    );
}
