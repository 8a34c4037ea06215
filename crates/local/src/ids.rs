//! Ids of rows written at a high rate: UUIDs that sort by creation time.
//!
//! Event ids and SQS message ids are indexed. Random (version 4) ids land
//! all over their index, so each commit dirties, and writes to the WAL, one
//! index page per id; ids that grow with time (version 7: milliseconds,
//! then a sequence, then random bits) all land at the end of the index, on
//! a page or two per commit. They are still UUIDs, as AWS's are; their
//! random part tells ids of the same millisecond apart (they are names, not
//! secrets).

use std::cell::Cell;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{SystemTime, UNIX_EPOCH};

/// The last id's milliseconds and sequence (`ms << 12 | sequence`), so that
/// ids made in the same millisecond still grow.
static LAST: AtomicU64 = AtomicU64::new(0);

/// A new time-ordered UUID (version 7), in its hyphenated form.
pub fn time_ordered() -> String {
    let now_ms = SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |elapsed| elapsed.as_millis() as u64);
    let stamp = match LAST.fetch_update(Ordering::Relaxed, Ordering::Relaxed, |last| Some(next(last, now_ms))) {
        Ok(last) | Err(last) => next(last, now_ms),
    };
    let mut counter_random = [0_u8; 10];
    // 12 bits of sequence (the builder puts the version in the 4 bits
    // above them), then random bits.
    counter_random[0] = ((stamp >> 8) & 0x0f) as u8;
    counter_random[1] = stamp as u8;
    counter_random[2..].copy_from_slice(&random_u64().to_le_bytes());
    uuid::Builder::from_unix_timestamp_millis(stamp >> 12, &counter_random).into_uuid().to_string()
}

thread_local! {
    /// The state of this thread's generator of random bits, seeded from the
    /// system's generator: one system call per thread, not one per id.
    static STATE: Cell<u64> = Cell::new(uuid::Uuid::new_v4().as_u64_pair().0);
}

/// 64 random bits (splitmix64 over the thread's state).
fn random_u64() -> u64 {
    STATE.with(|state| {
        let next = state.get().wrapping_add(0x9e37_79b9_7f4a_7c15);
        state.set(next);
        let mut z = next;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    })
}

/// The stamp after `last` at `now_ms`: the next sequence number of the same
/// (or a later) millisecond, never going back.
fn next(last: u64, now_ms: u64) -> u64 {
    (now_ms << 12).max(last + 1)
}

#[cfg(test)]
mod tests {
    use super::time_ordered;

    #[test]
    fn ids_are_uuids_that_grow() {
        let ids: Vec<String> = (0..10_000).map(|_| time_ordered()).collect();
        for pair in ids.windows(2) {
            assert!(pair[0] < pair[1], "{} then {}", pair[0], pair[1]);
        }
        let id = uuid::Uuid::parse_str(&ids[0]).expect("a UUID");
        assert_eq!(id.get_version_num(), 7);
        assert_eq!(ids[0].len(), 36);
    }
}
