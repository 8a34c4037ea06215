//! Every definition of the asl-validator conformance set: `valid-*` accepted,
//! `invalid-*` refused with a diagnostic that names the problem and where.

use std::path::PathBuf;

use choreoscope_asl::StateMachine;

fn folder() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/conformance/stepfunctions/asl-validator")
}

#[test]
fn accepts_every_valid_and_refuses_every_invalid_definition() {
    let mut files: Vec<PathBuf> = std::fs::read_dir(folder())
        .expect("the asl-validator conformance folder")
        .map(|entry| entry.expect("a directory entry").path())
        .collect();
    files.sort();
    let mut wrong = Vec::new();
    let (mut valid, mut invalid) = (0, 0);
    for file in &files {
        let name = file.file_name().and_then(|n| n.to_str()).unwrap_or_default().to_owned();
        let text = std::fs::read_to_string(file).expect("a readable definition");
        match (name.starts_with("valid-"), StateMachine::parse(&text)) {
            (true, Ok(_)) => valid += 1,
            (true, Err(e)) => wrong.push(format!("{name}: refused: {e}")),
            (false, Ok(_)) => wrong.push(format!("{name}: accepted")),
            (false, Err(e)) => {
                invalid += 1;
                let message = e.aws_message();
                assert!(message.starts_with("Invalid State Machine Definition: '"), "{name}: {message}");
                assert!(e.diagnostics.iter().all(|d| !d.message.is_empty()), "{name}: {message}");
                println!("{name}: {message}");
            }
        }
    }
    assert!(wrong.is_empty(), "{} of {} files disagree:\n{}", wrong.len(), files.len(), wrong.join("\n"));
    assert_eq!(files.len(), 112, "the conformance set has 112 definitions");
    println!("asl-validator: {valid} valid accepted, {invalid} invalid refused, of {}", files.len());
}
