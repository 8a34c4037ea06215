//! What the commands share.

use choreoscope_observe::Observer;

/// The app's state, managed by Tauri.
///
/// Commands read the connection through [`AppState::observer`], never a
/// field, so the connection in use can change under them.
pub struct AppState {
    observer: Observer,
    sample_bus: String,
}

impl AppState {
    /// The state of a connection: its data layer and the bus "Put sample event" puts on.
    pub fn new(observer: Observer, sample_bus: impl Into<String>) -> Self {
        Self { observer, sample_bus: sample_bus.into() }
    }

    /// The data layer for the current connection (a cheap clone).
    pub fn observer(&self) -> Observer {
        self.observer.clone()
    }

    /// The bus "Put sample event" puts on.
    pub fn sample_bus(&self) -> String {
        self.sample_bus.clone()
    }
}
