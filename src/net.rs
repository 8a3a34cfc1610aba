//! The network edge below HTTP: which peers are trusted proxies, and how many connections the
//! process and each client address may hold open.

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::{Arc, Mutex};

/// Connections the kernel may hold for the server before it accepts them. Rust's standard
/// listener asks for 128: at the opening minute hundreds of applicants connect at once, and
/// beyond the queue the kernel drops or resets their connections before the server sees them.
/// The kernel caps this at `net.core.somaxconn`.
const ACCEPT_QUEUE: i32 = 4096;

/// A listening socket on `addr` (resolved as `TcpListener::bind` does) with a deep accept queue.
pub fn listen(addr: &str) -> std::io::Result<std::net::TcpListener> {
    use std::net::ToSocketAddrs;
    let mut last = None;
    for addr in addr.to_socket_addrs()? {
        let socket = socket2::Socket::new(
            socket2::Domain::for_address(addr),
            socket2::Type::STREAM,
            Some(socket2::Protocol::TCP),
        )?;
        #[cfg(unix)]
        socket.set_reuse_address(true)?;
        match socket
            .bind(&addr.into())
            .and_then(|()| socket.listen(ACCEPT_QUEUE))
        {
            Ok(()) => return Ok(socket.into()),
            Err(e) => last = Some(e),
        }
    }
    Err(last.unwrap_or_else(|| {
        std::io::Error::new(std::io::ErrorKind::InvalidInput, "no address to listen on")
    }))
}

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum ProxyListError {
    #[error("{0:?} is not an IP address or a CIDR block")]
    NotAnAddress(String),
    #[error("{0:?}: the prefix length is longer than the address")]
    PrefixTooLong(String),
}

/// One address or block of addresses, as `10.0.0.0/8` or `2001:db8::/32`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Block {
    network: IpAddr,
    prefix: u8,
}

impl Block {
    fn contains(&self, addr: IpAddr) -> bool {
        match (self.network, addr) {
            (IpAddr::V4(net), IpAddr::V4(a)) => {
                let mask = u32::MAX
                    .checked_shl(32 - u32::from(self.prefix))
                    .unwrap_or(0);
                u32::from(net) & mask == u32::from(a) & mask
            }
            (IpAddr::V6(net), IpAddr::V6(a)) => {
                let mask = u128::MAX
                    .checked_shl(128 - u32::from(self.prefix))
                    .unwrap_or(0);
                u128::from(net) & mask == u128::from(a) & mask
            }
            _ => false,
        }
    }
}

/// The reverse proxies whose forwarding headers are believed (`HONORARIA_TRUSTED_PROXIES`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TrustedProxies(Vec<Block>);

impl std::str::FromStr for TrustedProxies {
    type Err = ProxyListError;

    /// Comma-separated addresses and CIDR blocks, IPv4 or IPv6; empty trusts no one.
    fn from_str(list: &str) -> Result<Self, ProxyListError> {
        list.split(',')
            .map(str::trim)
            .filter(|entry| !entry.is_empty())
            .map(|entry| {
                let (addr, prefix) = entry.split_once('/').unwrap_or((entry, ""));
                let network = addr
                    .parse::<IpAddr>()
                    .map_err(|_| ProxyListError::NotAnAddress(entry.to_owned()))?
                    .to_canonical();
                let bits = if network.is_ipv4() { 32 } else { 128 };
                let prefix = if prefix.is_empty() {
                    bits
                } else {
                    prefix
                        .parse::<u8>()
                        .map_err(|_| ProxyListError::NotAnAddress(entry.to_owned()))?
                };
                if prefix > bits {
                    return Err(ProxyListError::PrefixTooLong(entry.to_owned()));
                }
                Ok(Block { network, prefix })
            })
            .collect::<Result<_, _>>()
            .map(TrustedProxies)
    }
}

impl TrustedProxies {
    pub fn contains(&self, addr: IpAddr) -> bool {
        let addr = addr.to_canonical();
        self.0.iter().any(|block| block.contains(addr))
    }
}

/// Which cap turned a connection away, as the metric names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refusal {
    Total,
    PerAddress,
}

impl Refusal {
    pub fn label(self) -> &'static str {
        match self {
            Refusal::Total => "total",
            Refusal::PerAddress => "per_address",
        }
    }
}

#[derive(Debug, Default)]
struct Open {
    total: usize,
    by_address: HashMap<IpAddr, usize>,
}

/// Open connections, counted across every worker (actix's own `max_connections` counts per
/// worker and waits rather than refuses). A trusted proxy carries many clients on its
/// connections, so it is held to the total cap only.
#[derive(Debug)]
pub struct ConnectionCaps {
    total: usize,
    per_address: usize,
    proxies: TrustedProxies,
    open: Mutex<Open>,
}

/// One admitted connection; dropping it (when the connection ends) frees its place.
#[derive(Debug)]
pub struct Admitted {
    caps: Arc<ConnectionCaps>,
    addr: IpAddr,
}

impl ConnectionCaps {
    pub fn new(total: usize, per_address: usize, proxies: TrustedProxies) -> Arc<Self> {
        Arc::new(ConnectionCaps {
            total,
            per_address,
            proxies,
            open: Mutex::default(),
        })
    }

    pub fn admit(self: &Arc<Self>, addr: IpAddr) -> Result<Admitted, Refusal> {
        let addr = addr.to_canonical();
        let mut open = self.open.lock().unwrap_or_else(|e| e.into_inner());
        if open.total >= self.total {
            return Err(Refusal::Total);
        }
        let from_here = open.by_address.entry(addr).or_insert(0);
        if *from_here >= self.per_address && !self.proxies.contains(addr) {
            return Err(Refusal::PerAddress);
        }
        *from_here += 1;
        open.total += 1;
        Ok(Admitted {
            caps: self.clone(),
            addr,
        })
    }
}

impl Drop for Admitted {
    fn drop(&mut self) {
        let mut open = self.caps.open.lock().unwrap_or_else(|e| e.into_inner());
        open.total -= 1;
        if let Some(n) = open.by_address.get_mut(&self.addr) {
            *n -= 1;
            if *n == 0 {
                open.by_address.remove(&self.addr);
            }
        }
    }
}

/// `HttpServer::on_connect`: counts the new connection in, or shuts its socket at once so it
/// costs no worker time and frees its descriptor as soon as actix sees the end of it.
pub fn on_connect(
    caps: &Arc<ConnectionCaps>,
    conn: &dyn std::any::Any,
    ext: &mut actix_web::dev::Extensions,
) {
    let Some(stream) = conn.downcast_ref::<actix_web::rt::net::TcpStream>() else {
        return;
    };
    let Ok(peer) = stream.peer_addr() else {
        return;
    };
    match caps.admit(peer.ip()) {
        Ok(admitted) => {
            ext.insert(admitted);
        }
        Err(refusal) => {
            crate::metrics::refused_connection(refusal);
            let _ = socket2::SockRef::from(stream).shutdown(std::net::Shutdown::Both);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(s: &str) -> IpAddr {
        s.parse().unwrap()
    }

    #[test]
    fn proxies_are_addresses_and_blocks_of_either_family() {
        let p: TrustedProxies = " 10.0.0.0/8, 192.168.1.7 ,2001:db8::/32,::1"
            .parse()
            .unwrap();
        assert!(p.contains(ip("10.200.3.4")));
        assert!(p.contains(ip("::ffff:10.1.2.3")), "IPv4-mapped");
        assert!(p.contains(ip("192.168.1.7")));
        assert!(!p.contains(ip("192.168.1.8")));
        assert!(p.contains(ip("2001:db8:ffff::1")));
        assert!(!p.contains(ip("2001:db9::1")));
        assert!(p.contains(ip("::1")));
        assert!(!p.contains(ip("127.0.0.1")));
        let all: TrustedProxies = "0.0.0.0/0".parse().unwrap();
        assert!(all.contains(ip("203.0.113.9")));
        assert_eq!("".parse::<TrustedProxies>(), Ok(TrustedProxies::default()));
        assert!(matches!(
            "10.0.0.0/33".parse::<TrustedProxies>(),
            Err(ProxyListError::PrefixTooLong(_))
        ));
        assert!(matches!(
            "proxy.local".parse::<TrustedProxies>(),
            Err(ProxyListError::NotAnAddress(_))
        ));
    }

    #[test]
    fn caps_count_in_all_and_per_address_and_free_on_drop() {
        let caps = ConnectionCaps::new(3, 2, "10.0.0.1".parse().unwrap());
        let a = caps.admit(ip("192.0.2.1")).unwrap();
        let _b = caps.admit(ip("192.0.2.1")).unwrap();
        assert_eq!(
            caps.admit(ip("192.0.2.1")).unwrap_err(),
            Refusal::PerAddress
        );
        let _c = caps.admit(ip("192.0.2.2")).unwrap();
        assert_eq!(caps.admit(ip("192.0.2.3")).unwrap_err(), Refusal::Total);
        drop(a);
        let _d = caps.admit(ip("10.0.0.1")).unwrap();
        let proxy = ConnectionCaps::new(10, 1, "10.0.0.1".parse().unwrap());
        let held: Vec<_> = (0..5)
            .map(|_| proxy.admit(ip("10.0.0.1")).unwrap())
            .collect();
        assert_eq!(held.len(), 5, "a trusted proxy is held to the total only");
    }
}
