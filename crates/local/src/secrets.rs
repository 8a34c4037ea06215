//! Secrets at rest: the credentials of EventBridge connections (passwords,
//! API keys, OAuth client secrets, secret HTTP parameters).
//!
//! AWS keeps them in Secrets Manager; the local system keeps them in its
//! SQLite database, sealed with XChaCha20-Poly1305 under a random 32-byte key
//! held in the file `secrets.key` beside the database, readable by its owner
//! only (mode 0600). Why a key file and not the desktop keyring: the local
//! system also runs headless (a loopback server in CI, on a build machine, in
//! a container) where no keyring service exists, and the database must stay
//! usable across restarts there too. The key file gives the same protection
//! as the database's own permissions plus one thing more: a copy of the
//! database alone (a backup, a bug report, a file shared to show a problem)
//! does not leak a credential.
//!
//! Each sealed value is bound to the resource it belongs to (its ARN is the
//! associated data), so a sealed blob copied onto another row does not open.

use std::io::Write;
use std::path::Path;
use std::sync::{Arc, Mutex};

use chacha20poly1305::aead::{Aead, AeadCore, KeyInit, OsRng, Payload};
use chacha20poly1305::{XChaCha20Poly1305, XNonce};

/// Name of the key file inside the data folder.
pub const KEY_FILE: &str = "secrets.key";

const KEY_LEN: usize = 32;
const NONCE_LEN: usize = 24;

/// Why a secret could not be sealed or opened.
#[derive(Debug, thiserror::Error)]
pub enum SecretsError {
    /// The key file could not be read or created.
    #[error("cannot use the key file {path}: {source}")]
    KeyFile {
        /// The key file.
        path: String,
        /// Why.
        source: std::io::Error,
    },
    /// The key file exists but does not hold a key.
    #[error("the key file {0} does not hold a {KEY_LEN}-byte key")]
    BadKey(String),
    /// A sealed value was altered, belongs to another resource, or was sealed
    /// under another key.
    #[error("a sealed secret could not be opened (altered, misplaced, or sealed under another key)")]
    Open,
    /// The cipher refused to seal (cannot happen with a valid key; kept typed).
    #[error("a secret could not be sealed")]
    Seal,
}

impl From<SecretsError> for crate::protocol::AwsError {
    fn from(error: SecretsError) -> Self {
        tracing::error!(%error, "secrets error");
        Self::internal(format!("The local secrets store failed: {error}"))
    }
}

/// The key that seals and opens secrets. Its `Debug` never shows the key.
pub struct Vault {
    cipher: XChaCha20Poly1305,
}

/// The vault of one local system, opened on first use (the key file is
/// read once, not at every sealing or opening).
#[derive(Default)]
pub struct VaultCell(Mutex<Option<Arc<Vault>>>);

impl VaultCell {
    /// The vault of the folder holding `conn`'s database; an in-memory
    /// database gets a key that dies with it.
    pub fn open(&self, conn: &rusqlite::Connection) -> Result<Arc<Vault>, SecretsError> {
        let mut cell = self.0.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        if let Some(vault) = cell.as_ref() {
            return Ok(vault.clone());
        }
        let folder = conn
            .path()
            .filter(|path| !path.is_empty())
            .and_then(|path| Path::new(path).parent().map(Path::to_path_buf));
        let vault = Arc::new(match folder {
            Some(folder) => Vault::open(&folder)?,
            None => Vault::ephemeral(),
        });
        *cell = Some(vault.clone());
        Ok(vault)
    }
}

impl std::fmt::Debug for Vault {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Vault { .. }")
    }
}

impl Vault {
    /// The vault of a data folder: reads `secrets.key`, creating it (mode
    /// 0600) with a fresh random key when it does not exist yet.
    pub fn open(data_dir: &Path) -> Result<Self, SecretsError> {
        let path = data_dir.join(KEY_FILE);
        let key = match std::fs::read(&path) {
            Ok(bytes) => {
                restrict_permissions(&path);
                bytes
            }
            Err(error) if error.kind() == std::io::ErrorKind::NotFound => create_key_file(data_dir, &path)?,
            Err(source) => return Err(SecretsError::KeyFile { path: path.display().to_string(), source }),
        };
        Self::from_key(&key).ok_or_else(|| SecretsError::BadKey(path.display().to_string()))
    }

    /// A vault with a key that lives only in memory: for databases that do
    /// not outlive the process (SQLite's `:memory:`).
    pub fn ephemeral() -> Self {
        Self { cipher: XChaCha20Poly1305::new(&XChaCha20Poly1305::generate_key(&mut OsRng)) }
    }

    fn from_key(key: &[u8]) -> Option<Self> {
        (key.len() == KEY_LEN).then(|| Self { cipher: XChaCha20Poly1305::new(chacha20poly1305::Key::from_slice(key)) })
    }

    /// Seals `plaintext` for the resource `owner`: a random nonce followed
    /// by the ciphertext and its tag.
    pub fn seal(&self, owner: &str, plaintext: &[u8]) -> Result<Vec<u8>, SecretsError> {
        let nonce = XChaCha20Poly1305::generate_nonce(&mut OsRng);
        let sealed = self
            .cipher
            .encrypt(&nonce, Payload { msg: plaintext, aad: owner.as_bytes() })
            .map_err(|_| SecretsError::Seal)?;
        let mut out = Vec::with_capacity(NONCE_LEN + sealed.len());
        out.extend_from_slice(&nonce);
        out.extend_from_slice(&sealed);
        Ok(out)
    }

    /// Opens what [`Vault::seal`] sealed for `owner`.
    pub fn unseal(&self, owner: &str, sealed: &[u8]) -> Result<Vec<u8>, SecretsError> {
        if sealed.len() < NONCE_LEN {
            return Err(SecretsError::Open);
        }
        let (nonce, ciphertext) = sealed.split_at(NONCE_LEN);
        self.cipher
            .decrypt(XNonce::from_slice(nonce), Payload { msg: ciphertext, aad: owner.as_bytes() })
            .map_err(|_| SecretsError::Open)
    }
}

/// Writes a fresh key to a private temporary file, then links it into place,
/// so two processes starting at once agree on one key and no reader ever
/// sees a half-written file.
fn create_key_file(data_dir: &Path, path: &Path) -> Result<Vec<u8>, SecretsError> {
    let key_file_error = |source| SecretsError::KeyFile { path: path.display().to_string(), source };
    std::fs::create_dir_all(data_dir).map_err(key_file_error)?;
    let key = XChaCha20Poly1305::generate_key(&mut OsRng);
    let temporary = data_dir.join(format!(".{KEY_FILE}.{}", uuid::Uuid::new_v4()));
    let written = write_private(&temporary, &key).and_then(|()| std::fs::hard_link(&temporary, path));
    let _ = std::fs::remove_file(&temporary);
    match written {
        Ok(()) => {
            tracing::info!(path = %path.display(), "created the key that seals connection secrets");
            Ok(key.to_vec())
        }
        // Another process won the race: use its key.
        Err(error) if error.kind() == std::io::ErrorKind::AlreadyExists => std::fs::read(path).map_err(key_file_error),
        Err(error) => Err(key_file_error(error)),
    }
}

fn write_private(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let mut file = options.open(path)?;
    file.write_all(bytes)?;
    file.sync_all()
}

/// Tightens a key file that someone loosened (a copy, an archive restore).
fn restrict_permissions(path: &Path) {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        if let Ok(metadata) = std::fs::metadata(path)
            && metadata.permissions().mode() & 0o077 != 0
        {
            tracing::warn!(path = %path.display(), "the secrets key file was readable by others; restricting it to its owner");
            let _ = std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o600));
        }
    }
    #[cfg(not(unix))]
    let _ = path;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seals_and_opens_for_the_same_owner_only() {
        let vault = Vault::ephemeral();
        let sealed = vault.seal("arn:a", b"hunter2").expect("seal");
        assert!(!sealed.windows(7).any(|w| w == b"hunter2"));
        assert_eq!(vault.unseal("arn:a", &sealed).expect("open"), b"hunter2");
        assert!(vault.unseal("arn:b", &sealed).is_err());
        let mut altered = sealed.clone();
        if let Some(last) = altered.last_mut() {
            *last ^= 1;
        }
        assert!(vault.unseal("arn:a", &altered).is_err());
        assert!(vault.unseal("arn:a", b"short").is_err());
    }

    #[test]
    fn key_file_is_created_private_and_reused() {
        let dir = tempfile::tempdir().expect("temp dir");
        let sealed = Vault::open(dir.path()).expect("create").seal("arn:a", b"secret").expect("seal");
        let again = Vault::open(dir.path()).expect("reopen");
        assert_eq!(again.unseal("arn:a", &sealed).expect("same key"), b"secret");
        let key = std::fs::read(dir.path().join(KEY_FILE)).expect("key file");
        assert_eq!(key.len(), KEY_LEN);
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(dir.path().join(KEY_FILE)).expect("metadata").permissions().mode();
            assert_eq!(mode & 0o777, 0o600);
        }
        assert_eq!(std::fs::read_dir(dir.path()).expect("list").count(), 1, "no temporary file left behind");
    }

    #[test]
    fn a_short_key_file_is_refused() {
        let dir = tempfile::tempdir().expect("temp dir");
        std::fs::write(dir.path().join(KEY_FILE), b"too short").expect("write");
        assert!(matches!(Vault::open(dir.path()), Err(SecretsError::BadKey(_))));
    }
}
