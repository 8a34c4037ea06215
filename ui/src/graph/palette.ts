// One colour per kind of node, shared by the canvas stylesheet and the legend.
import type { TargetKind } from '../bindings/TargetKind';

export const BUS_COLOR = '#8b5cf6';
export const RULE_COLOR = '#14b8a6';

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
