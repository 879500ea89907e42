//! Object storage against a real S3 server (SeaweedFS, signatures checked): the Context
//! storage API through a compiled handler, the `/api/minio/objects` routes, traversal keys
//! refused; every object checked in the bucket with signed requests of its own.

mod support;

use std::process::Command;

use serde_json::json;
use support::backends::{require, run};
use support::Gateway;

const HANDLER: &str = include_str!("handlers/storage.rs");

fn s3(bucket: &str, key: &str) -> (u16, Vec<u8>) {
    let out = Command::new("curl")
        .args([
            "-s",
            "-o",
            "-",
            "-w",
            "\n%{http_code}",
            "--aws-sigv4",
            "aws:amz:us-east-1:s3",
            "--user",
            "minioadmin:minioadmin",
        ])
        .arg(format!("http://127.0.0.1:9000/{bucket}/{key}"))
        .output()
        .expect("curl");
    let mut body = out.stdout;
    let pos = body.iter().rposition(|b| *b == b'\n').expect("status line");
    let code = String::from_utf8_lossy(&body[pos + 1..])
        .trim()
        .parse()
        .expect("code");
    body.truncate(pos);
    (code, body)
}

#[test]
fn minio_through_a_compiled_handler_and_the_object_routes() {
    require("S3 (SeaweedFS)", 9000);
    let dir = tempfile::tempdir().expect("tempdir");
    let gw = Gateway::start(dir.path(), &[]);
    let bucket = format!("gw-test-{}", std::process::id());
    let _gone = support::backends::TempBucket::named(&bucket);
    let svc = gw.service(
        "uploads",
        "minio",
        json!({"endpoint": "127.0.0.1:9000", "access_key": "minioadmin", "secret_key": "minioadmin", "bucket": bucket, "use_ssl": false, "region": "us-east-1"}),
    );
    let (_, v) = gw.api("GET", &format!("/services/{svc}"), None);
    assert_eq!(v["data"]["config"]["secret_key"], "********", "{v}");
    gw.activate(&svc);
    gw.handler("/obj", HANDLER, &[(&svc, "files")]);

    let r = gw.request("GET", "/obj?op=put&key=docs/a.txt", b"hello object");
    assert_eq!(r.status, 200, "{}", String::from_utf8_lossy(&r.body));
    assert_eq!(
        s3(&bucket, "docs/a.txt"),
        (200, b"hello object".to_vec()),
        "in the bucket"
    );
    let r = gw.get("/obj?op=get&key=docs/a.txt");
    assert_eq!((r.status, r.body.as_slice()), (200, &b"hello object"[..]));
    let (_, v) = gw.get_json("/obj?op=list&key=docs/");
    assert_eq!(v["keys"], json!(["docs/a.txt"]));
    let (_, v) = gw.get_json("/obj?op=presign&key=docs/a.txt");
    let url = v["url"].as_str().expect("url");
    assert_eq!(
        run("curl", &["-sf", url]),
        "hello object",
        "presigned URL works alone"
    );
    assert_eq!(gw.get("/obj?op=get&key=docs/missing.txt").status, 404);
    for bad in ["../evil.txt", "/abs.txt", "a/../../b"] {
        let r = gw.request("GET", &format!("/obj?op=put&key={bad}"), b"x");
        assert_eq!(
            r.status,
            400,
            "key {bad}: {}",
            String::from_utf8_lossy(&r.body)
        );
    }
    let (_, v) = gw.get_json("/obj?op=delete&key=docs/a.txt");
    assert_eq!(v["deleted"], "docs/a.txt");
    assert_eq!(s3(&bucket, "docs/a.txt").0, 404, "gone from the bucket");

    // The built-in object routes.
    let file = dir.path().join("report.json");
    std::fs::write(&file, br#"{"total": 3}"#).expect("write");
    let admin = format!("http://{}/api/minio/objects", gw.admin);
    let auth = format!(
        "Authorization: Bearer {}",
        gw.token.clone().unwrap_or_default()
    );
    let up = run(
        "curl",
        &[
            "-s",
            "-H",
            &auth,
            "-F",
            &format!("file=@{}", file.display()),
            "-F",
            "key=reports/r1.json",
            &admin,
        ],
    );
    let up: serde_json::Value = serde_json::from_str(&up).expect("upload json");
    assert_eq!(
        up,
        json!({"key": "reports/r1.json", "bucket": bucket, "size": 12, "message": "Upload successful"})
    );
    assert_eq!(
        s3(&bucket, "reports/r1.json"),
        (200, br#"{"total": 3}"#.to_vec())
    );
    let list: serde_json::Value = serde_json::from_str(&run(
        "curl",
        &["-s", "-H", &auth, &format!("{admin}?prefix=reports/")],
    ))
    .expect("list");
    assert_eq!(list["bucket"], bucket.as_str());
    assert_eq!(list["objects"][0]["key"], "reports/r1.json");
    assert_eq!(list["objects"][0]["size"], 12);
    let head = run(
        "curl",
        &[
            "-s",
            "-H",
            &auth,
            "-D",
            "-",
            "-o",
            "/dev/null",
            &format!("{admin}/reports/r1.json"),
        ],
    );
    let head = head.to_ascii_lowercase();
    assert!(head.contains("content-type: application/json"), "{head}");
    assert!(
        head.contains("content-disposition: attachment; filename=\"r1.json\""),
        "{head}"
    );
    assert!(head.contains("x-content-type-options: nosniff"), "{head}");
    let traversal = run(
        "curl",
        &[
            "-s",
            "-H",
            &auth,
            "-o",
            "/dev/null",
            "-w",
            "%{http_code}",
            "--path-as-is",
            &format!("{admin}/a/../../etc/passwd"),
        ],
    );
    assert!(
        traversal == "400" || traversal == "404",
        "traversal answered {traversal}"
    );
    let encoded = run(
        "curl",
        &[
            "-s",
            "-H",
            &auth,
            "-o",
            "/dev/null",
            "-w",
            "%{http_code}",
            &format!("{admin}/a%2F..%2F..%2Fetc"),
        ],
    );
    assert_eq!(encoded, "400", "encoded traversal key refused");
    let del: serde_json::Value = serde_json::from_str(&run(
        "curl",
        &[
            "-s",
            "-H",
            &auth,
            "-X",
            "DELETE",
            &format!("{admin}/reports/r1.json"),
        ],
    ))
    .expect("delete json");
    assert_eq!(
        del,
        json!({"key": "reports/r1.json", "bucket": bucket, "deleted": true})
    );
    assert_eq!(s3(&bucket, "reports/r1.json").0, 404);
}
