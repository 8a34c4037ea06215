//! Where a log event sits in the order CloudWatch Logs returns events in,
//! and the ids and paging tokens made from it.
//!
//! Events are returned by timestamp, then by arrival (the store's `seq`), so
//! `(timestamp, seq)` places every event. AWS writes event ids as 56 digits,
//! and GetLogEvents tokens as `f/<56 digits>/s` or `b/<56 digits>/s`; the
//! local ids are the timestamp in 20 digits followed by `seq` in 36, which
//! keeps that shape and sorts like the events do.

/// An event's place: its timestamp, then its arrival.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(super) struct EventKey {
    /// Milliseconds since the epoch (never negative: PutLogEvents refuses it).
    pub timestamp_ms: i64,
    /// The store's arrival order.
    pub seq: i64,
}

impl EventKey {
    /// Before every event.
    pub const START: Self = Self { timestamp_ms: 0, seq: 0 };

    /// The key of an event.
    pub fn new(timestamp_ms: i64, seq: i64) -> Self {
        Self { timestamp_ms, seq }
    }

    /// The 56-digit id AWS-style (`eventId`, and the digits of tokens).
    pub fn id(self) -> String {
        format!("{:020}{:036}", self.timestamp_ms.max(0), self.seq.max(0))
    }

    /// Reads an id written by [`EventKey::id`].
    pub fn parse_id(id: &str) -> Option<Self> {
        if id.len() != 56 || !id.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        let (timestamp, seq) = id.split_at(20);
        Some(Self { timestamp_ms: timestamp.parse().ok()?, seq: seq.parse().ok()? })
    }

    /// The next place after this one: events after it are at or after the
    /// event that follows this key.
    pub fn next(self) -> Self {
        Self { seq: self.seq.saturating_add(1), ..self }
    }

    /// The place just before this one.
    pub fn previous(self) -> Self {
        if self.seq > 0 {
            Self { seq: self.seq - 1, ..self }
        } else if self.timestamp_ms > 0 {
            Self { timestamp_ms: self.timestamp_ms - 1, seq: i64::MAX }
        } else {
            Self::START
        }
    }
}

/// Which way a GetLogEvents token reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Direction {
    /// `f/…`: the events after the key.
    Forward,
    /// `b/…`: the events before the key.
    Backward,
}

/// A GetLogEvents token: a direction and a boundary between events.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Token {
    /// Which way it reads.
    pub direction: Direction,
    /// The boundary: forward tokens read events after it, backward ones
    /// events before it.
    pub key: EventKey,
}

impl Token {
    /// `f/<id>/s` or `b/<id>/s`, the shape AWS returns today.
    pub fn render(self) -> String {
        let prefix = match self.direction {
            Direction::Forward => 'f',
            Direction::Backward => 'b',
        };
        format!("{prefix}/{}/s", self.key.id())
    }

    /// Reads a token; AWS's older tokens had no `/s`, so both are taken.
    pub fn parse(text: &str) -> Option<Self> {
        let (direction, rest) = match text.split_once('/')? {
            ("f", rest) => (Direction::Forward, rest),
            ("b", rest) => (Direction::Backward, rest),
            _ => return None,
        };
        let id = rest.strip_suffix("/s").unwrap_or(rest);
        Some(Self { direction, key: EventKey::parse_id(id)? })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_have_aws_length_and_sort_like_events() {
        let a = EventKey::new(1_795_000_000_000, 7);
        let b = EventKey::new(1_795_000_000_000, 12);
        let c = EventKey::new(1_795_000_000_001, 1);
        assert_eq!(a.id().len(), 56);
        assert!(a.id() < b.id() && b.id() < c.id());
        assert_eq!(EventKey::parse_id(&b.id()), Some(b));
        assert_eq!(EventKey::parse_id("12"), None);
        assert_eq!(EventKey::parse_id(&"x".repeat(56)), None);
    }

    #[test]
    fn tokens_round_trip_with_or_without_the_suffix() {
        let token = Token { direction: Direction::Backward, key: EventKey::new(5, 9) };
        let text = token.render();
        assert!(text.starts_with("b/") && text.ends_with("/s"), "{text}");
        assert_eq!(Token::parse(&text), Some(token));
        assert_eq!(Token::parse(text.trim_end_matches("/s")), Some(token));
        assert_eq!(Token::parse("invalid-token"), None);
        assert_eq!(Token::parse("x/00000000000000000000000000000000000000000000000000000000"), None);
    }

    #[test]
    fn neighbours_bracket_a_key() {
        let key = EventKey::new(10, 0);
        assert!(key.previous() < key && key < key.next());
        assert_eq!(EventKey::START.previous(), EventKey::START);
        assert_eq!(EventKey::new(10, 3).previous(), EventKey::new(10, 2));
    }
}

/// The top-level string `event_id` of a JSON log message (a bus-log
/// record), which the store indexes; `None` for anything else.
pub fn event_id_of(message: &str) -> Option<String> {
    #[derive(serde::Deserialize)]
    struct Keyed {
        event_id: Option<serde_json::Value>,
    }
    // Most messages are not bus-log records: skip parsing them.
    if !message.trim_start().starts_with('{') || !message.contains("\"event_id\"") {
        return None;
    }
    match serde_json::from_str::<Keyed>(message).ok()?.event_id? {
        serde_json::Value::String(id) => Some(id),
        _ => None,
    }
}

#[cfg(test)]
mod event_id_tests {
    use super::event_id_of;

    #[test]
    fn only_a_top_level_string_event_id_is_a_key() {
        assert_eq!(event_id_of(r#"{"event_id": "e-1", "details": {}}"#).as_deref(), Some("e-1"));
        assert_eq!(event_id_of(r#"{"details": {"event_id": "e-1"}}"#), None);
        assert_eq!(event_id_of(r#"{"event_id": 7}"#), None);
        assert_eq!(event_id_of("event_id e-1"), None);
        assert_eq!(event_id_of(r#"{"event_id": "e-1""#), None);
    }
}
