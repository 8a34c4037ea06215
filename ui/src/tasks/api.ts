// The task-token drawer's Tauri commands, kept beside the drawer (as the
// shared api.ts does for the rest): tests mock @tauri-apps/api/core once.
import { invoke } from '@tauri-apps/api/core';
import type { ExecutionView } from '../bindings/ExecutionView';
import type { TaskAnswer } from '../bindings/TaskAnswer';
import type { TaskAnswerOutcome } from '../bindings/TaskAnswerOutcome';
import type { WaitingTask } from '../bindings/WaitingTask';

/** Every `.waitForTaskToken` task waiting across running executions, oldest first. */
export function listWaitingTasks(): Promise<WaitingTask[]> {
  return invoke<WaitingTask[]>('list_waiting_tasks');
}

/** One answer sent to each token; each outcome in words. */
export function answerTasks(taskTokens: string[], answer: TaskAnswer): Promise<TaskAnswerOutcome[]> {
  return invoke<TaskAnswerOutcome[]>('answer_tasks', { taskTokens, answer });
}

/** An execution with the definition it runs, its history and its current states. */
export function getExecutionView(executionArn: string): Promise<ExecutionView> {
  return invoke<ExecutionView>('get_execution_view', { executionArn });
}
