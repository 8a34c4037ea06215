//! The event "Put sample event" sends: an order placed in the shop, with the
//! metadata/data split Choreoscope reads causation from.

use serde_json::{Value, json};

/// The source of sample events.
pub const SOURCE: &str = "shop.orders";
/// The detail-type of sample events.
pub const DETAIL_TYPE: &str = "OrderPlaced";

const MENU: [(&str, f64); 4] = [("margherita", 9.5), ("quattro-formaggi", 12.0), ("tiramisu", 6.5), ("lemonade", 3.0)];

/// A new `OrderPlaced` detail: a fresh order id, a customer and a few items.
pub fn order_placed() -> Value {
    let id = uuid::Uuid::new_v4();
    let bytes = id.as_bytes();
    let order_id = format!("ord-{}", &id.simple().to_string()[..8]);
    let items: Vec<Value> = (0..1 + bytes[0] as usize % 3)
        .map(|i| {
            let (sku, price) = MENU[(bytes[1] as usize + i) % MENU.len()];
            json!({ "sku": sku, "quantity": 1 + bytes[2 + i] as u32 % 2, "price": price })
        })
        .collect();
    let total: f64 =
        items.iter().map(|i| i["price"].as_f64().unwrap_or(0.0) * i["quantity"].as_f64().unwrap_or(0.0)).sum();
    json!({
        "metadata": {
            "domain": "shop",
            "service": "orders",
            "type": DETAIL_TYPE,
            "schemaVersion": "1",
            "correlationId": order_id,
            "causationId": order_id,
            "idempotencyKey": id.to_string(),
        },
        "data": {
            "orderId": order_id,
            "customerId": format!("cust-{}", bytes[5] % 50),
            "restaurantId": format!("rst-{}", bytes[6] % 5),
            "items": items,
            "total": total,
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_sample_order_carries_metadata_and_data() {
        let detail = order_placed();
        let order_id = detail["data"]["orderId"].as_str().expect("order id");
        assert!(order_id.starts_with("ord-"));
        assert_eq!(detail["metadata"]["correlationId"], order_id);
        assert_eq!(detail["metadata"]["type"], DETAIL_TYPE);
        let items = detail["data"]["items"].as_array().expect("items");
        assert!((1..=3).contains(&items.len()));
        assert!(detail["data"]["total"].as_f64().expect("total") > 0.0);
    }

    #[test]
    fn every_sample_is_a_new_order() {
        assert_ne!(order_placed()["data"]["orderId"], order_placed()["data"]["orderId"]);
    }
}
