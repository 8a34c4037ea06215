// One colour per kind of node and edge, shared by the canvas stylesheet,
// the legend and the details panel.
import type { EdgeKind } from '../bindings/EdgeKind';
import type { TargetKind } from '../bindings/TargetKind';

export const BUS_COLOR = '#8b5cf6';
export const RULE_COLOR = '#14b8a6';
export const ARCHIVE_COLOR = '#eab308';
export const CONNECTION_COLOR = '#a3a3a3';
/** Dead-letter queues and the edges into them. */
export const DLQ_COLOR = '#ef4444';
/** Edges from a state machine to what its states use. */
export const CALL_COLOR = '#38bdf8';
/** Event types learned from traffic, and the edges to and from them. */
export const EVENT_TYPE_COLOR = '#06b6d4';

/** Live dots by what came of their hop, and the glows of nodes in trouble. */
export const LIVE_COLORS = {
  delivering: '#e2e8f0',
  delivered: '#4ade80',
  retrying: '#fbbf24',
  failed: '#f87171',
  deadLettered: '#ef4444',
} as const;

export const TARGET_COLORS: Record<TargetKind, string> = {
  function: '#f59e0b',
  queue: '#ec4899',
  eventBus: '#a78bfa',
  logGroup: '#22c55e',
  stateMachine: '#38bdf8',
  apiDestination: '#f97316',
  other: '#94a3b8',
};

export const TARGET_NAMES: Record<TargetKind, string> = {
  function: 'Lambda function',
  queue: 'SQS queue',
  eventBus: 'Event bus',
  logGroup: 'Log group',
  stateMachine: 'State machine',
  apiDestination: 'API destination',
  other: 'Other target',
};

/** What each kind of edge means, as the details panel and legend say it. */
export const EDGE_NAMES: Record<EdgeKind, string> = {
  busToRule: 'Rule',
  ruleToTarget: 'Delivery',
  deadLetter: 'Dead letters',
  busToArchive: 'Archived',
  apiDestinationToConnection: 'Authorised by',
  invokes: 'Invokes',
  putsEvents: 'Puts events',
  sendsMessage: 'Sends messages',
  startsExecution: 'Starts executions',
  emits: 'Emits',
  putOn: 'Put on',
};
