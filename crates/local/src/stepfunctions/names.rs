//! Names, ARNs and page tokens of state machines and executions, and the
//! limits AWS puts on them.

use super::errors;
use crate::protocol::AwsError;
use crate::shared::Shared;

/// The default page size of the List operations and GetExecutionHistory.
const DEFAULT_PAGE: usize = 100;
/// The largest page size they take.
const MAX_PAGE: i64 = 1000;

/// Checks a state machine or execution name: 1 to 80 characters, none of
/// whitespace, `<>{}[]?*"#%\^|~`$&,;:/` or control characters.
pub fn check_name(name: &str) -> Result<(), AwsError> {
    let forbidden = |c: char| {
        c.is_whitespace()
            || c.is_control()
            || ('\u{7f}'..='\u{9f}').contains(&c)
            || "<>{}[]?*\"#%\\^|~`$&,;:/".contains(c)
    };
    if name.is_empty() || name.chars().count() > 80 || name.chars().any(forbidden) {
        return Err(errors::invalid_name(name));
    }
    Ok(())
}

/// `arn:aws:states:<region>:<account>:stateMachine:<name>`.
pub fn machine_arn(shared: &Shared, name: &str) -> String {
    shared.arn("states", &format!("stateMachine:{name}"))
}

/// `arn:aws:states:<region>:<account>:execution:<machine>:<name>`.
pub fn execution_arn(shared: &Shared, machine: &str, name: &str) -> String {
    shared.arn("states", &format!("execution:{machine}:{name}"))
}

/// The parts of a Step Functions ARN after the account: `[kind, names...]`.
fn resource_parts(arn: &str) -> Option<Vec<&str>> {
    let parts: Vec<&str> = arn.split(':').collect();
    (parts.len() >= 7 && parts[0] == "arn" && parts[2] == "states" && parts[6..].iter().all(|p| !p.is_empty()))
        .then(|| parts[5..].to_vec())
}

/// The name of the state machine an ARN names, or `InvalidArn`.
pub fn machine_of_arn(arn: &str) -> Result<&str, AwsError> {
    match resource_parts(arn).as_deref() {
        Some(["stateMachine", name]) => Ok(name),
        _ => Err(errors::invalid_arn(arn)),
    }
}

/// Checks that an ARN names an execution, or answers `InvalidArn`.
pub fn check_execution_arn(arn: &str) -> Result<(), AwsError> {
    match resource_parts(arn).as_deref() {
        Some(["execution", _, _]) => Ok(()),
        _ => Err(errors::invalid_arn(arn)),
    }
}

/// Checks a role ARN (`arn:aws:iam::<account>:role/<name>`).
pub fn check_role_arn(arn: &str) -> Result<(), AwsError> {
    let parts: Vec<&str> = arn.splitn(6, ':').collect();
    match parts.as_slice() {
        ["arn", _, "iam", "", account, role]
            if account.len() == 12 && account.chars().all(|c| c.is_ascii_digit()) && role.len() > 5 =>
        {
            if role.starts_with("role/") { Ok(()) } else { Err(errors::invalid_role_arn(arn)) }
        }
        _ => Err(errors::invalid_role_arn(arn)),
    }
}

/// The page size `maxResults` asks for: 0 or none means 100; at most 1000.
pub fn page_size(max_results: Option<i64>) -> Result<usize, AwsError> {
    match max_results {
        None | Some(0) => Ok(DEFAULT_PAGE),
        Some(n) if (1..=MAX_PAGE).contains(&n) => Ok(n as usize),
        Some(n) if n < 0 => {
            Err(AwsError::constraint(&n.to_string(), "maxResults", "Member must have value greater than or equal to 0"))
        }
        Some(n) => Err(AwsError::constraint(
            &n.to_string(),
            "maxResults",
            &format!("Member must have value less than or equal to {MAX_PAGE}"),
        )),
    }
}

/// A page token: the position to go on from, hex-encoded so it reads as
/// opaque and a token that is not ours is told apart.
pub fn page_token(position: &str) -> String {
    let hex: String = position.bytes().map(|b| format!("{b:02x}")).collect();
    format!("sfn1{hex}")
}

/// The position a page token carries, or `InvalidToken`.
pub fn read_page_token(token: &str) -> Result<String, AwsError> {
    let hex = token.strip_prefix("sfn1").filter(|h| h.len() % 2 == 0).ok_or_else(errors::invalid_token)?;
    let bytes: Option<Vec<u8>> =
        (0..hex.len()).step_by(2).map(|i| hex.get(i..i + 2).and_then(|b| u8::from_str_radix(b, 16).ok())).collect();
    bytes.and_then(|b| String::from_utf8(b).ok()).ok_or_else(errors::invalid_token)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_follow_aws_rules() {
        assert!(check_name("order-fulfilment_v2.1").is_ok());
        for bad in ["", "has space", "a/b", "a:b", "a$b", "x\u{7}", &"n".repeat(81)] {
            assert_eq!(check_name(bad).expect_err(bad).code, "InvalidName", "{bad:?}");
        }
    }

    #[test]
    fn arns_are_checked_for_their_kind() {
        assert_eq!(machine_of_arn("arn:aws:states:us-east-1:123456789012:stateMachine:m").ok(), Some("m"));
        let error = machine_of_arn("arn:aws:states:us-east-1:123456789012:execution:m:e").expect_err("execution");
        assert_eq!(error.message, "Invalid Arn: 'Resource type not valid in this context: execution'");
        assert_eq!(machine_of_arn("nope").expect_err("nope").message, "Invalid Arn: 'Invalid ARN prefix: nope'");
        assert!(check_execution_arn("arn:aws:states:us-east-1:123456789012:execution:m:e").is_ok());
        assert!(check_role_arn("arn:aws:iam::123456789012:role/x").is_ok());
        assert!(check_role_arn("role").is_err());
    }

    #[test]
    fn page_tokens_round_trip_and_foreign_ones_are_refused() {
        assert_eq!(read_page_token(&page_token("42:x")).ok().as_deref(), Some("42:x"));
        assert_eq!(read_page_token("bogus").expect_err("bogus").code, "InvalidToken");
        assert_eq!(page_size(Some(0)).ok(), Some(100));
        assert_eq!(page_size(Some(1001)).expect_err("too big").code, "ValidationException");
    }
}
