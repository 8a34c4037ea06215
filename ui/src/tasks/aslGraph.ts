// A state machine's definition (Amazon States Language) as a top-to-bottom
// flowchart (pure): one node per state plus Start and End, edges for Next,
// Choices and Default, Catch, and Parallel branches and Map iterations,
// whose last states join the state after the Parallel or Map. Rows are the
// longest path from Start (loops back are left out of it), so what follows
// a Parallel sits below all its branches.

export type AslEdgeKind = 'next' | 'choice' | 'default' | 'catch' | 'branch' | 'join';

export interface AslNode {
  id: string;
  label: string;
  /** The ASL `Type` (`Task`, `Choice`…), or `Start` / `End` for the two added. */
  type: string;
  /** The Parallel or Map state whose branch it is in, if any. */
  parent: string | null;
  x: number;
  y: number;
}

export interface AslEdge {
  id: string;
  source: string;
  target: string;
  kind: AslEdgeKind;
  /** The errors a Catch catches, `default` for a Choice's default. */
  label: string | null;
}

export interface AslGraph {
  nodes: AslNode[];
  edges: AslEdge[];
}

export const START_ID = '(start)';
export const END_ID = '(end)';
/** Pixels between columns and rows. */
export const COLUMN = 190;
export const ROW = 90;

type Json = Record<string, unknown>;

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function list(value: unknown): unknown[] {
  return Array.isArray(value) ? (value as unknown[]) : [];
}

function str(value: unknown): string | null {
  return typeof value === 'string' ? value : null;
}

/** The graph of a definition; only Start and End when it is not one. */
export function aslToGraph(definition: unknown): AslGraph {
  const nodes = new Map<string, Omit<AslNode, 'x' | 'y'>>();
  const edges: AslEdge[] = [];
  const seen = new Set<string>();
  const edge = (source: string, target: string, kind: AslEdgeKind, label: string | null = null) => {
    const id = `${source}→${target}:${kind}`;
    if (seen.has(id)) return;
    seen.add(id);
    edges.push({ id, source, target, kind, label });
  };

  nodes.set(START_ID, { id: START_ID, label: 'Start', type: 'Start', parent: null });
  nodes.set(END_ID, { id: END_ID, label: 'End', type: 'End', parent: null });

  // Adds a machine (or branch) and returns its StartAt; its ending states lead to `exit`.
  const walk = (machine: unknown, exit: string, parent: string | null): string | null => {
    if (!isObject(machine) || !isObject(machine.States)) return null;
    const states = machine.States;
    for (const [name, state] of Object.entries(states)) {
      const type = isObject(state) ? (str(state.Type) ?? 'State') : 'State';
      nodes.set(name, { id: name, label: name, type, parent });
    }
    for (const [name, state] of Object.entries(states)) {
      if (!isObject(state)) continue;
      const type = str(state.Type);
      const next = str(state.Next);
      const after = next ?? exit;
      const inner = [
        ...list(state.Branches),
        ...[state.ItemProcessor, state.Iterator].filter(isObject),
      ];
      let branched = false;
      for (const branch of inner) {
        const start = walk(branch, after, name);
        if (start !== null) {
          edge(name, start, 'branch');
          branched = true;
        }
      }
      if (type === 'Choice') {
        for (const rule of list(state.Choices)) {
          const target = isObject(rule) ? str(rule.Next) : null;
          if (target) edge(name, target, 'choice');
        }
        const fallback = str(state.Default);
        if (fallback) edge(name, fallback, 'default', 'default');
      } else if (type === 'Succeed' || type === 'Fail') {
        // A Fail ends the whole execution; a Succeed only its branch.
        edge(name, type === 'Fail' ? END_ID : exit, parent && type === 'Succeed' ? 'join' : 'next');
      } else if (!branched) {
        // A branch's last state joins what follows its Parallel or Map.
        edge(name, after, parent && next === null ? 'join' : 'next');
      }
      for (const rule of list(state.Catch)) {
        if (!isObject(rule)) continue;
        const target = str(rule.Next);
        const errors = list(rule.ErrorEquals).filter((e) => typeof e === 'string');
        if (target) edge(name, target, 'catch', errors.join(', ') || null);
      }
    }
    const start = str(machine.StartAt);
    return start !== null && nodes.has(start) ? start : null;
  };

  const start = walk(definition, END_ID, null);
  if (start !== null) edge(START_ID, start, 'next');
  // Edges to states that do not exist are dropped: there is nothing to draw them to.
  const kept = edges.filter((e) => nodes.has(e.source) && nodes.has(e.target));
  return { nodes: layout([...nodes.values()], kept), edges: kept };
}

/** Rows by longest path from Start without the edges that loop back; columns centred per row. */
function layout(nodes: Omit<AslNode, 'x' | 'y'>[], edges: AslEdge[]): AslNode[] {
  const out = new Map<string, string[]>();
  for (const e of edges) out.set(e.source, [...(out.get(e.source) ?? []), e.target]);

  // Depth first from Start: the order nodes are met in, and the edges back to the path.
  const order: string[] = [];
  const back = new Set<string>();
  const onPath = new Set<string>();
  const visited = new Set<string>();
  const visit = (id: string) => {
    visited.add(id);
    onPath.add(id);
    order.push(id);
    for (const target of out.get(id) ?? []) {
      if (onPath.has(target)) back.add(`${id}\u0000${target}`);
      else if (!visited.has(target)) visit(target);
    }
    onPath.delete(id);
  };
  visit(START_ID);
  for (const node of nodes) if (!visited.has(node.id)) visit(node.id);

  // Longest path over what is left, a DAG, in topological order (Kahn).
  const forward = edges.filter((e) => !back.has(`${e.source}\u0000${e.target}`) && e.source !== e.target);
  const indegree = new Map(nodes.map((n) => [n.id, 0]));
  for (const e of forward) indegree.set(e.target, (indegree.get(e.target) ?? 0) + 1);
  const row = new Map(nodes.map((n) => [n.id, 0]));
  const ready = order.filter((id) => indegree.get(id) === 0);
  while (ready.length > 0) {
    const id = ready.shift()!;
    for (const e of forward) {
      if (e.source !== id) continue;
      row.set(e.target, Math.max(row.get(e.target) ?? 0, (row.get(id) ?? 0) + 1));
      const left = (indegree.get(e.target) ?? 0) - 1;
      indegree.set(e.target, left);
      if (left === 0) ready.push(e.target);
    }
  }
  // End goes last, whatever reaches it.
  const deepest = Math.max(0, ...[...row.entries()].filter(([id]) => id !== END_ID).map(([, r]) => r));
  row.set(END_ID, deepest + 1);

  const rows = new Map<number, string[]>();
  for (const id of order) rows.set(row.get(id)!, [...(rows.get(row.get(id)!) ?? []), id]);
  const byId = new Map(nodes.map((n) => [n.id, n]));
  const placed: AslNode[] = [];
  for (const [r, ids] of [...rows.entries()].sort((a, b) => a[0] - b[0])) {
    ids.forEach((id, i) => {
      placed.push({ ...byId.get(id)!, x: (i - (ids.length - 1) / 2) * COLUMN, y: r * ROW });
    });
  }
  return placed;
}
