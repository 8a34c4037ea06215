//! What the commands share: the connection in use, and changing it (switch,
//! and the local system's start, stop and reset).

use std::sync::RwLock;

use choreoscope_model::{
    ConnectionKind, ConnectionSpec, ConnectionsOverview, CurrentConnection, LocalState, SavedConnection,
};
use choreoscope_observe::{Connection, Observer};
use tauri::{AppHandle, Emitter};

use crate::live::{self, LiveLoop};
use crate::local_mode::{LocalMode, LocalSettings, Started};
use crate::options::Options;
use crate::saved_connections::{self, LOCAL_ID, LOCAL_NAME, SavedConnections};

/// The bus "Put sample event" puts on outside local mode.
const AWS_SAMPLE_BUS: &str = "default";
/// What `Connection::info` says when neither the spec nor the profile names a region.
const NO_REGION: &str = "(no region)";

/// The app's state, managed by Tauri.
///
/// Commands read the connection through [`AppState::observer`], never a
/// field, so the connection in use can change under them.
pub struct AppState {
    current: RwLock<Current>,
    /// Held for the whole of a change, so changes happen one at a time.
    control: tokio::sync::Mutex<Control>,
}

/// The connection in use.
#[derive(Clone)]
struct Current {
    observer: Observer,
    sample_bus: String,
    name: String,
    saved_id: Option<String>,
    spec: ConnectionSpec,
}

/// What changing the connection needs.
struct Control {
    local: LocalMode,
    live: Option<LiveLoop>,
    /// The window to push to; none in tests.
    app: Option<AppHandle>,
    saved: Option<SavedConnections>,
}

impl AppState {
    /// Connects as the command line asks: AWS (or an endpoint), or the local
    /// system, started here.
    pub async fn start(options: &Options) -> anyhow::Result<Self> {
        let local = LocalMode::new(LocalSettings::from_options(options));
        if !options.wants_aws() {
            return Self::start_local(local).await;
        }
        let connection = Connection::Aws {
            profile: options.profile.clone(),
            region: options.region.clone(),
            endpoint_url: options.endpoint_url.clone(),
        };
        let spec = ConnectionSpec {
            kind: if options.endpoint_url.is_some() { ConnectionKind::Endpoint } else { ConnectionKind::Profile },
            profile: options.profile.clone(),
            region: options.region.clone(),
            endpoint_url: options.endpoint_url.clone(),
        };
        let name = match (&options.endpoint_url, &options.profile) {
            (Some(url), _) => url.clone(),
            (None, Some(profile)) => format!("AWS · {profile}"),
            (None, None) => "AWS (default credentials)".to_owned(),
        };
        let observer = Observer::connect(connection).await;
        let current = Current { observer, sample_bus: AWS_SAMPLE_BUS.into(), name, saved_id: None, spec };
        Ok(Self::new(current, local))
    }

    /// Starts local mode and connects to it.
    pub async fn start_local(mut local: LocalMode) -> anyhow::Result<Self> {
        let started = local.start().await?;
        Ok(Self::new(local_current(started), local))
    }

    fn new(current: Current, local: LocalMode) -> Self {
        Self {
            current: RwLock::new(current),
            control: tokio::sync::Mutex::new(Control { local, live: None, app: None, saved: None }),
        }
    }

    /// The data layer for the current connection (a cheap clone).
    pub fn observer(&self) -> Observer {
        self.read().observer.clone()
    }

    /// The bus "Put sample event" puts on.
    pub fn sample_bus(&self) -> String {
        self.read().sample_bus.clone()
    }

    fn read(&self) -> std::sync::RwLockReadGuard<'_, Current> {
        // A panic while holding the lock cannot leave `Current` half-written
        // (it is replaced whole), so a poisoned lock is still good to read.
        self.current.read().unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    fn replace(&self, current: Current) {
        *self.current.write().unwrap_or_else(std::sync::PoisonError::into_inner) = current;
    }

    /// Gives the state its window and saved connections, and starts pushing.
    pub async fn attach(&self, app: Option<AppHandle>, saved: SavedConnections) {
        let mut control = self.control.lock().await;
        control.app = app;
        control.saved = Some(saved);
        let running = self.read().spec.kind != ConnectionKind::Local || control.local.is_running();
        if running {
            control.resume(self.observer());
        }
    }

    /// The saved connections' store.
    pub async fn saved(&self) -> Result<SavedConnections, String> {
        self.control.lock().await.saved.clone().ok_or_else(|| "The saved connections are not open yet.".to_owned())
    }

    /// The current connection and the saved ones.
    pub async fn overview(&self) -> ConnectionsOverview {
        let control = self.control.lock().await;
        self.overview_with(&control)
    }

    fn overview_with(&self, control: &Control) -> ConnectionsOverview {
        let current = self.read().clone();
        let (saved, problem) = match control.saved.as_ref().map(SavedConnections::list) {
            Some(Ok(list)) => (list, None),
            Some(Err(problem)) => (Vec::new(), Some(problem)),
            None => (Vec::new(), None),
        };
        let is_local = current.spec.kind == ConnectionKind::Local;
        let saved_id =
            current.saved_id.clone().or_else(|| saved.iter().find(|s| s.spec == current.spec).map(|s| s.id.clone()));
        let local =
            is_local.then(|| if control.local.is_running() { LocalState::Running } else { LocalState::Stopped });
        let data_dir = if is_local { control.local.data_dir().ok().map(|d| d.display().to_string()) } else { None };
        ConnectionsOverview {
            current: CurrentConnection {
                name: current.name,
                saved_id,
                spec: current.spec,
                info: current.observer.info().clone(),
                local,
                data_dir,
            },
            saved: std::iter::once(SavedConnections::local()).chain(saved).collect(),
            problem,
        }
    }

    /// Switches to a saved connection (`local`: the local system).
    pub async fn switch(&self, id: &str) -> Result<ConnectionsOverview, String> {
        let saved = if id == LOCAL_ID { SavedConnections::local() } else { self.saved().await?.get(id)? };
        self.switch_to(saved).await
    }

    /// Switches to a connection. The new one is connected and checked before
    /// the old one is let go, so a failed switch leaves the old one working.
    pub async fn switch_to(&self, target: SavedConnection) -> Result<ConnectionsOverview, String> {
        let mut control = self.control.lock().await;
        let leaving_local = self.read().spec.kind == ConnectionKind::Local;
        let next = if target.spec.kind == ConnectionKind::Local {
            if leaving_local && control.local.is_running() {
                return Ok(self.overview_with(&control));
            }
            let started = control.local.start().await.map_err(|error| format!("{error:#}"))?;
            local_current(started)
        } else {
            let connection = Connection::from_spec(&target.spec).map_err(|error| error.to_string())?;
            let observer = Observer::connect(connection).await;
            if observer.info().region == NO_REGION {
                return Err(format!(
                    "Profile {} has no region in your AWS config; pick one.",
                    target.spec.profile.as_deref().unwrap_or("default")
                ));
            }
            observer.check_connection().await?;
            Current {
                observer,
                sample_bus: AWS_SAMPLE_BUS.into(),
                name: target.name,
                saved_id: Some(target.id).filter(|id| !id.is_empty()),
                spec: target.spec,
            }
        };
        control.pause().await;
        if leaving_local && next.spec.kind != ConnectionKind::Local {
            control.local.stop().await;
        }
        let observer = next.observer.clone();
        self.replace(next);
        control.resume(observer);
        Ok(self.changed(&control))
    }

    /// Starts the local system again (the current connection must be it).
    pub async fn start_local_system(&self) -> Result<ConnectionsOverview, String> {
        let mut control = self.control.lock().await;
        self.require_local()?;
        if control.local.is_running() {
            return Ok(self.overview_with(&control));
        }
        let started = control.local.start().await.map_err(|error| format!("{error:#}"))?;
        let observer = started.observer.clone();
        self.replace(local_current(started));
        control.resume(observer);
        Ok(self.changed(&control))
    }

    /// Stops the local system; the dashboard then says it is stopped.
    pub async fn stop_local_system(&self) -> Result<ConnectionsOverview, String> {
        let mut control = self.control.lock().await;
        self.require_local()?;
        control.pause().await;
        control.local.stop().await;
        Ok(self.changed(&control))
    }

    /// Stops the local system, deletes its databases and starts it afresh
    /// (the demo deployed again).
    pub async fn reset_local_system(&self) -> Result<ConnectionsOverview, String> {
        let mut control = self.control.lock().await;
        self.require_local()?;
        control.pause().await;
        match control.local.reset().await {
            Ok(started) => {
                let observer = started.observer.clone();
                self.replace(local_current(started));
                control.resume(observer);
                Ok(self.changed(&control))
            }
            Err(error) => {
                // Stopped now: say so to the window as well as to the caller.
                self.changed(&control);
                Err(format!("The local system could not be reset: {error:#}"))
            }
        }
    }

    fn require_local(&self) -> Result<(), String> {
        if self.read().spec.kind == ConnectionKind::Local {
            Ok(())
        } else {
            Err(format!("The current connection is not the local system; switch to \"{LOCAL_NAME}\" first."))
        }
    }

    /// The overview after a change, pushed to the window.
    fn changed(&self, control: &Control) -> ConnectionsOverview {
        let overview = self.overview_with(control);
        if let Some(app) = &control.app
            && let Err(error) = app.emit(live::CONNECTION_CHANGED, &overview)
        {
            tracing::warn!(%error, "cannot tell the UI the connection changed");
        }
        overview
    }
}

impl Control {
    /// Ends the push loop of the connection being left.
    async fn pause(&mut self) {
        if let Some(live) = self.live.take() {
            live.stop().await;
        }
    }

    /// Starts the push loop on a connection (with a window to push to).
    fn resume(&mut self, observer: Observer) {
        if let Some(app) = &self.app {
            self.live = Some(live::spawn(app.clone(), observer));
        }
    }
}

fn local_current(started: Started) -> Current {
    Current {
        observer: started.observer,
        sample_bus: started.sample_bus.into(),
        name: LOCAL_NAME.into(),
        saved_id: Some(LOCAL_ID.into()),
        spec: saved_connections::local_spec(),
    }
}

#[cfg(test)]
mod tests;
