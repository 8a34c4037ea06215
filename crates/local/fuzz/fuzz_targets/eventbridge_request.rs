//! Any request to any EventBridge operation (PutEvents, PutTargets with
//! InputTransformer, connections, API destinations, archives, replays, ...)
//! is answered, with its result or an AWS JSON error; never a panic.
//! The first byte picks the operation, the rest is the body.
#![no_main]

mod common;

use common::Fixture;
use libfuzzer_sys::fuzz_target;
use serde_json::json;

/// Every operation `eventbridge::handle` runs.
const OPERATIONS: &[&str] = &[
    "CreateEventBus",
    "DescribeEventBus",
    "ListEventBuses",
    "UpdateEventBus",
    "DeleteEventBus",
    "PutRule",
    "DescribeRule",
    "ListRules",
    "DeleteRule",
    "EnableRule",
    "DisableRule",
    "PutTargets",
    "ListTargetsByRule",
    "RemoveTargets",
    "PutEvents",
    "TestEventPattern",
    "CreateArchive",
    "DescribeArchive",
    "ListArchives",
    "UpdateArchive",
    "DeleteArchive",
    "StartReplay",
    "DescribeReplay",
    "ListReplays",
    "CancelReplay",
    "CreateConnection",
    "DescribeConnection",
    "ListConnections",
    "UpdateConnection",
    "DeleteConnection",
    "DeauthorizeConnection",
    "CreateApiDestination",
    "DescribeApiDestination",
    "ListApiDestinations",
    "UpdateApiDestination",
    "DeleteApiDestination",
];

/// The bus `orders`; on `default`, the rule `placed` with an
/// InputTransformer target, the archive `orders`, the connection `partner`
/// and the API destination `notify`.
fn fixtures() -> Vec<Fixture> {
    let bus = "arn:aws:events:us-east-1:123456789012:event-bus/default";
    let pattern = json!({"source": ["shop"], "detail-type": ["OrderPlaced"]}).to_string();
    let target = json!({
        "Id": "t1",
        "Arn": "arn:aws:sqs:us-east-1:123456789012:orders",
        "InputTransformer": {"InputPathsMap": {"id": "$.detail.data.id"}, "InputTemplate": "{\"id\": <id>}"},
        "DeadLetterConfig": {"Arn": "arn:aws:sqs:us-east-1:123456789012:orders-dlq"}
    });
    let api_key = json!({"ApiKeyAuthParameters": {"ApiKeyName": "x-api-key", "ApiKeyValue": "secret"}});
    vec![
        Fixture {
            probe: ("DescribeEventBus", json!({"Name": "orders"}).to_string()),
            setup: vec![("CreateEventBus", json!({"Name": "orders"}).to_string())],
        },
        Fixture {
            probe: ("DescribeRule", json!({"Name": "placed"}).to_string()),
            setup: vec![
                ("PutRule", json!({"Name": "placed", "EventPattern": pattern}).to_string()),
                ("PutTargets", json!({"Rule": "placed", "Targets": [target]}).to_string()),
            ],
        },
        Fixture {
            probe: ("DescribeArchive", json!({"ArchiveName": "orders"}).to_string()),
            setup: vec![("CreateArchive", json!({"ArchiveName": "orders", "EventSourceArn": bus}).to_string())],
        },
        Fixture {
            probe: ("DescribeConnection", json!({"Name": "partner"}).to_string()),
            setup: vec![(
                "CreateConnection",
                json!({"Name": "partner", "AuthorizationType": "API_KEY", "AuthParameters": api_key}).to_string(),
            )],
        },
        Fixture {
            probe: ("DescribeApiDestination", json!({"Name": "notify"}).to_string()),
            setup: vec![
                ("DescribeConnection", json!({"Name": "partner"}).to_string()),
                (
                    "CreateApiDestination",
                    json!({"Name": "notify", "ConnectionArn": "<<ConnectionArn>>",
                           "InvocationEndpoint": "https://example.com/notify", "HttpMethod": "POST"})
                    .to_string(),
                ),
            ],
        },
    ]
}

fuzz_target!(|data: &[u8]| common::run("AWSEvents", OPERATIONS, fixtures, data));
