//! Per-address request limits for the public endpoints, counted per minute in this process:
//! one for submissions (posts) and a much higher one for views and reads, so that offices
//! sharing one address and reloading the form do not use up each other's submissions. They
//! guard against floods; they are not rules that must hold across instances.

use crate::error::ApiError;
use actix_web::{dev::Payload, web, FromRequest, HttpRequest};
use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::Mutex;
use std::time::{Duration, Instant};

pub struct RateLimiter {
    per_minute: u32,
    windows: Mutex<HashMap<IpAddr, (Instant, u32)>>,
}

impl RateLimiter {
    /// `per_minute = 0` lets everything through.
    pub fn new(per_minute: u32) -> Self {
        RateLimiter {
            per_minute,
            windows: Mutex::new(HashMap::new()),
        }
    }

    pub fn check(&self, addr: Option<IpAddr>) -> Result<(), ApiError> {
        let (Some(addr), true) = (addr, self.per_minute > 0) else {
            return Ok(());
        };
        let now = Instant::now();
        let mut windows = self.windows.lock().unwrap_or_else(|e| e.into_inner());
        if windows.len() > 100_000 {
            windows.retain(|_, (start, _)| now.duration_since(*start) < Duration::from_secs(60));
        }
        let entry = windows.entry(addr).or_insert((now, 0));
        if now.duration_since(entry.0) >= Duration::from_secs(60) {
            *entry = (now, 0);
        }
        entry.1 += 1;
        if entry.1 > self.per_minute {
            Err(ApiError::TooManyRequests)
        } else {
            Ok(())
        }
    }
}

/// The limiter that counts `req`: reads (GET, HEAD) have their own.
pub fn for_request<'a>(req: &HttpRequest, state: &'a super::AppState) -> &'a RateLimiter {
    if req.method() == actix_web::http::Method::GET || req.method() == actix_web::http::Method::HEAD
    {
        &state.view_limiter
    } else {
        &state.public_limiter
    }
}

/// A request to a public endpoint that is within its client address's limit (of reads or of
/// submissions, by its method); taking it as a handler argument is what applies the limit.
pub struct Public;

impl FromRequest for Public {
    type Error = ApiError;
    type Future = std::future::Ready<Result<Public, ApiError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let checked = match req.app_data::<web::Data<super::AppState>>() {
            Some(state) => for_request(req, state)
                .check(super::client_addr::of(req))
                .map(|_| Public),
            None => Err(ApiError::internal("no app state")),
        };
        std::future::ready(checked)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_limit_counts_per_address_and_zero_turns_it_off() {
        let a: IpAddr = "127.0.0.1".parse().unwrap();
        let b: IpAddr = "127.0.0.2".parse().unwrap();
        let limiter = RateLimiter::new(2);
        assert!(limiter.check(Some(a)).is_ok());
        assert!(limiter.check(Some(a)).is_ok());
        assert!(limiter.check(Some(a)).is_err());
        assert!(limiter.check(Some(b)).is_ok());
        let off = RateLimiter::new(0);
        assert!((0..1000).all(|_| off.check(Some(a)).is_ok()));
    }
}
