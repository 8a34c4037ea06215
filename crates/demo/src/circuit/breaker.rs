//! The circuit breaker's rules, pure: no I/O, no clock. Every time is an
//! epoch millisecond the caller passes in, so the rules are tested with
//! explicit times.
//!
//! - CLOSED → OPEN after `failure_threshold` failures within `window`;
//! - OPEN → HALF_OPEN once `cool_down` has passed, when asked
//!   ([`Breaker::try_half_open`]): an open circuit never moves by itself;
//! - HALF_OPEN → CLOSED on a success, HALF_OPEN → OPEN on a failure.
//!
//! An outage lasts from the first CLOSED → OPEN to the HALF_OPEN → CLOSED that
//! ends it; its start (`opened_at`) is what a replay of the outage starts
//! from, so it is kept when a failed trial opens the circuit again. The
//! cool-down counts from the last time the circuit opened (`changed_at`).

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use crate::settings::CircuitSettings;

/// The state of a circuit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum CircuitState {
    /// Requests go through; failures are counted.
    Closed,
    /// Requests fail fast until the cool-down has passed.
    Open,
    /// One trial request at a time decides whether it closes or opens again.
    HalfOpen,
}

impl CircuitState {
    /// `CLOSED`, `OPEN` or `HALF_OPEN`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Closed => "CLOSED",
            Self::Open => "OPEN",
            Self::HalfOpen => "HALF_OPEN",
        }
    }
}

impl fmt::Display for CircuitState {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A state that is not `CLOSED`, `OPEN` or `HALF_OPEN`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown circuit state '{0}': use CLOSED, OPEN or HALF_OPEN")]
pub struct UnknownState(pub String);

impl FromStr for CircuitState {
    type Err = UnknownState;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        match text {
            "CLOSED" => Ok(Self::Closed),
            "OPEN" => Ok(Self::Open),
            "HALF_OPEN" => Ok(Self::HalfOpen),
            _ => Err(UnknownState(text.to_owned())),
        }
    }
}

/// The thresholds of a breaker, in milliseconds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BreakerConfig {
    /// Failures within the window that open the circuit (at least 1).
    pub failure_threshold: u32,
    /// The sliding window failures are counted in.
    pub window_ms: i64,
    /// How long an open circuit stays open before a trial.
    pub cool_down_ms: i64,
}

impl From<&CircuitSettings> for BreakerConfig {
    fn from(settings: &CircuitSettings) -> Self {
        let ms = |duration: std::time::Duration| i64::try_from(duration.as_millis()).unwrap_or(i64::MAX);
        Self {
            failure_threshold: settings.failure_threshold.max(1),
            window_ms: ms(settings.window),
            cool_down_ms: ms(settings.cool_down),
        }
    }
}

/// Whether a request may go to the protected dependency.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Permit {
    /// CLOSED: go ahead.
    Allowed,
    /// HALF_OPEN: go ahead as the one trial; report its outcome.
    Trial,
    /// OPEN, or HALF_OPEN with a trial under way: fail fast.
    Refused,
}

impl Permit {
    /// Whether the request may go.
    pub fn is_allowed(self) -> bool {
        !matches!(self, Self::Refused)
    }
}

/// A change of state.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Transition {
    /// The state before.
    pub from: CircuitState,
    /// The state after.
    pub to: CircuitState,
    /// Why, in words.
    pub reason: String,
    /// Failures within the window when it happened.
    pub failures: u32,
    /// When the outage this transition belongs to began (`None` only for a
    /// circuit that was never open).
    pub opened_at: Option<i64>,
    /// When it happened.
    pub at: i64,
}

/// What a breaker keeps between calls; see [`Breaker::restore`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BreakerRecord {
    /// The state.
    pub state: CircuitState,
    /// Times of the failures still within the window, oldest first.
    pub failures: Vec<i64>,
    /// When the current (or last) outage began.
    pub opened_at: Option<i64>,
    /// When the state last changed.
    pub changed_at: i64,
}

/// One circuit breaker.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Breaker {
    config: BreakerConfig,
    record: BreakerRecord,
    /// Whether a HALF_OPEN trial is under way. Not kept: after a restart the
    /// health check settles a half-open circuit.
    trial_in_flight: bool,
}

impl Breaker {
    /// A closed breaker with no failures, as of `now`.
    pub fn new(config: BreakerConfig, now: i64) -> Self {
        Self::restore(
            config,
            BreakerRecord { state: CircuitState::Closed, failures: Vec::new(), opened_at: None, changed_at: now },
        )
    }

    /// A breaker as it was recorded.
    pub fn restore(config: BreakerConfig, record: BreakerRecord) -> Self {
        let config = BreakerConfig { failure_threshold: config.failure_threshold.max(1), ..config };
        Self { config, record, trial_in_flight: false }
    }

    /// What to keep of it.
    pub fn record(&self) -> &BreakerRecord {
        &self.record
    }

    /// Its thresholds.
    pub fn config(&self) -> BreakerConfig {
        self.config
    }

    /// The state.
    pub fn state(&self) -> CircuitState {
        self.record.state
    }

    /// When the current (or last) outage began.
    pub fn opened_at(&self) -> Option<i64> {
        self.record.opened_at
    }

    /// When the state last changed.
    pub fn changed_at(&self) -> i64 {
        self.record.changed_at
    }

    /// Whether a HALF_OPEN trial is under way.
    pub fn trial_in_flight(&self) -> bool {
        self.trial_in_flight
    }

    /// Failures within the window ending at `now`.
    pub fn failures_at(&self, now: i64) -> u32 {
        let since = now.saturating_sub(self.config.window_ms);
        let count = self.record.failures.iter().filter(|&&at| at > since).count();
        u32::try_from(count).unwrap_or(u32::MAX)
    }

    /// When an open circuit's cool-down ends (`None` unless OPEN).
    pub fn cool_down_ends_at(&self) -> Option<i64> {
        (self.record.state == CircuitState::Open)
            .then(|| self.record.changed_at.saturating_add(self.config.cool_down_ms))
    }

    /// Whether a request may go now. In HALF_OPEN the first caller gets the
    /// trial and the others are refused until its outcome is reported.
    pub fn permit(&mut self, _now: i64) -> Permit {
        match self.record.state {
            CircuitState::Closed => Permit::Allowed,
            // Even past the cool-down: the move to HALF_OPEN is try_half_open's.
            CircuitState::Open => Permit::Refused,
            CircuitState::HalfOpen if self.trial_in_flight => Permit::Refused,
            CircuitState::HalfOpen => {
                self.trial_in_flight = true;
                Permit::Trial
            }
        }
    }

    /// A request succeeded at `now`. Closes a HALF_OPEN circuit; otherwise
    /// changes nothing (a success does not erase failures in the window).
    pub fn on_success(&mut self, now: i64) -> Option<Transition> {
        if self.record.state != CircuitState::HalfOpen {
            return None;
        }
        let failures = self.failures_at(now);
        let transition = self.change(CircuitState::Closed, "the trial request succeeded".to_owned(), failures, now);
        self.record.failures.clear();
        Some(transition)
    }

    /// A request failed at `now` because of `reason`. Opens a CLOSED circuit
    /// at the threshold and a HALF_OPEN one at once; an OPEN circuit ignores
    /// it (a request that left before it opened).
    pub fn on_failure(&mut self, now: i64, reason: &str) -> Option<Transition> {
        if self.record.state == CircuitState::Open {
            return None;
        }
        let since = now.saturating_sub(self.config.window_ms);
        self.record.failures.retain(|&at| at > since);
        self.record.failures.push(now);
        let failures = self.failures_at(now);
        match self.record.state {
            CircuitState::Closed if failures >= self.config.failure_threshold => {
                self.record.opened_at = Some(now);
                let window = self.config.window_ms as f64 / 1000.0;
                let reason = format!("{failures} failures within {window}s, the last: {reason}");
                Some(self.change(CircuitState::Open, reason, failures, now))
            }
            CircuitState::HalfOpen => {
                // A new outage only if none was recorded; otherwise the outage goes on.
                if self.record.opened_at.is_none() {
                    self.record.opened_at = Some(now);
                }
                Some(self.change(CircuitState::Open, format!("the trial request failed: {reason}"), failures, now))
            }
            CircuitState::Closed | CircuitState::Open => None,
        }
    }

    /// OPEN with its cool-down passed at `now` → HALF_OPEN; otherwise nothing.
    pub fn try_half_open(&mut self, now: i64) -> Option<Transition> {
        let ends = self.cool_down_ends_at()?;
        if now < ends {
            return None;
        }
        let cool_down = self.config.cool_down_ms as f64 / 1000.0;
        let failures = self.failures_at(now);
        Some(self.change(CircuitState::HalfOpen, format!("the cool-down of {cool_down}s passed"), failures, now))
    }

    fn change(&mut self, to: CircuitState, reason: String, failures: u32, now: i64) -> Transition {
        let from = self.record.state;
        self.record.state = to;
        self.record.changed_at = now;
        self.trial_in_flight = false;
        Transition { from, to, reason, failures, opened_at: self.record.opened_at, at: now }
    }
}

#[cfg(test)]
mod tests {
    use super::CircuitState::{Closed, HalfOpen, Open};
    use super::*;

    const CONFIG: BreakerConfig = BreakerConfig { failure_threshold: 3, window_ms: 10_000, cool_down_ms: 5_000 };

    /// One step of a sequence.
    #[derive(Debug, Clone, Copy)]
    enum Step {
        Fail(i64),
        Succeed(i64),
        HalfOpen(i64),
        Permit(i64, Permit),
    }
    use Step::{Fail, Permit as Asks, Succeed};

    /// Runs `steps` on a new breaker (created at 0) and checks the state after
    /// each, and the transitions `(from, to, at)` in order.
    fn check(name: &str, steps: &[(Step, CircuitState)], transitions: &[(CircuitState, CircuitState, i64)]) {
        let mut breaker = Breaker::new(CONFIG, 0);
        let mut seen = Vec::new();
        for (index, (step, expected)) in steps.iter().enumerate() {
            let transition = match *step {
                Fail(now) => breaker.on_failure(now, "503"),
                Succeed(now) => breaker.on_success(now),
                Step::HalfOpen(now) => breaker.try_half_open(now),
                Asks(now, permit) => {
                    assert_eq!(breaker.permit(now), permit, "{name}: step {index} {step:?}");
                    None
                }
            };
            seen.extend(transition.map(|t| (t.from, t.to, t.at)));
            assert_eq!(breaker.state(), *expected, "{name}: state after step {index} {step:?}");
        }
        assert_eq!(seen, transitions, "{name}: transitions");
    }

    #[test]
    fn sequences() {
        check(
            "the threshold within the window opens",
            &[(Fail(1_000), Closed), (Fail(2_000), Closed), (Fail(3_000), Open)],
            &[(Closed, Open, 3_000)],
        );
        check(
            "failures outside the window do not count",
            &[(Fail(1_000), Closed), (Fail(2_000), Closed), (Fail(11_500), Closed), (Fail(11_900), Open)],
            &[(Closed, Open, 11_900)],
        );
        check(
            "successes do not reset the window",
            &[(Fail(1_000), Closed), (Succeed(1_500), Closed), (Fail(2_000), Closed), (Fail(2_500), Open)],
            &[(Closed, Open, 2_500)],
        );
        check(
            "open refuses, also past the cool-down, until asked to half-open",
            &[
                (Fail(0), Closed),
                (Fail(0), Closed),
                (Fail(0), Open),
                (Asks(1_000, Permit::Refused), Open),
                (Asks(9_000, Permit::Refused), Open),
                (Step::HalfOpen(4_999), Open),
                (Step::HalfOpen(5_000), HalfOpen),
            ],
            &[(Closed, Open, 0), (Open, HalfOpen, 5_000)],
        );
        check(
            "a successful trial closes",
            &[
                (Fail(0), Closed),
                (Fail(0), Closed),
                (Fail(0), Open),
                (Step::HalfOpen(6_000), HalfOpen),
                (Asks(6_100, Permit::Trial), HalfOpen),
                (Asks(6_200, Permit::Refused), HalfOpen),
                (Succeed(6_300), Closed),
                (Asks(6_400, Permit::Allowed), Closed),
                (Fail(6_500), Closed),
            ],
            &[(Closed, Open, 0), (Open, HalfOpen, 6_000), (HalfOpen, Closed, 6_300)],
        );
        check(
            "a failed trial opens again, and the cool-down starts over",
            &[
                (Fail(0), Closed),
                (Fail(0), Closed),
                (Fail(0), Open),
                (Step::HalfOpen(5_000), HalfOpen),
                (Fail(5_100), Open),
                (Step::HalfOpen(9_000), Open),
                (Step::HalfOpen(10_100), HalfOpen),
                (Succeed(10_200), Closed),
            ],
            &[
                (Closed, Open, 0),
                (Open, HalfOpen, 5_000),
                (HalfOpen, Open, 5_100),
                (Open, HalfOpen, 10_100),
                (HalfOpen, Closed, 10_200),
            ],
        );
        check(
            "open ignores late outcomes",
            &[(Fail(0), Closed), (Fail(0), Closed), (Fail(0), Open), (Fail(100), Open), (Succeed(200), Open)],
            &[(Closed, Open, 0)],
        );
        check(
            "closed ignores half-open and successes",
            &[(Step::HalfOpen(100_000), Closed), (Succeed(100), Closed), (Asks(200, Permit::Allowed), Closed)],
            &[],
        );
    }

    #[test]
    fn an_outage_keeps_its_start_through_failed_trials() {
        let mut breaker = Breaker::new(CONFIG, 0);
        for now in [100, 200, 300] {
            breaker.on_failure(now, "503");
        }
        assert_eq!(breaker.opened_at(), Some(300));
        breaker.try_half_open(5_300);
        let reopened = breaker.on_failure(5_400, "timeout");
        assert_eq!(
            reopened.as_ref().map(|t| (t.opened_at, t.reason.as_str())),
            Some((Some(300), "the trial request failed: timeout"))
        );
        assert_eq!(breaker.cool_down_ends_at(), Some(10_400));
        breaker.try_half_open(10_400);
        let closed = breaker.on_success(10_500);
        assert_eq!(closed.map(|t| (t.from, t.to, t.opened_at)), Some((HalfOpen, Closed, Some(300))));
        assert_eq!(breaker.failures_at(10_500), 0, "closing clears the failures");
    }

    #[test]
    fn opening_says_why_and_counts_the_failures() {
        let mut breaker = Breaker::new(CONFIG, 0);
        breaker.on_failure(1_000, "503");
        breaker.on_failure(2_000, "503");
        let opened = breaker.on_failure(3_000, "503: the restaurant partner is down");
        assert_eq!(
            opened,
            Some(Transition {
                from: Closed,
                to: Open,
                reason: "3 failures within 10s, the last: 503: the restaurant partner is down".to_owned(),
                failures: 3,
                opened_at: Some(3_000),
                at: 3_000,
            })
        );
        assert_eq!(breaker.changed_at(), 3_000);
        assert_eq!(breaker.failures_at(3_000), 3);
        assert_eq!(breaker.failures_at(12_500), 1, "the window slides");
    }

    #[test]
    fn a_restored_breaker_goes_on_where_it_was() {
        let record =
            BreakerRecord { state: Open, failures: vec![100, 200, 300], opened_at: Some(300), changed_at: 300 };
        let mut breaker = Breaker::restore(CONFIG, record.clone());
        assert_eq!(breaker.record(), &record);
        assert_eq!(breaker.permit(400), Permit::Refused);
        assert!(breaker.try_half_open(5_300).is_some());
        assert!(!breaker.trial_in_flight());
        assert_eq!(breaker.permit(5_400), Permit::Trial);
        assert!(breaker.trial_in_flight());
    }

    #[test]
    fn a_threshold_of_zero_means_one() {
        let config = BreakerConfig { failure_threshold: 0, ..CONFIG };
        let mut breaker = Breaker::new(config, 0);
        assert!(breaker.on_failure(1, "x").is_some());
        assert_eq!(breaker.state(), Open);
    }

    #[test]
    fn states_read_and_write_their_names() {
        for state in [Closed, Open, HalfOpen] {
            assert_eq!(state.as_str().parse(), Ok(state));
            assert_eq!(serde_json::to_value(state).ok(), Some(serde_json::Value::from(state.as_str())));
        }
        assert!("HALF-OPEN".parse::<CircuitState>().is_err());
    }

    #[test]
    fn settings_become_milliseconds() {
        let config = BreakerConfig::from(&CircuitSettings::default());
        assert_eq!(config, BreakerConfig { failure_threshold: 3, window_ms: 30_000, cool_down_ms: 5_000 });
    }
}
