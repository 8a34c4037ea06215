//! The food-delivery demo's GraphQL API, as the window tests drive it.

use serde_json::{Value, json};

/// POSTs a GraphQL request to the demo on the local system at `endpoint`
/// and returns its `data`; GraphQL errors fail the test.
pub async fn graphql(endpoint: &str, query: &str, variables: Value) -> Value {
    let response = reqwest::Client::new()
        .post(format!("{endpoint}/graphql"))
        .json(&json!({"query": query, "variables": variables}))
        .send()
        .await
        .expect("the demo's GraphQL endpoint answers");
    let body: Value = response.json().await.expect("GraphQL answers JSON");
    assert!(body.get("errors").is_none(), "GraphQL errors: {body}");
    body["data"].clone()
}

/// Places an order of one margherita for `customer`; returns its id.
pub async fn place_order(endpoint: &str, customer: &str) -> String {
    let data = graphql(
        endpoint,
        "mutation($input: PlaceOrderInput!) { placeOrder(input: $input) { id status } }",
        json!({"input": {"customer": customer, "restaurantId": "r-pizza", "items": [{"menuItemId": "m-margherita", "quantity": 1}]}}),
    )
    .await;
    data["placeOrder"]["id"].as_str().expect("an order id").to_owned()
}
