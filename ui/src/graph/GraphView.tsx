// The choreography graph: a Cytoscape canvas plus, for screen readers and
// end-to-end tests (which cannot read a canvas), the same nodes and edges as
// visually hidden lists.
import { useEffect, useMemo, useRef, useState } from 'react';
import type { Topology } from '../bindings/Topology';
import { shapeKey } from './elements';
import { Legend } from './Legend';
import { NodeDetails } from './NodeDetails';
import { createRenderer, type GraphRenderer } from './renderer';

export function GraphView({ topology }: { topology: Topology }) {
  const containerRef = useRef<HTMLDivElement>(null);
  const rendererRef = useRef<GraphRenderer | null>(null);
  const [selectedId, setSelectedId] = useState<string | null>(null);
  // Shape key of the structure whose layout has finished; the layout is done
  // when it matches the structure on screen.
  const [laidOutKey, setLaidOutKey] = useState<string | null>(null);
  const key = useMemo(() => shapeKey(topology), [topology]);
  const labels = useMemo(() => new Map(topology.nodes.map((n) => [n.id, n.label])), [topology]);
  const selectedNode = topology.nodes.find((n) => n.id === selectedId) ?? null;

  useEffect(() => {
    const container = containerRef.current;
    if (!container) return;
    const renderer = createRenderer(container, { onSelect: setSelectedId, onLayoutDone: setLaidOutKey });
    rendererRef.current = renderer;
    return () => {
      rendererRef.current = null;
      renderer.destroy();
    };
  }, []);

  useEffect(() => {
    rendererRef.current?.update(topology);
  }, [topology]);

  useEffect(() => {
    rendererRef.current?.select(selectedNode ? selectedNode.id : null);
  }, [selectedNode]);

  return (
    <section className="graph-pane" aria-label="Choreography graph">
      <div
        ref={containerRef}
        className="graph-canvas"
        data-testid="graph"
        data-node-count={topology.nodes.length}
        data-edge-count={topology.edges.length}
        data-layout={laidOutKey === key ? 'done' : 'pending'}
      />
      {topology.nodes.length === 0 && (
        <div className="graph-message">
          <p className="graph-message__title">No event buses found</p>
          <p>Create a bus or a rule and it will appear here.</p>
        </div>
      )}
      <div className="graph-toolbar">
        <button type="button" className="button button--ghost" onClick={() => rendererRef.current?.fit()}>
          Fit to view
        </button>
      </div>
      {topology.nodes.length > 0 && <Legend topology={topology} />}
      {selectedNode && <NodeDetails node={selectedNode} topology={topology} onClose={() => setSelectedId(null)} />}
      <ul className="sr-only" aria-label="Graph nodes">
        {topology.nodes.map((node) => (
          <li key={node.id} data-node-id={node.id} data-node-kind={node.kind}>
            {node.label}
          </li>
        ))}
      </ul>
      <ul className="sr-only" aria-label="Graph edges">
        {topology.edges.map((edge) => (
          <li key={edge.id} data-edge-id={edge.id} data-source={edge.source} data-target={edge.target}>
            {`${labels.get(edge.source) ?? edge.source} → ${labels.get(edge.target) ?? edge.target}`}
          </li>
        ))}
      </ul>
    </section>
  );
}
