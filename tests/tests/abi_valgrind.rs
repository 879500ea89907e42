//! Memory crossing the boundary (allocated in the handler and freed by the gateway, and the
//! other way round, plus panics) is clean under valgrind's memcheck.
//!
//! valgrind is required: `scripts/test.sh` installs it. A missing valgrind fails this test
//! with that instruction instead of skipping it.

use std::process::Command;

use rust_edge_gateway_tests::fixtures::fixtures;

#[test]
fn boundary_allocations_are_clean_under_valgrind() {
    let probe = env!("CARGO_BIN_EXE_abi_probe");
    let lib = fixtures().lib("fx_async");
    let out = Command::new("valgrind")
        .args([
            "--tool=memcheck",
            "--error-exitcode=99",
            "--leak-check=no",
            "--track-origins=no",
        ])
        .arg(format!(
            "--suppressions={}/valgrind.supp",
            env!("CARGO_MANIFEST_DIR")
        ))
        .arg(probe)
        .arg(&lib)
        .arg("300")
        .output();
    let out = match out {
        Ok(o) => o,
        Err(e) => panic!("cannot run valgrind ({e}); install it with `apt-get install -y valgrind` or run scripts/test.sh, which does"),
    };
    let stderr = String::from_utf8_lossy(&out.stderr);
    let stdout = String::from_utf8_lossy(&out.stdout);
    let summary = stderr
        .lines()
        .find(|l| l.contains("ERROR SUMMARY"))
        .unwrap_or("no ERROR SUMMARY line");
    eprintln!("{}\n{summary}", stdout.trim());
    assert!(
        out.status.success(),
        "valgrind reported errors or the probe failed:\n{stdout}\n{stderr}"
    );
    assert!(summary.contains("ERROR SUMMARY: 0 errors"), "{summary}");
    assert!(stdout.contains("300 iterations, 0 failures"), "{stdout}");
}
