//! Creates the demo's resources from `assets/demo/` through the AWS APIs,
//! as any client (CloudFormation, a script, the `aws` CLI) would.
//!
//! Deploying is idempotent: what exists is kept (queues, buses, archives)
//! or updated to the file (bus log config, connection, API destination,
//! state machine, rules and targets), so every start of the demo deploys.

use std::collections::HashMap;

use choreoscope_local::{Api, ApiError};
use serde_json::{Map, Value, json};

use crate::settings::RestaurantWait;

/// The topology file: each resource in the shape of its AWS create call.
pub const TOPOLOGY: &str = include_str!("../../../assets/demo/topology.json");
/// The `order-fulfilment` state machine, plain ASL.
pub const ORDER_FULFILMENT: &str = include_str!("../../../assets/demo/order-fulfilment.asl.json");

/// Name of the state that waits for the restaurant's task token.
pub const ASK_RESTAURANT_STATE: &str = "AskRestaurant";

/// What the deployment needs to know that is not in the files.
#[derive(Debug, Clone)]
pub struct DeployInputs {
    /// Base URL of the customer notification provider.
    pub notifications_url: String,
    /// The API key the provider expects (kept in the connection).
    pub notifications_api_key: String,
    /// Heartbeat and time-out of the wait for the restaurant.
    pub restaurant_wait: RestaurantWait,
}

/// What was deployed.
#[derive(Debug, Clone, Default)]
pub struct Deployment {
    /// Rule ARNs by rule name.
    pub rule_arns: HashMap<String, String>,
    /// State machine ARNs by name.
    pub state_machine_arns: HashMap<String, String>,
}

/// Why the deployment failed.
#[derive(Debug, thiserror::Error)]
pub enum DeployError {
    /// A file of `assets/demo/` is not what the deployer expects.
    #[error("assets/demo is invalid: {0}")]
    Asset(String),
    /// An AWS call failed.
    #[error("{call} failed: {source}")]
    Api {
        /// The operation.
        call: String,
        /// AWS's error.
        source: ApiError,
    },
}

/// Deploys `assets/demo/` into the system behind `api`.
pub async fn deploy(api: &Api, inputs: &DeployInputs) -> Result<Deployment, DeployError> {
    let topology: Value =
        serde_json::from_str(TOPOLOGY).map_err(|error| DeployError::Asset(format!("topology.json: {error}")))?;
    let mut vars = Vars::new(api, inputs);
    let mut deployment = Deployment::default();
    for queue in section(&topology, "queues") {
        call(api, "AmazonSQS.CreateQueue", vars.fill(queue)?).await?;
    }
    for bus in section(&topology, "buses") {
        deploy_bus(api, vars.fill(bus)?).await?;
    }
    for connection in section(&topology, "connections") {
        let connection = vars.fill(connection)?;
        let name = field(&connection, "Name")?;
        create_or_update(api, "AWSEvents.CreateConnection", "AWSEvents.UpdateConnection", &connection).await?;
        let described = call(api, "AWSEvents.DescribeConnection", json!({ "Name": name })).await?;
        vars.set(format!("connectionArn:{name}"), described["ConnectionArn"].as_str().unwrap_or_default());
    }
    for destination in section(&topology, "apiDestinations") {
        let destination = vars.fill(destination)?;
        let name = field(&destination, "Name")?;
        create_or_update(api, "AWSEvents.CreateApiDestination", "AWSEvents.UpdateApiDestination", &destination).await?;
        let described = call(api, "AWSEvents.DescribeApiDestination", json!({ "Name": name })).await?;
        vars.set(format!("apiDestinationArn:{name}"), described["ApiDestinationArn"].as_str().unwrap_or_default());
    }
    for machine in section(&topology, "stateMachines") {
        let (name, arn) = deploy_state_machine(api, &vars, vars.fill(machine)?, inputs.restaurant_wait).await?;
        deployment.state_machine_arns.insert(name, arn);
    }
    for rule in section(&topology, "rules") {
        let (name, arn) = deploy_rule(api, vars.fill(rule)?).await?;
        deployment.rule_arns.insert(name, arn);
    }
    for archive in section(&topology, "archives") {
        let mut archive = vars.fill(archive)?;
        stringify(&mut archive, "EventPattern");
        match api.call("AWSEvents.CreateArchive", archive.clone()).await {
            Ok(_) => {}
            Err(error) if error.already_exists() => {}
            Err(source) => return Err(DeployError::Api { call: "AWSEvents.CreateArchive".into(), source }),
        }
    }
    tracing::info!(rules = deployment.rule_arns.len(), "demo deployed");
    Ok(deployment)
}

async fn deploy_bus(api: &Api, bus: Value) -> Result<(), DeployError> {
    let name = field(&bus, "Name")?;
    let mut create = json!({ "Name": name });
    if let Some(description) = bus.get("Description") {
        create["Description"] = description.clone();
    }
    match api.call("AWSEvents.CreateEventBus", create).await {
        Ok(_) => {}
        Err(error) if error.already_exists() => {}
        Err(source) => return Err(DeployError::Api { call: "AWSEvents.CreateEventBus".into(), source }),
    }
    // The log config of an existing bus follows the file too.
    call(api, "AWSEvents.UpdateEventBus", bus).await?;
    Ok(())
}

async fn deploy_state_machine(
    api: &Api,
    vars: &Vars,
    machine: Value,
    wait: RestaurantWait,
) -> Result<(String, String), DeployError> {
    let name = field(&machine, "name")?;
    let file = field(&machine, "definitionFile")?;
    if file != "order-fulfilment.asl.json" {
        return Err(DeployError::Asset(format!("unknown definition file {file}")));
    }
    let mut definition: Value = serde_json::from_str(ORDER_FULFILMENT)
        .map_err(|error| DeployError::Asset(format!("order-fulfilment.asl.json: {error}")))?;
    let ask = &mut definition["States"][ASK_RESTAURANT_STATE];
    if !ask.is_object() {
        return Err(DeployError::Asset(format!("order-fulfilment.asl.json has no {ASK_RESTAURANT_STATE} state")));
    }
    ask["HeartbeatSeconds"] = json!(wait.heartbeat_seconds);
    ask["TimeoutSeconds"] = json!(wait.timeout_seconds);
    let definition = vars.fill(definition)?.to_string();
    let role = machine.get("roleArn").cloned().unwrap_or(Value::Null);
    let created = api
        .call("AWSStepFunctions.CreateStateMachine", json!({"name": name, "definition": definition, "roleArn": role}));
    let arn = match created.await {
        Ok(output) => output["stateMachineArn"].as_str().unwrap_or_default().to_owned(),
        Err(error) if error.already_exists() => {
            let arn = format!("arn:aws:states:{}:{}:stateMachine:{name}", api.region(), api.account_id());
            let update = json!({"stateMachineArn": arn, "definition": definition});
            call(api, "AWSStepFunctions.UpdateStateMachine", update).await?;
            arn
        }
        Err(source) => return Err(DeployError::Api { call: "AWSStepFunctions.CreateStateMachine".into(), source }),
    };
    Ok((name, arn))
}

async fn deploy_rule(api: &Api, mut rule: Value) -> Result<(String, String), DeployError> {
    let name = field(&rule, "Name")?;
    let targets = rule.as_object_mut().and_then(|rule| rule.remove("Targets")).unwrap_or_else(|| json!([]));
    stringify(&mut rule, "EventPattern");
    let bus = rule["EventBusName"].clone();
    let created = call(api, "AWSEvents.PutRule", rule).await?;
    let arn = created["RuleArn"].as_str().unwrap_or_default().to_owned();
    call(api, "AWSEvents.PutTargets", json!({"Rule": name, "EventBusName": bus, "Targets": targets})).await?;
    Ok((name, arn))
}

/// Creates a resource, or updates it when it exists. The update takes the
/// create call's fields that it knows.
async fn create_or_update(api: &Api, create: &str, update: &str, input: &Value) -> Result<(), DeployError> {
    match api.call(create, input.clone()).await {
        Ok(_) => Ok(()),
        Err(error) if error.already_exists() => call(api, update, input.clone()).await.map(drop),
        Err(source) => Err(DeployError::Api { call: create.into(), source }),
    }
}

async fn call(api: &Api, operation: &str, input: Value) -> Result<Value, DeployError> {
    api.call(operation, input).await.map_err(|source| DeployError::Api { call: operation.into(), source })
}

fn section<'a>(topology: &'a Value, name: &str) -> impl Iterator<Item = &'a Value> {
    topology.get(name).and_then(Value::as_array).into_iter().flatten()
}

fn field(value: &Value, name: &str) -> Result<String, DeployError> {
    value
        .get(name)
        .and_then(Value::as_str)
        .map(str::to_owned)
        .ok_or_else(|| DeployError::Asset(format!("a resource has no \"{name}\": {value}")))
}

/// EventBridge takes patterns as JSON text; the file keeps them as JSON for reading.
fn stringify(value: &mut Value, name: &str) {
    if let Some(pattern) = value.get_mut(name).filter(|pattern| !pattern.is_string()) {
        *pattern = Value::String(pattern.to_string());
    }
}

/// The `${name}` placeholders of the files and their values.
struct Vars {
    values: HashMap<String, String>,
}

impl Vars {
    fn new(api: &Api, inputs: &DeployInputs) -> Self {
        let values = HashMap::from([
            ("region".to_owned(), api.region().to_owned()),
            ("account".to_owned(), api.account_id().to_owned()),
            ("notificationsUrl".to_owned(), inputs.notifications_url.trim_end_matches('/').to_owned()),
            ("notificationsApiKey".to_owned(), inputs.notifications_api_key.clone()),
        ]);
        Self { values }
    }

    fn set(&mut self, name: String, value: &str) {
        self.values.insert(name, value.to_owned());
    }

    /// `value` with every placeholder in its strings replaced.
    fn fill(&self, value: impl std::borrow::Borrow<Value>) -> Result<Value, DeployError> {
        let value = value.borrow();
        Ok(match value {
            Value::String(text) => Value::String(self.fill_text(text)?),
            Value::Array(items) => Value::Array(items.iter().map(|item| self.fill(item)).collect::<Result<_, _>>()?),
            Value::Object(fields) => {
                Value::Object(fields.iter().map(|(key, item)| Ok((key.clone(), self.fill(item)?))).collect::<Result<
                    Map<_, _>,
                    DeployError,
                >>(
                )?)
            }
            other => other.clone(),
        })
    }

    fn fill_text(&self, text: &str) -> Result<String, DeployError> {
        let mut out = String::with_capacity(text.len());
        let mut rest = text;
        while let Some(start) = rest.find("${") {
            out.push_str(&rest[..start]);
            let after = &rest[start + 2..];
            let Some(end) = after.find('}') else {
                return Err(DeployError::Asset(format!("unclosed placeholder in {text:?}")));
            };
            let name = &after[..end];
            let value = self
                .values
                .get(name)
                .ok_or_else(|| DeployError::Asset(format!("unknown placeholder ${{{name}}} in {text:?}")))?;
            out.push_str(value);
            rest = &after[end + 1..];
        }
        out.push_str(rest);
        Ok(out)
    }
}
