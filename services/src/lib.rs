//! Service actors: one tokio task per activated service, owning its client or pool, fed by a
//! bounded channel, answering the plain-data calls handlers make through
//! `rust_edge_gateway_sdk::Context` (see `rust_edge_gateway_sdk::abi::host`).
//!
//! Not built yet: until the actors land, the dataplane answers every service call with
//! `ServiceUnavailable` and a message saying so; no call ever gets a fake result.
