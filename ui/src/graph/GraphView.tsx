// The choreography graph: a Cytoscape canvas plus, for screen readers and
// end-to-end tests (which cannot read a canvas), the same nodes and edges as
// visually hidden lists.
import { useCallback, useEffect, useLayoutEffect, useMemo, useRef, useState } from 'react';
import { graphReady } from '../api';
import type { ActivityBatch } from '../bindings/ActivityBatch';
import type { CircuitStatus } from '../bindings/CircuitStatus';
import type { Topology } from '../bindings/Topology';
import { useActivity } from '../hooks/useActivity';
import { getTheme, useTheme } from '../theme/theme';
import { Circuits } from './Circuits';
import { registerGraphControls } from './controls';
import { shapeKey } from './elements';
import { ExportMenu } from './ExportMenu';
import { exportGraph, type ExportFormat } from './exporting';
import { GraphSearch } from './GraphSearch';
import { setHighlight, setHighlightedTraces, useHighlight, useHighlightedTraces } from './highlight';
import { tracesPath } from './paths';
import { Legend } from './Legend';
import { createLiveController, type LiveController } from './live';
import { NodeDetails } from './NodeDetails';
import { emptyRecord, record, type ActivityRecord } from './nodeLive';
import { createRenderer, type GraphRenderer } from './renderer';

let readyReported = false;

/** The first laid-out graph ends the app's start-up, which the app times. */
function reportReadyOnce() {
  if (readyReported) return;
  readyReported = true;
  graphReady().catch(() => {
    // Outside the app (tests, a browser) nobody listens: nothing to report.
  });
}

export function GraphView({ topology }: { topology: Topology }) {
  const containerRef = useRef<HTMLDivElement>(null);
  const rendererRef = useRef<GraphRenderer | null>(null);
  const liveRef = useRef<LiveController | null>(null);
  // Circuits change rarely: React state, set only when one does.
  const [circuits, setCircuits] = useState<CircuitStatus[]>([]);
  const circuitsKey = useRef('');
  const [selectedId, setSelectedId] = useState<string | null>(null);
  // Every batch, for the node panel's rates and recent events (mutated in place, no re-render).
  const [activityRecord] = useState<ActivityRecord>(emptyRecord);
  // Shape key of the structure whose layout has finished; the layout is done
  // when it matches the structure on screen.
  const [laidOutKey, setLaidOutKey] = useState<string | null>(null);
  // Shape key of the structure ELK has laid out this session (a new
  // structure gets the quick layout first; a remembered one never needs ELK).
  const [refinedKey, setRefinedKey] = useState<string | null>(null);
  const key = useMemo(() => shapeKey(topology), [topology]);
  const labels = useMemo(() => new Map(topology.nodes.map((n) => [n.id, n.label])), [topology]);
  const selectedNode = topology.nodes.find((n) => n.id === selectedId) ?? null;
  // The node whose neighbourhood is in focus; dropped if it leaves the graph.
  const [focusRequest, setFocusRequest] = useState<string | null>(null);
  const focusId = focusRequest !== null && labels.has(focusRequest) ? focusRequest : null;
  const highlight = useHighlight();
  const theme = useTheme();
  const [message, setMessage] = useState('');
  const searchRef = useRef<HTMLInputElement>(null);

  // Layout effects, not effects: Cytoscape starts, and the graph is laid
  // out, before the browser's first paint of the page, not after it (one
  // page layout and paint fewer at start-up: about 150 ms here).
  useLayoutEffect(() => {
    const container = containerRef.current;
    if (!container) return;
    const renderer = createRenderer(
      container,
      { onSelect: setSelectedId, onLayoutDone: setLaidOutKey, onLayoutRefined: setRefinedKey, onFocus: setFocusRequest },
      { theme: getTheme() },
    );
    rendererRef.current = renderer;
    const live = createLiveController(renderer);
    liveRef.current = live;
    return () => {
      live.stop();
      liveRef.current = null;
      rendererRef.current = null;
      renderer.destroy();
    };
  }, []);

  useLayoutEffect(() => {
    rendererRef.current?.update(topology);
    liveRef.current?.setTopology(topology);
  }, [topology]);

  const onActivity = useCallback((batch: ActivityBatch) => {
    liveRef.current?.push(batch);
    record(activityRecord, batch);
    const key = batch.circuits.map((c) => `${c.name}:${c.state}:${c.sinceMs}`).join('|');
    if (key !== circuitsKey.current) {
      circuitsKey.current = key;
      setCircuits(batch.circuits);
    }
  }, [activityRecord]);
  useActivity(onActivity);

  useEffect(() => {
    rendererRef.current?.select(selectedNode ? selectedNode.id : null);
  }, [selectedNode]);

  useEffect(() => {
    rendererRef.current?.setTheme(theme);
  }, [theme]);

  useEffect(() => {
    rendererRef.current?.focus(focusId);
  }, [focusId]);

  const traces = useHighlightedTraces();
  const lit = useMemo(() => {
    if (highlight) return highlight;
    if (!traces) return null;
    const path = tracesPath(topology, traces);
    return path.nodeIds.length > 0 ? path : null;
  }, [highlight, traces, topology]);
  useEffect(() => {
    rendererRef.current?.highlight(lit?.nodeIds ?? null, lit?.edgeIds ?? null);
  }, [lit]);

  const onMatches = useCallback((ids: string[], current: string | null) => {
    rendererRef.current?.markMatches(ids, current);
  }, []);
  const goTo = useCallback((id: string) => {
    setSelectedId(id);
    rendererRef.current?.centerOn(id);
  }, []);
  const showAll = useCallback(() => {
    setFocusRequest(null);
    setHighlight(null);
    setHighlightedTraces(null);
  }, []);
  const onExport = useCallback(
    (format: ExportFormat) => {
      const renderer = rendererRef.current;
      if (!renderer) return;
      setMessage(format === 'mermaid' ? 'Exporting Mermaid…' : `Exporting ${format.toUpperCase()}…`);
      void exportGraph(format, renderer, topology).then(setMessage);
    },
    [topology],
  );

  // The command palette drives the pane through these while it is mounted.
  useEffect(() => {
    registerGraphControls({
      nodes: topology.nodes.map((n) => ({ id: n.id, label: n.label })),
      selectedId: selectedNode?.id ?? null,
      fit: () => rendererRef.current?.fit(),
      startSearch: () => searchRef.current?.focus(),
      exportAs: onExport,
      focus: setFocusRequest,
      showAll,
      goToNode: goTo,
    });
  }, [topology, selectedNode, onExport, showAll, goTo]);
  useEffect(() => () => registerGraphControls(null), []);

  const emphasised = focusId !== null || lit !== null;

  const laidOut = laidOutKey === key && topology.nodes.length > 0;
  useEffect(() => {
    if (laidOut) reportReadyOnce();
  }, [laidOut]);

  return (
    <section className="graph-pane" aria-label="Choreography graph">
      <div
        ref={containerRef}
        className="graph-canvas"
        data-testid="graph"
        data-node-count={topology.nodes.length}
        data-edge-count={topology.edges.length}
        data-layout={laidOutKey === key ? 'done' : 'pending'}
        data-layout-refined={refinedKey === key ? 'elk' : undefined}
      />
      {topology.nodes.length === 0 && (
        <div className="graph-message">
          <p className="graph-message__title">No event buses found</p>
          <p>Create a bus or a rule and it will appear here.</p>
        </div>
      )}
      <div className="graph-toolbar" role="toolbar" aria-label="Graph tools">
        <button type="button" className="button button--ghost" onClick={() => rendererRef.current?.fit()}>
          Fit to view
        </button>
        <GraphSearch topology={topology} onMatches={onMatches} onGoTo={goTo} inputRef={searchRef} />
        <ExportMenu onExport={onExport} />
        {emphasised && (
          <button type="button" className="button button--ghost button--attention" onClick={showAll}>
            Show all
          </button>
        )}
        {/* A live region without role="status": the header's put status is the page's one status. */}
        <p className="graph-toolbar__message" aria-live="polite" aria-atomic="true">
          {message}
        </p>
      </div>
      {topology.nodes.length > 0 && <Legend topology={topology} />}
      {circuits.length > 0 && <Circuits circuits={circuits} topology={topology} />}
      {selectedNode && (
        <NodeDetails
          node={selectedNode}
          topology={topology}
          onClose={() => setSelectedId(null)}
          focused={focusId === selectedNode.id}
          onFocus={() => setFocusRequest(focusId === selectedNode.id ? null : selectedNode.id)}
          activity={activityRecord}
        />
      )}
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
