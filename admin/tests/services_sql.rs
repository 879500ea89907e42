//! SQL services against real servers: a compiled handler bound to PostgreSQL, MariaDB and
//! SQLite runs the documented Context database API through the gateway port, and every
//! write is checked in the database itself.

mod support;

use serde_json::{json, Value};
use support::backends::{require, run};
use support::Gateway;

const HANDLER: &str = include_str!("handlers/database.rs");

/// The same flow on every database; `check` reads `name, active` rows from the server.
fn crud_flow(gw: &Gateway, path: &str, check: &dyn Fn() -> String) {
    let (s, v) = gw.get_json(&format!("{path}?op=setup"));
    assert_eq!(s, 200, "setup: {v}");
    let (s, v) = gw.get_json(&format!("{path}?op=insert&id=1&name=alpha"));
    assert_eq!((s, &v["inserted"]), (201, &json!(1)), "insert: {v}");
    let (s, _) = gw.get_json(&format!("{path}?op=insert&id=2&name=beta&active=false"));
    assert_eq!(s, 201);
    let rows = check();
    assert_eq!(rows.trim(), "alpha|1\nbeta|0", "rows in the database");

    let (s, v) = gw.get_json(&format!("{path}?op=get&id=1"));
    assert_eq!(s, 200, "{v}");
    assert_eq!(
        v,
        json!({"id": 1, "name": "alpha", "active": true, "price": 9.5, "note": null}),
        "typed row"
    );
    let (s, v) = gw.get_json(&format!("{path}?op=list"));
    assert_eq!(
        (s, &v["rows"]),
        (200, &json!([{"id": 1, "name": "alpha"}])),
        "{v}"
    );
    let (s, v) = gw.get_json(&format!("{path}?op=rename"));
    assert_eq!((s, &v["updated"]), (200, &json!(1)), "{v}");
    assert_eq!(check().trim(), "renamed|1\nbeta|0");

    let (s, v) = gw.get_json(&format!("{path}?op=get&id=99"));
    assert_eq!(s, 404, "no row: {v}");
    let (s, v) = gw.get_json(&format!("{path}?op=bad-sql"));
    assert_eq!(s, 500, "{v}");
    assert!(
        v.to_string().contains("no_such_table_here"),
        "the database's message reaches the caller: {v}"
    );
}

#[test]
fn postgres_through_a_compiled_handler() {
    require("PostgreSQL", 5432);
    let dir = tempfile::tempdir().expect("tempdir");
    let gw = Gateway::start(dir.path(), &[]);
    let svc = gw.service(
        "pg-main",
        "postgres",
        json!({"host": "127.0.0.1", "port": 5432, "database": "test", "username": "postgres", "password": null, "ssl_mode": "prefer", "pool_size": 4}),
    );
    gw.activate(&svc);
    gw.handler("/pg", HANDLER, &[(&svc, "db")]);
    crud_flow(&gw, "/pg", &|| {
        run(
            "psql",
            &[
                "-h", "127.0.0.1", "-U", "postgres", "-d", "test", "-tA", "-c",
                "SELECT name || '|' || (CASE WHEN active THEN 1 ELSE 0 END) FROM gw_items ORDER BY id",
            ],
        )
    });
}

#[test]
fn mysql_through_a_compiled_handler() {
    require("MariaDB", 3306);
    let dir = tempfile::tempdir().expect("tempdir");
    let gw = Gateway::start(dir.path(), &[]);
    let svc = gw.service(
        "my-main",
        "mysql",
        json!({"host": "127.0.0.1", "port": 3306, "database": "test", "username": "root", "use_ssl": false, "pool_size": 4}),
    );
    gw.activate(&svc);
    gw.handler("/my", HANDLER, &[(&svc, "db")]);
    crud_flow(&gw, "/my", &|| {
        run(
            "mariadb",
            &[
                "--protocol=tcp",
                "-h",
                "127.0.0.1",
                "-u",
                "root",
                "-N",
                "-B",
                "-e",
                "SELECT CONCAT(name, '|', active) FROM test.gw_items ORDER BY id",
            ],
        )
    });
}

#[test]
fn sqlite_through_a_compiled_handler() {
    let dir = tempfile::tempdir().expect("tempdir");
    let gw = Gateway::start(dir.path(), &[]);
    let db = dir.path().join("sqlite/app/app.db");
    let svc = gw.service(
        "lite",
        "sqlite",
        json!({"path": "app/app.db", "create_if_missing": true}),
    );
    gw.activate(&svc);
    assert!(db.is_file(), "relative path lives in the data dir");
    gw.handler("/lite", HANDLER, &[(&svc, "db")]);
    crud_flow(&gw, "/lite", &|| {
        run(
            "python3",
            &[
                "-c",
                "import sqlite3,sys; print('\\n'.join(f'{n}|{a}' for n,a in sqlite3.connect(sys.argv[1]).execute('select name, active from gw_items order by id')))",
                db.to_str().expect("utf-8 path"),
            ],
        )
    });
}

#[test]
fn bad_configs_are_refused_with_the_reason() {
    let dir = tempfile::tempdir().expect("tempdir");
    let gw = Gateway::start(dir.path(), &[]);
    for (t, config, needle) in [
        (
            "postgres",
            json!({"host": "h", "database": "d", "pasword": "x"}),
            "pasword",
        ),
        (
            "postgres",
            json!({"host": "h", "database": "d", "ssl_mode": "maybe"}),
            "ssl_mode",
        ),
        ("redis", json!({"host": "h", "database": 20}), "0-15"),
        ("mongodb", json!({"uri": "mongodb://x"}), "not supported"),
        (
            "ftp",
            json!({"host": "h", "username": "u", "password": "p", "protocol": "gopher"}),
            "protocol",
        ),
    ] {
        let (s, v): (u16, Value) = gw.api(
            "POST",
            "/services",
            Some(json!({"name": "x", "service_type": t, "config": config})),
        );
        assert_eq!(s, 400, "{t}: {v}");
        assert!(v["error"].to_string().contains(needle), "{t}: {v}");
    }
}
