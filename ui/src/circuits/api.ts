// The circuits panel's Tauri command, typed.
import { invoke } from '@tauri-apps/api/core';
import type { CircuitsReport } from '../bindings/CircuitsReport';

/**
 * Every circuit known from its `Circuit State Changed` events: its state now,
 * its transitions over the last `windowMs` and the replays its closings started.
 */
export function getCircuits(windowMs: number): Promise<CircuitsReport> {
  return invoke<CircuitsReport>('get_circuits', { windowMs });
}
