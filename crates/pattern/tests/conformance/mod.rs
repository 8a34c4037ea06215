//! Reading the conformance data in `../shared/conformance/eventbridge/`,
//! beside the repository (never copied into it).

use std::path::PathBuf;

use serde_json::Value;

/// The path of a conformance file.
pub fn data(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/conformance/eventbridge").join(name)
}

/// A conformance file, parsed.
pub fn read(name: &str) -> Value {
    let path = data(name);
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}
