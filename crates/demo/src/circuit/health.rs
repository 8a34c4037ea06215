//! The scheduled health check of a circuit's dependency.
//!
//! Every tick: an OPEN circuit whose cool-down has passed goes HALF_OPEN and
//! the probe is its trial (success closes it, failure opens it again); a
//! CLOSED circuit is probed too, and a failed probe counts toward opening it
//! (a success changes nothing). A HALF_OPEN circuit is probed to settle it,
//! in case its trial never reported back.

use std::time::Duration;

use tokio::time::MissedTickBehavior;

use super::breaker::CircuitState;
use super::manager::Circuits;
use crate::Shutdown;
use crate::partner::PartnerClient;

/// The shortest interval between ticks, so a zero setting cannot spin.
const MIN_EVERY: Duration = Duration::from_millis(10);

/// Probes `partner` for `circuit` every `every` until `shutdown` changes to `true`.
pub async fn run(circuits: Circuits, circuit: String, partner: PartnerClient, every: Duration, shutdown: Shutdown) {
    let mut ticks = tokio::time::interval(every.max(MIN_EVERY));
    // After a slow probe, wait a full interval rather than firing a burst.
    ticks.set_missed_tick_behavior(MissedTickBehavior::Delay);
    tracing::info!(circuit, partner = partner.base_url(), every_ms = every.as_millis(), "health check started");
    loop {
        tokio::select! {
            _ = ticks.tick() => {}
            () = stopped(shutdown.clone()) => break,
        }
        tokio::select! {
            () = tick(&circuits, &circuit, &partner) => {}
            // Only a probe waits long (up to the client's time-out); the rest is quick.
            () = stopped(shutdown.clone()) => break,
        }
    }
    tracing::info!(circuit, "health check stopped");
}

/// One tick of the health check.
pub async fn tick(circuits: &Circuits, circuit: &str, partner: &PartnerClient) {
    circuits.flush(circuit).await;
    let trial = match circuits.snapshot(circuit).await.state {
        CircuitState::Closed => false,
        CircuitState::HalfOpen => true,
        CircuitState::Open => {
            if !circuits.try_half_open(circuit).await {
                return;
            }
            true
        }
    };
    match partner.health().await {
        Ok(()) if trial => circuits.record_success(circuit).await,
        Ok(()) => {}
        Err(error) => {
            tracing::debug!(circuit, %error, "health check failed");
            circuits.record_failure(circuit, &format!("health check: {error}")).await;
        }
    }
}

/// Resolves once `shutdown` is `true` (or its sender is gone).
async fn stopped(mut shutdown: Shutdown) {
    let _ = shutdown.wait_for(|stop| *stop).await;
}
