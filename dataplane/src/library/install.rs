//! Content-addressed installation of handler libraries.

use std::fs;
use std::io::{self, Read};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

use sha2::{Digest, Sha256};

use crate::LoadError;

static TMP_SEQ: AtomicU64 = AtomicU64::new(0);

fn sha256_hex(path: &Path) -> io::Result<String> {
    let mut file = fs::File::open(path)?;
    let mut hasher = Sha256::new();
    let mut buf = vec![0u8; 64 * 1024];
    loop {
        let n = file.read(&mut buf)?;
        if n == 0 {
            break;
        }
        hasher.update(&buf[..n]);
    }
    Ok(hasher
        .finalize()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect())
}

/// Installs `built` into `dir` as `libhandler-<sha256>.so` and returns that path.
///
/// The copy goes to a temporary name first and is renamed into place, so a reader never
/// sees a half-written file and an installed file is never rewritten. Installing the same
/// bytes twice returns the existing path.
pub fn install(built: &Path, dir: &Path) -> Result<PathBuf, LoadError> {
    let err = |source| LoadError::Install {
        path: built.to_path_buf(),
        source,
    };
    fs::create_dir_all(dir).map_err(err)?;
    let hash = sha256_hex(built).map_err(err)?;
    let target = dir.join(format!("libhandler-{}.so", &hash[..32]));
    if target.exists() {
        return Ok(target);
    }
    let seq = TMP_SEQ.fetch_add(1, Ordering::Relaxed);
    let tmp = dir.join(format!(
        ".install-{}-{}-{seq}.tmp",
        &hash[..16],
        std::process::id()
    ));
    fs::copy(built, &tmp).map_err(err)?;
    fs::rename(&tmp, &target).map_err(|e| {
        let _ = fs::remove_file(&tmp);
        err(e)
    })?;
    Ok(target)
}
