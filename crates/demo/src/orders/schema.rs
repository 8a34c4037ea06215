//! The order service's tables and the catalog it starts with.

/// The tables of the order service and its read model, and the seeded
/// catalog. Executed by [`DemoStore::open`](crate::store::DemoStore::open);
/// every statement is idempotent, so reopening a store changes nothing.
pub const SCHEMA: &str = r#"
CREATE TABLE IF NOT EXISTS restaurants (
    id       TEXT PRIMARY KEY,
    name     TEXT NOT NULL,
    cuisine  TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS menu_items (
    id             TEXT PRIMARY KEY,
    restaurant_id  TEXT NOT NULL REFERENCES restaurants(id),
    name           TEXT NOT NULL,
    price_cents    INTEGER NOT NULL CHECK (price_cents >= 0),
    position       INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS menu_items_by_restaurant ON menu_items (restaurant_id, position);
CREATE TABLE IF NOT EXISTS orders (
    id             TEXT PRIMARY KEY,
    customer       TEXT NOT NULL,
    restaurant_id  TEXT NOT NULL REFERENCES restaurants(id),
    total_cents    INTEGER NOT NULL,
    status         TEXT NOT NULL,
    placed_at      TEXT NOT NULL,
    updated_at     TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS orders_by_status ON orders (status);
CREATE TABLE IF NOT EXISTS order_items (
    order_id          TEXT NOT NULL REFERENCES orders(id),
    line              INTEGER NOT NULL,
    menu_item_id      TEXT NOT NULL,
    name              TEXT NOT NULL,
    quantity          INTEGER NOT NULL,
    unit_price_cents  INTEGER NOT NULL,
    PRIMARY KEY (order_id, line)
);
CREATE TABLE IF NOT EXISTS order_status_history (
    order_id    TEXT NOT NULL REFERENCES orders(id),
    seq         INTEGER NOT NULL,
    status      TEXT NOT NULL,
    event_type  TEXT NOT NULL,
    event_id    TEXT NOT NULL,
    at          TEXT NOT NULL,
    PRIMARY KEY (order_id, seq)
);
-- The events the projection has seen, by idempotency key: a repeated event
-- (a redelivery, the relay's re-send after a crash, a replay) changes nothing.
CREATE TABLE IF NOT EXISTS order_projection_seen (
    idempotency_key  TEXT PRIMARY KEY,
    event_id         TEXT NOT NULL,
    order_id         TEXT NOT NULL,
    seen_at          TEXT NOT NULL
);

INSERT OR IGNORE INTO restaurants (id, name, cuisine) VALUES
    ('r-pizza',  'Luigi''s Pizzeria', 'Italian'),
    ('r-sushi',  'Sakura Sushi',      'Japanese'),
    ('r-burger', 'Brooklyn Burgers',  'American'),
    ('r-curry',  'Spice Route',       'Indian');

INSERT OR IGNORE INTO menu_items (id, restaurant_id, name, price_cents, position) VALUES
    ('m-margherita',      'r-pizza',  'Pizza Margherita',        850, 1),
    ('m-diavola',         'r-pizza',  'Pizza Diavola',           1050, 2),
    ('m-quattro-formaggi','r-pizza',  'Pizza Quattro Formaggi',  1150, 3),
    ('m-tiramisu',        'r-pizza',  'Tiramisù',                550, 4),
    ('m-lemonade',        'r-pizza',  'Lemonade',                300, 5),
    ('m-salmon-nigiri',   'r-sushi',  'Salmon Nigiri (2)',       450, 1),
    ('m-tuna-maki',       'r-sushi',  'Tuna Maki (6)',           600, 2),
    ('m-dragon-roll',     'r-sushi',  'Dragon Roll (8)',         1350, 3),
    ('m-miso-soup',       'r-sushi',  'Miso Soup',               350, 4),
    ('m-edamame',         'r-sushi',  'Edamame',                 400, 5),
    ('m-green-tea',       'r-sushi',  'Green Tea',               250, 6),
    ('m-classic-burger',  'r-burger', 'Classic Burger',          990, 1),
    ('m-cheeseburger',    'r-burger', 'Cheeseburger',            1090, 2),
    ('m-veggie-burger',   'r-burger', 'Veggie Burger',           1050, 3),
    ('m-fries',           'r-burger', 'Fries',                   350, 4),
    ('m-milkshake',       'r-burger', 'Vanilla Milkshake',       450, 5),
    ('m-butter-chicken',  'r-curry',  'Butter Chicken',          1290, 1),
    ('m-palak-paneer',    'r-curry',  'Palak Paneer',            1150, 2),
    ('m-garlic-naan',     'r-curry',  'Garlic Naan',             300, 3),
    ('m-mango-lassi',     'r-curry',  'Mango Lassi',             390, 4);
"#;
