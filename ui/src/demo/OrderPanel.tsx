// A GraphQL client of the demo: pick a restaurant and dishes, place the
// order, watch its status change live from its subscription, cancel it.
import { useEffect, useState } from 'react';
import { toAppError } from '../api';
import type { DemoMenuItem } from '../bindings/DemoMenuItem';
import type { DemoOrder } from '../bindings/DemoOrder';
import type { DemoOrderUpdate } from '../bindings/DemoOrderUpdate';
import type { DemoRestaurant } from '../bindings/DemoRestaurant';
import { subscribe } from '../hooks/subscribe';
import {
  cancelDemoOrder,
  demoMenu,
  demoRestaurants,
  onDemoOrderUpdate,
  placeDemoOrder,
  unwatchDemoOrder,
  watchDemoOrder,
} from './api';

/** Statuses after which nothing changes. */
const FINAL = new Set(['DELIVERED', 'REJECTED', 'CANCELLED', 'FAILED']);

/** Euro cents as `€12.50`. */
export function euros(cents: number): string {
  return `€${(cents / 100).toFixed(2)}`;
}

interface Watched {
  order: DemoOrder;
  /** The statuses the subscription told, in order. */
  updates: DemoOrderUpdate[];
  ended: boolean;
  error: string | null;
}

export function OrderPanel() {
  const [restaurants, setRestaurants] = useState<DemoRestaurant[]>([]);
  const [restaurantId, setRestaurantId] = useState('');
  const [menu, setMenu] = useState<DemoMenuItem[]>([]);
  const [quantities, setQuantities] = useState<Record<string, number>>({});
  const [customer, setCustomer] = useState('Ada');
  const [error, setError] = useState<string | null>(null);
  const [pending, setPending] = useState(false);
  const [watched, setWatched] = useState<Watched | null>(null);

  useEffect(() => {
    let active = true;
    demoRestaurants().then(
      (list) => {
        if (!active) return;
        setRestaurants(list);
        const first = list[0];
        if (first) setRestaurantId((id) => id || first.id);
      },
      (reason: unknown) => {
        if (active) setError(toAppError(reason).message);
      },
    );
    return () => {
      active = false;
    };
  }, []);

  useEffect(() => {
    if (!restaurantId) return undefined;
    let active = true;
    demoMenu(restaurantId).then(
      (items) => {
        if (!active) return;
        setMenu(items);
        const first = items[0];
        setQuantities(first ? { [first.id]: 1 } : {});
      },
      (reason: unknown) => {
        if (active) setError(toAppError(reason).message);
      },
    );
    return () => {
      active = false;
    };
  }, [restaurantId]);

  // The watched order's updates, from the subscription the Rust side runs.
  // Listened to from the start, so the first update (sent as soon as the
  // subscription is accepted) cannot come before the listener.
  useEffect(
    () =>
      subscribe(
        () =>
          onDemoOrderUpdate((update) => {
            setWatched((w) => {
              if (!w || w.order.id !== update.orderId) return w;
              if (update.ended) return { ...w, ended: true, error: update.error };
              return { ...w, updates: [...w.updates, update] };
            });
          }),
        (reason) => setError(toAppError(reason).message),
      ),
    [],
  );

  // A watch ends when another order is placed or the drawer closes.
  const watchedId = watched?.order.id ?? null;
  useEffect(() => {
    if (!watchedId) return undefined;
    return () => {
      unwatchDemoOrder(watchedId).catch(() => undefined);
    };
  }, [watchedId]);

  const lines = menu
    .filter((item) => (quantities[item.id] ?? 0) > 0)
    .map((item) => ({ menuItemId: item.id, quantity: quantities[item.id] ?? 0 }));
  const total = menu.reduce((sum, item) => sum + item.priceCents * (quantities[item.id] ?? 0), 0);

  const place = () => {
    setPending(true);
    setError(null);
    placeDemoOrder(customer.trim() || 'Ada', restaurantId, lines)
      .then((order) => {
        setWatched({ order, updates: [], ended: false, error: null });
        return watchDemoOrder(order.id);
      })
      .catch((reason: unknown) => setError(toAppError(reason).message))
      .finally(() => setPending(false));
  };

  const cancel = () => {
    if (!watched) return;
    setError(null);
    cancelDemoOrder(watched.order.id).then(
      (order) => setWatched((w) => (w && w.order.id === order.id ? { ...w, order } : w)),
      (reason: unknown) => setError(toAppError(reason).message),
    );
  };

  const latest = watched?.updates.at(-1)?.status ?? watched?.order.status ?? null;
  return (
    <section className="demo-section" aria-labelledby="demo-order-title">
      <h3 id="demo-order-title" className="demo-section__title">
        Place an order
      </h3>
      <div className="demo-form">
        <label>
          Customer
          <input value={customer} onChange={(e) => setCustomer(e.target.value)} />
        </label>
        <label>
          Restaurant
          <select value={restaurantId} onChange={(e) => setRestaurantId(e.target.value)}>
            {restaurants.map((r) => (
              <option key={r.id} value={r.id}>
                {r.name} ({r.cuisine})
              </option>
            ))}
          </select>
        </label>
        <ul className="demo-menu" aria-label="Menu">
          {menu.map((item) => (
            <li key={item.id}>
              <label>
                <input
                  type="number"
                  min={0}
                  max={99}
                  value={quantities[item.id] ?? 0}
                  aria-label={`Quantity of ${item.name}`}
                  onChange={(e) =>
                    setQuantities((q) => ({
                      ...q,
                      [item.id]: Math.min(99, Math.max(0, Math.round(Number(e.target.value) || 0))),
                    }))
                  }
                />
                {item.name}
              </label>
              <span className="demo-muted">{euros(item.priceCents)}</span>
            </li>
          ))}
        </ul>
        <div className="demo-form__actions">
          <span className="demo-muted">Total {euros(total)}</span>
          <button
            type="button"
            className="button button--primary"
            disabled={pending || !restaurantId || lines.length === 0}
            onClick={place}
          >
            Place order
          </button>
        </div>
      </div>
      {error && (
        <p className="demo-error" role="alert">
          {error}
        </p>
      )}
      {watched && (
        <div className="demo-order" data-testid="watched-order" aria-live="polite">
          <div className="demo-order__head">
            <code>{watched.order.id}</code>
            <span className="demo-order__status" data-testid="order-status">
              {latest}
            </span>
            <button
              type="button"
              className="button button--ghost"
              disabled={latest !== null && FINAL.has(latest)}
              onClick={cancel}
            >
              Cancel order
            </button>
          </div>
          <ol className="demo-order__updates" aria-label="Status updates">
            {watched.updates.map((u) => (
              <li key={`${u.status ?? ''}-${u.at ?? ''}`}>
                <strong>{u.status}</strong>
                {u.eventType && <span className="demo-muted"> {u.eventType}</span>}
              </li>
            ))}
          </ol>
          {watched.ended && (
            <p className="demo-muted">
              {watched.error ? `The subscription ended: ${watched.error}` : 'The subscription ended with the order.'}
            </p>
          )}
        </div>
      )}
    </section>
  );
}
