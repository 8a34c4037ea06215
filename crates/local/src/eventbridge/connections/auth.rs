//! A connection's `AuthParameters`: the request shapes, their validation,
//! the secret-free view Describe returns, and how an update merges into what
//! is stored.

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::eventbridge::api_destinations::invoke::{Auth, OAuthClient, RequestParameters};

/// `BASIC`, `OAUTH_CLIENT_CREDENTIALS`, `API_KEY`, in AWS's order.
pub(crate) const AUTHORIZATION_TYPES: [&str; 3] = ["BASIC", "OAUTH_CLIENT_CREDENTIALS", "API_KEY"];

// None of these types derives `Debug`: they hold credentials, and nothing
// may print them by accident.

/// `AuthParameters` as CreateConnection and UpdateConnection take them, and
/// as the local system keeps them (sealed) with every secret.
#[derive(Clone, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct AuthParameters {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub basic_auth_parameters: Option<BasicAuth>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub api_key_auth_parameters: Option<ApiKeyAuth>,
    #[serde(rename = "OAuthParameters", skip_serializing_if = "Option::is_none")]
    pub oauth_parameters: Option<OAuth>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub invocation_http_parameters: Option<HttpParameters>,
    /// Private APIs (VPC Lattice): refused by the local system.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub connectivity_parameters: Option<Value>,
}

#[derive(Clone, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct BasicAuth {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub username: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub password: Option<String>,
}

#[derive(Clone, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct ApiKeyAuth {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub api_key_name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub api_key_value: Option<String>,
}

#[derive(Clone, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct OAuth {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub authorization_endpoint: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub client_parameters: Option<ClientParameters>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub http_method: Option<String>,
    #[serde(rename = "OAuthHttpParameters", skip_serializing_if = "Option::is_none")]
    pub oauth_http_parameters: Option<HttpParameters>,
}

#[derive(Clone, Default, Serialize, Deserialize)]
pub(crate) struct ClientParameters {
    #[serde(rename = "ClientID", skip_serializing_if = "Option::is_none")]
    pub client_id: Option<String>,
    #[serde(rename = "ClientSecret", skip_serializing_if = "Option::is_none")]
    pub client_secret: Option<String>,
}

/// `ConnectionHttpParameters`: extra headers, query string and body
/// parameters, each value possibly secret.
#[derive(Clone, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct HttpParameters {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub header_parameters: Option<Vec<Parameter>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub query_string_parameters: Option<Vec<Parameter>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub body_parameters: Option<Vec<Parameter>>,
}

#[derive(Clone, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct Parameter {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub key: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub value: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub is_value_secret: Option<bool>,
}

impl HttpParameters {
    fn lists_mut(&mut self) -> [&mut Option<Vec<Parameter>>; 3] {
        [&mut self.header_parameters, &mut self.query_string_parameters, &mut self.body_parameters]
    }

    /// The same parameters with secret values left out.
    fn public(mut self) -> Self {
        for list in self.lists_mut().into_iter().flatten() {
            for parameter in list {
                if parameter.is_value_secret == Some(true) {
                    parameter.value = None;
                }
            }
        }
        self
    }

    /// `update` over `self`: a list given replaces the stored one, and a
    /// parameter given without its value keeps the stored value of the same
    /// key (Describe never shows secret values, so clients cannot resend them).
    fn merged(mut self, update: HttpParameters) -> Self {
        let updates = [update.header_parameters, update.query_string_parameters, update.body_parameters];
        for (stored, given) in self.lists_mut().into_iter().zip(updates) {
            let Some(mut given) = given else { continue };
            for parameter in &mut given {
                if parameter.value.is_none() {
                    parameter.value =
                        stored.iter().flatten().find(|old| old.key == parameter.key).and_then(|old| old.value.clone());
                }
            }
            *stored = Some(given);
        }
        self
    }

    /// The key/value pairs, for the invoker.
    pub(crate) fn resolve(&self) -> RequestParameters {
        let pairs = |list: &Option<Vec<Parameter>>| {
            list.iter()
                .flatten()
                .filter_map(|p| Some((p.key.clone()?, p.value.clone().unwrap_or_default())))
                .collect::<Vec<_>>()
        };
        RequestParameters {
            headers: pairs(&self.header_parameters),
            query: pairs(&self.query_string_parameters),
            body: pairs(&self.body_parameters),
        }
    }
}

impl AuthParameters {
    /// What Describe shows: everything but passwords, API key values, client
    /// secrets and secret parameter values.
    pub(crate) fn public(&self) -> Value {
        let mut public = self.clone();
        if let Some(basic) = &mut public.basic_auth_parameters {
            basic.password = None;
        }
        if let Some(key) = &mut public.api_key_auth_parameters {
            key.api_key_value = None;
        }
        if let Some(oauth) = &mut public.oauth_parameters {
            if let Some(client) = &mut oauth.client_parameters {
                client.client_secret = None;
            }
            oauth.oauth_http_parameters = oauth.oauth_http_parameters.take().map(HttpParameters::public);
        }
        public.invocation_http_parameters = public.invocation_http_parameters.take().map(HttpParameters::public);
        serde_json::to_value(public).unwrap_or_default()
    }

    /// `update` over `self` for a connection of `auth_type`: given fields
    /// replace stored ones, omitted ones stay.
    pub(crate) fn merged(mut self, update: AuthParameters) -> Self {
        if let Some(given) = update.basic_auth_parameters {
            let stored = self.basic_auth_parameters.get_or_insert_with(BasicAuth::default);
            stored.username = given.username.or(stored.username.take());
            stored.password = given.password.or(stored.password.take());
        }
        if let Some(given) = update.api_key_auth_parameters {
            let stored = self.api_key_auth_parameters.get_or_insert_with(ApiKeyAuth::default);
            stored.api_key_name = given.api_key_name.or(stored.api_key_name.take());
            stored.api_key_value = given.api_key_value.or(stored.api_key_value.take());
        }
        if let Some(given) = update.oauth_parameters {
            let stored = self.oauth_parameters.get_or_insert_with(OAuth::default);
            stored.authorization_endpoint = given.authorization_endpoint.or(stored.authorization_endpoint.take());
            stored.http_method = given.http_method.or(stored.http_method.take());
            if let Some(client) = given.client_parameters {
                let old = stored.client_parameters.get_or_insert_with(ClientParameters::default);
                old.client_id = client.client_id.or(old.client_id.take());
                old.client_secret = client.client_secret.or(old.client_secret.take());
            }
            if let Some(http) = given.oauth_http_parameters {
                stored.oauth_http_parameters =
                    Some(stored.oauth_http_parameters.take().unwrap_or_default().merged(http));
            }
        }
        if let Some(http) = update.invocation_http_parameters {
            self.invocation_http_parameters =
                Some(self.invocation_http_parameters.take().unwrap_or_default().merged(http));
        }
        self.connectivity_parameters = update.connectivity_parameters.or(self.connectivity_parameters);
        self
    }

    /// The credentials and extra parameters, for the invoker.
    pub(crate) fn resolve(&self, auth_type: &str) -> (Auth, RequestParameters) {
        let invocation = self.invocation_http_parameters.as_ref().map(HttpParameters::resolve).unwrap_or_default();
        let text = |value: &Option<String>| value.clone().unwrap_or_default();
        let auth = match auth_type {
            "BASIC" => self
                .basic_auth_parameters
                .as_ref()
                .map(|basic| Auth::Basic { username: text(&basic.username), password: text(&basic.password) }),
            "API_KEY" => self
                .api_key_auth_parameters
                .as_ref()
                .map(|key| Auth::ApiKey { name: text(&key.api_key_name), value: text(&key.api_key_value) }),
            "OAUTH_CLIENT_CREDENTIALS" => self.oauth_parameters.as_ref().map(|oauth| {
                let client = oauth.client_parameters.clone().unwrap_or_default();
                Auth::OAuth(OAuthClient {
                    endpoint: text(&oauth.authorization_endpoint),
                    http_method: text(&oauth.http_method),
                    client_id: text(&client.client_id),
                    client_secret: text(&client.client_secret),
                    parameters: oauth.oauth_http_parameters.as_ref().map(HttpParameters::resolve).unwrap_or_default(),
                })
            }),
            _ => None,
        };
        (auth.unwrap_or(Auth::None), invocation)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(json: Value) -> AuthParameters {
        serde_json::from_value(json).expect("auth parameters")
    }

    #[test]
    fn public_view_drops_every_secret() {
        let auth = parse(serde_json::json!({
            "OAuthParameters": {
                "AuthorizationEndpoint": "https://example.com/oauth",
                "HttpMethod": "POST",
                "ClientParameters": {"ClientID": "id", "ClientSecret": "s3cret"},
                "OAuthHttpParameters": {"BodyParameters": [
                    {"Key": "audience", "Value": "orders", "IsValueSecret": false},
                    {"Key": "pin", "Value": "1234", "IsValueSecret": true}
                ]}
            },
            "InvocationHttpParameters": {"HeaderParameters": [{"Key": "x-token", "Value": "t0k3n", "IsValueSecret": true}]}
        }));
        let public = auth.public();
        let text = public.to_string();
        for secret in ["s3cret", "1234", "t0k3n"] {
            assert!(!text.contains(secret), "{secret} leaked: {text}");
        }
        assert_eq!(public["OAuthParameters"]["ClientParameters"], serde_json::json!({"ClientID": "id"}));
        assert_eq!(public["OAuthParameters"]["OAuthHttpParameters"]["BodyParameters"][0]["Value"], "orders");
        assert_eq!(
            public["InvocationHttpParameters"]["HeaderParameters"][0],
            serde_json::json!({"Key": "x-token", "IsValueSecret": true})
        );
    }

    #[test]
    fn update_keeps_what_it_does_not_name() {
        let stored = parse(serde_json::json!({
            "BasicAuthParameters": {"Username": "user", "Password": "pass"},
            "InvocationHttpParameters": {"HeaderParameters": [{"Key": "k", "Value": "secret", "IsValueSecret": true}]}
        }));
        let update = parse(serde_json::json!({
            "BasicAuthParameters": {"Username": "new_user"},
            "InvocationHttpParameters": {"HeaderParameters": [{"Key": "k", "IsValueSecret": true}]}
        }));
        let merged = stored.merged(update);
        let (auth, invocation) = merged.resolve("BASIC");
        assert!(
            matches!(auth, Auth::Basic { ref username, ref password } if username == "new_user" && password == "pass")
        );
        assert_eq!(invocation.headers, vec![("k".to_owned(), "secret".to_owned())]);
    }
}
