//! Cache services against real servers: Redis and memcached through a compiled handler
//! (get, set with TTL, exists, incr, decr, delete), checked on the server itself, and the
//! v1 API's synchronous RedisPool / DbPool from a synchronous handler.

mod support;

use std::io::{Read, Write};
use std::net::TcpStream;

use serde_json::json;
use support::backends::{require, run};
use support::Gateway;

const HANDLER: &str = include_str!("handlers/cache.rs");

fn key(tag: &str) -> String {
    format!("gw-test:{tag}:{}", std::process::id())
}

/// One call that must answer 200; a failure shows the status and the body.
fn ok(gw: &Gateway, uri: &str) -> serde_json::Value {
    let (s, v) = gw.get_json(uri);
    assert_eq!(s, 200, "GET {uri}: {v}");
    v
}

fn cache_flow(gw: &Gateway, path: &str, key: &str, server_get: &dyn Fn(&str) -> String) {
    ok(gw, &format!("{path}?op=set&key={key}&ttl=120"));
    assert_eq!(
        server_get(key).trim(),
        r#"{"hello":"cache"}"#,
        "stored on the server"
    );
    let v = ok(gw, &format!("{path}?op=get&key={key}"));
    assert_eq!(v["value"], json!({"hello": "cache"}));
    let v = ok(gw, &format!("{path}?op=exists&key={key}"));
    assert_eq!(v["exists"], true);
    let v = ok(gw, &format!("{path}?op=delete&key={key}"));
    assert_eq!(v["deleted"], true);
    let v = ok(gw, &format!("{path}?op=delete&key={key}"));
    assert_eq!(v["deleted"], false);
    let v = ok(gw, &format!("{path}?op=get&key={key}"));
    assert_eq!(v["value"], serde_json::Value::Null);
    let counter = format!("{key}:n");
    // A counter left by an earlier run that died with the same process id starts over.
    ok(gw, &format!("{path}?op=delete&key={counter}"));
    for want in [1, 2, 3] {
        let v = ok(gw, &format!("{path}?op=incr&key={counter}"));
        assert_eq!(v["value"], want, "incr {counter}");
    }
    let v = ok(gw, &format!("{path}?op=decr&key={counter}"));
    assert_eq!(v["value"], 2);
    assert_eq!(server_get(&counter).trim(), "2");
    ok(gw, &format!("{path}?op=delete&key={counter}"));
}

#[test]
fn redis_through_a_compiled_handler() {
    require("Redis", 6379);
    let dir = tempfile::tempdir().expect("tempdir");
    let gw = Gateway::start(dir.path(), &[]);
    let svc = gw.service(
        "redis",
        "redis",
        json!({"host": "127.0.0.1", "port": 6379, "password": null, "database": 0, "use_tls": false, "pool_size": 2}),
    );
    gw.activate(&svc);
    gw.handler("/kv", HANDLER, &[(&svc, "kv")]);
    let k = key("redis");
    cache_flow(&gw, "/kv", &k, &|k| {
        run("redis-cli", &["-h", "127.0.0.1", "GET", k])
    });
    ok(&gw, &format!("/kv?op=set&key={k}&ttl=100"));
    let ttl = run("redis-cli", &["-h", "127.0.0.1", "TTL", &k]);
    let ttl: u64 = ttl
        .trim()
        .parse()
        .unwrap_or_else(|e| panic!("TTL of {k}: {ttl:?}: {e}"));
    assert!((90..=100).contains(&ttl), "TTL set on the server: {ttl}");

    // The v1 API's synchronous pools, from a synchronous handler, on the same actors.
    let lite = gw.service("lite", "sqlite", json!({"path": "sync.db"}));
    gw.activate(&lite);
    gw.handler(
        "/sync",
        include_str!("handlers/sync_pools.rs"),
        &[(&svc, "kv"), (&lite, "db")],
    );
    let sk = key("sync");
    let (s, v) = gw.get_json(&format!("/sync?key={sk}"));
    assert_eq!(s, 200, "{v}");
    assert_eq!(v, json!({"cached": "from-sync", "rows": [{"two": 2}]}));
    assert_eq!(
        run("redis-cli", &["-h", "127.0.0.1", "GET", &sk]).trim(),
        "from-sync"
    );
    run("redis-cli", &["-h", "127.0.0.1", "DEL", &sk, &k]);
}

fn memcached_get(key: &str) -> String {
    let mut c = TcpStream::connect("127.0.0.1:11211").expect("memcached");
    c.write_all(format!("get {key}\r\n").as_bytes())
        .expect("write");
    let mut out = Vec::new();
    let mut buf = [0u8; 4096];
    while !out.ends_with(b"END\r\n") {
        let n = c.read(&mut buf).expect("read");
        assert!(n > 0, "memcached closed");
        out.extend_from_slice(&buf[..n]);
    }
    let text = String::from_utf8_lossy(&out).into_owned();
    text.lines()
        .nth(1)
        .filter(|l| *l != "END")
        .unwrap_or_default()
        .to_string()
}

#[test]
fn memcached_through_a_compiled_handler() {
    require("memcached", 11211);
    let dir = tempfile::tempdir().expect("tempdir");
    let gw = Gateway::start(dir.path(), &[]);
    let svc = gw.service(
        "mc",
        "memcached",
        json!({"host": "127.0.0.1", "port": 11211}),
    );
    gw.activate(&svc);
    gw.handler("/mc", HANDLER, &[(&svc, "kv")]);
    cache_flow(&gw, "/mc", &key("mc"), &memcached_get);
}
