//! The task-token drawer's commands: the `.waitForTaskToken` tasks waiting,
//! answers to them, and an execution to draw.

use choreoscope_model::{AppError, ExecutionView, TaskAnswer, TaskAnswerOutcome, WaitingTask};
use tauri::State;

use crate::state::AppState;

/// Every `.waitForTaskToken` task waiting across running executions, oldest first.
#[tauri::command]
pub async fn list_waiting_tasks(state: State<'_, AppState>) -> Result<Vec<WaitingTask>, AppError> {
    Ok(state.observer().waiting_tasks().await?)
}

/// Sends one answer (success, failure or heartbeat) to each token and says
/// what became of each; an answer Step Functions would refuse (an output
/// that is not JSON) is refused in words before anything is sent.
#[tauri::command]
pub async fn answer_tasks(
    state: State<'_, AppState>,
    task_tokens: Vec<String>,
    answer: TaskAnswer,
) -> Result<Vec<TaskAnswerOutcome>, AppError> {
    Ok(state.observer().answer_tasks(&task_tokens, &answer).await?)
}

/// An execution with the definition it runs, its history and its current states.
#[tauri::command]
pub async fn get_execution_view(state: State<'_, AppState>, execution_arn: String) -> Result<ExecutionView, AppError> {
    Ok(state.observer().execution_view(&execution_arn).await?)
}
