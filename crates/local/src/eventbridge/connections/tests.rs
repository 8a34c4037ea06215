//! Connections against AWS's recorded answers, and the promise that no
//! credential is shown or stored in the clear.

use serde_json::{Value, json};

use super::test_support::{api_key, assert_error, assert_matches, basic, call, oauth, ok, recorded, system};
use super::*;
use crate::eventbridge::api_destinations::invoke::Auth;

fn create(shared: &Shared, name: &str, kind: &str, auth: Value) -> Value {
    ok(shared, "CreateConnection", json!({"Name": name, "AuthorizationType": kind, "AuthParameters": auth}))
}

fn describe(shared: &Shared, name: &str) -> Value {
    ok(shared, "DescribeConnection", json!({"Name": name}))
}

/// The credentials as stored, opened.
fn credentials(shared: &Shared, name: &str) -> Value {
    let conn = shared.store.conn();
    let connection = find(&conn, name).expect("read").expect("exists");
    let vault = shared.vault.open(&conn).expect("vault");
    connection
        .credentials(shared, &vault)
        .expect("opens")
        .map(|auth| serde_json::to_value(auth).expect("json"))
        .unwrap_or(Value::Null)
}

#[test]
fn create_connection_matches_aws() {
    let (_dir, shared) = system();
    let test = "TestEventBridgeConnections::test_create_connection";
    let mut auth = api_key();
    auth["InvocationHttpParameters"] = json!({});
    let created = create(&shared, "connection-1", "API_KEY", auth);
    assert_matches(&created, &recorded(test, "create-connection"), "create");
    let described = describe(&shared, "connection-1");
    assert_matches(&described, &recorded(test, "describe-connection"), "describe");
    assert_eq!(described["ConnectionArn"], created["ConnectionArn"]);
    assert!(described["SecretArn"].as_str().unwrap_or_default().contains(":secret:events!connection/connection-1/"));
}

#[test]
fn every_authorization_type_matches_aws() {
    let cases = [
        ("auth_params0", "BASIC", basic()),
        ("auth_params1", "API_KEY", api_key()),
        ("auth_params2", "OAUTH_CLIENT_CREDENTIALS", oauth()),
    ];
    for (case, kind, auth) in cases {
        let (_dir, shared) = system();
        let test = format!("TestEventBridgeConnections::test_create_connection_with_auth[{case}]");
        let created = create(&shared, "with-auth", kind, auth);
        assert_matches(&created, &recorded(&test, "create-connection-auth"), case);
        assert_matches(&describe(&shared, "with-auth"), &recorded(&test, "describe-connection-auth"), case);
    }
}

#[test]
fn list_connections_matches_aws() {
    let (_dir, shared) = system();
    create(&shared, "listed", "BASIC", basic());
    create(&shared, "other", "BASIC", basic());
    let listed = ok(&shared, "ListConnections", json!({"NamePrefix": "listed"}));
    let test = "TestEventBridgeConnections::test_list_connections";
    assert_matches(&listed, &recorded(test, "list-connections"), "list");
    let all = ok(&shared, "ListConnections", json!({"Limit": 1}));
    assert_eq!(all["Connections"][0]["Name"], "listed");
    let next = ok(&shared, "ListConnections", json!({"Limit": 1, "NextToken": all["NextToken"]}));
    assert_eq!(next["Connections"][0]["Name"], "other");
    assert!(next.get("NextToken").is_none());
    let authorizing = ok(&shared, "ListConnections", json!({"ConnectionState": "AUTHORIZING"}));
    assert_eq!(authorizing["Connections"], json!([]));
}

#[test]
fn delete_connection_matches_aws() {
    let (_dir, shared) = system();
    let test = "TestEventBridgeConnections::test_delete_connection";
    let created = create(&shared, "doomed", "API_KEY", api_key());
    assert_matches(&created, &recorded(test, "create-connection-response"), "create");
    let deleted = ok(&shared, "DeleteConnection", json!({"Name": "doomed"}));
    assert_matches(&deleted, &recorded(test, "delete-connection"), "delete");
    let gone = call(&shared, "DescribeConnection", json!({"Name": "doomed"}));
    let expected = recorded(test, "describe-deleted-connection");
    let error = gone.expect_err("deleted");
    assert_eq!(error.code, "ResourceNotFoundException");
    assert_eq!(
        error.message,
        expected["Error"]["Message"].as_str().unwrap_or_default().replace("<connection-name>", "doomed")
    );
}

#[test]
fn validation_messages_match_aws() {
    let (_dir, shared) = system();
    let invalid_type = call(
        &shared,
        "CreateConnection",
        json!({"Name": "c", "AuthorizationType": "INVALID_AUTH_TYPE", "AuthParameters": basic()}),
    );
    let test = "TestEventBridgeConnections::test_create_connection_invalid_parameters";
    assert_error(invalid_type, &recorded(test, "create-connection-invalid-auth-error"));
    let invalid_name = call(
        &shared,
        "CreateConnection",
        json!({"Name": "Invalid Name With Spaces!", "AuthorizationType": "BASIC", "AuthParameters": basic()}),
    );
    let test = "TestEventBridgeConnections::test_create_connection_name_validation";
    assert_error(invalid_name, &recorded(test, "create-connection-invalid-name-error"));
}

#[test]
fn other_errors_use_aws_shapes() {
    let (_dir, shared) = system();
    let missing = call(&shared, "CreateConnection", json!({"Name": "c"})).expect_err("missing members");
    assert_eq!(
        missing.message,
        "2 validation errors detected: Value null at 'authorizationType' failed to satisfy constraint: Member must not be null; Value null at 'authParameters' failed to satisfy constraint: Member must not be null"
    );
    create(&shared, "c", "BASIC", basic());
    let again = call(
        &shared,
        "CreateConnection",
        json!({"Name": "c", "AuthorizationType": "BASIC", "AuthParameters": basic()}),
    );
    assert_eq!(again.expect_err("exists").code, "ResourceAlreadyExistsException");
    let mismatch = call(
        &shared,
        "CreateConnection",
        json!({"Name": "d", "AuthorizationType": "API_KEY", "AuthParameters": basic()}),
    );
    assert_eq!(mismatch.expect_err("mismatch").code, "ValidationException");
    let unknown = call(&shared, "UpdateConnection", json!({"Name": "nope", "Description": "x"})).expect_err("unknown");
    assert_eq!(unknown.message, "Failed to describe the connection(s). Connection 'nope' does not exist.");
}

#[test]
fn update_connection_matches_aws() {
    let (_dir, shared) = system();
    let test = "TestEventBridgeConnections::test_update_connection";
    let mut auth = basic();
    auth["InvocationHttpParameters"] = json!({});
    let created = create(&shared, "updated", "BASIC", auth);
    assert_matches(&created, &recorded(test, "create-connection"), "create");
    let before = describe(&shared, "updated");
    assert_matches(&before, &recorded(test, "describe-created-connection"), "describe before");
    let secret = recorded(test, "connection-secret-before-update");
    assert_eq!(credentials(&shared, "updated")["BasicAuthParameters"]["Password"], secret["SecretString"]["password"]);
    let updated = ok(
        &shared,
        "UpdateConnection",
        json!({"Name": "updated", "AuthorizationType": "BASIC", "AuthParameters": {
            "BasicAuthParameters": {"Username": "new_user", "Password": "new_pass"},
            "InvocationHttpParameters": {}
        }}),
    );
    assert_matches(&updated, &recorded(test, "update-connection"), "update");
    let after = describe(&shared, "updated");
    assert_matches(&after, &recorded(test, "describe-updated-connection"), "describe after");
    assert_eq!(after["SecretArn"], before["SecretArn"], "the secret is updated, not replaced");
    let secret = recorded(test, "connection-secret-after-update");
    let stored = credentials(&shared, "updated");
    assert_eq!(stored["BasicAuthParameters"]["Username"], secret["SecretString"]["username"]);
    assert_eq!(stored["BasicAuthParameters"]["Password"], secret["SecretString"]["password"]);
}

#[test]
fn stored_credentials_hold_what_aws_keeps_in_its_secret() {
    let cases = [
        ("basic", "BASIC", basic()),
        ("api-key", "API_KEY", api_key()),
        ("oauth", "OAUTH_CLIENT_CREDENTIALS", oauth()),
    ];
    for (case, kind, auth) in cases {
        let (_dir, shared) = system();
        let test = format!("TestEventBridgeConnections::test_connection_secrets[{case}]");
        create(&shared, "secretive", kind, auth);
        assert_matches(&describe(&shared, "secretive"), &recorded(&test, "describe-connection-auth"), case);
        let secret = &recorded(&test, "connection-secret")["SecretString"];
        let stored = credentials(&shared, "secretive");
        let (auth, _) = serde_json::from_value::<AuthParameters>(stored).expect("auth").resolve(kind);
        let found = match auth {
            Auth::Basic { username, password } => json!({"username": username, "password": password}),
            Auth::ApiKey { name, value } => json!({"api_key_name": name, "api_key_value": value}),
            Auth::OAuth(client) => json!({
                "client_id": client.client_id, "client_secret": client.client_secret,
                "authorization_endpoint": client.endpoint, "http_method": client.http_method
            }),
            Auth::None => Value::Null,
        };
        assert_eq!(&found, secret, "{case}");
    }
}

#[test]
fn describe_and_list_never_show_a_secret() {
    let (_dir, shared) = system();
    let mut auth = oauth();
    auth["OAuthParameters"]["ClientParameters"]["ClientSecret"] = json!("cl1ent-s3cret");
    auth["OAuthParameters"]["OAuthHttpParameters"] =
        json!({"BodyParameters": [{"Key": "pin", "Value": "p1n-s3cret", "IsValueSecret": true}]});
    auth["InvocationHttpParameters"] = json!({"HeaderParameters": [
        {"Key": "x-token", "Value": "h3ader-s3cret", "IsValueSecret": true},
        {"Key": "x-plain", "Value": "visible", "IsValueSecret": false}
    ]});
    create(&shared, "oauth", "OAUTH_CLIENT_CREDENTIALS", auth);
    create(&shared, "basic", "BASIC", json!({"BasicAuthParameters": {"Username": "u", "Password": "pa55-s3cret"}}));
    create(
        &shared,
        "key",
        "API_KEY",
        json!({"ApiKeyAuthParameters": {"ApiKeyName": "x-api-key", "ApiKeyValue": "k3y-s3cret"}}),
    );
    let mut shown = String::new();
    for name in ["oauth", "basic", "key"] {
        shown.push_str(&describe(&shared, name).to_string());
    }
    shown.push_str(&ok(&shared, "ListConnections", json!({})).to_string());
    for secret in ["cl1ent-s3cret", "p1n-s3cret", "h3ader-s3cret", "pa55-s3cret", "k3y-s3cret"] {
        assert!(!shown.contains(secret), "{secret} shown");
    }
    assert!(shown.contains("visible"), "non-secret parameter values are shown");
}

#[test]
fn secrets_are_not_in_the_database_files_in_the_clear() {
    let (dir, shared) = system();
    let secret = "pl41n-t3xt-n3v3r-0n-d1sk";
    create(&shared, "c", "BASIC", json!({"BasicAuthParameters": {"Username": "u", "Password": secret}}));
    ok(
        &shared,
        "UpdateConnection",
        json!({"Name": "c", "AuthParameters": {"BasicAuthParameters": {"Password": secret}}}),
    );
    assert_eq!(credentials(&shared, "c")["BasicAuthParameters"]["Password"], secret);
    let mut files = 0;
    for entry in std::fs::read_dir(dir.path()).expect("data dir") {
        let bytes = std::fs::read(entry.expect("entry").path()).expect("read");
        files += 1;
        assert!(!bytes.windows(secret.len()).any(|w| w == secret.as_bytes()), "plain secret on disk");
    }
    assert!(files >= 2, "database and key file");
    assert!(dir.path().join(crate::secrets::KEY_FILE).exists());
}

#[test]
fn deauthorize_destroys_the_credentials() {
    let (_dir, shared) = system();
    create(&shared, "c", "API_KEY", api_key());
    let answer = ok(&shared, "DeauthorizeConnection", json!({"Name": "c"}));
    assert_eq!(answer["ConnectionState"], "DEAUTHORIZING");
    let described = describe(&shared, "c");
    assert_eq!(described["ConnectionState"], "DEAUTHORIZED");
    assert_eq!(described["AuthParameters"], json!({}));
    assert!(described.get("SecretArn").is_none());
    assert_eq!(credentials(&shared, "c"), Value::Null);
    // New credentials authorize it again.
    let again = ok(&shared, "UpdateConnection", json!({"Name": "c", "AuthParameters": api_key()}));
    assert_eq!(again["ConnectionState"], "AUTHORIZED");
    assert!(describe(&shared, "c")["SecretArn"].is_string());
}

#[test]
fn an_update_keeps_omitted_credentials_and_a_type_change_needs_new_ones() {
    let (_dir, shared) = system();
    create(&shared, "c", "BASIC", basic());
    ok(
        &shared,
        "UpdateConnection",
        json!({"Name": "c", "AuthParameters": {"BasicAuthParameters": {"Username": "renamed"}}}),
    );
    assert_eq!(credentials(&shared, "c")["BasicAuthParameters"], json!({"Username": "renamed", "Password": "pass"}));
    let change = call(&shared, "UpdateConnection", json!({"Name": "c", "AuthorizationType": "API_KEY"}));
    assert_eq!(
        change.expect_err("no key").message,
        "Failed to update the connection(s). Parameter ApiKeyAuthParameters is required for AuthorizationType API_KEY."
    );
    let changed = ok(
        &shared,
        "UpdateConnection",
        json!({"Name": "c", "AuthorizationType": "API_KEY", "AuthParameters": api_key()}),
    );
    assert_eq!(changed["ConnectionState"], "AUTHORIZED");
    let described = describe(&shared, "c");
    assert_eq!(described["AuthorizationType"], "API_KEY");
    assert_eq!(described["AuthParameters"], json!({"ApiKeyAuthParameters": {"ApiKeyName": "ApiKey"}}));
}
