//! The data directory's permissions: the directory 0700 and every file the gateway writes
//! there 0600 (the config store holds service passwords, the token file the admin token).
//! The process umask is set to 077 at start, so SQLite's files, handler crates, build
//! artifacts and libraries are created private; a data dir made by an earlier version is
//! tightened at start.

use std::os::unix::fs::PermissionsExt;
use std::path::Path;

/// Makes every file and directory the process creates from now on private to its user.
pub fn private_umask() {
    // SAFETY: umask(2) only sets the process's file mode creation mask; it cannot fail.
    unsafe {
        libc::umask(0o077);
    }
}

/// Creates `dir` if needed and makes it and the files directly in it private (0700 and
/// 0600), so a data dir written by an earlier version holds no readable secrets.
pub fn prepare(dir: &Path) -> std::io::Result<()> {
    std::fs::create_dir_all(dir)?;
    std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o700))?;
    for entry in std::fs::read_dir(dir)?.flatten() {
        let Ok(meta) = entry.metadata() else { continue };
        let mode = if meta.is_dir() { 0o700 } else { 0o600 };
        if meta.is_dir() || meta.is_file() {
            std::fs::set_permissions(entry.path(), std::fs::Permissions::from_mode(mode))?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_old_data_dir_is_tightened() {
        let root = tempfile::tempdir().expect("tempdir");
        let dir = root.path().join("data");
        std::fs::create_dir(&dir).expect("dir");
        std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(0o755)).expect("chmod");
        let db = dir.join("gateway.db");
        std::fs::write(&db, b"x").expect("db");
        std::fs::set_permissions(&db, std::fs::Permissions::from_mode(0o644)).expect("chmod");
        prepare(&dir).expect("prepare");
        let mode = |p: &Path| std::fs::metadata(p).expect("meta").permissions().mode() & 0o777;
        assert_eq!(mode(&dir), 0o700);
        assert_eq!(mode(&db), 0o600);
    }
}
