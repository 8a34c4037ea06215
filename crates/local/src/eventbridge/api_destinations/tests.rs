//! API destinations against AWS's recorded answers, and [`load`].

use serde_json::{Value, json};

use super::*;
use crate::eventbridge::connections::test_support::{
    api_key, assert_error, assert_matches, basic, call, oauth, ok, recorded, system,
};

/// Creates a connection and answers its ARN.
fn connection(shared: &Shared, name: &str, kind: &str, auth: Value) -> String {
    let created =
        ok(shared, "CreateConnection", json!({"Name": name, "AuthorizationType": kind, "AuthParameters": auth}));
    created["ConnectionArn"].as_str().unwrap_or_default().to_owned()
}

#[test]
fn the_lifecycle_matches_aws_for_every_authorization_type() {
    let cases =
        [("auth0", "BASIC", basic()), ("auth1", "API_KEY", api_key()), ("auth2", "OAUTH_CLIENT_CREDENTIALS", oauth())];
    for (case, kind, auth) in cases {
        let (_dir, shared) = system();
        let test = format!("TestEventBridgeApiDestinations::test_api_destinations[{case}]");
        let arn = connection(&shared, "conn", kind, auth);
        let created = ok(
            &shared,
            "CreateApiDestination",
            json!({
                "Name": "dest", "ConnectionArn": arn, "InvocationEndpoint": "https://example.com/api",
                "HttpMethod": "POST", "Description": "Test API destination"
            }),
        );
        assert_matches(&created, &recorded(&test, "create-api-destination"), case);
        let described = ok(&shared, "DescribeApiDestination", json!({"Name": "dest"}));
        assert_matches(&described, &recorded(&test, "describe-api-destination"), case);
        assert_eq!(described["ConnectionArn"], arn);
        let listed = ok(&shared, "ListApiDestinations", json!({"NamePrefix": "dest"}));
        assert_matches(&listed, &recorded(&test, "list-api-destinations"), case);
        let updated = ok(
            &shared,
            "UpdateApiDestination",
            json!({
                "Name": "dest", "ConnectionArn": arn, "InvocationEndpoint": "https://example.com/api/v2",
                "HttpMethod": "PUT", "Description": "Updated API destination"
            }),
        );
        assert_matches(&updated, &recorded(&test, "update-api-destination"), case);
        let described = ok(&shared, "DescribeApiDestination", json!({"Name": "dest"}));
        assert_matches(&described, &recorded(&test, "describe-updated-api-destination"), case);
        let deleted = ok(&shared, "DeleteApiDestination", json!({"Name": "dest"}));
        assert_matches(&deleted, &recorded(&test, "delete-api-destination"), case);
        let gone = call(&shared, "DescribeApiDestination", json!({"Name": "dest"})).expect_err("deleted");
        let expected = recorded(&test, "describe-api-destination-not-found-error");
        assert_eq!(gone.code, expected["Error"]["Code"]);
        let message = expected["Error"]["Message"].as_str().unwrap_or_default().replace("<destination-name>", "dest");
        assert_eq!(gone.message, message);
    }
}

#[test]
fn validation_messages_match_aws() {
    let (_dir, shared) = system();
    let arn = connection(&shared, "conn", "BASIC", basic());
    let invalid = call(
        &shared,
        "CreateApiDestination",
        json!({
            "Name": "dest", "ConnectionArn": "invalid-connection-arn",
            "InvocationEndpoint": "https://example.com/api", "HttpMethod": "INVALID_METHOD"
        }),
    );
    let test = "TestEventBridgeApiDestinations::test_create_api_destination_invalid_parameters";
    assert_error(invalid, &recorded(test, "create-api-destination-invalid-parameters-error"));
    let bad_name = call(
        &shared,
        "CreateApiDestination",
        json!({
            "Name": "Invalid Name With Spaces!", "ConnectionArn": arn,
            "InvocationEndpoint": "https://example.com/api", "HttpMethod": "POST"
        }),
    );
    let test = "TestEventBridgeApiDestinations::test_create_api_destination_name_validation";
    assert_error(bad_name, &recorded(test, "create-api-destination-invalid-name-error"));
}

#[test]
fn what_the_shape_cannot_say_is_checked_too() {
    let (_dir, shared) = system();
    let arn = connection(&shared, "conn", "BASIC", basic());
    let create = |input: Value| call(&shared, "CreateApiDestination", input);
    let base = json!({"Name": "d", "ConnectionArn": arn, "InvocationEndpoint": "https://example.com/api", "HttpMethod": "POST"});

    let mut too_fast = base.clone();
    too_fast["InvocationRateLimitPerSecond"] = json!(301);
    let error = create(too_fast).expect_err("over the quota");
    assert_eq!(error.code, "LimitExceededException");

    let mut plain_http = base.clone();
    plain_http["InvocationEndpoint"] = json!("http://example.com/api");
    assert!(create(plain_http).expect_err("http off loopback").message.contains("valid HTTPS endpoint URL"));

    let mut no_connection = base.clone();
    let missing = arn.replace("/conn/", "/missing/");
    no_connection["ConnectionArn"] = json!(missing);
    let error = create(no_connection).expect_err("no connection");
    assert_eq!(
        error.message,
        format!("Failed to create the api-destination(s). Connection '{missing}' does not exist.")
    );

    let missing_members = create(json!({"Name": "d"})).expect_err("missing");
    assert!(missing_members.message.starts_with("3 validation errors detected: Value null at 'connectionArn'"));

    ok(&shared, "CreateApiDestination", base.clone());
    assert_eq!(create(base).expect_err("twice").code, "ResourceAlreadyExistsException");
    let both = call(&shared, "ListApiDestinations", json!({"NamePrefix": "d", "ConnectionArn": arn}));
    assert_eq!(both.expect_err("two filters").code, "ValidationException");
    let by_connection = ok(&shared, "ListApiDestinations", json!({"ConnectionArn": arn}));
    assert_eq!(by_connection["ApiDestinations"][0]["Name"], "d");
}

#[test]
fn a_destination_follows_its_connection_state() {
    let (_dir, shared) = system();
    let arn = connection(&shared, "conn", "API_KEY", api_key());
    ok(
        &shared,
        "CreateApiDestination",
        json!({"Name": "d", "ConnectionArn": arn, "InvocationEndpoint": "https://example.com/api", "HttpMethod": "POST"}),
    );
    let state =
        |shared: &Shared| ok(shared, "DescribeApiDestination", json!({"Name": "d"}))["ApiDestinationState"].clone();
    assert_eq!(state(&shared), "ACTIVE");
    ok(&shared, "DeauthorizeConnection", json!({"Name": "conn"}));
    assert_eq!(state(&shared), "INACTIVE");
    ok(&shared, "DeleteConnection", json!({"Name": "conn"}));
    // A new connection of the same name is another connection: the destination stays INACTIVE.
    connection(&shared, "conn", "API_KEY", api_key());
    assert_eq!(state(&shared), "INACTIVE");
}

#[test]
fn load_opens_the_credentials_for_the_invoker() {
    let (_dir, shared) = system();
    let mut auth = api_key();
    auth["InvocationHttpParameters"] =
        json!({"QueryStringParameters": [{"Key": "tenant", "Value": "tenant-s3cret", "IsValueSecret": true}]});
    let connection_arn = connection(&shared, "conn", "API_KEY", auth);
    let created = ok(
        &shared,
        "CreateApiDestination",
        json!({
            "Name": "d", "ConnectionArn": connection_arn, "InvocationEndpoint": "https://example.com/orders/*",
            "HttpMethod": "PUT", "InvocationRateLimitPerSecond": 10
        }),
    );
    let arn = created["ApiDestinationArn"].as_str().unwrap_or_default();
    let conn = shared.store.conn();
    let (destination, connection) = load(&conn, &shared, arn).expect("load").expect("exists");
    assert_eq!(destination.endpoint, "https://example.com/orders/*");
    assert_eq!((destination.http_method.as_str(), destination.rate_limit_per_second), ("PUT", 10));
    assert_eq!(destination.state, "ACTIVE");
    assert_eq!(connection.arn, connection_arn);
    assert!(matches!(connection.auth, Auth::ApiKey { ref name, ref value } if name == "ApiKey" && value == "secret"));
    assert_eq!(connection.invocation.query, vec![("tenant".to_owned(), "tenant-s3cret".to_owned())]);
    let shown = format!("{connection:?}");
    assert!(!shown.contains("secret") && !shown.contains("s3cret"), "Debug shows a secret: {shown}");
    assert!(load(&conn, &shared, &arn.replace("/d/", "/other/")).expect("load").is_none());
    assert!(load(&conn, &shared, "not an arn").expect("load").is_none());
}
