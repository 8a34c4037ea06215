//! A target's `RetryPolicy` and `DeadLetterConfig`, and the backoff between
//! attempts.

use serde_json::Value;

/// `MaximumRetryAttempts` when the target sets none.
pub const DEFAULT_MAXIMUM_RETRY_ATTEMPTS: u32 = 185;
/// The largest `MaximumRetryAttempts` EventBridge accepts.
pub const MAX_RETRY_ATTEMPTS: i64 = 185;
/// `MaximumEventAgeInSeconds` when the target sets none (24 hours).
pub const DEFAULT_MAXIMUM_EVENT_AGE_SECONDS: i64 = 86_400;
/// The bounds EventBridge accepts for `MaximumEventAgeInSeconds`.
pub const EVENT_AGE_SECONDS_RANGE: std::ops::RangeInclusive<i64> = 60..=86_400;

/// How long and how often EventBridge keeps trying a target.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RetryPolicy {
    /// Retries after the first attempt.
    pub maximum_retry_attempts: u32,
    /// How old (since ingestion) an event may get before it is given up.
    pub maximum_event_age_ms: i64,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        Self {
            maximum_retry_attempts: DEFAULT_MAXIMUM_RETRY_ATTEMPTS,
            maximum_event_age_ms: DEFAULT_MAXIMUM_EVENT_AGE_SECONDS * 1000,
        }
    }
}

impl RetryPolicy {
    /// The policy a stored target sets (PutTargets validated it).
    pub fn of_target(target: &Value) -> Self {
        let policy = &target["RetryPolicy"];
        let default = Self::default();
        Self {
            maximum_retry_attempts: policy["MaximumRetryAttempts"]
                .as_u64()
                .map_or(default.maximum_retry_attempts, |n| n as u32),
            maximum_event_age_ms: policy["MaximumEventAgeInSeconds"]
                .as_i64()
                .map_or(default.maximum_event_age_ms, |seconds| seconds * 1000),
        }
    }

    /// Which limit, if any, stops another attempt after `attempts` attempts
    /// of an event ingested at `ingested_ms`: EventBridge's
    /// `EXHAUSTED_RETRY_CONDITION` value.
    pub fn exhausted(&self, attempts: u32, ingested_ms: i64, now_ms: i64) -> Option<&'static str> {
        if attempts > self.maximum_retry_attempts {
            Some("MaximumRetryAttempts")
        } else if now_ms - ingested_ms >= self.maximum_event_age_ms {
            Some("MaximumEventAgeInSeconds")
        } else {
            None
        }
    }
}

/// The target's dead-letter queue, if it has one.
pub fn dead_letter_arn(target: &Value) -> Option<&str> {
    target["DeadLetterConfig"]["Arn"].as_str().filter(|arn| !arn.is_empty())
}

/// Exponential backoff with jitter: how long to wait before retry `retry`
/// (1 for the first retry). The wait doubles from `base_ms` up to `cap_ms`,
/// and a random share of up to half of it is taken off, so targets that
/// failed together do not all retry together. `random` is any value in
/// `0.0..1.0`.
pub fn backoff_ms(retry: u32, base_ms: i64, cap_ms: i64, random: f64) -> i64 {
    let exponent = retry.saturating_sub(1).min(30);
    let full = base_ms.saturating_mul(1_i64 << exponent).min(cap_ms);
    full - (full as f64 * 0.5 * random.clamp(0.0, 1.0)) as i64
}

/// A random number in `0.0..1.0`, for jitter (v4 UUIDs are random; no need
/// for a dependency of its own).
pub fn jitter() -> f64 {
    (uuid::Uuid::new_v4().as_u128() >> 75) as f64 / (1_u64 << 53) as f64
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn a_target_without_a_policy_gets_eventbridges_defaults() {
        let policy = RetryPolicy::of_target(&json!({"Id": "t", "Arn": "a"}));
        assert_eq!(policy, RetryPolicy { maximum_retry_attempts: 185, maximum_event_age_ms: 86_400_000 });
        let policy = RetryPolicy::of_target(&json!({"RetryPolicy": {"MaximumRetryAttempts": 0}}));
        assert_eq!(policy.maximum_retry_attempts, 0);
        assert_eq!(policy.maximum_event_age_ms, 86_400_000);
    }

    #[test]
    fn retries_stop_at_whichever_limit_comes_first() {
        let policy = RetryPolicy { maximum_retry_attempts: 2, maximum_event_age_ms: 60_000 };
        assert_eq!(policy.exhausted(1, 0, 1_000), None);
        assert_eq!(policy.exhausted(3, 0, 1_000), Some("MaximumRetryAttempts"), "first attempt + 2 retries");
        assert_eq!(policy.exhausted(2, 0, 60_000), Some("MaximumEventAgeInSeconds"));
    }

    #[test]
    fn backoff_doubles_up_to_the_cap_with_jitter_below_it() {
        assert_eq!(backoff_ms(1, 1_000, 60_000, 0.0), 1_000);
        assert_eq!(backoff_ms(2, 1_000, 60_000, 0.0), 2_000);
        assert_eq!(backoff_ms(5, 1_000, 60_000, 0.0), 16_000);
        assert_eq!(backoff_ms(40, 1_000, 60_000, 0.0), 60_000);
        assert_eq!(backoff_ms(2, 1_000, 60_000, 1.0), 1_000, "at most half is taken off");
        for _ in 0..100 {
            let random = jitter();
            assert!((0.0..1.0).contains(&random));
            assert!((500..=1_000).contains(&backoff_ms(1, 1_000, 60_000, random)));
        }
    }

    #[test]
    fn the_dead_letter_queue_comes_from_the_target() {
        let target = json!({"DeadLetterConfig": {"Arn": "arn:aws:sqs:us-east-1:123456789012:dlq"}});
        assert_eq!(dead_letter_arn(&target), Some("arn:aws:sqs:us-east-1:123456789012:dlq"));
        assert_eq!(dead_letter_arn(&json!({})), None);
    }
}
