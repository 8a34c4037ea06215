// The demo controls' Tauri commands and the watched order's event, typed.
import { invoke } from '@tauri-apps/api/core';
import { listen, type UnlistenFn } from '@tauri-apps/api/event';
import type { DemoFaults } from '../bindings/DemoFaults';
import type { DemoMenuItem } from '../bindings/DemoMenuItem';
import type { DemoOrder } from '../bindings/DemoOrder';
import type { DemoOrderLine } from '../bindings/DemoOrderLine';
import type { DemoOrderUpdate } from '../bindings/DemoOrderUpdate';
import type { DemoRestaurant } from '../bindings/DemoRestaurant';
import type { DemoStatus } from '../bindings/DemoStatus';

/** The demo's faults in force and its traffic rate. */
export function demoStatus(): Promise<DemoStatus> {
  return invoke<DemoStatus>('demo_status');
}

/** Changes the partner's and/or the notification provider's fault; the faults now in force. */
export function setDemoFaults(faults: { partner?: string; notifications?: string }): Promise<DemoFaults> {
  return invoke<DemoFaults>('set_demo_faults', {
    partner: faults.partner ?? null,
    notifications: faults.notifications ?? null,
  });
}

/** Sets the traffic generator's rate (0 pauses it); the rate set. */
export function setDemoTraffic(ordersPerSec: number): Promise<number> {
  return invoke<number>('set_demo_traffic', { ordersPerSec });
}

export function demoRestaurants(): Promise<DemoRestaurant[]> {
  return invoke<DemoRestaurant[]>('demo_restaurants');
}

export function demoMenu(restaurantId: string): Promise<DemoMenuItem[]> {
  return invoke<DemoMenuItem[]>('demo_menu', { restaurantId });
}

export function placeDemoOrder(customer: string, restaurantId: string, items: DemoOrderLine[]): Promise<DemoOrder> {
  return invoke<DemoOrder>('place_demo_order', { customer, restaurantId, items });
}

export function cancelDemoOrder(orderId: string): Promise<DemoOrder> {
  return invoke<DemoOrder>('cancel_demo_order', { orderId });
}

/** Starts forwarding the order's subscription as `demo-order-update` events. */
export function watchDemoOrder(orderId: string): Promise<void> {
  return invoke<null>('watch_demo_order', { orderId }).then(() => undefined);
}

export function unwatchDemoOrder(orderId: string): Promise<void> {
  return invoke<null>('unwatch_demo_order', { orderId }).then(() => undefined);
}

/** Each update of a watched order, the last one with `ended`. */
export function onDemoOrderUpdate(handler: (update: DemoOrderUpdate) => void): Promise<UnlistenFn> {
  return listen<DemoOrderUpdate>('demo-order-update', (event) => handler(event.payload));
}
