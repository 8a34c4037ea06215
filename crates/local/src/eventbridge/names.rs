//! Names and ARNs of EventBridge resources, and AWS's constraints on them.

use crate::protocol::AwsError;
use crate::shared::Shared;

/// The bus every account has.
pub const DEFAULT_BUS: &str = "default";

/// The bus a request names (by name or ARN), or `default` when it names none.
pub fn bus_name(requested: Option<&str>) -> &str {
    match requested {
        None | Some("") => DEFAULT_BUS,
        Some(name) => name.rsplit_once(":event-bus/").map_or(name, |(_, name)| name),
    }
}

/// `arn:aws:events:<region>:<account>:event-bus/<name>`.
pub fn bus_arn(shared: &Shared, bus: &str) -> String {
    shared.arn("events", &format!("event-bus/{bus}"))
}

/// A rule's ARN: `rule/<name>` on the default bus, `rule/<bus>/<name>` elsewhere.
pub fn rule_arn(shared: &Shared, bus: &str, rule: &str) -> String {
    if bus == DEFAULT_BUS {
        shared.arn("events", &format!("rule/{rule}"))
    } else {
        shared.arn("events", &format!("rule/{bus}/{rule}"))
    }
}

/// Checks a name against AWS's length limit and character set.
pub fn check_name(value: &str, field: &str, max_len: usize, allow_slash: bool) -> Result<(), AwsError> {
    let pattern = if allow_slash { r"[/\.\-_A-Za-z0-9]+" } else { r"[\.\-_A-Za-z0-9]+" };
    let allowed = |c: char| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_') || (allow_slash && c == '/');
    if value.is_empty() || !value.chars().all(allowed) {
        return Err(AwsError::constraint(
            value,
            field,
            &format!("Member must satisfy regular expression pattern: {pattern}"),
        ));
    }
    if value.chars().count() > max_len {
        return Err(AwsError::constraint(
            value,
            field,
            &format!("Member must have length less than or equal to {max_len}"),
        ));
    }
    Ok(())
}

/// `Event bus <name> does not exist.`
pub fn no_such_bus(bus: &str) -> AwsError {
    AwsError::not_found(format!("Event bus {bus} does not exist."))
}

/// `Rule <name> does not exist on EventBus <bus>.`
pub fn no_such_rule(bus: &str, rule: &str) -> AwsError {
    AwsError::not_found(format!("Rule {rule} does not exist on EventBus {bus}."))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bus_is_named_by_name_or_arn() {
        assert_eq!(bus_name(None), "default");
        assert_eq!(bus_name(Some("orders")), "orders");
        assert_eq!(bus_name(Some("arn:aws:events:us-east-1:123456789012:event-bus/orders")), "orders");
    }

    #[test]
    fn names_are_checked_like_aws() {
        assert!(check_name("orders-v1.2_x", "name", 64, false).is_ok());
        let error = check_name("!@#$@!#$", "targets.1.member.id", 64, false).expect_err("bad chars");
        assert_eq!(
            error.message,
            r"1 validation error detected: Value '!@#$@!#$' at 'targets.1.member.id' failed to satisfy constraint: Member must satisfy regular expression pattern: [\.\-_A-Za-z0-9]+"
        );
        let long = "x".repeat(65);
        let error = check_name(&long, "name", 64, false).expect_err("too long");
        assert!(error.message.ends_with("Member must have length less than or equal to 64"));
        assert!(check_name("a/b", "name", 256, true).is_ok());
    }
}
