//! Whether a library is still mapped into this process.

use std::path::Path;

/// How many mappings of `path` `/proc/self/maps` lists (0 once the library is unmapped).
///
/// A library whose code touched a `thread_local!` with a destructor stays mapped after
/// `dlclose` (rust-lang/rust#59629); the gateway counts and reports such libraries.
pub fn mapped_copies(path: &Path) -> usize {
    let Ok(maps) = std::fs::read_to_string("/proc/self/maps") else {
        return 0;
    };
    let needle = path.to_string_lossy();
    maps.lines()
        .filter(|l| l.ends_with(needle.as_ref()) || l.contains(&format!("{needle} (deleted)")))
        .count()
}
