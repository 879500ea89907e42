//! The product docs' `Storage` abstraction from a synchronous handler on the same actors, on each
//! kind of backend: a SQLite table, MinIO objects, and FTP and SFTP files. The records are
//! then checked on the backend itself.

mod support;

use serde_json::json;
use support::backends::{require, run, svc_home};
use support::Gateway;

const HANDLER: &str = include_str!("handlers/storage_abstraction.rs");

fn expect_flow(gw: &Gateway, path: &str) {
    let (s, v) = gw.get_json(path);
    assert_eq!(s, 200, "{v}");
    assert_eq!(
        v,
        json!({"duplicate": 409, "name": "Rex", "available": 1, "all": 2, "available_after": 2,
               "deleted": true, "deleted_again": false, "missing": null}),
        "{path}"
    );
}

#[test]
fn storage_on_a_database_table() {
    let dir = tempfile::tempdir().expect("tempdir");
    let gw = Gateway::start(dir.path(), &[]);
    let svc = gw.service("lite", "sqlite", json!({"path": "pets.db"}));
    gw.activate(&svc);
    gw.handler("/store", HANDLER, &[(&svc, "store")]);
    expect_flow(&gw, "/store?backend=db");
    let rows = run(
        "python3",
        &["-c", "import sqlite3,sys; print(list(sqlite3.connect(sys.argv[1]).execute('select id, name, status, tags from pets')))",
          dir.path().join("sqlite/pets.db").to_str().expect("utf-8")],
    );
    assert_eq!(rows.trim(), r#"[('p2', 'Tom', 'available', '["cat"]')]"#);
}

#[test]
fn storage_on_object_storage() {
    require("S3 (SeaweedFS)", 9000);
    let dir = tempfile::tempdir().expect("tempdir");
    let gw = Gateway::start(dir.path(), &[]);
    let bucket = format!("gw-store-{}", std::process::id());
    let _gone = support::backends::TempBucket::named(&bucket);
    let svc = gw.service(
        "minio",
        "minio",
        json!({"endpoint": "http://127.0.0.1:9000", "access_key": "minioadmin", "secret_key": "minioadmin", "bucket": bucket}),
    );
    gw.activate(&svc);
    gw.handler("/store", HANDLER, &[(&svc, "store")]);
    expect_flow(&gw, "/store?backend=obj");
    let body = run(
        "curl",
        &[
            "-sf",
            "--aws-sigv4",
            "aws:amz:us-east-1:s3",
            "--user",
            "minioadmin:minioadmin",
            &format!("http://127.0.0.1:9000/{bucket}/pets/p2.json"),
        ],
    );
    let doc: serde_json::Value = serde_json::from_str(&body).expect("json object");
    assert_eq!(doc["status"], "available");
}

#[test]
fn storage_on_ftp_and_sftp_files() {
    require("FTP (vsftpd)", 2121);
    require("SFTP (OpenSSH)", 2222);
    let dir = tempfile::tempdir().expect("tempdir");
    let gw = Gateway::start(dir.path(), &[]);
    for (protocol, port) in [("ftp", 2121), ("sftp", 2222)] {
        let base = format!("gw-store-{protocol}-{}", std::process::id());
        let svc = gw.service(
            &format!("files-{protocol}"),
            "ftp",
            json!({"host": "127.0.0.1", "port": port, "username": "svcuser", "password": "svcpass", "protocol": protocol, "base_path": base}),
        );
        gw.activate(&svc);
        gw.handler(&format!("/store-{protocol}"), HANDLER, &[(&svc, "store")]);
        expect_flow(&gw, &format!("/store-{protocol}?backend=file"));
        let file = svc_home()
            .join("home/svcuser")
            .join(&base)
            .join("pets/p2.json");
        let doc: serde_json::Value = serde_json::from_slice(
            &std::fs::read(&file).unwrap_or_else(|e| panic!("{}: {e}", file.display())),
        )
        .expect("json file");
        assert_eq!(doc["status"], "available", "{protocol}");
        assert!(
            !file.with_file_name("p1.json").exists(),
            "{protocol}: p1 deleted"
        );
    }
}
