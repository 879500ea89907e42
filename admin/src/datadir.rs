//! The data directory's permissions: nothing in it is readable by another user (the
//! directory 0700, the config store and token file 0600; libraries and build outputs keep
//! their owner's execute bit). The config store holds service passwords, the token file the
//! admin token.
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

/// Creates `dir` if needed and makes it and everything in it private to the gateway's user
/// (group and other bits cleared: the directory 0700, the store and token 0600), so a data
/// dir written by an earlier version holds no readable secrets. Symbolic links are not
/// followed.
pub fn prepare(dir: &Path) -> std::io::Result<()> {
    std::fs::create_dir_all(dir)?;
    private_tree(dir)
}

fn private_tree(path: &Path) -> std::io::Result<()> {
    let meta = std::fs::symlink_metadata(path)?;
    if meta.file_type().is_symlink() {
        return Ok(());
    }
    let mode = meta.permissions().mode();
    if mode & 0o077 != 0 {
        std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode & 0o700))?;
    }
    if meta.is_dir() {
        for entry in std::fs::read_dir(path)?.flatten() {
            private_tree(&entry.path())?;
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
        let nested = dir.join("libs/libhandler-x.so");
        std::fs::create_dir_all(dir.join("libs")).expect("libs");
        std::fs::write(&nested, b"x").expect("lib");
        std::fs::set_permissions(&nested, std::fs::Permissions::from_mode(0o755)).expect("chmod");
        prepare(&dir).expect("prepare");
        let mode = |p: &Path| std::fs::metadata(p).expect("meta").permissions().mode() & 0o777;
        assert_eq!(mode(&dir), 0o700);
        assert_eq!(mode(&db), 0o600);
        assert_eq!(mode(&nested), 0o700);
        assert_eq!(mode(&dir.join("libs")), 0o700);
    }
}
