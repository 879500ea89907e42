//! File transfer against real servers: vsftpd (FTP, and FTPS with TLS required) and OpenSSH
//! (SFTP with a password and with a key) through a compiled handler; every file checked on
//! the server's disk.

mod support;

use serde_json::{json, Value};
use support::backends::{ca, require, svc_home};
use support::Gateway;

const HANDLER: &str = include_str!("handlers/files.rs");

fn files_flow(gw: &Gateway, path: &str, base: &str) {
    let home = svc_home().join("home/svcuser");
    let r = gw.request(
        "GET",
        &format!("{path}?op=put&path=sub/hello.txt"),
        b"hello files",
    );
    assert_eq!(r.status, 200, "{}", String::from_utf8_lossy(&r.body));
    let on_disk = home.join(base).join("sub/hello.txt");
    assert_eq!(
        std::fs::read(&on_disk).unwrap_or_else(|e| panic!("{}: {e}", on_disk.display())),
        b"hello files",
        "the file is on the server"
    );
    let r = gw.get(&format!("{path}?op=get&path=sub/hello.txt"));
    assert_eq!((r.status, r.body.as_slice()), (200, &b"hello files"[..]));
    let (_, v) = gw.get_json(&format!("{path}?op=list&path=sub"));
    assert_eq!(v["names"], json!(["hello.txt"]), "{v}");
    let (s, v) = gw.get_json(&format!("{path}?op=get&path=sub/missing.txt"));
    assert_eq!(s, 404, "{v}");
    let (s, _) = gw.get_json(&format!("{path}?op=get&path=../../etc/passwd"));
    assert_eq!(s, 400, "'..' refused");
    let (s, v) = gw.get_json(&format!("{path}?op=delete&path=sub/hello.txt"));
    assert_eq!(s, 200, "{v}");
    assert!(!on_disk.exists(), "deleted on the server");
}

fn config(protocol: &str, port: u16, base: &str, extra: Value) -> Value {
    let mut c = json!({"host": if protocol == "ftps" { "localhost" } else { "127.0.0.1" }, "port": port, "username": "svcuser", "protocol": protocol, "base_path": base, "passive_mode": true, "timeout_seconds": 10});
    for (k, v) in extra.as_object().into_iter().flatten() {
        c[k] = v.clone();
    }
    c
}

#[test]
fn ftp_and_ftps_through_a_compiled_handler() {
    require("FTP (vsftpd)", 2121);
    require("FTPS (vsftpd)", 2990);
    let dir = tempfile::tempdir().expect("tempdir");
    let gw = Gateway::start(dir.path(), &[]);
    let pid = std::process::id();
    let ftp_base = format!("gw-ftp-{pid}");
    let ftp = gw.service(
        "ftp",
        "ftp",
        config("ftp", 2121, &ftp_base, json!({"password": "svcpass"})),
    );
    gw.activate(&ftp);
    gw.handler("/ftp", HANDLER, &[(&ftp, "remote")]);
    files_flow(&gw, "/ftp", &ftp_base);

    let ftps_base = format!("gw-ftps-{pid}");
    let ftps = gw.service(
        "ftps",
        "ftp",
        config(
            "ftps",
            2990,
            &ftps_base,
            json!({"password": "svcpass", "ca_cert_path": ca()}),
        ),
    );
    gw.activate(&ftps);
    gw.handler("/ftps", HANDLER, &[(&ftps, "remote")]);
    files_flow(&gw, "/ftps", &ftps_base);

    // A wrong password is a clear error on test and on activate.
    let bad = gw.service(
        "ftp-bad",
        "ftp",
        config("ftp", 2121, "x", json!({"password": "wrong"})),
    );
    let (_, v) = gw.api("POST", &format!("/services/{bad}/test"), None);
    assert_eq!(v["data"]["connected"], false, "{v}");
    assert!(
        v["data"]["error"]
            .as_str()
            .is_some_and(|e| e.contains("530")),
        "{v}"
    );
    let (s, v) = gw.api("POST", &format!("/services/{bad}/activate"), None);
    assert_eq!(s, 503, "{v}");
}

#[test]
fn sftp_with_password_and_key_through_a_compiled_handler() {
    require("SFTP (OpenSSH)", 2222);
    let dir = tempfile::tempdir().expect("tempdir");
    let gw = Gateway::start(dir.path(), &[]);
    let pid = std::process::id();
    let base = format!("gw-sftp-{pid}");
    let pw = gw.service(
        "sftp",
        "ftp",
        config("sftp", 2222, &base, json!({"password": "svcpass"})),
    );
    gw.activate(&pw);
    gw.handler("/sftp", HANDLER, &[(&pw, "remote")]);
    files_flow(&gw, "/sftp", &base);

    let key = svc_home().join("sftp/client_ed25519");
    let kbase = format!("gw-sftpkey-{pid}");
    let k = gw.service(
        "sftp-key",
        "ftp",
        config(
            "sftp",
            2222,
            &kbase,
            json!({"private_key_path": key.display().to_string()}),
        ),
    );
    gw.activate(&k);
    gw.handler("/sftpkey", HANDLER, &[(&k, "remote")]);
    files_flow(&gw, "/sftpkey", &kbase);
}
