//! The admin token. The management API is locked by default: a gateway started without
//! `--admin-token` generates a random token once, keeps it in `<data-dir>/admin-token`
//! (mode 0600) and uses it from then on; the CLI reads the same file. Running without a
//! token takes `--admin-auth none`, on a loopback address only.

use std::io::Write;
use std::os::unix::fs::OpenOptionsExt;
use std::path::{Path, PathBuf};

/// The token file's name in the data dir.
pub const TOKEN_FILE: &str = "admin-token";

/// Why the token could not be had.
#[derive(Debug, thiserror::Error)]
pub enum AuthError {
    /// Reading or writing the token file failed.
    #[error("admin token file {path}: {source}")]
    Io {
        /// The file.
        path: PathBuf,
        /// What failed.
        source: std::io::Error,
    },
    /// The system's random source failed.
    #[error("no random bytes for the admin token: {0}")]
    Random(String),
    /// The file holds no usable token.
    #[error("admin token file {0} is empty or not text; delete it to have a new token generated")]
    Invalid(PathBuf),
}

/// The token file of a data dir.
pub fn token_path(data_dir: &Path) -> PathBuf {
    data_dir.join(TOKEN_FILE)
}

/// A new random token: 32 bytes from the OS, as 64 hex digits.
pub fn generate() -> Result<String, AuthError> {
    let mut bytes = [0u8; 32];
    getrandom::getrandom(&mut bytes).map_err(|e| AuthError::Random(e.to_string()))?;
    Ok(bytes.iter().map(|b| format!("{b:02x}")).collect())
}

/// Reads the token kept in `data_dir`, if there is one.
pub fn read(data_dir: &Path) -> Result<Option<String>, AuthError> {
    let path = token_path(data_dir);
    match std::fs::read_to_string(&path) {
        Ok(text) => {
            let token = text.trim();
            if token.is_empty() || token.chars().any(char::is_control) {
                return Err(AuthError::Invalid(path));
            }
            Ok(Some(token.to_string()))
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(source) => Err(AuthError::Io { path, source }),
    }
}

/// The token kept in `data_dir`, generated (and written with mode 0600) when there is none
/// yet. Returns the token and whether it was just generated.
pub fn load_or_create(data_dir: &Path) -> Result<(String, bool), AuthError> {
    if let Some(token) = read(data_dir)? {
        return Ok((token, false));
    }
    let path = token_path(data_dir);
    let token = generate()?;
    let io = |source| AuthError::Io {
        path: path.clone(),
        source,
    };
    let mut file = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(&path)
        .map_err(io)?;
    writeln!(file, "{token}").map_err(io)?;
    file.sync_all().map_err(io)?;
    Ok((token, true))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::os::unix::fs::PermissionsExt;

    #[test]
    fn a_token_is_generated_once_private_and_kept() {
        let dir = tempfile::tempdir().expect("tempdir");
        assert_eq!(read(dir.path()).expect("read"), None);
        let (token, fresh) = load_or_create(dir.path()).expect("create");
        assert!(fresh);
        assert_eq!(token.len(), 64);
        assert!(token.chars().all(|c| c.is_ascii_hexdigit()));
        let mode = std::fs::metadata(token_path(dir.path()))
            .expect("meta")
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o600);
        let (again, fresh) = load_or_create(dir.path()).expect("again");
        assert_eq!((again.as_str(), fresh), (token.as_str(), false));
        assert_ne!(generate().expect("one"), generate().expect("two"));
        std::fs::write(token_path(dir.path()), "\n").expect("empty");
        assert!(matches!(read(dir.path()), Err(AuthError::Invalid(_))));
    }
}
