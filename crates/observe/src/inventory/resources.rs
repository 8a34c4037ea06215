//! The inventory's other services: Step Functions state machines (with
//! their definitions) and SQS queue URLs.

use aws_sdk_sfn::types::StateMachineListItem;

use super::StateMachineInfo;
use crate::error::{ObserveError, Result};

/// Every state machine as ListStateMachines lists it, all pages.
pub(crate) async fn state_machine_items(client: &aws_sdk_sfn::Client) -> Result<Vec<StateMachineListItem>> {
    let mut machines = Vec::new();
    let mut token = None;
    loop {
        let page = client
            .list_state_machines()
            .set_next_token(token)
            .send()
            .await
            .map_err(|e| ObserveError::from_sdk("ListStateMachines", e))?;
        machines.extend(page.state_machines().iter().cloned());
        token = page.next_token().map(ToOwned::to_owned);
        if token.is_none() {
            return Ok(machines);
        }
    }
}

/// Every state machine, described: the list has no definitions.
pub(super) async fn list_state_machines(client: &aws_sdk_sfn::Client) -> Result<Vec<StateMachineInfo>> {
    let mut machines = Vec::new();
    for listed in state_machine_items(client).await? {
        let described = match client.describe_state_machine().state_machine_arn(listed.state_machine_arn()).send().await
        {
            Ok(described) => described,
            Err(error) => {
                let error = ObserveError::from_sdk("DescribeStateMachine", error);
                // Deleted since it was listed.
                if error.code() == Some("StateMachineDoesNotExist") {
                    continue;
                }
                return Err(error);
            }
        };
        machines.push(StateMachineInfo {
            name: listed.name().to_owned(),
            arn: listed.state_machine_arn().to_owned(),
            kind: Some(listed.r#type().as_str().to_owned()),
            status: described.status().map(|s| s.as_str().to_owned()),
            definition: described.definition().to_owned(),
            role_arn: Some(described.role_arn().to_owned()).filter(|r| !r.is_empty()),
            description: described.description().map(Into::into),
        });
    }
    Ok(machines)
}

/// Every queue's URL. With `MaxResults` set, SQS pages its answer; without,
/// it stops at 1,000 queues.
pub(super) async fn list_queues(client: &aws_sdk_sqs::Client) -> Result<Vec<String>> {
    let mut urls = Vec::new();
    let mut token = None;
    loop {
        let page = client
            .list_queues()
            .max_results(1000)
            .set_next_token(token)
            .send()
            .await
            .map_err(|e| ObserveError::from_sdk("ListQueues", e))?;
        urls.extend(page.queue_urls().iter().cloned());
        token = page.next_token().map(ToOwned::to_owned);
        if token.is_none() {
            return Ok(urls);
        }
    }
}
