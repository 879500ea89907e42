//! The `#[handler]` macro's misuse errors: each `tests/fail/*.rs` must fail to compile with
//! the error in its `.stderr` (pointing at the user's code and saying what is expected),
//! and each `tests/pass/*.rs` must compile.
//!
//! The `.stderr` files are rustc's output and change with the toolchain; regenerate them
//! with `TRYBUILD=overwrite cargo test -p rust-edge-gateway-sdk-macros --test ui` and read
//! the diff.

#[test]
fn ui() {
    let t = trybuild::TestCases::new();
    t.compile_fail("tests/fail/*.rs");
    t.pass("tests/pass/*.rs");
}
