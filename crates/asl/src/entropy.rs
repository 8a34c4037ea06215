//! Where ids and random numbers come from: the caller, so that executions
//! replay exactly and tests are deterministic.

use crate::intrinsic::splitmix64;

/// A source of ids and random numbers, supplied by the caller.
pub trait Entropy {
    /// A fresh UUID (`xxxxxxxx-xxxx-4xxx-yxxx-xxxxxxxxxxxx`), for `States.UUID`.
    fn uuid(&mut self) -> String;
    /// A uniformly distributed number, for `States.MathRandom` and retry jitter.
    fn next_u64(&mut self) -> u64;
    /// A task token for a `.waitForTaskToken` task; a UUID unless overridden.
    fn task_token(&mut self) -> String {
        self.uuid()
    }
}

/// A deterministic [`Entropy`] from a seed (SplitMix64), for tests and replays.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct SeededEntropy {
    state: u64,
}

impl SeededEntropy {
    /// Starts from `seed`.
    pub fn new(seed: u64) -> Self {
        SeededEntropy { state: seed }
    }
}

/// Formats 128 random bits as a version 4 UUID.
pub fn uuid_from(high: u64, low: u64) -> String {
    let high = (high & 0xFFFF_FFFF_FFFF_0FFF) | 0x0000_0000_0000_4000;
    let low = (low & 0x3FFF_FFFF_FFFF_FFFF) | 0x8000_0000_0000_0000;
    format!(
        "{:08x}-{:04x}-{:04x}-{:04x}-{:012x}",
        high >> 32,
        (high >> 16) & 0xFFFF,
        high & 0xFFFF,
        low >> 48,
        low & 0xFFFF_FFFF_FFFF
    )
}

impl Entropy for SeededEntropy {
    fn uuid(&mut self) -> String {
        let (high, low) = (self.next_u64(), self.next_u64());
        uuid_from(high, low)
    }

    fn next_u64(&mut self) -> u64 {
        self.state = self.state.wrapping_add(1);
        splitmix64(self.state)
    }
}
