//! The faults a presenter injects into the simulated partners: the restaurant
//! partner down, slow, flaky, rejecting or silent; the notification provider
//! down.
//!
//! [`Faults`] is shared by the simulators, which read it on every request, and
//! by [`router`], the `/_choreoscope/faults` endpoint the dashboard and the
//! command line change it through.

use std::fmt;
use std::str::FromStr;
use std::sync::{Arc, PoisonError, RwLock};

use axum::Json;
use axum::Router;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_json::json;

/// The path of the faults endpoint.
pub const PATH: &str = "/_choreoscope/faults";

/// How the simulated restaurant partner misbehaves.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum PartnerFault {
    /// Answers as it should.
    #[default]
    Healthy,
    /// Answers 503 on every endpoint.
    Down,
    /// Answers only after 6 s, past the callers' 5 s time-out.
    Slow,
    /// Answers 500 to this percentage (0..=100) of requests.
    Flaky(u8),
    /// Refuses every order with 422 (its health check still answers 200).
    Rejecting,
    /// Accepts orders but never calls back.
    Silent,
}

/// How the simulated customer-notification provider misbehaves.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum NotificationsFault {
    /// Accepts notifications.
    #[default]
    Healthy,
    /// Answers 503.
    Down,
}

/// A fault that could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct FaultParseError(String);

impl fmt::Display for PartnerFault {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Healthy => f.write_str("healthy"),
            Self::Down => f.write_str("down"),
            Self::Slow => f.write_str("slow"),
            Self::Flaky(percent) => write!(f, "flaky={percent}"),
            Self::Rejecting => f.write_str("rejecting"),
            Self::Silent => f.write_str("silent"),
        }
    }
}

impl FromStr for PartnerFault {
    type Err = FaultParseError;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let word = text.trim().to_ascii_lowercase();
        match word.as_str() {
            "healthy" => return Ok(Self::Healthy),
            "down" => return Ok(Self::Down),
            "slow" => return Ok(Self::Slow),
            "rejecting" => return Ok(Self::Rejecting),
            "silent" => return Ok(Self::Silent),
            "flaky" => {
                return Err(FaultParseError(
                    "partner fault 'flaky' needs the percentage of requests that fail: flaky=<percent>, e.g. flaky=30"
                        .to_owned(),
                ));
            }
            _ => {}
        }
        if let Some(percent) = word.strip_prefix("flaky=") {
            return match percent.trim().parse::<u8>() {
                Ok(percent) if percent <= 100 => Ok(Self::Flaky(percent)),
                _ => Err(FaultParseError(format!(
                    "partner fault '{}': the percentage must be a whole number from 0 to 100",
                    text.trim()
                ))),
            };
        }
        Err(FaultParseError(format!(
            "unknown partner fault '{}': use healthy, down, slow, flaky=<percent>, rejecting or silent",
            text.trim()
        )))
    }
}

impl fmt::Display for NotificationsFault {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Healthy => f.write_str("healthy"),
            Self::Down => f.write_str("down"),
        }
    }
}

impl FromStr for NotificationsFault {
    type Err = FaultParseError;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        match text.trim().to_ascii_lowercase().as_str() {
            "healthy" => Ok(Self::Healthy),
            "down" => Ok(Self::Down),
            _ => Err(FaultParseError(format!("unknown notifications fault '{}': use healthy or down", text.trim()))),
        }
    }
}

/// Both faults serialise as their words (`"flaky=30"`), as the endpoint and
/// the command line write them.
macro_rules! serde_as_words {
    ($fault:ty) => {
        impl Serialize for $fault {
            fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.collect_str(self)
            }
        }

        impl<'de> Deserialize<'de> for $fault {
            fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                let text = String::deserialize(deserializer)?;
                text.parse().map_err(serde::de::Error::custom)
            }
        }
    };
}

serde_as_words!(PartnerFault);
serde_as_words!(NotificationsFault);

/// The faults in force at one moment: `{"partner": "flaky=30", "notifications": "healthy"}`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct FaultsSnapshot {
    /// The restaurant partner's fault.
    pub partner: PartnerFault,
    /// The notification provider's fault.
    pub notifications: NotificationsFault,
}

/// The faults in force, shared by the simulators and the faults endpoint.
/// Cheap to clone; every clone sees the same faults.
#[derive(Debug, Clone, Default)]
pub struct Faults {
    // A std lock: it is held only to copy a small value, never across an await.
    inner: Arc<RwLock<FaultsSnapshot>>,
}

impl Faults {
    /// The restaurant partner's fault.
    pub fn partner(&self) -> PartnerFault {
        self.snapshot().partner
    }

    /// Changes the restaurant partner's fault.
    pub fn set_partner(&self, fault: PartnerFault) {
        let previous = std::mem::replace(&mut self.write().partner, fault);
        if previous != fault {
            tracing::info!(%previous, fault = %fault, "partner fault changed");
        }
    }

    /// The notification provider's fault.
    pub fn notifications(&self) -> NotificationsFault {
        self.snapshot().notifications
    }

    /// Changes the notification provider's fault.
    pub fn set_notifications(&self, fault: NotificationsFault) {
        let previous = std::mem::replace(&mut self.write().notifications, fault);
        if previous != fault {
            tracing::info!(%previous, fault = %fault, "notifications fault changed");
        }
    }

    /// Both faults as they are now.
    pub fn snapshot(&self) -> FaultsSnapshot {
        // A poisoned lock still holds a valid value: it is plain data.
        *self.inner.read().unwrap_or_else(PoisonError::into_inner)
    }

    fn write(&self) -> std::sync::RwLockWriteGuard<'_, FaultsSnapshot> {
        self.inner.write().unwrap_or_else(PoisonError::into_inner)
    }
}

/// `GET /_choreoscope/faults` answers the faults in force; `POST` with
/// `{"partner": "down"}` and/or `{"notifications": "down"}` changes them and
/// answers the new ones. A bad request answers 400 `{"message": "..."}`.
pub fn router(faults: Faults) -> Router {
    Router::new().route(PATH, get(get_faults).post(post_faults)).with_state(faults)
}

async fn get_faults(State(faults): State<Faults>) -> Json<FaultsSnapshot> {
    Json(faults.snapshot())
}

/// The body of a POST: either field may be left out.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct FaultsUpdate {
    partner: Option<String>,
    notifications: Option<String>,
}

async fn post_faults(State(faults): State<Faults>, body: Bytes) -> Response {
    match parse_update(&body) {
        Ok((partner, notifications)) => {
            // Both were checked before either is set, so a bad one changes nothing.
            if let Some(fault) = partner {
                faults.set_partner(fault);
            }
            if let Some(fault) = notifications {
                faults.set_notifications(fault);
            }
            Json(faults.snapshot()).into_response()
        }
        Err(message) => (StatusCode::BAD_REQUEST, Json(json!({ "message": message }))).into_response(),
    }
}

type Update = (Option<PartnerFault>, Option<NotificationsFault>);

fn parse_update(body: &[u8]) -> Result<Update, String> {
    let update: FaultsUpdate = serde_json::from_slice(body).map_err(|error| {
        format!("the body must be JSON like {{\"partner\": \"down\"}} or {{\"notifications\": \"down\"}}: {error}")
    })?;
    if update.partner.is_none() && update.notifications.is_none() {
        return Err("give \"partner\" and/or \"notifications\", e.g. {\"partner\": \"flaky=30\"}".to_owned());
    }
    let partner = update.partner.as_deref().map(str::parse).transpose().map_err(|error: FaultParseError| error.0)?;
    let notifications =
        update.notifications.as_deref().map(str::parse).transpose().map_err(|error: FaultParseError| error.0)?;
    Ok((partner, notifications))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn partner_faults_read_and_write_their_words() {
        let cases = [
            ("healthy", PartnerFault::Healthy),
            ("down", PartnerFault::Down),
            ("slow", PartnerFault::Slow),
            ("flaky=30", PartnerFault::Flaky(30)),
            ("flaky=0", PartnerFault::Flaky(0)),
            ("flaky=100", PartnerFault::Flaky(100)),
            ("rejecting", PartnerFault::Rejecting),
            ("silent", PartnerFault::Silent),
        ];
        for (word, fault) in cases {
            assert_eq!(word.parse::<PartnerFault>(), Ok(fault), "{word}");
            assert_eq!(fault.to_string(), word);
        }
        assert_eq!(" Down ".parse::<PartnerFault>(), Ok(PartnerFault::Down));
    }

    #[test]
    fn bad_partner_faults_say_what_is_wrong() {
        let error = "x".parse::<PartnerFault>().err().map(|error| error.to_string());
        assert_eq!(
            error.as_deref(),
            Some("unknown partner fault 'x': use healthy, down, slow, flaky=<percent>, rejecting or silent")
        );
        for bad in ["flaky=101", "flaky=-1", "flaky=abc", "flaky="] {
            let message = bad.parse::<PartnerFault>().err().map(|error| error.to_string()).unwrap_or_default();
            assert!(message.contains("from 0 to 100"), "{bad}: {message}");
        }
        let message = "flaky".parse::<PartnerFault>().err().map(|error| error.to_string()).unwrap_or_default();
        assert!(message.contains("flaky=<percent>"), "{message}");
    }

    #[test]
    fn notifications_faults_read_and_write_their_words() {
        assert_eq!("healthy".parse(), Ok(NotificationsFault::Healthy));
        assert_eq!("down".parse(), Ok(NotificationsFault::Down));
        assert_eq!(NotificationsFault::Down.to_string(), "down");
        let message = "slow".parse::<NotificationsFault>().err().map(|error| error.to_string());
        assert_eq!(message.as_deref(), Some("unknown notifications fault 'slow': use healthy or down"));
    }

    #[test]
    fn snapshots_serialise_as_words() {
        let faults = Faults::default();
        faults.set_partner(PartnerFault::Flaky(30));
        let json = serde_json::to_value(faults.snapshot()).unwrap_or_default();
        assert_eq!(json, json!({"partner": "flaky=30", "notifications": "healthy"}));
        let back: Option<FaultsSnapshot> = serde_json::from_value(json).ok();
        assert_eq!(back, Some(faults.snapshot()));
    }

    #[test]
    fn clones_share_the_faults() {
        let faults = Faults::default();
        let clone = faults.clone();
        clone.set_partner(PartnerFault::Down);
        clone.set_notifications(NotificationsFault::Down);
        assert_eq!(faults.partner(), PartnerFault::Down);
        assert_eq!(faults.notifications(), NotificationsFault::Down);
    }

    #[test]
    fn updates_are_checked_before_anything_changes() {
        assert_eq!(parse_update(br#"{"partner": "down"}"#), Ok((Some(PartnerFault::Down), None)));
        assert_eq!(
            parse_update(br#"{"partner": "flaky=5", "notifications": "down"}"#),
            Ok((Some(PartnerFault::Flaky(5)), Some(NotificationsFault::Down)))
        );
        assert!(parse_update(br#"{"partner": "down", "notifications": "sideways"}"#).is_err());
        assert!(parse_update(b"{}").is_err());
        assert!(parse_update(b"not json").is_err());
        let unknown = parse_update(br#"{"partnr": "down"}"#).err().unwrap_or_default();
        assert!(unknown.contains("partnr"), "{unknown}");
    }

    #[tokio::test]
    async fn the_endpoint_reads_and_changes_faults() -> Result<(), Box<dyn std::error::Error>> {
        let faults = Faults::default();
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
        let url = format!("http://{}{PATH}", listener.local_addr()?);
        let server = tokio::spawn(axum::serve(listener, router(faults.clone())).into_future());
        let client = reqwest::Client::new();

        let now: serde_json::Value = client.get(&url).send().await?.json().await?;
        assert_eq!(now, json!({"partner": "healthy", "notifications": "healthy"}));

        let response = client.post(&url).json(&json!({"partner": "flaky=30"})).send().await?;
        assert_eq!(response.status(), 200);
        let now: serde_json::Value = response.json().await?;
        assert_eq!(now, json!({"partner": "flaky=30", "notifications": "healthy"}));
        assert_eq!(faults.partner(), PartnerFault::Flaky(30));

        let response = client.post(&url).json(&json!({"notifications": "down"})).send().await?;
        let now: serde_json::Value = response.json().await?;
        assert_eq!(now, json!({"partner": "flaky=30", "notifications": "down"}));

        let response = client.post(&url).json(&json!({"partner": "x"})).send().await?;
        assert_eq!(response.status(), 400);
        let error: serde_json::Value = response.json().await?;
        assert_eq!(
            error["message"],
            "unknown partner fault 'x': use healthy, down, slow, flaky=<percent>, rejecting or silent"
        );
        let response = client.post(&url).body("{").send().await?;
        assert_eq!(response.status(), 400);
        assert_eq!(faults.partner(), PartnerFault::Flaky(30));
        server.abort();
        Ok(())
    }
}
