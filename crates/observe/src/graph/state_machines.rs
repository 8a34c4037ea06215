//! The resources a state machine's states use, read from its definition:
//! functions it invokes, buses it puts events on, queues it sends to and
//! state machines it starts. Only what the graph needs is read (each Task
//! state's `Resource` and a few of its `Parameters`), so this needs no ASL
//! interpreter; Parallel branches and Map processors are read too.

use choreoscope_model::EdgeKind;
use serde_json::Value;

/// One state's use of a resource.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ResourceUse {
    /// The state's name.
    pub state: String,
    /// `Invokes`, `PutsEvents`, `SendsMessage` or `StartsExecution`.
    pub kind: EdgeKind,
    /// The ARN of the resource used.
    pub arn: String,
    /// The state's `Resource`.
    pub resource: String,
    /// The integration pattern after the action, if any: `waitForTaskToken`, `sync`.
    pub pattern: Option<String>,
}

/// Partition, region and account of the state machine, for the resources
/// its definition names without an ARN (a function name, a bus name).
struct Context<'a> {
    partition: &'a str,
    region: &'a str,
    account: &'a str,
}

/// Every resource use in a definition, in definition order (branches and
/// processors after the state that holds them).
pub(crate) fn resource_uses(state_machine_arn: &str, definition: &Value) -> Vec<ResourceUse> {
    let parts: Vec<&str> = state_machine_arn.split(':').collect();
    let part = |i: usize| parts.get(i).copied().unwrap_or_default();
    let context = Context { partition: part(1), region: part(3), account: part(4) };
    let mut uses = Vec::new();
    walk(definition, &context, &mut uses);
    uses
}

fn walk(machine: &Value, context: &Context<'_>, uses: &mut Vec<ResourceUse>) {
    let Some(states) = machine.get("States").and_then(Value::as_object) else { return };
    for (name, state) in states {
        if let Some(resource) = state.get("Resource").and_then(Value::as_str) {
            // JSONata states name their parameters `Arguments`.
            let parameters = state.get("Parameters").or_else(|| state.get("Arguments")).unwrap_or(&Value::Null);
            task(name, resource, parameters, context, uses);
        }
        for branch in state.get("Branches").and_then(Value::as_array).into_iter().flatten() {
            walk(branch, context, uses);
        }
        // `Iterator` is the older name of a Map state's `ItemProcessor`.
        for key in ["ItemProcessor", "Iterator"] {
            if let Some(processor) = state.get(key) {
                walk(processor, context, uses);
            }
        }
    }
}

fn task(state: &str, resource: &str, parameters: &Value, context: &Context<'_>, uses: &mut Vec<ResourceUse>) {
    let mut push = |kind, arn: String, pattern: Option<&str>| {
        uses.push(ResourceUse {
            state: state.to_owned(),
            kind,
            arn,
            resource: resource.to_owned(),
            pattern: pattern.map(Into::into),
        });
    };
    let Some((action, pattern)) = integration(resource) else {
        // A plain function ARN is the older way to invoke a function.
        if choreoscope_model::TargetKind::from_arn(resource) == choreoscope_model::TargetKind::Function {
            push(EdgeKind::Invokes, resource.to_owned(), None);
        }
        return;
    };
    // Names given with `.$` are chosen at run time: nothing to draw.
    let text = |key: &str| parameters.get(key).and_then(Value::as_str);
    match action {
        "lambda:invoke" => {
            if let Some(name) = text("FunctionName") {
                push(EdgeKind::Invokes, function_arn(name, context), pattern);
            }
        }
        "events:putEvents" => {
            let entries = parameters.get("Entries").and_then(Value::as_array).into_iter().flatten();
            let mut buses: Vec<String> = Vec::new();
            for entry in entries {
                if entry.get("EventBusName.$").is_some() {
                    continue;
                }
                let bus = entry.get("EventBusName").and_then(Value::as_str).unwrap_or("default");
                let arn = bus_arn(bus, context);
                if !buses.contains(&arn) {
                    buses.push(arn);
                }
            }
            for arn in buses {
                push(EdgeKind::PutsEvents, arn, pattern);
            }
        }
        "sqs:sendMessage" => {
            if let Some(arn) = text("QueueUrl").and_then(|url| queue_arn(url, context)) {
                push(EdgeKind::SendsMessage, arn, pattern);
            }
        }
        "states:startExecution" => {
            if let Some(arn) = text("StateMachineArn") {
                // A version or alias ARN runs the same state machine.
                let unqualified: Vec<&str> = arn.split(':').take(7).collect();
                push(EdgeKind::StartsExecution, unqualified.join(":"), pattern);
            }
        }
        _ => {}
    }
}

/// `arn:aws:states:::lambda:invoke.waitForTaskToken` → (`lambda:invoke`,
/// `waitForTaskToken`); `…:states:startExecution.sync:2` → (…, `sync`).
fn integration(resource: &str) -> Option<(&str, Option<&str>)> {
    let parts: Vec<&str> = resource.splitn(6, ':').collect();
    let [_, _, "states", "", "", rest] = parts.as_slice() else { return None };
    Some(match rest.split_once('.') {
        Some((action, pattern)) => (action, Some(pattern.split(':').next().unwrap_or(pattern))),
        None => (rest, None),
    })
}

/// A function's ARN from a name, a partial ARN (`account:function:name`) or an ARN.
fn function_arn(name: &str, context: &Context<'_>) -> String {
    let Context { partition, region, account } = context;
    if name.starts_with("arn:") {
        name.to_owned()
    } else if name.contains(":function:") {
        format!("arn:{partition}:lambda:{region}:{name}")
    } else {
        format!("arn:{partition}:lambda:{region}:{account}:function:{name}")
    }
}

fn bus_arn(name: &str, context: &Context<'_>) -> String {
    let Context { partition, region, account } = context;
    if name.starts_with("arn:") {
        name.to_owned()
    } else {
        format!("arn:{partition}:events:{region}:{account}:event-bus/{name}")
    }
}

/// A queue's ARN from its URL (`https://sqs.<region>.amazonaws.com/<account>/<name>`;
/// the local system's URLs have the same path).
fn queue_arn(url: &str, context: &Context<'_>) -> Option<String> {
    let (host, path) = url.split_once("://").map_or(("", url), |(_, rest)| rest.split_once('/').unwrap_or((rest, "")));
    let mut segments = path.split('/').filter(|s| !s.is_empty()).rev();
    let (name, account) = (segments.next()?, segments.next()?);
    let region = host
        .strip_prefix("sqs.")
        .and_then(|h| h.split('.').next())
        .or_else(|| host.strip_suffix(".queue.amazonaws.com"))
        .unwrap_or(context.region);
    Some(format!("arn:{}:sqs:{region}:{account}:{name}", context.partition))
}

/// [`queue_arn`] for a queue URL listed by ListQueues, in the account and
/// region of `any_arn` when the URL does not tell.
pub(crate) fn queue_arn_near(url: &str, any_arn: &str) -> Option<String> {
    let parts: Vec<&str> = any_arn.split(':').collect();
    let part = |i: usize| parts.get(i).copied().unwrap_or_default();
    queue_arn(url, &Context { partition: part(1), region: part(3), account: part(4) })
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    const MACHINE: &str = "arn:aws:states:eu-west-1:123456789012:stateMachine:fulfil";

    fn uses(definition: Value) -> Vec<(String, EdgeKind, String, Option<String>)> {
        resource_uses(MACHINE, &definition).into_iter().map(|u| (u.state, u.kind, u.arn, u.pattern)).collect()
    }

    fn row(
        state: &str,
        kind: EdgeKind,
        arn: &str,
        pattern: Option<&str>,
    ) -> (String, EdgeKind, String, Option<String>) {
        (state.into(), kind, arn.into(), pattern.map(Into::into))
    }

    #[test]
    fn functions_are_found_by_arn_name_and_plain_resource() {
        let definition = json!({"StartAt": "A", "States": {
            "A": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke",
                  "Parameters": {"FunctionName": "arn:aws:lambda:eu-west-1:123456789012:function:pay"}},
            "B": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke.waitForTaskToken",
                  "Parameters": {"FunctionName": "notify", "Payload": {"token.$": "$$.Task.Token"}}},
            "C": {"Type": "Task", "Resource": "arn:aws:lambda:eu-west-1:123456789012:function:legacy"},
            "D": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke",
                  "Parameters": {"FunctionName.$": "$.fn"}},
            "E": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke",
                  "Parameters": {"FunctionName": "123456789012:function:partial"}}
        }});
        assert_eq!(
            uses(definition),
            [
                row("A", EdgeKind::Invokes, "arn:aws:lambda:eu-west-1:123456789012:function:pay", None),
                row(
                    "B",
                    EdgeKind::Invokes,
                    "arn:aws:lambda:eu-west-1:123456789012:function:notify",
                    Some("waitForTaskToken")
                ),
                row("C", EdgeKind::Invokes, "arn:aws:lambda:eu-west-1:123456789012:function:legacy", None),
                row("E", EdgeKind::Invokes, "arn:aws:lambda:eu-west-1:123456789012:function:partial", None),
            ]
        );
    }

    #[test]
    fn buses_queues_and_child_machines_are_found() {
        let definition = json!({"StartAt": "Ask", "States": {
            "Ask": {"Type": "Task", "Resource": "arn:aws:states:::events:putEvents.waitForTaskToken",
                    "Parameters": {"Entries": [
                        {"EventBusName": "food", "Detail": {}},
                        {"EventBusName": "arn:aws:events:eu-west-1:999999999999:event-bus/partner"},
                        {"Source": "no bus: the default bus"},
                        {"EventBusName.$": "$.bus"}
                    ]}},
            "Send": {"Type": "Task", "Resource": "arn:aws:states:::sqs:sendMessage",
                     "Parameters": {"QueueUrl": "https://sqs.us-east-2.amazonaws.com/123456789012/jobs"}},
            "SendLocal": {"Type": "Task", "Resource": "arn:aws:states:::sqs:sendMessage",
                          "Parameters": {"QueueUrl": "http://127.0.0.1:4599/000000000000/local"}},
            "Child": {"Type": "Task", "Resource": "arn:aws:states:::states:startExecution.sync:2",
                      "Parameters": {"StateMachineArn": "arn:aws:states:eu-west-1:123456789012:stateMachine:child:prod"}},
            "Unknown": {"Type": "Task", "Resource": "arn:aws:states:::dynamodb:putItem", "Parameters": {}}
        }});
        let bus = |name: &str| format!("arn:aws:events:eu-west-1:123456789012:event-bus/{name}");
        assert_eq!(
            uses(definition),
            [
                row("Ask", EdgeKind::PutsEvents, &bus("food"), Some("waitForTaskToken")),
                row(
                    "Ask",
                    EdgeKind::PutsEvents,
                    "arn:aws:events:eu-west-1:999999999999:event-bus/partner",
                    Some("waitForTaskToken")
                ),
                row("Ask", EdgeKind::PutsEvents, &bus("default"), Some("waitForTaskToken")),
                row("Send", EdgeKind::SendsMessage, "arn:aws:sqs:us-east-2:123456789012:jobs", None),
                row("SendLocal", EdgeKind::SendsMessage, "arn:aws:sqs:eu-west-1:000000000000:local", None),
                row(
                    "Child",
                    EdgeKind::StartsExecution,
                    "arn:aws:states:eu-west-1:123456789012:stateMachine:child",
                    Some("sync")
                ),
            ]
        );
    }

    #[test]
    fn parallel_branches_and_map_processors_are_read() {
        let invoke = |name: &str| {
            json!({"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke",
                                         "Parameters": {"FunctionName": name}, "End": true})
        };
        let definition = json!({"StartAt": "P", "States": {
            "P": {"Type": "Parallel", "Next": "M", "Branches": [
                {"StartAt": "L", "States": {"L": invoke("loyalty")}},
                {"StartAt": "D", "States": {"D": invoke("discounts")}}
            ]},
            "M": {"Type": "Map", "Next": "Old", "ItemProcessor": {"StartAt": "I", "States": {"I": invoke("item")}}},
            "Old": {"Type": "Map", "End": true, "Iterator": {"StartAt": "J", "States": {"J": {
                "Type": "Task", "Resource": "arn:aws:states:::lambda:invoke", "Arguments": {"FunctionName": "jsonata"}, "End": true}}}}
        }});
        let states: Vec<String> = uses(definition).into_iter().map(|(state, ..)| state).collect();
        assert_eq!(states, ["L", "D", "I", "J"]);
    }

    #[test]
    fn definitions_without_states_give_nothing() {
        assert!(uses(json!({})).is_empty());
        assert!(uses(json!({"States": {"A": {"Type": "Pass", "End": true}}})).is_empty());
        assert!(uses(json!("not a definition")).is_empty());
    }
}
