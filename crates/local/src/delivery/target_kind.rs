//! What kind of resource a target ARN names, and so how it is invoked.

/// The kinds of target the local EventBridge delivers to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TargetKind<'a> {
    /// `arn:aws:lambda:…:function:<name>`: a function of the functions host.
    Function,
    /// `arn:aws:sqs:…:<queue>`.
    Queue,
    /// `arn:aws:events:…:event-bus/<name>`: another bus (cross-bus routing).
    Bus(&'a str),
    /// `arn:aws:logs:…:log-group:<name>[:*]`.
    LogGroup(&'a str),
    /// `arn:aws:events:…:api-destination/<name>/<id>`.
    ApiDestination,
    /// `arn:aws:states:…:stateMachine:<name>`.
    StateMachine,
    /// Anything else: not a target the local system can reach.
    Unsupported,
}

impl<'a> TargetKind<'a> {
    /// The kind of target `arn` names.
    pub fn of(arn: &'a str) -> Self {
        let mut parts = arn.splitn(6, ':');
        let (Some("arn"), Some(_partition), Some(service), Some(_region), Some(_account), Some(resource)) =
            (parts.next(), parts.next(), parts.next(), parts.next(), parts.next(), parts.next())
        else {
            return Self::Unsupported;
        };
        match service {
            "lambda" if resource.starts_with("function:") => Self::Function,
            "sqs" if !resource.is_empty() => Self::Queue,
            "events" => match resource.split_once('/') {
                Some(("event-bus", name)) => Self::Bus(name),
                Some(("api-destination", _)) => Self::ApiDestination,
                _ => Self::Unsupported,
            },
            "logs" => match resource.strip_prefix("log-group:") {
                Some(name) => Self::LogGroup(name.strip_suffix(":*").unwrap_or(name)),
                None => Self::Unsupported,
            },
            "states" if resource.starts_with("stateMachine:") => Self::StateMachine,
            _ => Self::Unsupported,
        }
    }

    /// The `target_type` the bus log gives it.
    pub fn target_type(self) -> &'static str {
        match self {
            Self::Function => "Lambda",
            Self::Queue => "SQS",
            Self::Bus(_) => "EventBridge",
            Self::LogGroup(_) => "CloudWatchLogs",
            Self::ApiDestination => "ApiDestination",
            Self::StateMachine => "StepFunctions",
            Self::Unsupported => "Unknown",
        }
    }

    /// The service an error came from (`aws_service` of the bus log's `error`).
    pub fn aws_service(self) -> &'static str {
        match self {
            Self::Function => "lambda",
            Self::Queue => "sqs",
            Self::Bus(_) | Self::ApiDestination | Self::Unsupported => "events",
            Self::LogGroup(_) => "logs",
            Self::StateMachine => "states",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::TargetKind::{self, *};

    #[test]
    fn arns_name_their_kind() {
        let cases = [
            ("arn:aws:lambda:us-east-1:123456789012:function:pay", Function),
            ("arn:aws:sqs:us-east-1:123456789012:orders", Queue),
            ("arn:aws:events:us-east-1:123456789012:event-bus/partners", Bus("partners")),
            ("arn:aws:logs:us-east-1:123456789012:log-group:/orders/audit:*", LogGroup("/orders/audit")),
            ("arn:aws:logs:us-east-1:123456789012:log-group:audit", LogGroup("audit")),
            ("arn:aws:events:us-east-1:123456789012:api-destination/notify/4f1a", ApiDestination),
            ("arn:aws:states:us-east-1:123456789012:stateMachine:order-fulfilment", StateMachine),
            ("arn:aws:sns:us-east-1:123456789012:topic", Unsupported),
            ("not an arn", Unsupported),
        ];
        for (arn, kind) in cases {
            assert_eq!(TargetKind::of(arn), kind, "{arn}");
        }
    }
}
