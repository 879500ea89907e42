//! Email against a real SMTP server (aiosmtpd storing every message): plain, HTML and
//! custom-sender mail through a compiled handler, over STARTTLS with AUTH, each message
//! found in the server's store with its headers.

mod support;

use std::time::{Duration, Instant};

use serde_json::json;
use support::backends::{ca, require, svc_home};
use support::Gateway;

/// The stored message whose Subject is `subject`, waiting up to 5 s.
fn stored(subject: &str) -> String {
    let dir = svc_home().join("smtp/mail");
    let deadline = Instant::now() + Duration::from_secs(5);
    loop {
        for entry in std::fs::read_dir(&dir).expect("mail dir").flatten() {
            let p = entry.path();
            if p.extension().is_some_and(|e| e == "eml") {
                let text = std::fs::read_to_string(&p).unwrap_or_default();
                if text.contains(subject) {
                    let _ = std::fs::remove_file(&p);
                    let _ = std::fs::remove_file(p.with_extension("json"));
                    return text;
                }
            }
        }
        assert!(
            Instant::now() < deadline,
            "no stored mail with subject {subject}"
        );
        std::thread::sleep(Duration::from_millis(100));
    }
}

#[test]
fn smtp_through_a_compiled_handler() {
    require("SMTP (aiosmtpd)", 2525);
    let dir = tempfile::tempdir().expect("tempdir");
    let gw = Gateway::start(dir.path(), &[]);
    let svc = gw.service(
        "notifications",
        "email",
        json!({"host": "localhost", "port": 2525, "username": "svcuser", "password": "svcpass", "encryption": "starttls", "from_address": "noreply@example.test", "from_name": "My App", "reply_to": "support@example.test", "ca_cert_path": ca()}),
    );
    gw.activate(&svc);
    gw.handler(
        "/mail",
        include_str!("handlers/email.rs"),
        &[(&svc, "mail")],
    );
    let pid = std::process::id();

    let subject = format!("plain-{pid}");
    let (s, v) = gw.get_json(&format!("/mail?to=user@example.test&subject={subject}"));
    assert_eq!(s, 200, "{v}");
    let eml = stored(&subject);
    assert!(
        eml.contains("From: \"My App\" <noreply@example.test>")
            || eml.contains("From: My App <noreply@example.test>"),
        "{eml}"
    );
    assert!(eml.contains("Reply-To: support@example.test"), "{eml}");
    assert!(
        eml.contains("To: user@example.test") && eml.contains("plain body"),
        "{eml}"
    );

    let subject = format!("html-{pid}");
    gw.get_json(&format!(
        "/mail?kind=html&to=user@example.test&subject={subject}"
    ));
    let eml = stored(&subject);
    assert!(eml.contains("Content-Type: text/html"), "{eml}");

    let subject = format!("from-{pid}");
    gw.get_json(&format!(
        "/mail?kind=from&to=user@example.test&subject={subject}"
    ));
    let eml = stored(&subject);
    assert!(
        eml.contains("Support Team") && eml.contains("support@example.test"),
        "{eml}"
    );

    let (s, v) = gw.get_json("/mail?to=not-an-address&subject=x");
    assert_eq!(s, 400, "invalid recipient: {v}");
}
