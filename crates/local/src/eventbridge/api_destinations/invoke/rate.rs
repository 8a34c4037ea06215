//! `InvocationRateLimitPerSecond`: a token bucket per API destination.

use std::collections::HashMap;
use std::sync::Mutex;

/// One token, in the thousandths the buckets count in (integers keep the
/// arithmetic exact: a rate of N per second refills N thousandths per ms).
const TOKEN: i64 = 1000;

/// Token buckets of API destinations, keyed by ARN. A bucket holds at most
/// one second's worth of invocations, so a destination gets at most its rate
/// in any second after an idle one, and exactly its rate when busy.
#[derive(Debug, Default)]
pub struct RateLimiter {
    buckets: Mutex<HashMap<String, Bucket>>,
}

#[derive(Debug, Clone, Copy)]
struct Bucket {
    /// Thousandths of a token available.
    available: i64,
    /// When `available` was last brought up to date.
    at_ms: i64,
}

impl RateLimiter {
    /// Takes one invocation permit of `destination_arn` at `now_ms` for a
    /// limit of `rate` per second, or tells how many milliseconds until one
    /// is free.
    pub fn try_acquire(&self, destination_arn: &str, rate: u32, now_ms: i64) -> Result<(), i64> {
        let rate = i64::from(rate.max(1));
        let capacity = rate * TOKEN;
        let mut buckets = self.buckets.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        let bucket = buckets.entry(destination_arn.to_owned()).or_insert(Bucket { available: capacity, at_ms: now_ms });
        let elapsed = (now_ms - bucket.at_ms).max(0);
        bucket.available = (bucket.available + elapsed.saturating_mul(rate)).min(capacity);
        bucket.at_ms = bucket.at_ms.max(now_ms);
        if bucket.available >= TOKEN {
            bucket.available -= TOKEN;
            Ok(())
        } else {
            // Round up: waiting a millisecond too little would fail again.
            Err(((TOKEN - bucket.available) + rate - 1) / rate)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn holds_the_rate_per_second() {
        let limits = RateLimiter::default();
        let arn = "arn:aws:events:us-east-1:123456789012:api-destination/d/1";
        for _ in 0..5 {
            assert_eq!(limits.try_acquire(arn, 5, 1_000), Ok(()));
        }
        assert_eq!(limits.try_acquire(arn, 5, 1_000), Err(200));
        assert_eq!(limits.try_acquire(arn, 5, 1_199), Err(1));
        assert_eq!(limits.try_acquire(arn, 5, 1_200), Ok(()));
        assert_eq!(limits.try_acquire(arn, 5, 1_200), Err(200));

        // Busy for ten simulated seconds, asking every millisecond: the rate, and no more.
        let granted = (1_201..11_201).filter(|now| limits.try_acquire(arn, 5, *now).is_ok()).count();
        assert_eq!(granted, 50);
    }

    #[test]
    fn destinations_do_not_share_buckets() {
        let limits = RateLimiter::default();
        assert_eq!(limits.try_acquire("a", 1, 0), Ok(()));
        assert_eq!(limits.try_acquire("a", 1, 0), Err(1_000));
        assert_eq!(limits.try_acquire("b", 1, 0), Ok(()));
    }

    #[test]
    fn an_idle_destination_bursts_one_second_only() {
        let limits = RateLimiter::default();
        assert_eq!(limits.try_acquire("a", 3, 0), Ok(()));
        let burst = (0..10).filter(|_| limits.try_acquire("a", 3, 60_000).is_ok()).count();
        assert_eq!(burst, 3);
    }
}
