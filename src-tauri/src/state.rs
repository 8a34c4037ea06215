//! What the commands share.

use choreoscope_observe::Observer;

/// The app's state, managed by Tauri.
pub struct AppState {
    /// The data layer for the current connection.
    pub observer: Observer,
    /// The bus "Put sample event" puts on.
    pub sample_bus: String,
}
