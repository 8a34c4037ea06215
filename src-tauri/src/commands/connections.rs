//! The connections panel's commands: the user's AWS profiles, saved
//! connections, switching, and the local system's start, stop and reset.

use choreoscope_model::{AppError, AwsProfiles, ConnectionKind, ConnectionSpec, ConnectionsOverview};
use choreoscope_observe::aws_profiles::ProfileFiles;
use choreoscope_observe::{Connection, Observer};
use tauri::State;

use crate::state::AppState;

/// The current connection and the saved ones (the local system first).
#[tauri::command]
pub async fn connections_overview(state: State<'_, AppState>) -> Result<ConnectionsOverview, AppError> {
    Ok(state.overview().await)
}

/// The profiles of the user's AWS config and credentials files (names and
/// regions, never secrets) and the regions to pick from.
#[tauri::command]
pub fn aws_profiles() -> AwsProfiles {
    ProfileFiles::from_env().read()
}

/// Checks a connection before it is saved or used: what it reached, or
/// why it could not, in words.
#[tauri::command]
pub async fn test_connection(spec: ConnectionSpec) -> Result<String, AppError> {
    if spec.kind == ConnectionKind::Local {
        return Err(AppError::new("The local system is the app's own; start it from this panel."));
    }
    let connection = Connection::from_spec(&spec).map_err(|error| AppError::new(error.to_string()))?;
    let observer = Observer::connect(connection).await;
    observer.check_connection().await.map_err(AppError::new)?;
    let info = observer.info();
    let place = match (&info.endpoint_url, &info.profile) {
        (Some(url), _) => url.clone(),
        (None, Some(profile)) => format!("AWS with profile {profile}"),
        (None, None) => "AWS".to_owned(),
    };
    Ok(format!("Connected to {place} in {}.", info.region))
}

/// Switches to a saved connection (`local`: the local system). On failure
/// the current connection stays in use.
#[tauri::command]
pub async fn switch_connection(state: State<'_, AppState>, id: String) -> Result<ConnectionsOverview, AppError> {
    state.switch(&id).await.map_err(AppError::new)
}

/// Saves a connection under a name.
#[tauri::command]
pub async fn save_connection(
    state: State<'_, AppState>,
    name: String,
    spec: ConnectionSpec,
) -> Result<ConnectionsOverview, AppError> {
    state.saved().await.and_then(|store| store.add(&name, spec)).map_err(AppError::new)?;
    Ok(state.overview().await)
}

/// Renames a saved connection.
#[tauri::command]
pub async fn rename_connection(
    state: State<'_, AppState>,
    id: String,
    name: String,
) -> Result<ConnectionsOverview, AppError> {
    state.saved().await.and_then(|store| store.rename(&id, &name)).map_err(AppError::new)?;
    Ok(state.overview().await)
}

/// Deletes a saved connection (the one in use stays in use).
#[tauri::command]
pub async fn delete_connection(state: State<'_, AppState>, id: String) -> Result<ConnectionsOverview, AppError> {
    state.saved().await.and_then(|store| store.delete(&id)).map_err(AppError::new)?;
    Ok(state.overview().await)
}

/// Starts the local system again.
#[tauri::command]
pub async fn start_local_system(state: State<'_, AppState>) -> Result<ConnectionsOverview, AppError> {
    state.start_local_system().await.map_err(AppError::new)
}

/// Stops the local system.
#[tauri::command]
pub async fn stop_local_system(state: State<'_, AppState>) -> Result<ConnectionsOverview, AppError> {
    state.stop_local_system().await.map_err(AppError::new)
}

/// Deletes the local system's data and starts it afresh (the UI asks first).
#[tauri::command]
pub async fn reset_local_system(state: State<'_, AppState>) -> Result<ConnectionsOverview, AppError> {
    state.reset_local_system().await.map_err(AppError::new)
}
