//! `payment`: charges an order and refunds it (the workflow's
//! `lambda:invoke` tasks). The first execution to charge an order owns it;
//! another execution for the same order (OrderPlaced delivered twice) is told
//! it is a duplicate and ends.

use choreoscope_local::functions::{FunctionError, FunctionResult};
use rusqlite::{OptionalExtension, params};
use serde_json::{Value, json};

use super::{Services, publish, store_failed, text};
use crate::envelope::DemoEvent;

/// A payment row: (payment id, execution that charged, status, charged event id).
type PaymentRow = (String, String, String, Option<String>);

/// Handles `{"action": "charge" | "refund", "order": {...}, "causationId", "executionArn"?, "reason"?}`.
pub async fn handle(services: &Services, payload: Value) -> FunctionResult {
    let order = &payload["order"];
    let order_id = text(order, "orderId")?.to_owned();
    let causation = payload["causationId"].as_str().unwrap_or_default().to_owned();
    match payload["action"].as_str() {
        Some("charge") => {
            let execution = text(&payload, "executionArn")?.to_owned();
            let amount = order["totalCents"].as_i64().unwrap_or(0);
            charge(services, order_id, execution, amount, causation).await
        }
        Some("refund") => {
            let reason = payload["reason"].as_str().unwrap_or("not fulfilled").to_owned();
            refund(services, order_id, causation, reason).await
        }
        other => Err(FunctionError::permanent("InvalidRequest", format!("unknown payment action {other:?}"))),
    }
}

async fn charge(
    services: &Services,
    order_id: String,
    execution: String,
    amount: i64,
    causation: String,
) -> FunctionResult {
    if amount <= 0 {
        return Err(FunctionError::permanent("PaymentDeclined", format!("order {order_id} has no amount to charge")));
    }
    let payment_id = format!("pay-{}", uuid::Uuid::new_v4().simple());
    let row: PaymentRow = services
        .store
        .transaction({
            let (order_id, execution) = (order_id.clone(), execution.clone());
            move |tx| {
                tx.execute(
                    "INSERT OR IGNORE INTO payments (order_id, payment_id, execution_arn, amount_cents, status)
                     VALUES (?1, ?2, ?3, ?4, 'CHARGED')",
                    params![order_id, payment_id, execution, amount],
                )?;
                tx.query_row(
                    "SELECT payment_id, execution_arn, status, charged_event_id FROM payments WHERE order_id = ?1",
                    [&order_id],
                    |row| Ok((row.get(0)?, row.get(1)?, row.get(2)?, row.get(3)?)),
                )
            }
        })
        .await
        .map_err(store_failed)?;
    let (payment_id, owner, _status, charged_event) = row;
    if owner != execution {
        return Ok(json!({"paymentId": payment_id, "duplicate": true, "eventId": charged_event}));
    }
    if let Some(event_id) = charged_event {
        // A retry of the same task: charged and published already.
        return Ok(json!({"paymentId": payment_id, "duplicate": false, "eventId": event_id}));
    }
    let event = DemoEvent::new(
        "payments",
        "PaymentCharged",
        &order_id,
        &causation,
        json!({"orderId": order_id, "paymentId": payment_id, "amountCents": amount, "currency": "EUR"}),
    );
    let event_id =
        publish_and_record(services, event, "UPDATE payments SET charged_event_id = ?2 WHERE order_id = ?1", order_id)
            .await?;
    Ok(json!({"paymentId": payment_id, "duplicate": false, "eventId": event_id}))
}

async fn refund(services: &Services, order_id: String, causation: String, reason: String) -> FunctionResult {
    let found: Option<(String, i64, String, Option<String>)> = services
        .store
        .run({
            let order_id = order_id.clone();
            move |conn| {
                conn.query_row(
                    "SELECT payment_id, amount_cents, status, refunded_event_id FROM payments WHERE order_id = ?1",
                    [&order_id],
                    |row| Ok((row.get(0)?, row.get(1)?, row.get(2)?, row.get(3)?)),
                )
                .optional()
            }
        })
        .await
        .map_err(store_failed)?;
    let Some((payment_id, amount, _status, refunded)) = found else {
        return Ok(json!({"refunded": false, "reason": "nothing was charged"}));
    };
    if let Some(event_id) = refunded {
        return Ok(json!({"refunded": true, "paymentId": payment_id, "eventId": event_id}));
    }
    let event = DemoEvent::new(
        "payments",
        "PaymentRefunded",
        &order_id,
        &causation,
        json!({"orderId": order_id, "paymentId": payment_id, "amountCents": amount, "reason": reason}),
    );
    let record = "UPDATE payments SET status = 'REFUNDED', refunded_event_id = ?2 WHERE order_id = ?1";
    let event_id = publish_and_record(services, event, record, order_id).await?;
    Ok(json!({"refunded": true, "paymentId": payment_id, "eventId": event_id}))
}

/// Publishes `event`, then records its id on the order's payment with
/// `update` (`?1` the order, `?2` the event id): a retry after a crash in
/// between publishes again, which consumers dedupe by idempotency key.
async fn publish_and_record(
    services: &Services,
    event: DemoEvent,
    update: &'static str,
    order_id: String,
) -> Result<String, FunctionError> {
    let event_id = publish(services, event).await?;
    let recorded = event_id.clone();
    services.store.run(move |conn| conn.execute(update, params![order_id, recorded])).await.map_err(store_failed)?;
    Ok(event_id)
}
