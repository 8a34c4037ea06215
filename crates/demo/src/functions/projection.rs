//! The projection function: every order event the bus routes to it updates
//! the read model ([`Orders::apply`]), which pushes the change to the
//! GraphQL subscriptions.

use choreoscope_local::functions::{FunctionCall, FunctionError, FunctionResult};
use serde_json::json;

use crate::envelope::ReceivedEvent;
use crate::orders::Orders;

/// Applies the event in `call.payload` (the whole EventBridge event) and
/// answers `{"applied": bool, "status": "<status after>" | null}`.
///
/// An event not in the demo's envelope is a permanent `InvalidEvent` error
/// (no retry can fix it); a store failure is retryable.
pub async fn handle(orders: &Orders, call: FunctionCall) -> FunctionResult {
    let event = ReceivedEvent::from_event(&call.payload)
        .map_err(|error| FunctionError::permanent("InvalidEvent", error.to_string()))?;
    let projection = orders
        .project(&event)
        .await
        .map_err(|error| FunctionError::retryable("StoreUnavailable", error.to_string()))?;
    let applied = matches!(projection, crate::orders::Projection::Applied(_));
    Ok(json!({ "applied": applied, "status": projection.status() }))
}

#[cfg(test)]
mod tests {
    use choreoscope_local::functions::{FunctionCall, FunctionError};
    use serde_json::{Value, json};

    use super::handle;
    use crate::orders::{Orders, PlaceOrder};
    use crate::store::DemoStore;

    fn call(payload: Value) -> FunctionCall {
        FunctionCall {
            function_arn: "arn:aws:lambda:us-east-1:000000000000:function:projection".into(),
            function_name: "projection".into(),
            payload,
            request_id: "req-1".into(),
        }
    }

    fn event(id: &str, detail_type: &str, order_id: &str) -> Value {
        json!({
            "id": id,
            "detail-type": detail_type,
            "source": "food-delivery.payments",
            "detail": {
                "metadata": {
                    "domain": "food-delivery", "service": "payments", "type": detail_type, "schemaVersion": "1",
                    "correlationId": order_id, "causationId": "c-1",
                    "idempotencyKey": format!("{order_id}:{detail_type}"),
                },
                "data": {"orderId": order_id},
            },
        })
    }

    #[tokio::test]
    async fn applies_events_and_refuses_bad_envelopes() {
        let dir = tempfile::tempdir().expect("temp dir");
        let orders = Orders::new(DemoStore::open(dir.path()).expect("store"));
        let order = orders
            .place(PlaceOrder {
                customer: "Ada".into(),
                restaurant_id: "r-pizza".into(),
                items: vec![("m-margherita".into(), 1)],
            })
            .await
            .expect("placed");

        let first = handle(&orders, call(event("e-1", "PaymentCharged", &order.id))).await.expect("applied");
        assert_eq!(first, json!({"applied": true, "status": "PAYMENT_CHARGED"}));
        let again = handle(&orders, call(event("e-1", "PaymentCharged", &order.id))).await.expect("repeated");
        assert_eq!(again, json!({"applied": false, "status": "PAYMENT_CHARGED"}));
        let unknown = handle(&orders, call(event("e-2", "PaymentCharged", "o-nobody"))).await.expect("ignored");
        assert_eq!(unknown, json!({"applied": false, "status": null}));

        let error = handle(&orders, call(json!({"id": "e-3", "detail": {"orderId": "x"}}))).await.expect_err("bad");
        assert_eq!(error, FunctionError::permanent("InvalidEvent", error.message.clone()));
    }
}
