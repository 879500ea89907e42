//! Object keys and remote paths: no traversal, no absolute paths, no control characters.

/// Checks an object key: 1-1024 bytes, relative, no `.`/`..` segment, no backslash or
/// control character.
pub fn check_object_key(key: &str) -> Result<(), String> {
    if key.is_empty() || key.len() > 1024 {
        return Err("object key must be 1-1024 bytes".into());
    }
    if key.starts_with('/') {
        return Err(format!("object key '{key}' must not be an absolute path"));
    }
    if key.chars().any(|c| c.is_control() || c == '\\') {
        return Err("object key must not contain control characters or backslashes".into());
    }
    if key.split('/').any(|seg| seg == ".." || seg == ".") {
        return Err(format!(
            "object key '{key}' must not contain '.' or '..' segments"
        ));
    }
    Ok(())
}

/// Joins a remote path to the service's base path, refusing `..` segments. Absolute paths
/// stay absolute (the FTP server's chroot and permissions are the boundary).
pub(crate) fn remote_path(base: Option<&str>, path: &str) -> Result<String, String> {
    if path.chars().any(|c| c.is_control()) {
        return Err("path must not contain control characters".into());
    }
    if path.split('/').any(|seg| seg == "..") {
        return Err(format!("path '{path}' must not contain '..'"));
    }
    Ok(match base {
        Some(b) if !path.starts_with('/') && !b.is_empty() => {
            format!("{}/{}", b.trim_end_matches('/'), path)
        }
        _ => path.to_string(),
    })
}

/// The directories above `path`, outermost first: `/a/b/c.txt` gives `/a`, `/a/b`.
pub(crate) fn parent_dirs(path: &str) -> Vec<String> {
    let mut dirs = Vec::new();
    let mut end = 0;
    while let Some(i) = path[end..].find('/') {
        end += i;
        if end > 0 {
            dirs.push(path[..end].to_string());
        }
        end += 1;
    }
    dirs.retain(|d| !d.ends_with('/'));
    dirs
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn traversal_and_absolute_keys_are_refused() {
        assert!(check_object_key("uploads/a.txt").is_ok());
        for bad in ["", "/etc/passwd", "a/../b", "..", "./a", "a\\b", "a\nb"] {
            assert!(check_object_key(bad).is_err(), "{bad:?} accepted");
        }
        assert_eq!(
            remote_path(Some("/up/"), "a.txt").as_deref(),
            Ok("/up/a.txt")
        );
        assert_eq!(
            remote_path(Some("/up"), "/x/a.txt").as_deref(),
            Ok("/x/a.txt")
        );
        assert!(remote_path(None, "../a").is_err());
        assert_eq!(parent_dirs("/a/b/c.txt"), ["/a", "/a/b"]);
        assert_eq!(parent_dirs("a/b/c.txt"), ["a", "a/b"]);
        assert!(parent_dirs("c.txt").is_empty());
    }
}
