//! Task resources: which service integration a `Resource` ARN names and with
//! which integration pattern, so the caller knows what to run and the
//! history shows AWS's `resourceType`/`resource`.

use serde::{Deserialize, Serialize};
use serde_json::Value;

/// How Step Functions waits for a service integration.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum IntegrationPattern {
    /// Call the service and go on with its response.
    RequestResponse,
    /// `.sync` (or `.sync:2`): wait for the job the call started.
    Sync,
    /// `.waitForTaskToken`: wait for SendTaskSuccess/Failure with the token.
    WaitForTaskToken,
}

/// A classified `Resource`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Resource {
    /// A Lambda function ARN used directly (history: `LambdaFunction*` events).
    LambdaFunction {
        /// The function ARN as written.
        arn: String,
    },
    /// `arn:aws:states:::SERVICE:ACTION[.pattern]` (incl. `aws-sdk:SERVICE:ACTION`).
    Service {
        /// The full ARN as written.
        arn: String,
        /// `resourceType` in the history, e.g. `sqs`, `lambda`, `aws-sdk:s3`.
        service: String,
        /// `resource` in the history, e.g. `sendMessage.waitForTaskToken`.
        action: String,
        /// The integration pattern.
        pattern: IntegrationPattern,
    },
    /// `arn:aws:states:REGION:ACCOUNT:activity:NAME`.
    Activity {
        /// The activity ARN.
        arn: String,
    },
    /// Any other ARN, or a placeholder left for a deployment tool to fill in
    /// (`${LambdaArn}`, `{"Ref": …}`): accepted by validation, not runnable.
    Other {
        /// The value as written (a string, or the placeholder object as JSON).
        text: String,
    },
}

impl Resource {
    /// Classifies a resource ARN.
    pub fn of(arn: &str) -> Resource {
        let parts: Vec<&str> = arn.splitn(6, ':').collect();
        if parts.len() == 6 && parts[0] == "arn" && parts[2] == "lambda" && parts[5].starts_with("function:") {
            return Resource::LambdaFunction { arn: arn.to_owned() };
        }
        if parts.len() == 6 && parts[0] == "arn" && parts[2] == "states" && parts[5].starts_with("activity:") {
            return Resource::Activity { arn: arn.to_owned() };
        }
        if let Some(rest) = arn.split_once(":states:::").map(|(_, rest)| rest).filter(|_| arn.starts_with("arn:")) {
            let (service, action) = match rest.strip_prefix("aws-sdk:") {
                Some(sdk) => match sdk.split_once(':') {
                    Some((service, action)) => (format!("aws-sdk:{service}"), action.to_owned()),
                    None => (String::new(), String::new()),
                },
                None => match rest.split_once(':') {
                    Some((service, action)) => (service.to_owned(), action.to_owned()),
                    None => (String::new(), String::new()),
                },
            };
            if !service.is_empty() && !action.is_empty() {
                let pattern = if action.ends_with(".waitForTaskToken") {
                    IntegrationPattern::WaitForTaskToken
                } else if action.ends_with(".sync") || action.contains(".sync:") {
                    IntegrationPattern::Sync
                } else {
                    IntegrationPattern::RequestResponse
                };
                return Resource::Service { arn: arn.to_owned(), service, action, pattern };
            }
        }
        Resource::Other { text: arn.to_owned() }
    }

    /// The integration pattern (direct Lambda and activities answer like a
    /// request-response call; activities wait for a worker).
    pub fn pattern(&self) -> IntegrationPattern {
        match self {
            Resource::Service { pattern, .. } => *pattern,
            _ => IntegrationPattern::RequestResponse,
        }
    }

    /// The ARN (or placeholder text) as written.
    pub fn arn(&self) -> &str {
        match self {
            Resource::LambdaFunction { arn } | Resource::Service { arn, .. } | Resource::Activity { arn } => arn,
            Resource::Other { text } => text,
        }
    }

    /// `resourceType` and `resource` as the history of a task shows them.
    pub fn history_names(&self) -> (String, String) {
        match self {
            Resource::Service { service, action, .. } => (service.clone(), action.clone()),
            Resource::Activity { arn } => ("activity".to_owned(), arn.clone()),
            Resource::LambdaFunction { arn } => ("lambda".to_owned(), arn.clone()),
            Resource::Other { text } => (String::new(), text.clone()),
        }
    }
}

/// Why a `Resource` value is refused, if it is.
pub(crate) fn problem(value: &Value) -> Option<String> {
    match value {
        Value::String(text) if text.starts_with("arn:") => lambda_problem(text),
        // A whole-value placeholder for a deployment tool (SAM, CDK, Terraform).
        Value::String(text) if text.starts_with("${") && text.ends_with('}') && !text[2..].contains('{') => None,
        Value::String(text) => Some(format!("Value '{text}' is not a valid resource ARN")),
        // CloudFormation intrinsics (`Ref`, `Fn::GetAtt`…), resolved at deployment.
        Value::Object(map) if map.len() == 1 && map.keys().all(|k| k == "Ref" || k.starts_with("Fn::")) => None,
        _ => Some("Expected value of type: String".to_owned()),
    }
}

/// A Lambda function ARN's qualifier, if any, must be a version or an alias.
fn lambda_problem(arn: &str) -> Option<String> {
    let parts: Vec<&str> = arn.split(':').collect();
    if parts.len() < 7 || parts[2] != "lambda" || parts[5] != "function" {
        return None;
    }
    let name_ok = !parts[6].is_empty()
        && parts[6]
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_' || c == '$' || c == '{' || c == '}');
    let qualifier_ok = match parts.get(7) {
        None => true,
        Some(q) => {
            *q == "$LATEST" || (!q.is_empty() && q.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_'))
        }
    };
    if name_ok && qualifier_ok && parts.len() <= 8 {
        None
    } else {
        Some(format!("Value '{arn}' is not a valid Lambda function ARN"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn classifies() {
        let sqs = Resource::of("arn:aws:states:::sqs:sendMessage.waitForTaskToken");
        assert_eq!(sqs.pattern(), IntegrationPattern::WaitForTaskToken);
        assert_eq!(sqs.history_names(), ("sqs".into(), "sendMessage.waitForTaskToken".into()));
        let sdk = Resource::of("arn:aws:states:::aws-sdk:s3:listObjects");
        assert_eq!(sdk.history_names(), ("aws-sdk:s3".into(), "listObjects".into()));
        assert_eq!(Resource::of("arn:aws:states:::states:startExecution.sync:2").pattern(), IntegrationPattern::Sync);
        assert!(matches!(Resource::of("arn:aws:lambda:us-east-1:1:function:f"), Resource::LambdaFunction { .. }));
        assert_eq!(Resource::of("arn:aws:states:::lambda:invoke").history_names(), ("lambda".into(), "invoke".into()));
        assert!(matches!(Resource::of("arn:aws:states:us-east-1:1:activity:a"), Resource::Activity { .. }));
    }

    #[test]
    fn validates_lambda_qualifiers() {
        assert!(lambda_problem("arn:aws:lambda:r:1:function:F:$LATEST").is_none());
        assert!(lambda_problem("arn:aws:lambda:r:1:function:F:AZaz12-_").is_none());
        assert!(lambda_problem("arn:aws:lambda:r:1:function:F:").is_some());
        assert!(lambda_problem("arn:aws:lambda:r:1:function:F:$*#$7485").is_some());
    }
}
