//! The connections the user saved, in `connections.json` in the app's config
//! folder: a name and where each points (kind, profile, region, endpoint
//! URL), never credentials.

use std::path::{Path, PathBuf};

use choreoscope_model::{ConnectionKind, ConnectionSpec, SavedConnection};
use choreoscope_observe::Connection;
use serde::{Deserialize, Serialize};

/// The file's name in the config folder.
pub const FILE_NAME: &str = "connections.json";
/// The id of the built-in local system, which is not stored.
pub const LOCAL_ID: &str = "local";
/// The built-in local system's name.
pub const LOCAL_NAME: &str = "Local system";
/// Longest name accepted.
const MAX_NAME: usize = 64;

/// The file's contents.
#[derive(Debug, Default, Serialize, Deserialize)]
struct StoredFile {
    connections: Vec<SavedConnection>,
}

/// The saved connections' file.
#[derive(Debug, Clone)]
pub struct SavedConnections {
    path: PathBuf,
}

impl SavedConnections {
    /// The store in `dir` (created on the first save).
    pub fn in_dir(dir: &Path) -> Self {
        Self { path: dir.join(FILE_NAME) }
    }

    /// The built-in local system.
    pub fn local() -> SavedConnection {
        SavedConnection { id: LOCAL_ID.into(), name: LOCAL_NAME.into(), spec: local_spec() }
    }

    /// The saved connections by name (without the built-in local system).
    pub fn list(&self) -> Result<Vec<SavedConnection>, String> {
        let text = match std::fs::read_to_string(&self.path) {
            Ok(text) => text,
            Err(error) if error.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
            Err(error) => return Err(format!("{} could not be read: {error}", self.path.display())),
        };
        let file: StoredFile = serde_json::from_str(&text).map_err(|error| {
            format!("{} is not a saved-connections file ({error}); fix or delete it", self.path.display())
        })?;
        let mut connections = file.connections;
        connections.sort_by_key(|c| c.name.to_lowercase());
        Ok(connections)
    }

    /// The connection with this id, the built-in local system included.
    pub fn get(&self, id: &str) -> Result<SavedConnection, String> {
        if id == LOCAL_ID {
            return Ok(Self::local());
        }
        self.list()?.into_iter().find(|c| c.id == id).ok_or_else(|| "That saved connection no longer exists.".into())
    }

    /// Saves a new connection after checking its name and where it points.
    pub fn add(&self, name: &str, spec: ConnectionSpec) -> Result<SavedConnection, String> {
        let mut connections = self.list()?;
        let name = check_name(name, &connections, None)?;
        let spec = normalise(spec)?;
        let saved = SavedConnection { id: uuid::Uuid::new_v4().to_string(), name, spec };
        connections.push(saved.clone());
        self.write(connections)?;
        Ok(saved)
    }

    /// Renames a saved connection.
    pub fn rename(&self, id: &str, name: &str) -> Result<SavedConnection, String> {
        if id == LOCAL_ID {
            return Err("The local system keeps its name.".into());
        }
        let mut connections = self.list()?;
        let name = check_name(name, &connections, Some(id))?;
        let saved = connections.iter_mut().find(|c| c.id == id).ok_or("That saved connection no longer exists.")?;
        saved.name = name;
        let saved = saved.clone();
        self.write(connections)?;
        Ok(saved)
    }

    /// Deletes a saved connection.
    pub fn delete(&self, id: &str) -> Result<(), String> {
        if id == LOCAL_ID {
            return Err("The local system is built in and cannot be deleted.".into());
        }
        let mut connections = self.list()?;
        let before = connections.len();
        connections.retain(|c| c.id != id);
        if connections.len() == before {
            return Err("That saved connection no longer exists.".into());
        }
        self.write(connections)
    }

    /// Writes the whole file through a temporary one, so a crash leaves the
    /// old file or the new one, never half of one.
    fn write(&self, connections: Vec<SavedConnection>) -> Result<(), String> {
        let failed = |error: std::io::Error| format!("{} could not be saved: {error}", self.path.display());
        if let Some(dir) = self.path.parent() {
            std::fs::create_dir_all(dir).map_err(failed)?;
        }
        let text = serde_json::to_string_pretty(&StoredFile { connections }).map_err(|e| e.to_string())?;
        let temporary = self.path.with_extension("json.tmp");
        std::fs::write(&temporary, text).map_err(failed)?;
        std::fs::rename(&temporary, &self.path).map_err(failed)
    }
}

/// The spec of the built-in local system.
pub fn local_spec() -> ConnectionSpec {
    ConnectionSpec { kind: ConnectionKind::Local, profile: None, region: None, endpoint_url: None }
}

fn check_name(name: &str, existing: &[SavedConnection], renaming: Option<&str>) -> Result<String, String> {
    let name = name.trim();
    if name.is_empty() {
        return Err("Give the connection a name.".into());
    }
    if name.chars().count() > MAX_NAME {
        return Err(format!("Names are at most {MAX_NAME} characters."));
    }
    let taken = name.eq_ignore_ascii_case(LOCAL_NAME)
        || existing.iter().any(|c| Some(c.id.as_str()) != renaming && c.name.eq_ignore_ascii_case(name));
    if taken {
        return Err(format!("A connection named \"{name}\" already exists."));
    }
    Ok(name.to_owned())
}

/// Checks where a spec points (as a switch would) and trims its fields.
fn normalise(spec: ConnectionSpec) -> Result<ConnectionSpec, String> {
    if spec.kind == ConnectionKind::Local {
        return Err("The local system is built in; it need not be saved.".into());
    }
    Connection::from_spec(&spec).map_err(|error| error.to_string())?;
    let trim = |value: Option<String>| value.map(|v| v.trim().to_owned()).filter(|v| !v.is_empty());
    Ok(ConnectionSpec {
        kind: spec.kind,
        profile: trim(spec.profile),
        region: trim(spec.region),
        endpoint_url: if spec.kind == ConnectionKind::Endpoint { trim(spec.endpoint_url) } else { None },
    })
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// A folder of its own under the system's temp folder, removed on drop.
    pub(crate) struct TempDir(pub(crate) PathBuf);

    impl TempDir {
        pub(crate) fn new() -> Self {
            let dir = std::env::temp_dir().join(format!("choreoscope-app-test-{}", uuid::Uuid::new_v4()));
            std::fs::create_dir_all(&dir).expect("temp dir");
            Self(dir)
        }
    }

    impl Drop for TempDir {
        fn drop(&mut self) {
            let _ = std::fs::remove_dir_all(&self.0);
        }
    }

    fn profile(name: &str, region: Option<&str>) -> ConnectionSpec {
        ConnectionSpec {
            kind: ConnectionKind::Profile,
            profile: Some(name.into()),
            region: region.map(Into::into),
            endpoint_url: None,
        }
    }

    fn endpoint(url: &str) -> ConnectionSpec {
        ConnectionSpec {
            kind: ConnectionKind::Endpoint,
            profile: None,
            region: Some("us-east-1".into()),
            endpoint_url: Some(url.into()),
        }
    }

    #[test]
    fn adds_renames_and_deletes_across_reopening() {
        let dir = TempDir::new();
        let store = SavedConnections::in_dir(&dir.0.join("nested"));
        assert_eq!(store.list(), Ok(Vec::new()), "no file yet: nothing saved");
        let prod = store.add(" Production ", profile("prod", Some("eu-west-1"))).expect("add");
        let stack = store.add("LocalStack", endpoint(" http://localhost:4566 ")).expect("add");
        assert_eq!(prod.name, "Production");
        assert_eq!(stack.spec.endpoint_url.as_deref(), Some("http://localhost:4566"));

        let reopened = SavedConnections::in_dir(&dir.0.join("nested"));
        let names = |store: &SavedConnections| -> Vec<String> {
            store.list().expect("list").into_iter().map(|c| c.name).collect()
        };
        assert_eq!(names(&reopened), ["LocalStack", "Production"]);
        assert_eq!(reopened.get(&prod.id).map(|c| c.spec), Ok(profile("prod", Some("eu-west-1"))));

        reopened.rename(&prod.id, "Prod (Ireland)").expect("rename");
        assert_eq!(names(&store), ["LocalStack", "Prod (Ireland)"]);
        store.delete(&stack.id).expect("delete");
        assert_eq!(names(&store), ["Prod (Ireland)"]);
        assert!(store.delete(&stack.id).is_err(), "already gone");

        let text = std::fs::read_to_string(dir.0.join("nested").join(FILE_NAME)).expect("file");
        assert!(text.contains("\"profile\": \"prod\""), "{text}");
        assert!(!text.to_lowercase().contains("secret") && !text.contains("aws_access_key"), "{text}");
    }

    #[test]
    fn refuses_bad_names_and_specs_in_words() {
        let dir = TempDir::new();
        let store = SavedConnections::in_dir(&dir.0);
        store.add("Dev", profile("dev", None)).expect("add");
        assert_eq!(store.add("  ", profile("dev", None)), Err("Give the connection a name.".into()));
        assert_eq!(store.add("dev", profile("x", None)), Err("A connection named \"dev\" already exists.".into()));
        assert!(store.add("Local system", profile("x", None)).is_err());
        assert!(store.add("Bad URL", endpoint("localhost:4566")).is_err_and(|e| e.contains("not an endpoint URL")));
        assert!(store.add("Mine", local_spec()).is_err());
        assert!(store.delete(LOCAL_ID).is_err());
        assert!(store.rename(LOCAL_ID, "Other").is_err());
        assert_eq!(store.get(LOCAL_ID).map(|c| c.spec), Ok(local_spec()));
        assert_eq!(store.list().map(|l| l.len()), Ok(1), "nothing refused was saved");
    }

    #[test]
    fn a_damaged_file_is_said_and_not_overwritten() {
        let dir = TempDir::new();
        std::fs::write(dir.0.join(FILE_NAME), "{ not json").expect("write");
        let store = SavedConnections::in_dir(&dir.0);
        assert!(store.list().is_err_and(|e| e.contains("fix or delete it")));
        assert!(store.add("Dev", profile("dev", None)).is_err());
        assert_eq!(std::fs::read_to_string(dir.0.join(FILE_NAME)).ok().as_deref(), Some("{ not json"));
    }
}
