//! Any text given as a pattern is parsed or rejected with a reason; never a panic.
#![no_main]

use choreoscope_pattern::Pattern;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|text: &str| {
    if let Err(error) = Pattern::parse(text) {
        assert!(!error.reason.is_empty());
    }
});
