//! Requests per client, as a token bucket per address: a phone that loads the programme and
//! polls for changes stays far below the rate; a client that floods the listener gets 429
//! with `Retry-After` and costs the node no page render.

use std::collections::HashMap;
use std::net::{IpAddr, Ipv6Addr};
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// How many requests a client may make at once, and how fast its allowance comes back.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct RateLimit {
    /// Requests a client may make in a burst (the bucket's size).
    pub burst: u32,
    /// Requests per second the bucket refills with.
    pub per_second: f64,
}

impl Default for RateLimit {
    /// A page load is a handful of requests (page, stylesheet, script, icon, manifest) and an
    /// open page polls every few seconds; a burst of sixty leaves room for a reader going
    /// through every view, and two a second for a room of phones behind one address.
    fn default() -> RateLimit {
        RateLimit {
            burst: 60,
            per_second: 2.0,
        }
    }
}

/// Buckets kept before the full ones are forgotten: a full bucket is the same as none.
const MAX_CLIENTS: usize = 4096;

#[derive(Debug)]
struct Bucket {
    tokens: f64,
    at: Instant,
}

/// The buckets of every client seen lately.
#[derive(Debug)]
pub(crate) struct Buckets {
    limit: RateLimit,
    clients: Mutex<HashMap<IpAddr, Bucket>>,
}

impl Buckets {
    pub(crate) fn new(limit: RateLimit) -> Buckets {
        Buckets {
            limit,
            clients: Mutex::new(HashMap::new()),
        }
    }

    /// Takes one request from `ip`'s allowance; `Err` says how long until the next one.
    pub(crate) fn take(&self, ip: IpAddr, now: Instant) -> Result<(), Duration> {
        let burst = f64::from(self.limit.burst.max(1));
        let rate = if self.limit.per_second > 0.0 {
            self.limit.per_second
        } else {
            f64::MIN_POSITIVE
        };
        let key = client_key(ip);
        let mut clients = self
            .clients
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        if clients.len() >= MAX_CLIENTS && !clients.contains_key(&key) {
            clients.retain(|_, b| {
                b.tokens + now.saturating_duration_since(b.at).as_secs_f64() * rate < burst
            });
            if clients.len() >= MAX_CLIENTS {
                // Every client is mid-burst: a newcomer waits rather than growing the map.
                return Err(Duration::from_secs(1));
            }
        }
        let bucket = clients.entry(key).or_insert(Bucket {
            tokens: burst,
            at: now,
        });
        let refilled = now.saturating_duration_since(bucket.at).as_secs_f64() * rate;
        bucket.tokens = (bucket.tokens + refilled).min(burst);
        bucket.at = now;
        if bucket.tokens >= 1.0 {
            bucket.tokens -= 1.0;
            Ok(())
        } else {
            let wait = (1.0 - bucket.tokens) / rate;
            Err(Duration::from_secs_f64(wait.min(3600.0)))
        }
    }
}

/// The address a bucket is kept for: an IPv6 client's /64, since one host holds a whole
/// /64 and could otherwise take a fresh bucket per request.
fn client_key(ip: IpAddr) -> IpAddr {
    match ip {
        IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => IpAddr::V4(v4),
            None => {
                let s = v6.segments();
                IpAddr::V6(Ipv6Addr::new(s[0], s[1], s[2], s[3], 0, 0, 0, 0))
            }
        },
        v4 @ IpAddr::V4(_) => v4,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_burst_past_the_bucket_waits_and_the_allowance_comes_back() {
        let b = Buckets::new(RateLimit {
            burst: 3,
            per_second: 1.0,
        });
        let ip: IpAddr = "203.0.113.9".parse().unwrap();
        let other: IpAddr = "203.0.113.10".parse().unwrap();
        let t0 = Instant::now();
        for _ in 0..3 {
            assert!(b.take(ip, t0).is_ok());
        }
        let wait = b.take(ip, t0).unwrap_err();
        assert!(
            wait > Duration::ZERO && wait <= Duration::from_secs(1),
            "{wait:?}"
        );
        // Another client has its own bucket.
        assert!(b.take(other, t0).is_ok());
        // A second later one request is allowed again, and only one.
        let t1 = t0 + Duration::from_secs(1);
        assert!(b.take(ip, t1).is_ok());
        assert!(b.take(ip, t1).is_err());
    }

    #[test]
    fn an_ipv6_host_shares_one_bucket_across_its_64() {
        let b = Buckets::new(RateLimit {
            burst: 1,
            per_second: 0.001,
        });
        let t0 = Instant::now();
        assert!(b.take("2001:db8:1:2::1".parse().unwrap(), t0).is_ok());
        assert!(b.take("2001:db8:1:2::99".parse().unwrap(), t0).is_err());
        assert!(b.take("2001:db8:1:3::1".parse().unwrap(), t0).is_ok());
    }
}
