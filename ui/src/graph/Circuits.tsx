// The circuits overlay: each circuit's state and how long it has been in
// it, and the functions it guards (matched by name). It ticks by itself
// once a second; nothing else re-renders for it. It sits in the bottom-left
// corner stacked above the graph's legend, however many rows the legend
// wraps to, so it never covers it.
import { useEffect, useLayoutEffect, useRef, useState, type RefObject } from 'react';
import type { CircuitStatus } from '../bindings/CircuitStatus';
import type { Topology } from '../bindings/Topology';
import { circuitNodeIds, formatDuration, sortCircuits } from './activity';
import './live.css';

/** The overlay's distance from the pane's bottom edge with no legend, in pixels (the legend's own). */
export const CORNER_GAP_PX = 12;
/** The space between the legend and the overlay above it, in pixels. */
export const STACK_GAP_PX = 8;

/**
 * Keeps the overlay (`box`) clear of the legend beside it (`.legend`, a
 * sibling in the graph pane), following the legend as it wraps. Writes the
 * overlay's `bottom` itself: a measured layout, not React state.
 */
function useAboveLegend(box: RefObject<HTMLElement | null>, shown: boolean): void {
  useLayoutEffect(() => {
    const overlay = box.current;
    if (!overlay) return undefined;
    const siblings = shown ? Array.from(overlay.parentElement?.children ?? []) : [];
    const legend = siblings.find((el): el is HTMLElement => el instanceof HTMLElement && el.classList.contains('legend'));
    const place = () => {
      const bottom = legend ? CORNER_GAP_PX + legend.offsetHeight + STACK_GAP_PX : CORNER_GAP_PX;
      overlay.style.setProperty('bottom', `${bottom}px`);
    };
    place();
    if (!legend || typeof ResizeObserver === 'undefined') return undefined;
    const watcher = new ResizeObserver(place);
    watcher.observe(legend);
    return () => watcher.disconnect();
  }, [box, shown]);
}

export function Circuits({ circuits, topology }: { circuits: CircuitStatus[]; topology: Topology }) {
  const [now, setNow] = useState(() => Date.now());
  const box = useRef<HTMLElement>(null);
  const shown = circuits.length > 0;
  useAboveLegend(box, shown && topology.nodes.length > 0);
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(timer);
  }, []);
  if (!shown) return null;
  const labels = new Map(topology.nodes.map((n) => [n.id, n.label]));
  return (
    <section className="graph-circuits" aria-label="Circuits" ref={box}>
      <h2 className="graph-circuits__title">Circuits</h2>
      <ul>
        {sortCircuits(circuits).map((circuit) => {
          const state = circuit.state.toUpperCase();
          const guards = circuitNodeIds(topology, circuit.name).map((id) => labels.get(id) ?? id);
          return (
            <li key={circuit.name} className="graph-circuit" data-circuit={circuit.name} data-state={state}>
              <span className={`graph-circuit__state graph-circuit__state--${state.toLowerCase()}`}>
                {state.replace('_', '-')}
              </span>
              <span className="graph-circuit__name">{circuit.name}</span>
              <span className="graph-circuit__since" title={circuit.reason ?? undefined}>
                for {formatDuration(now - circuit.sinceMs)}
              </span>
              {guards.length > 0 && <span className="graph-circuit__guards">{guards.join(', ')}</span>}
            </li>
          );
        })}
      </ul>
    </section>
  );
}
