//! Where executions get their ids, task tokens and random numbers: the
//! operating system's randomness, through `uuid` v4.

use choreoscope_asl::Entropy;

/// Task tokens start with this, so a token that is not ours is told apart
/// (`InvalidToken`) from one of ours whose task is gone.
const TOKEN_PREFIX: &str = "CSL1";
/// Three UUIDs' worth of hex digits: 366 random bits.
const TOKEN_HEX_LEN: usize = 96;

/// An [`Entropy`] of fresh random UUIDs: task tokens are long and
/// unguessable, `States.UUID` gives real version 4 UUIDs.
#[derive(Debug, Default, Clone, Copy)]
pub struct UuidEntropy;

impl Entropy for UuidEntropy {
    fn uuid(&mut self) -> String {
        uuid::Uuid::new_v4().to_string()
    }

    fn next_u64(&mut self) -> u64 {
        uuid::Uuid::new_v4().as_u64_pair().0
    }

    fn task_token(&mut self) -> String {
        let hex: String = (0..3).map(|_| uuid::Uuid::new_v4().simple().to_string()).collect();
        format!("{TOKEN_PREFIX}{hex}")
    }
}

/// Whether `token` has the shape of a task token this system issues.
pub fn is_well_formed(token: &str) -> bool {
    token.strip_prefix(TOKEN_PREFIX).is_some_and(|hex| {
        hex.len() == TOKEN_HEX_LEN && hex.bytes().all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_long_distinct_and_recognisable() {
        let mut entropy = UuidEntropy;
        let (a, b) = (entropy.task_token(), entropy.task_token());
        assert_ne!(a, b);
        assert_eq!(a.len(), 100);
        assert!(is_well_formed(&a));
        assert!(!is_well_formed("bogus"));
        assert!(!is_well_formed(&a[..99]));
        assert_eq!(entropy.uuid().len(), 36);
    }
}
