//! The Choreoscope desktop shell: wires the data layer (`choreoscope-observe`)
//! to the web UI, and in local mode runs the bundled local system.

mod commands;
mod live;
mod local_mode;
mod options;
mod patterns;
mod sample_event;
mod saved_connections;
mod startup;
mod state;
mod webkit;

use anyhow::Context;
use clap::Parser;
use tauri::Manager;

pub use options::Options;
use state::AppState;

/// Starts the app and runs until its window closes.
pub fn run() -> anyhow::Result<()> {
    startup::mark();
    webkit::choose_renderer();
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| "choreoscope_app=info,choreoscope_local=info,choreoscope_demo=info".into()),
        )
        .init();
    let options = Options::parse();
    // Set up before the window exists, so a failure is reported, not shown as an empty window.
    let state = tauri::async_runtime::block_on(connect(&options))?;
    tauri::Builder::default()
        .manage(state)
        .setup(|app| {
            // Saved connections live in the app's config folder.
            let config_dir = app.path().app_config_dir().context("no config folder for this platform")?;
            let saved = saved_connections::SavedConnections::in_dir(&config_dir);
            let handle = app.handle().clone();
            tauri::async_runtime::block_on(app.state::<AppState>().attach(Some(handle), saved));
            Ok(())
        })
        .invoke_handler(tauri::generate_handler![
            commands::connection_info,
            commands::connections::connections_overview,
            commands::connections::aws_profiles,
            commands::connections::test_connection,
            commands::connections::switch_connection,
            commands::connections::save_connection,
            commands::connections::rename_connection,
            commands::connections::delete_connection,
            commands::connections::start_local_system,
            commands::connections::stop_local_system,
            commands::connections::reset_local_system,
            commands::get_topology,
            commands::list_events,
            commands::get_trace,
            commands::get_story,
            commands::put_sample_event,
            startup::graph_ready,
            commands::check_pattern,
            commands::match_events,
            commands::test_pattern,
            commands::rules_matching_event,
            commands::list_dead_letter_queues,
            commands::peek_dead_letters,
            commands::redrive_dead_letters,
            commands::delete_dead_letters,
            commands::circuits::get_circuits,
            commands::demo::demo_status,
            commands::demo::set_demo_faults,
            commands::demo::set_demo_traffic,
            commands::demo::demo_restaurants,
            commands::demo::demo_menu,
            commands::demo::place_demo_order,
            commands::demo::cancel_demo_order,
            commands::demo::watch_demo_order,
            commands::demo::unwatch_demo_order,
            commands::tasks::list_waiting_tasks,
            commands::tasks::answer_tasks,
            commands::tasks::get_execution_view,
            commands::replays::list_archives,
            commands::replays::list_replays,
            commands::replays::preview_replay,
            commands::replays::start_replay,
            commands::replays::cancel_replay,
            commands::replays::list_circuit_outages,
        ])
        .run(tauri::generate_context!())
        .context("the app window could not run")
}

/// The connection the command line asks for (the local system by default);
/// switched later from the connections panel.
async fn connect(options: &Options) -> anyhow::Result<AppState> {
    AppState::start(options).await
}
