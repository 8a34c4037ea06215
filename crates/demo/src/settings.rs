//! How the demo is set up: rates, time-outs and thresholds a presenter or a
//! test may change.

use std::time::Duration;

/// Settings of the demo system.
#[derive(Debug, Clone)]
pub struct DemoSettings {
    /// Orders the traffic generator places per second through GraphQL (0: none).
    pub orders_per_sec: f64,
    /// The restaurant partner simulator.
    pub partner: PartnerSettings,
    /// The circuit breaker around the partner API.
    pub circuit: CircuitSettings,
    /// The `AskRestaurant` task of the `order-fulfilment` workflow.
    pub restaurant_wait: RestaurantWait,
    /// Port of the notification provider simulator (0: any free one).
    pub notifications_port: u16,
    /// How long a courier takes from pickup to the door.
    pub courier_ride: Duration,
}

impl Default for DemoSettings {
    fn default() -> Self {
        Self {
            orders_per_sec: 0.0,
            partner: PartnerSettings::default(),
            circuit: CircuitSettings::default(),
            restaurant_wait: RestaurantWait::default(),
            notifications_port: 0,
            courier_ride: Duration::from_millis(300),
        }
    }
}

/// The simulated restaurant partner.
#[derive(Debug, Clone)]
pub struct PartnerSettings {
    /// Port of its HTTP server (0: any free one).
    pub port: u16,
    /// How long after accepting an order the partner calls back.
    pub answers_after: Duration,
    /// How long the dispatcher waits for the partner before giving up
    /// (the same 5 s an API destination waits).
    pub call_timeout: Duration,
}

impl Default for PartnerSettings {
    fn default() -> Self {
        Self { port: 0, answers_after: Duration::from_millis(400), call_timeout: Duration::from_secs(5) }
    }
}

/// When the circuit breaker opens and how it heals.
#[derive(Debug, Clone)]
pub struct CircuitSettings {
    /// Failures within [`CircuitSettings::window`] that open the circuit.
    pub failure_threshold: u32,
    /// The sliding window failures are counted in.
    pub window: Duration,
    /// How long an open circuit stays open before a trial (HALF_OPEN).
    pub cool_down: Duration,
    /// How often the health check probes the partner.
    pub health_check_every: Duration,
}

impl Default for CircuitSettings {
    fn default() -> Self {
        Self {
            failure_threshold: 3,
            window: Duration::from_secs(30),
            cool_down: Duration::from_secs(5),
            health_check_every: Duration::from_secs(1),
        }
    }
}

/// Heartbeat and time-out of the workflow's wait for the restaurant. They
/// replace the values in `assets/demo/order-fulfilment.asl.json` when the
/// state machine is created.
#[derive(Debug, Clone, Copy)]
pub struct RestaurantWait {
    /// `HeartbeatSeconds` of `AskRestaurant`.
    pub heartbeat_seconds: u64,
    /// `TimeoutSeconds` of `AskRestaurant`.
    pub timeout_seconds: u64,
}

impl Default for RestaurantWait {
    fn default() -> Self {
        Self { heartbeat_seconds: 120, timeout_seconds: 300 }
    }
}
