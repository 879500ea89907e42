//! Reading an import bundle (ZIP): the OpenAPI document, the optional `bundle.yaml`
//! manifest and the handler files, safely (no entry may leave the bundle, sizes bounded).

use std::collections::HashMap;
use std::io::{Cursor, Read};

use serde::Deserialize;

/// Largest bundle accepted, compressed.
pub const MAX_ZIP_BYTES: usize = 10 * 1024 * 1024;
/// Largest total of uncompressed entries.
pub const MAX_UNPACKED_BYTES: u64 = 50 * 1024 * 1024;
/// Most entries.
pub const MAX_ENTRIES: usize = 2000;

/// Why a bundle is refused.
#[derive(Debug, thiserror::Error)]
pub enum BundleError {
    /// Not a ZIP archive.
    #[error("not a valid ZIP archive: {0}")]
    Zip(#[from] zip::result::ZipError),
    /// An entry name that would leave the bundle.
    #[error("unsafe entry name {0:?} in the bundle (absolute or containing '..')")]
    UnsafeName(String),
    /// Over a size or count limit.
    #[error("bundle too large: {0}")]
    TooLarge(String),
    /// bundle.yaml does not parse.
    #[error("invalid bundle.yaml: {0}")]
    Manifest(String),
    /// Reading an entry failed.
    #[error("cannot read bundle entry: {0}")]
    Io(#[from] std::io::Error),
}

/// `bundle.yaml`.
#[derive(Debug, Default, Deserialize)]
pub struct Manifest {
    /// Shared Cargo dependencies of every handler.
    #[serde(default)]
    pub dependencies: Option<serde_json::Value>,
    /// Extra routes: method, path, handler name.
    #[serde(default)]
    pub routes: Vec<Route>,
    /// Largest request body of every endpoint of the bundle (default 1 MiB for new ones;
    /// endpoints updated by the import keep theirs unless this is set).
    #[serde(default)]
    pub max_body_bytes: Option<u64>,
}

/// A route of the manifest.
#[derive(Debug, Clone, Deserialize)]
pub struct Route {
    /// HTTP method.
    pub method: String,
    /// Path pattern.
    pub path: String,
    /// Handler file name without `.rs`.
    pub handler: String,
}

/// A read bundle.
#[derive(Debug, Default)]
pub struct Bundle {
    /// The OpenAPI document, if any.
    pub spec: Option<String>,
    /// The manifest (empty when absent).
    pub manifest: Manifest,
    /// Handler sources by normalized name.
    pub handlers: HashMap<String, (String, String)>,
}

/// `getPetById`, `get_pet_by_id` and `get-pet-by-id` all give `getpetbyid`.
pub fn normalize(name: &str) -> String {
    name.chars()
        .filter(|c| *c != '_' && *c != '-')
        .flat_map(char::to_lowercase)
        .collect()
}

fn safe(name: &str) -> bool {
    !name.chars().any(char::is_control)
        && !name.starts_with('/')
        && !name.starts_with('\\')
        && !name.contains(':')
        && !name.split(['/', '\\']).any(|p| p == "..")
}

/// Reads and checks a bundle. Every entry name is checked before anything is used.
pub fn read(bytes: &[u8]) -> Result<Bundle, BundleError> {
    if bytes.len() > MAX_ZIP_BYTES {
        return Err(BundleError::TooLarge(format!(
            "{} bytes (limit {MAX_ZIP_BYTES})",
            bytes.len()
        )));
    }
    let mut zip = zip::ZipArchive::new(Cursor::new(bytes))?;
    if zip.len() > MAX_ENTRIES {
        return Err(BundleError::TooLarge(format!(
            "{} entries (limit {MAX_ENTRIES})",
            zip.len()
        )));
    }
    let mut declared: u64 = 0;
    for i in 0..zip.len() {
        let f = zip.by_index_raw(i)?;
        if !safe(f.name()) {
            return Err(BundleError::UnsafeName(f.name().to_string()));
        }
        declared = declared.saturating_add(f.size());
    }
    if declared > MAX_UNPACKED_BYTES {
        return Err(BundleError::TooLarge(format!(
            "{declared} bytes unpacked (limit {MAX_UNPACKED_BYTES})"
        )));
    }
    let mut out = Bundle::default();
    let mut budget = MAX_UNPACKED_BYTES;
    for i in 0..zip.len() {
        let f = zip.by_index(i)?;
        if f.is_dir() {
            continue;
        }
        let name = f.name().to_string();
        let mut text = String::new();
        // Read at most the remaining budget: a lying size header cannot inflate past it.
        let read = f.take(budget + 1).read_to_string(&mut text)? as u64;
        if read > budget {
            return Err(BundleError::TooLarge(
                "entries inflate beyond the limit".into(),
            ));
        }
        budget -= read;
        let file = name.rsplit('/').next().unwrap_or(&name).to_string();
        match file.as_str() {
            "openapi.yaml" | "openapi.yml" | "openapi.json" | "api.yaml" | "spec.yaml"
                if out.spec.is_none() =>
            {
                out.spec = Some(text)
            }
            "bundle.yaml" | "bundle.yml" => {
                out.manifest = serde_yaml_ng::from_str(&text)
                    .map_err(|e| BundleError::Manifest(e.to_string()))?;
            }
            f if f.ends_with(".rs") => {
                let stem = f.trim_end_matches(".rs");
                out.handlers
                    .insert(normalize(stem), (stem.to_string(), text));
            }
            _ => {}
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn zip_of(entries: &[(&str, &[u8])]) -> Vec<u8> {
        use std::io::Write;
        let mut w = zip::ZipWriter::new(Cursor::new(Vec::new()));
        for (name, body) in entries {
            w.start_file(*name, zip::write::SimpleFileOptions::default())
                .expect("entry");
            w.write_all(body).expect("write");
        }
        w.finish().expect("finish").into_inner()
    }

    #[test]
    fn limits_and_unsafe_names_are_refused() {
        let many: Vec<(String, Vec<u8>)> = (0..=MAX_ENTRIES)
            .map(|i| (format!("f{i}.txt"), Vec::new()))
            .collect();
        let refs: Vec<(&str, &[u8])> = many
            .iter()
            .map(|(n, b)| (n.as_str(), b.as_slice()))
            .collect();
        assert!(matches!(
            read(&zip_of(&refs)),
            Err(BundleError::TooLarge(_))
        ));
        // A highly compressible entry that inflates past the unpacked limit.
        let big = vec![b'a'; (MAX_UNPACKED_BYTES + 1) as usize];
        assert!(matches!(
            read(&zip_of(&[("big.rs", &big)])),
            Err(BundleError::TooLarge(_))
        ));
        assert!(matches!(
            read(&zip_of(&[("../evil.rs", b"x")])),
            Err(BundleError::UnsafeName(_))
        ));
        assert!(matches!(read(b"not a zip"), Err(BundleError::Zip(_))));
        let ok = read(&zip_of(&[
            ("handlers/get_pet.rs", b"code"),
            ("openapi.json", b"{}"),
        ]))
        .expect("read");
        assert_eq!(
            ok.handlers.get("getpet").map(|h| h.1.as_str()),
            Some("code")
        );
        assert_eq!(ok.spec.as_deref(), Some("{}"));
    }

    #[test]
    fn names() {
        assert_eq!(normalize("getPetById"), normalize("get_pet_by_id"));
        assert_eq!(normalize("list-all-pets"), "listallpets");
        assert!(safe("handlers/get_pet.rs") && safe("openapi.yaml"));
        for bad in [
            "../evil.rs",
            "/etc/passwd",
            "handlers/../../x.rs",
            "C:\\x.rs",
            "a\\..\\b",
        ] {
            assert!(!safe(bad), "{bad}");
        }
    }
}
