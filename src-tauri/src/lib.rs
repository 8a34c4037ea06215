//! The Choreoscope desktop shell: wires the data layer (`choreoscope-observe`)
//! to the web UI, and in local mode runs the bundled local system.

mod commands;
mod live;
mod local_mode;
mod options;
mod patterns;
mod sample_event;
mod startup;
mod state;

use anyhow::Context;
use choreoscope_observe::{Connection, Observer};
use clap::Parser;
use tauri::Manager;

pub use options::Options;
use state::AppState;

/// Starts the app and runs until its window closes.
pub fn run() -> anyhow::Result<()> {
    startup::mark();
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| "choreoscope_app=info,choreoscope_local=info,choreoscope_demo=info".into()),
        )
        .init();
    let options = Options::parse();
    // Set up before the window exists, so a failure is reported, not shown as an empty window.
    let (local, state) = tauri::async_runtime::block_on(connect(&options))?;
    tauri::Builder::default()
        .manage(state)
        .setup(move |app| {
            if let Some(local) = local {
                // Keep the local system alive as long as the app.
                app.manage(local);
            }
            let observer = app.state::<AppState>().observer();
            live::spawn(app.handle().clone(), observer);
            Ok(())
        })
        .invoke_handler(tauri::generate_handler![
            commands::connection_info,
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
            commands::tasks::list_waiting_tasks,
            commands::tasks::answer_tasks,
            commands::tasks::get_execution_view,
        ])
        .run(tauri::generate_context!())
        .context("the app window could not run")
}

async fn connect(options: &Options) -> anyhow::Result<(Option<local_mode::Local>, AppState)> {
    if options.wants_aws() {
        let observer = Observer::connect(Connection::Aws {
            profile: options.profile.clone(),
            region: options.region.clone(),
            endpoint_url: options.endpoint_url.clone(),
        })
        .await;
        return Ok((None, AppState::new(observer, "default")));
    }
    let (local, observer) = local_mode::start(options).await?;
    let sample_bus = local.sample_bus().to_owned();
    Ok((Some(local), AppState::new(observer, sample_bus)))
}
