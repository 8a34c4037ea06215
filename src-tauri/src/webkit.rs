//! How the webview draws on Linux.
//!
//! WebKitGTK's DMA-BUF renderer (its default since 2.42) hands GPU buffers
//! from the web process to the window. Without a GPU render node (a VM, a
//! remote desktop, Xvfb) there is no device to share buffers with and its
//! fallback is slow: under Xvfb it held the first paint of the graph back by
//! 0.5 – 2.5 s. There the older surface path draws the same pixels at once.
//! The same switch is the common cure for blank windows on some NVIDIA and
//! Wayland setups, so a user can also set it, or undo it with `=0`.

use std::path::Path;

/// WebKitGTK's switch for its DMA-BUF renderer.
const DISABLE_DMABUF: &str = "WEBKIT_DISABLE_DMABUF_RENDERER";

/// Chooses the older renderer when the machine has no GPU render node and
/// the user has not chosen. Call before any thread starts (it sets an
/// environment variable) and before the webview exists.
#[allow(unsafe_code)] // `set_var` is unsafe since Rust 2024; see the SAFETY note.
pub fn choose_renderer() {
    if !cfg!(target_os = "linux") || std::env::var_os(DISABLE_DMABUF).is_some() {
        return;
    }
    if !has_render_node(Path::new("/dev/dri")) {
        // SAFETY: called first thing in `run`, before the app starts any
        // thread, so nothing reads the environment concurrently.
        unsafe { std::env::set_var(DISABLE_DMABUF, "1") };
    }
}

/// Whether `dri` holds a GPU render node (`renderD128`, …).
fn has_render_node(dri: &Path) -> bool {
    std::fs::read_dir(dri)
        .map(|entries| entries.flatten().any(|entry| entry.file_name().to_string_lossy().starts_with("renderD")))
        .unwrap_or(false)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_render_node_is_a_renderd_device_in_the_dri_folder() {
        let dir = tempfile::tempdir().expect("a temporary folder");
        assert!(!has_render_node(&dir.path().join("missing")));
        std::fs::write(dir.path().join("card0"), "").expect("a file");
        assert!(!has_render_node(dir.path()));
        std::fs::write(dir.path().join("renderD128"), "").expect("a file");
        assert!(has_render_node(dir.path()));
    }
}
