//! Reading an execution's history: every page of GetExecutionHistory, each
//! event reduced by the caller to what it needs.

use aws_sdk_sfn::Client;
use aws_sdk_sfn::types::HistoryEvent;

use crate::error::{ObserveError, Result};

/// Every event of an execution's history, in the order Step Functions gives
/// them (oldest first), each reduced by `reduce`.
pub(crate) async fn execution_history<T>(
    client: &Client,
    execution_arn: &str,
    reduce: impl Fn(&HistoryEvent) -> T,
) -> Result<Vec<T>> {
    let mut events = Vec::new();
    let mut token = None;
    loop {
        let page = client
            .get_execution_history()
            .execution_arn(execution_arn)
            .max_results(1000)
            .set_next_token(token)
            .send()
            .await
            .map_err(|e| ObserveError::from_sdk("GetExecutionHistory", e))?;
        events.extend(page.events().iter().map(&reduce));
        token = page.next_token().map(str::to_owned);
        if token.is_none() {
            return Ok(events);
        }
    }
}
