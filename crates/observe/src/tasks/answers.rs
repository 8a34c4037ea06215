//! Answering task tokens: SendTaskSuccess, SendTaskFailure and
//! SendTaskHeartbeat, for one token or many.
//!
//! An answer is checked before anything is sent (a success's output must be
//! JSON of at most 256 KiB, a failure's error and cause within AWS's
//! lengths), so a mistake costs no call and is said in words. Each token is
//! then answered on its own: one that is refused (`TaskTimedOut` for a task
//! answered already, timed out or whose execution ended; `TaskDoesNotExist`;
//! `InvalidToken`) does not stop the others, and its outcome says why in
//! words with AWS's own message.

use aws_sdk_sfn::Client;
use choreoscope_model::{TaskAnswer, TaskAnswerOutcome};

use crate::Observer;
use crate::error::{ObserveError, Result};

/// SendTaskSuccess's largest output: 256 KiB, in UTF-8 bytes.
pub const MAX_OUTPUT_BYTES: usize = 262_144;
/// SendTaskFailure's longest error, in characters.
pub const MAX_ERROR_CHARS: usize = 256;
/// SendTaskFailure's longest cause, in characters.
pub const MAX_CAUSE_CHARS: usize = 32_768;

impl Observer {
    /// Sends `answer` to one task token. A bad answer is refused before it
    /// is sent (`ObserveError::Invalid`, in words); AWS's refusals come back
    /// with its code and message (see [`refusal_in_words`] to say them).
    pub async fn answer_task(&self, task_token: &str, answer: &TaskAnswer) -> Result<()> {
        check_answer(answer)?;
        send(self.stepfunctions(), task_token, answer).await
    }

    /// Sends `answer` to each token in turn and says what became of each,
    /// in the tokens' order. The answer is checked once, before anything is
    /// sent: `Err` only then (or for no tokens at all); AWS's refusal of one
    /// token is that token's outcome.
    pub async fn answer_tasks(&self, task_tokens: &[String], answer: &TaskAnswer) -> Result<Vec<TaskAnswerOutcome>> {
        if task_tokens.is_empty() {
            return Err(ObserveError::Invalid("Choose at least one task to answer.".into()));
        }
        check_answer(answer)?;
        let mut outcomes = Vec::with_capacity(task_tokens.len());
        for token in task_tokens {
            let outcome = match send(self.stepfunctions(), token, answer).await {
                Ok(()) => TaskAnswerOutcome {
                    task_token: token.clone(),
                    sent: true,
                    code: None,
                    detail: accepted_in_words(answer).into(),
                    sent_ms: Some(now_ms()),
                },
                Err(error) => TaskAnswerOutcome {
                    task_token: token.clone(),
                    sent: false,
                    code: error.code().map(str::to_owned),
                    detail: refusal_in_words(&error),
                    sent_ms: None,
                },
            };
            outcomes.push(outcome);
        }
        Ok(outcomes)
    }
}

/// Checks an answer as Step Functions would, before it is sent: `Invalid`
/// with the reason in words.
pub fn check_answer(answer: &TaskAnswer) -> Result<()> {
    match answer {
        TaskAnswer::Success { output } => check_output(output).map(drop),
        TaskAnswer::Failure { error, cause } => {
            if let Some(error) = error
                && error.chars().count() > MAX_ERROR_CHARS
            {
                return Err(ObserveError::Invalid(format!(
                    "The error is {} characters long; Step Functions takes at most {MAX_ERROR_CHARS}.",
                    error.chars().count()
                )));
            }
            if let Some(cause) = cause
                && cause.chars().count() > MAX_CAUSE_CHARS
            {
                return Err(ObserveError::Invalid(format!(
                    "The cause is {} characters long; Step Functions takes at most {MAX_CAUSE_CHARS}.",
                    cause.chars().count()
                )));
            }
            Ok(())
        }
        TaskAnswer::Heartbeat => Ok(()),
    }
}

/// A success's output parsed, or why it cannot be sent, in words.
pub fn check_output(output: &str) -> Result<serde_json::Value> {
    if output.trim().is_empty() {
        return Err(ObserveError::Invalid(
            "The output is empty; a task's output must be JSON, e.g. {} or \"done\".".into(),
        ));
    }
    if output.len() > MAX_OUTPUT_BYTES {
        return Err(ObserveError::Invalid(format!(
            "The output is {} bytes; Step Functions takes at most 256 KiB ({MAX_OUTPUT_BYTES} bytes).",
            output.len()
        )));
    }
    serde_json::from_str(output).map_err(|error| {
        ObserveError::Invalid(format!(
            "The output is not JSON: {error}. Step Functions would refuse it (InvalidOutput), so it was not sent."
        ))
    })
}

/// One call to Step Functions.
async fn send(client: &Client, task_token: &str, answer: &TaskAnswer) -> Result<()> {
    match answer {
        TaskAnswer::Success { output } => client
            .send_task_success()
            .task_token(task_token)
            .output(output)
            .send()
            .await
            .map(drop)
            .map_err(|e| ObserveError::from_sdk("SendTaskSuccess", e)),
        TaskAnswer::Failure { error, cause } => client
            .send_task_failure()
            .task_token(task_token)
            .set_error(error.clone().filter(|e| !e.is_empty()))
            .set_cause(cause.clone().filter(|c| !c.is_empty()))
            .send()
            .await
            .map(drop)
            .map_err(|e| ObserveError::from_sdk("SendTaskFailure", e)),
        TaskAnswer::Heartbeat => client
            .send_task_heartbeat()
            .task_token(task_token)
            .send()
            .await
            .map(drop)
            .map_err(|e| ObserveError::from_sdk("SendTaskHeartbeat", e)),
    }
}

/// What an accepted answer does, in words.
fn accepted_in_words(answer: &TaskAnswer) -> &'static str {
    match answer {
        TaskAnswer::Success { .. } => "Sent: the task succeeded with this output and its execution goes on.",
        TaskAnswer::Failure { .. } => {
            "Sent: the task failed with this error; the state's Retry and Catch decide what happens next."
        }
        TaskAnswer::Heartbeat => "Heartbeat sent: the task's heartbeat clock starts again from now.",
    }
}

/// Why Step Functions (or the network) refused an answer, in words, with
/// AWS's code and message.
pub fn refusal_in_words(error: &ObserveError) -> String {
    let ObserveError::Service { code, message, .. } = error else {
        return format!("Not sent: {error}");
    };
    let meaning = match code.as_str() {
        "TaskTimedOut" => {
            "This task is no longer waiting: it was answered already, it timed out, or its execution ended."
        }
        "TaskDoesNotExist" => "No task has this token: it was never issued here, or its execution is gone.",
        "InvalidToken" => "This is not a task token Step Functions recognises.",
        "InvalidOutput" => "Step Functions refused the output: it is not JSON.",
        "ValidationException" => "Step Functions refused the request as malformed.",
        "AccessDeniedException" | "KmsAccessDeniedException" => "The credentials in use may not answer this task.",
        "ThrottlingException" => "Step Functions is throttling these calls; try again in a moment.",
        _ => "Step Functions refused the answer.",
    };
    format!("{meaning} ({code}: {message})")
}

/// Now, in milliseconds since the Unix epoch.
fn now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|elapsed| i64::try_from(elapsed.as_millis()).unwrap_or(i64::MAX))
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn invalid(result: Result<()>) -> String {
        match result {
            Err(ObserveError::Invalid(words)) => words,
            other => panic!("expected a refusal in words, got {other:?}"),
        }
    }

    #[test]
    fn outputs_that_are_not_json_are_refused_in_words() {
        let words = invalid(check_answer(&TaskAnswer::Success { output: "{approved: yes}".into() }));
        assert!(words.starts_with("The output is not JSON: key must be a string at line 1 column 2."), "{words}");
        assert!(invalid(check_answer(&TaskAnswer::Success { output: "  ".into() })).contains("empty"));
        let huge = format!("\"{}\"", "x".repeat(MAX_OUTPUT_BYTES));
        assert!(invalid(check_answer(&TaskAnswer::Success { output: huge })).contains("at most 256 KiB"));
        for fine in ["{}", "\"done\"", "42", "[1, {\"a\": null}]"] {
            assert!(check_answer(&TaskAnswer::Success { output: fine.into() }).is_ok(), "{fine}");
        }
    }

    #[test]
    fn failures_keep_to_aws_lengths() {
        let long_error = TaskAnswer::Failure { error: Some("E".repeat(257)), cause: None };
        assert_eq!(
            invalid(check_answer(&long_error)),
            "The error is 257 characters long; Step Functions takes at most 256."
        );
        let long_cause = TaskAnswer::Failure { error: None, cause: Some("c".repeat(MAX_CAUSE_CHARS + 1)) };
        assert!(invalid(check_answer(&long_cause)).starts_with("The cause is 32769 characters long"));
        assert!(check_answer(&TaskAnswer::Failure { error: Some("Rejected".into()), cause: None }).is_ok());
        assert!(check_answer(&TaskAnswer::Heartbeat).is_ok());
    }

    #[test]
    fn refusals_are_said_in_words_with_aws_code_and_message() {
        let timed_out = ObserveError::Service {
            operation: "SendTaskSuccess",
            code: "TaskTimedOut".into(),
            message: "Task Timed Out: 'Provided task does not exist anymore'".into(),
        };
        assert_eq!(
            refusal_in_words(&timed_out),
            "This task is no longer waiting: it was answered already, it timed out, or its execution ended. \
             (TaskTimedOut: Task Timed Out: 'Provided task does not exist anymore')"
        );
        let unreachable = ObserveError::Unreachable { operation: "SendTaskHeartbeat", message: "refused".into() };
        assert_eq!(refusal_in_words(&unreachable), "Not sent: SendTaskHeartbeat could not reach the service: refused");
    }
}
