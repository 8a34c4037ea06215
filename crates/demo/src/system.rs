//! [`Demo`]: the food-delivery system running on a local system.

use std::sync::Arc;

use axum::Router;
use axum::extract::State;
use axum::routing::get;
use choreoscope_local::{LocalSystem, PreparedSystem};
use serde_json::{Value, json};
use tokio::sync::watch;
use tokio::task::JoinHandle;

use crate::circuit::{Circuits, Healing};
use crate::deploy::{DeployError, DeployInputs, Deployment, deploy};
use crate::envelope::INTERNAL_BUS;
use crate::faults::Faults;
use crate::functions::{self, PARTNER_CIRCUIT, Services};
use crate::orders::Orders;
use crate::outbox::Relay;
use crate::partner::client::PartnerClient;
use crate::partner::notifications::NotificationProvider;
use crate::partner::restaurant::RestaurantPartner;
use crate::settings::DemoSettings;
use crate::store::{DemoStore, StoreError};
use crate::traffic::Traffic;

/// The archive of parked restaurant requests, replayed when the circuit closes.
pub const PARKED_ARCHIVE: &str = "parked-restaurant-requests";
/// The rule that sends restaurant requests to the dispatcher.
pub const DISPATCH_RULE: &str = "dispatch-to-restaurant";
/// The API key the notification provider expects (kept in the connection).
pub const NOTIFICATIONS_API_KEY: &str = "demo-notifications-key";
/// Path of the demo's status endpoint.
pub const STATUS_PATH: &str = "/_choreoscope/demo";

/// Why the demo could not start.
#[derive(Debug, thiserror::Error)]
pub enum DemoError {
    /// The demo store could not be opened.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// A simulated partner could not start.
    #[error("a simulated partner could not start: {0}")]
    Partner(String),
    /// The resources could not be created.
    #[error(transparent)]
    Deploy(#[from] DeployError),
}

/// The running demo and the local system it runs on.
pub struct Demo {
    system: LocalSystem,
    orders: Orders,
    circuits: Circuits,
    faults: Faults,
    traffic: Traffic,
    partner: RestaurantPartner,
    notifications: NotificationProvider,
    deployment: Deployment,
    stop: watch::Sender<bool>,
    tasks: Vec<JoinHandle<()>>,
}

impl Demo {
    /// Deploys the demo into `prepared`, registers its functions, starts the
    /// partners, the outbox relay, the health check and the traffic
    /// generator, then starts the local system with the demo's routes.
    pub async fn start(prepared: PreparedSystem, settings: DemoSettings) -> Result<Self, DemoError> {
        let store = DemoStore::open(prepared.data_dir())?;
        let api = prepared.api();
        let (stop, shutdown) = watch::channel(false);
        let faults = Faults::default();
        let callback_url = format!("{}{}", prepared.endpoint_url(), functions::callbacks::CALLBACK_PATH);
        let partner =
            RestaurantPartner::start(&settings.partner, faults.clone(), store.clone(), callback_url, shutdown.clone())
                .await
                .map_err(|error| DemoError::Partner(error.to_string()))?;
        let notifications = NotificationProvider::start(
            settings.notifications_port,
            faults.clone(),
            NOTIFICATIONS_API_KEY.to_owned(),
            shutdown.clone(),
        )
        .await
        .map_err(|error| DemoError::Partner(error.to_string()))?;
        let inputs = DeployInputs {
            notifications_url: notifications.url(),
            notifications_api_key: NOTIFICATIONS_API_KEY.to_owned(),
            restaurant_wait: settings.restaurant_wait,
        };
        let deployment = deploy(&api, &inputs).await?;
        let healing = Healing {
            archive_name: PARKED_ARCHIVE.to_owned(),
            bus_name: INTERNAL_BUS.to_owned(),
            rule_arns: deployment.rule_arns.get(DISPATCH_RULE).cloned().into_iter().collect(),
        };
        let circuits = Circuits::new(store.clone(), api.clone(), settings.circuit.clone(), healing);
        let orders = Orders::new(store.clone());
        let partner_client = Arc::new(PartnerClient::new(partner.url(), settings.partner.call_timeout));
        let services = Services {
            api: api.clone(),
            store: store.clone(),
            orders: orders.clone(),
            circuits: circuits.clone(),
            partner: partner_client.clone(),
            courier_ride: settings.courier_ride,
        };
        functions::register(prepared.functions(), services.clone());
        let traffic = Traffic::new(settings.orders_per_sec);
        let status = DemoStatus {
            circuits: circuits.clone(),
            faults: faults.clone(),
            traffic: traffic.clone(),
            partner_url: partner.url(),
            notifications_url: notifications.url(),
        };
        let routes = Router::new()
            .merge(crate::graphql::router(orders.clone(), shutdown.clone()))
            .merge(crate::faults::router(faults.clone()))
            .merge(crate::traffic::router(traffic.clone()))
            .merge(functions::callback_router(services))
            .merge(Router::new().route(STATUS_PATH, get(status_route)).with_state(status));
        let system = prepared.start(routes);
        let graphql_url = format!("{}/graphql", system.endpoint_url());
        let tasks = vec![
            tokio::spawn(Relay::new(store.clone(), api.clone(), orders.outbox_ready()).run(shutdown.clone())),
            tokio::spawn(crate::circuit::health::run(
                circuits.clone(),
                PARTNER_CIRCUIT.to_owned(),
                (*partner_client).clone(),
                settings.circuit.health_check_every,
                shutdown.clone(),
            )),
            tokio::spawn(traffic.clone().run(graphql_url, shutdown)),
        ];
        tracing::info!(endpoint = %system.endpoint_url(), partner = %partner.url(), "food-delivery demo running");
        Ok(Self { system, orders, circuits, faults, traffic, partner, notifications, deployment, stop, tasks })
    }

    /// The local system the demo runs on.
    pub fn system(&self) -> &LocalSystem {
        &self.system
    }

    /// `http://127.0.0.1:<port>/graphql`.
    pub fn graphql_url(&self) -> String {
        format!("{}/graphql", self.system.endpoint_url())
    }

    /// The order service and read model.
    pub fn orders(&self) -> &Orders {
        &self.orders
    }

    /// The circuit manager.
    pub fn circuits(&self) -> &Circuits {
        &self.circuits
    }

    /// The fault switches.
    pub fn faults(&self) -> &Faults {
        &self.faults
    }

    /// The traffic generator's rate.
    pub fn traffic(&self) -> &Traffic {
        &self.traffic
    }

    /// The simulated restaurant partner.
    pub fn partner(&self) -> &RestaurantPartner {
        &self.partner
    }

    /// The simulated notification provider.
    pub fn notifications(&self) -> &NotificationProvider {
        &self.notifications
    }

    /// What was deployed.
    pub fn deployment(&self) -> &Deployment {
        &self.deployment
    }

    /// Stops the traffic, the relay, the partners and the health check, then
    /// the local system.
    pub async fn shutdown(self) {
        let _ = self.stop.send(true);
        for task in self.tasks {
            let _ = task.await;
        }
        self.system.shutdown().await;
    }
}

#[derive(Clone)]
struct DemoStatus {
    circuits: Circuits,
    faults: Faults,
    traffic: Traffic,
    partner_url: String,
    notifications_url: String,
}

/// `GET /_choreoscope/demo`: what a presenter's tools need to know.
async fn status_route(State(status): State<DemoStatus>) -> axum::Json<Value> {
    let circuit = status.circuits.snapshot(PARTNER_CIRCUIT).await;
    axum::Json(json!({
        "graphql": "/graphql",
        "partnerUrl": status.partner_url,
        "notificationsUrl": status.notifications_url,
        "ordersPerSec": status.traffic.rate(),
        "faults": status.faults.snapshot(),
        "circuits": {PARTNER_CIRCUIT: circuit},
    }))
}
