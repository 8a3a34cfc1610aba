//! The client's address: the connecting peer, or, when that peer is a trusted reverse proxy,
//! the nearest hop its forwarding headers name that is not a trusted proxy itself. Headers from
//! any other peer are ignored: anyone can write them.

use crate::net::TrustedProxies;
use actix_web::http::header::HeaderMap;
use std::net::IpAddr;

/// One hop as `Forwarded: for=` or `X-Forwarded-For` gives it: `192.0.2.1`, `192.0.2.1:4711`,
/// `"[2001:db8::1]:4711"`, or a bare IPv6 address. Obfuscated names (`_proxy`, `unknown`)
/// are not addresses.
fn hop(value: &str) -> Option<IpAddr> {
    let value = value.trim().trim_matches('"');
    if let Some(rest) = value.strip_prefix('[') {
        return rest.split_once(']')?.0.parse().ok();
    }
    value.parse().ok().or_else(|| {
        let (host, port) = value.rsplit_once(':')?;
        port.parse::<u16>().ok()?;
        host.parse::<std::net::Ipv4Addr>().ok().map(IpAddr::V4)
    })
}

/// The `for=` of every `Forwarded` element, farthest first; `None` when no header has one.
fn forwarded(headers: &HeaderMap) -> Option<Vec<Option<IpAddr>>> {
    let hops: Vec<_> = headers
        .get_all("forwarded")
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .filter_map(|element| {
            element.split(';').find_map(|pair| {
                let (key, value) = pair.split_once('=')?;
                key.trim().eq_ignore_ascii_case("for").then(|| hop(value))
            })
        })
        .collect();
    (!hops.is_empty()).then_some(hops)
}

fn x_forwarded_for(headers: &HeaderMap) -> Vec<Option<IpAddr>> {
    headers
        .get_all("x-forwarded-for")
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .filter(|v| !v.trim().is_empty())
        .map(hop)
        .collect()
}

/// Walks the hops from the nearest: trusted proxies are passed over, the first other hop is
/// the client. A hop that is no address stops the walk at the proxy that wrote it; when every
/// hop is a trusted proxy, the farthest is the client.
pub fn resolve(peer: IpAddr, headers: &HeaderMap, proxies: &TrustedProxies) -> IpAddr {
    let peer = peer.to_canonical();
    if !proxies.contains(peer) {
        return peer;
    }
    let hops = forwarded(headers).unwrap_or_else(|| x_forwarded_for(headers));
    let mut client = peer;
    for hop in hops.into_iter().rev() {
        match hop.map(|a| a.to_canonical()) {
            Some(addr) if proxies.contains(addr) => client = addr,
            Some(addr) => return addr,
            None => return client,
        }
    }
    client
}

/// The client's address of a request, as the rate limit and the request log see it.
pub fn of(req: &actix_web::HttpRequest) -> Option<IpAddr> {
    let peer = req.peer_addr()?.ip();
    Some(
        match req.app_data::<actix_web::web::Data<super::AppState>>() {
            Some(state) => resolve(peer, req.headers(), &state.trusted_proxies),
            None => peer.to_canonical(),
        },
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use actix_web::http::header::{HeaderName, HeaderValue};

    fn headers(pairs: &[(&str, &str)]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for (k, v) in pairs {
            map.append(
                HeaderName::from_bytes(k.as_bytes()).unwrap(),
                HeaderValue::from_str(v).unwrap(),
            );
        }
        map
    }

    fn ip(s: &str) -> IpAddr {
        s.parse().unwrap()
    }

    #[test]
    fn only_a_trusted_peers_headers_count() {
        let proxies: TrustedProxies = "10.0.0.0/8".parse().unwrap();
        let h = headers(&[("x-forwarded-for", "203.0.113.7")]);
        assert_eq!(resolve(ip("10.0.0.2"), &h, &proxies), ip("203.0.113.7"));
        assert_eq!(
            resolve(ip("198.51.100.1"), &h, &proxies),
            ip("198.51.100.1")
        );
        let none = TrustedProxies::default();
        assert_eq!(resolve(ip("10.0.0.2"), &h, &none), ip("10.0.0.2"));
    }

    #[test]
    fn the_nearest_untrusted_hop_is_the_client() {
        let proxies: TrustedProxies = "10.0.0.0/8, 2001:db8::/32".parse().unwrap();
        let peer = ip("10.0.0.2");
        let h = headers(&[
            ("x-forwarded-for", "1.1.1.1, 203.0.113.7"),
            ("x-forwarded-for", "10.9.9.9"),
        ]);
        assert_eq!(
            resolve(peer, &h, &proxies),
            ip("203.0.113.7"),
            "a forged left part is passed by"
        );
        let all_proxies = headers(&[("x-forwarded-for", "10.1.1.1, 10.2.2.2")]);
        assert_eq!(resolve(peer, &all_proxies, &proxies), ip("10.1.1.1"));
        let hidden = headers(&[("x-forwarded-for", "203.0.113.7, unknown, 10.3.3.3")]);
        assert_eq!(resolve(peer, &hidden, &proxies), ip("10.3.3.3"));
        let ported = headers(&[("x-forwarded-for", "203.0.113.7:4711")]);
        assert_eq!(resolve(peer, &ported, &proxies), ip("203.0.113.7"));
    }

    #[test]
    fn forwarded_wins_over_x_forwarded_for() {
        let proxies: TrustedProxies = "10.0.0.0/8".parse().unwrap();
        let peer = ip("10.0.0.2");
        let both = headers(&[
            ("x-forwarded-for", "203.0.113.7"),
            (
                "forwarded",
                "for=192.0.2.60;proto=https;by=10.0.0.2, For=\"[2001:db8:cafe::17]:4711\"",
            ),
        ]);
        assert_eq!(resolve(peer, &both, &proxies), ip("2001:db8:cafe::17"));
        let v4 = headers(&[("forwarded", "for=\"192.0.2.60:8080\"")]);
        assert_eq!(resolve(peer, &v4, &proxies), ip("192.0.2.60"));
        let no_for = headers(&[
            ("forwarded", "proto=https"),
            ("x-forwarded-for", "203.0.113.7"),
        ]);
        assert_eq!(resolve(peer, &no_for, &proxies), ip("203.0.113.7"));
    }
}
