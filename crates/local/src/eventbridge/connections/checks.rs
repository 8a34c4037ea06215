//! What CreateConnection and UpdateConnection check of `AuthParameters`:
//! first the shape, as AWS's front end does (required members, lengths,
//! enumerations), then that the parameters fit the authorization type.

use super::auth::AuthParameters;
use super::violations::Violations;
use crate::eventbridge::api_destinations::endpoint;
use crate::protocol::AwsError;

/// The methods an OAuth authorization endpoint may be called with.
const OAUTH_METHODS: [&str; 3] = ["GET", "POST", "PUT"];

/// Checks the shape of CreateConnection's `AuthParameters` the way AWS's
/// front end does (required members, lengths, enumerations).
pub(crate) fn check_shape(auth: &AuthParameters, violations: &mut Violations) {
    let field = |path: &str| format!("authParameters.{path}");
    let text = |violations: &mut Violations, value: &Option<String>, path: &str, max: usize| {
        if let Some(value) = violations.required(value.as_deref(), &field(path)) {
            violations.length(value, &field(path), 1, max);
        }
    };
    if let Some(basic) = &auth.basic_auth_parameters {
        text(violations, &basic.username, "basicAuthParameters.username", 512);
        text(violations, &basic.password, "basicAuthParameters.password", 512);
    }
    if let Some(key) = &auth.api_key_auth_parameters {
        text(violations, &key.api_key_name, "apiKeyAuthParameters.apiKeyName", 512);
        text(violations, &key.api_key_value, "apiKeyAuthParameters.apiKeyValue", 512);
    }
    if let Some(oauth) = &auth.oauth_parameters {
        match &oauth.client_parameters {
            Some(client) => {
                text(violations, &client.client_id, "oAuthParameters.clientParameters.clientID", 512);
                text(violations, &client.client_secret, "oAuthParameters.clientParameters.clientSecret", 512);
            }
            None => violations.null(&field("oAuthParameters.clientParameters")),
        }
        text(violations, &oauth.authorization_endpoint, "oAuthParameters.authorizationEndpoint", 2048);
        if let Some(method) = violations.required(oauth.http_method.as_deref(), &field("oAuthParameters.httpMethod")) {
            violations.one_of(method, &field("oAuthParameters.httpMethod"), &OAUTH_METHODS);
        }
    }
}

/// Checks that `auth` holds exactly the complete parameters of `auth_type`,
/// and nothing the local system cannot do. `action` is `create` or `update`.
pub(crate) fn check_complete(auth_type: &str, auth: &AuthParameters, action: &str) -> Result<(), AwsError> {
    let fail = |reason: String| AwsError::validation(format!("Failed to {action} the connection(s). {reason}"));
    if auth.connectivity_parameters.is_some() {
        return Err(fail(
            "Parameter ConnectivityParameters is not valid. Reason: private APIs are not supported by the local system."
                .to_owned(),
        ));
    }
    let given = [
        ("BASIC", "BasicAuthParameters", auth.basic_auth_parameters.is_some()),
        ("OAUTH_CLIENT_CREDENTIALS", "OAuthParameters", auth.oauth_parameters.is_some()),
        ("API_KEY", "ApiKeyAuthParameters", auth.api_key_auth_parameters.is_some()),
    ];
    if let Some((_, parameters, _)) = given.iter().find(|(kind, _, present)| *kind == auth_type && !present) {
        return Err(fail(format!("Parameter {parameters} is required for AuthorizationType {auth_type}.")));
    }
    if let Some((_, parameters, _)) = given.iter().find(|(kind, _, present)| *kind != auth_type && *present) {
        return Err(fail(format!("Parameter {parameters} is not valid for AuthorizationType {auth_type}.")));
    }
    let missing = |name: &str| fail(format!("Parameter {name} is required for AuthorizationType {auth_type}."));
    let absent = |value: &Option<String>| value.as_deref().is_none_or(str::is_empty);
    if let Some(basic) = &auth.basic_auth_parameters {
        if absent(&basic.username) {
            return Err(missing("BasicAuthParameters.Username"));
        }
        if absent(&basic.password) {
            return Err(missing("BasicAuthParameters.Password"));
        }
    }
    if let Some(key) = &auth.api_key_auth_parameters {
        if absent(&key.api_key_name) {
            return Err(missing("ApiKeyAuthParameters.ApiKeyName"));
        }
        if absent(&key.api_key_value) {
            return Err(missing("ApiKeyAuthParameters.ApiKeyValue"));
        }
    }
    if let Some(oauth) = &auth.oauth_parameters {
        let client = oauth.client_parameters.clone().unwrap_or_default();
        if absent(&client.client_id) {
            return Err(missing("OAuthParameters.ClientParameters.ClientID"));
        }
        if absent(&client.client_secret) {
            return Err(missing("OAuthParameters.ClientParameters.ClientSecret"));
        }
        let Some(method) = oauth.http_method.as_deref() else {
            return Err(missing("OAuthParameters.HttpMethod"));
        };
        // UpdateConnection's method is checked here, not by the shape check of Create.
        let mut violations = Violations::default();
        violations.one_of(method, "authParameters.oAuthParameters.httpMethod", &OAUTH_METHODS);
        violations.finish()?;
        let url = oauth.authorization_endpoint.as_deref().unwrap_or_default();
        if !endpoint::matches_pattern(url) || !endpoint::is_callable(url) {
            return Err(fail(format!(
                "Parameter AuthorizationEndpoint is not valid. Reason: Endpoint '{url}' is invalid, please provide a valid HTTPS endpoint URL."
            )));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use serde_json::Value;

    use super::*;

    fn parse(json: Value) -> AuthParameters {
        serde_json::from_value(json).expect("auth parameters")
    }

    #[test]
    fn parameters_must_fit_the_type() {
        let basic = parse(serde_json::json!({"BasicAuthParameters": {"Username": "u", "Password": "p"}}));
        assert!(check_complete("BASIC", &basic, "create").is_ok());
        let error = check_complete("API_KEY", &basic, "create").expect_err("wrong type");
        assert_eq!(
            error.message,
            "Failed to create the connection(s). Parameter ApiKeyAuthParameters is required for AuthorizationType API_KEY."
        );
        let http = parse(serde_json::json!({"OAuthParameters": {
            "AuthorizationEndpoint": "http://example.com/token", "HttpMethod": "POST",
            "ClientParameters": {"ClientID": "id", "ClientSecret": "s"}}}));
        let error = check_complete("OAUTH_CLIENT_CREDENTIALS", &http, "create").expect_err("http off loopback");
        assert!(error.message.contains("please provide a valid HTTPS endpoint URL"), "{}", error.message);
    }

    #[test]
    fn shape_errors_name_the_nested_member() {
        let auth = parse(serde_json::json!({"BasicAuthParameters": {"Username": "u"}}));
        let mut violations = Violations::default();
        check_shape(&auth, &mut violations);
        assert_eq!(
            violations.finish().expect_err("missing password").message,
            "1 validation error detected: Value null at 'authParameters.basicAuthParameters.password' failed to satisfy constraint: Member must not be null"
        );
    }
}
