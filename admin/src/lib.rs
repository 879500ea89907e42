//! The control side of the gateway: the `rust-edge-gateway` binary, the axum admin API on
//! port 9081 and the admin UI, the SQLite config store, and the handler compiler.
//!
//! Not built yet (the admin issue). Today the gateway's parts are exercised by the tests in
//! `tests/`, which compile real handler crates and load them with the dataplane's loader.
