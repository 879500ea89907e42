//! `rust-edge-gateway dev FILE --path P`: the handler developer's loop against a running
//! gateway. Deploys the file (creating the endpoint or reusing the one on the route),
//! watches it (and the dependencies file) and redeploys on every save, prints rustc's
//! diagnostics when a save does not compile (the last good version keeps serving), and
//! streams the endpoint's log lines (prints and panics) to stdout. It runs until stopped;
//! Ctrl-C leaves the endpoint as it is.

use std::path::Path;
use std::time::Duration;

use serde_json::Value;

use crate::client::{deploy_code, read, Api, ClientError, RouteArgs};

/// How often the files and the logs are looked at.
const POLL: Duration = Duration::from_millis(250);

/// Reads a dependencies file: a `[dependencies]` table, or the table itself, as JSON.
pub fn read_deps(file: &Path) -> Result<Value, ClientError> {
    let text = read(file)?;
    let table: toml::Table = toml::from_str(&text)
        .map_err(|e| ClientError::Apply(format!("{}: {e}", file.display())))?;
    let deps = match table.get("dependencies") {
        Some(toml::Value::Table(t)) => t.clone(),
        _ => table,
    };
    serde_json::to_value(deps).map_err(|e| ClientError::Apply(format!("{}: {e}", file.display())))
}

/// What the watched files hold now.
fn snapshot(file: &Path, deps: Option<&Path>) -> Result<(String, Option<Value>), ClientError> {
    let code = read(file)?;
    let deps = deps.map(read_deps).transpose()?;
    Ok((code, deps))
}

/// Prints log lines not printed yet; returns the last one printed (or `seen`).
fn print_new_logs(api: &Api, id: &str, seen: Option<Value>) -> Option<Value> {
    let Ok(lines) = api.call("GET", &format!("/endpoints/{id}/logs"), None) else {
        return seen;
    };
    let lines = lines.as_array().cloned().unwrap_or_default();
    let start = match &seen {
        Some(last) => lines.iter().rposition(|l| l == last).map_or(0, |i| i + 1),
        None => 0,
    };
    for l in &lines[start..] {
        println!(
            "[log] {} {:<5} {}",
            l["at"].as_str().unwrap_or_default(),
            l["level"].as_str().unwrap_or_default(),
            l["message"].as_str().unwrap_or_default()
        );
    }
    lines.last().cloned().or(seen)
}

fn deploy(
    api: &Api,
    route: &RouteArgs,
    file: &Path,
    code: &str,
    deps: Option<&Value>,
) -> Option<String> {
    let fields = deps.map(|d| serde_json::json!({ "dependencies": d }));
    match deploy_code(
        api,
        route,
        code,
        fields.as_ref(),
        &file.display().to_string(),
    ) {
        Ok(id) => {
            println!(
                "[dev] {} {} serves {}",
                route.method,
                route.path,
                file.display()
            );
            Some(id)
        }
        Err(ClientError::Api {
            status, message, ..
        }) if status == 422 || status == 400 => {
            // rustc's diagnostics: the last good version keeps serving.
            eprintln!("{message}");
            println!(
                "[dev] {} does not compile; the deployed version keeps serving",
                file.display()
            );
            None
        }
        Err(e) => {
            eprintln!("error: {e}");
            None
        }
    }
}

/// Runs the loop until the process is stopped. Fails at once when the gateway cannot be
/// reached or the file cannot be read.
pub fn run(
    api: &Api,
    route: &RouteArgs,
    file: &Path,
    deps: Option<&Path>,
) -> Result<(), ClientError> {
    let (mut code, mut dep_table) = snapshot(file, deps)?;
    // The endpoint's existing log lines are history: only new ones are streamed.
    let mut id = crate::client::endpoint_on(api, route)?;
    let mut seen = id
        .as_deref()
        .and_then(|i| api.call("GET", &format!("/endpoints/{i}/logs"), None).ok())
        .and_then(|l| l.as_array().and_then(|a| a.last().cloned()));
    if let Some(new) = deploy(api, route, file, &code, dep_table.as_ref()) {
        id = Some(new);
    } else if id.is_none() {
        id = crate::client::endpoint_on(api, route)?;
    }
    println!(
        "[dev] watching {} (Ctrl-C to stop; the endpoint stays)",
        file.display()
    );
    loop {
        std::thread::sleep(POLL);
        if let Some(i) = &id {
            seen = print_new_logs(api, i, seen);
        }
        let Ok((now_code, now_deps)) = snapshot(file, deps) else {
            continue; // mid-save (an editor writes a new file and renames it)
        };
        if now_code != code || now_deps != dep_table {
            code = now_code;
            dep_table = now_deps;
            println!("[dev] {} changed; redeploying", file.display());
            if let Some(new) = deploy(api, route, file, &code, dep_table.as_ref()) {
                id = Some(new);
            } else if id.is_none() {
                id = crate::client::endpoint_on(api, route)?;
            }
        }
    }
}
