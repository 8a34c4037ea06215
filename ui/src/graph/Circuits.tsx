// The circuits overlay: each circuit's state and how long it has been in
// it, and the functions it guards (matched by name). It ticks by itself
// once a second; nothing else re-renders for it.
import { useEffect, useState } from 'react';
import type { CircuitStatus } from '../bindings/CircuitStatus';
import type { Topology } from '../bindings/Topology';
import { circuitNodeIds, formatDuration, sortCircuits } from './activity';
import './live.css';

export function Circuits({ circuits, topology }: { circuits: CircuitStatus[]; topology: Topology }) {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(timer);
  }, []);
  if (circuits.length === 0) return null;
  const labels = new Map(topology.nodes.map((n) => [n.id, n.label]));
  return (
    <section className="graph-circuits" aria-label="Circuits">
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
