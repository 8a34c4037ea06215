//! Dead-letter queue depths: SQS `ApproximateNumberOfMessages` of the
//! queues the topology's targets send dead letters to.

use std::collections::HashMap;

use aws_sdk_sqs::Client;
use aws_sdk_sqs::types::QueueAttributeName;
use choreoscope_model::{EdgeKind, Topology};

/// The ARNs of the queues some target sends its dead letters to.
pub fn dead_letter_queues(topology: &Topology) -> Vec<String> {
    let mut arns: Vec<String> = topology
        .edges
        .iter()
        .filter(|edge| edge.kind == EdgeKind::DeadLetter)
        .filter_map(|edge| topology.nodes.iter().find(|node| node.id == edge.target))
        .filter_map(|node| node.arn.clone())
        .collect();
    arns.sort();
    arns.dedup();
    arns
}

/// Reads queue depths, remembering each queue's URL (one GetQueueUrl per
/// queue, then one GetQueueAttributes per queue and read).
#[derive(Debug, Default)]
pub struct QueueDepths {
    urls: HashMap<String, String>,
}

impl QueueDepths {
    /// The depth of each queue that can be read, by ARN. A queue that does
    /// not exist or may not be read is left out (the topology may name
    /// queues nobody created).
    pub async fn read(&mut self, sqs: &Client, arns: &[String]) -> Vec<(String, u64)> {
        let mut depths = Vec::new();
        for arn in arns {
            let Some(url) = self.url(sqs, arn).await else { continue };
            let attributes = sqs
                .get_queue_attributes()
                .queue_url(&url)
                .attribute_names(QueueAttributeName::ApproximateNumberOfMessages)
                .send()
                .await;
            match attributes {
                Ok(output) => {
                    let depth = output
                        .attributes()
                        .and_then(|a| a.get(&QueueAttributeName::ApproximateNumberOfMessages))
                        .and_then(|n| n.parse().ok());
                    if let Some(depth) = depth {
                        depths.push((arn.clone(), depth));
                    }
                }
                Err(error) => {
                    // The URL may be stale (the queue deleted): look it up again next time.
                    tracing::debug!(%arn, error = %aws_sdk_sqs::error::DisplayErrorContext(&error), "cannot read a queue's depth");
                    self.urls.remove(arn);
                }
            }
        }
        depths
    }

    async fn url(&mut self, sqs: &Client, arn: &str) -> Option<String> {
        if let Some(url) = self.urls.get(arn) {
            return Some(url.clone());
        }
        match crate::dead_letters::queue_url(sqs, arn).await {
            Ok(Some(url)) => {
                self.urls.insert(arn.to_owned(), url.clone());
                Some(url)
            }
            Ok(None) => None,
            Err(error) => {
                tracing::debug!(%arn, %error, "cannot find a queue");
                None
            }
        }
    }
}
