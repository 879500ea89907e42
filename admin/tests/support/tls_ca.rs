//! A private certificate authority made with the `openssl` CLI, for HTTPS tests with
//! real clients (curl, `openssl s_client`, wrk).

use std::path::{Path, PathBuf};
use std::process::Command;

/// A private CA in a temporary directory.
pub struct Ca {
    pub dir: tempfile::TempDir,
}

/// `openssl req` arguments for a new unencrypted P-256 key.
pub const NEW_P256_KEY: [&str; 5] = [
    "-newkey",
    "ec",
    "-pkeyopt",
    "ec_paramgen_curve:P-256",
    "-nodes",
];

pub fn openssl(dir: &Path, args: &[&str]) {
    let out = Command::new("openssl")
        .current_dir(dir)
        .args(args)
        .output()
        .expect("openssl (installed by scripts/test.sh)");
    assert!(
        out.status.success(),
        "openssl {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

pub fn read(p: impl AsRef<Path>) -> String {
    std::fs::read_to_string(p).expect("read")
}

impl Ca {
    pub fn new() -> Ca {
        let dir = tempfile::tempdir().expect("tempdir");
        openssl(
            dir.path(),
            &[
                &["req", "-x509"][..],
                &NEW_P256_KEY,
                &[
                    "-keyout",
                    "ca.key",
                    "-out",
                    "ca.pem",
                    "-days",
                    "30",
                    "-subj",
                    "/CN=Gateway Test CA",
                    "-addext",
                    "basicConstraints=critical,CA:TRUE",
                    "-addext",
                    "keyUsage=critical,keyCertSign,cRLSign",
                ],
            ]
            .concat(),
        );
        Ca { dir }
    }

    pub fn ca_pem(&self) -> PathBuf {
        self.dir.path().join("ca.pem")
    }

    /// A leaf for `names` with `serial` (hex): (chain PEM, leaf first then the CA; key PEM).
    pub fn issue(&self, tag: &str, names: &[&str], serial: &str) -> (String, String) {
        let d = self.dir.path();
        let san: Vec<String> = names.iter().map(|n| format!("DNS:{n}")).collect();
        std::fs::write(
            d.join(format!("{tag}.ext")),
            format!(
                "subjectAltName={}\nbasicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\n",
                san.join(",")
            ),
        )
        .expect("ext");
        let (key, csr, pem, ext) = (
            format!("{tag}.key"),
            format!("{tag}.csr"),
            format!("{tag}.pem"),
            format!("{tag}.ext"),
        );
        openssl(
            d,
            &[
                &["req"][..],
                &NEW_P256_KEY,
                &[
                    "-keyout",
                    &key,
                    "-out",
                    &csr,
                    "-subj",
                    &format!("/CN={}", names[0]),
                ],
            ]
            .concat(),
        );
        openssl(
            d,
            &[
                "x509",
                "-req",
                "-in",
                &csr,
                "-CA",
                "ca.pem",
                "-CAkey",
                "ca.key",
                "-set_serial",
                &format!("0x{serial}"),
                "-days",
                "10",
                "-out",
                &pem,
                "-extfile",
                &ext,
            ],
        );
        (
            read(d.join(&pem)) + &read(self.ca_pem()),
            read(d.join(&key)),
        )
    }
}

/// A self-signed certificate for `name`, valid `days` days from now: `<tag>.pem` and
/// `<tag>.key` in `dir`.
pub fn self_signed(dir: &Path, tag: &str, name: &str, days: &str) {
    openssl(
        dir,
        &[
            &["req", "-x509"][..],
            &NEW_P256_KEY,
            &[
                "-keyout",
                &format!("{tag}.key"),
                "-out",
                &format!("{tag}.pem"),
                "-days",
                days,
                "-subj",
                &format!("/CN={name}"),
                "-addext",
                &format!("subjectAltName=DNS:{name}"),
            ],
        ]
        .concat(),
    );
}
