//! A private certificate authority made with the `openssl` CLI, for HTTPS tests with
//! real clients (curl, `openssl s_client`, wrk).

use std::path::{Path, PathBuf};
use std::process::Command;

/// A private CA in a temporary directory.
pub struct Ca {
    pub dir: tempfile::TempDir,
}

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
                "req",
                "-x509",
                "-newkey",
                "ec",
                "-pkeyopt",
                "ec_paramgen_curve:P-256",
                "-nodes",
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
                "req",
                "-newkey",
                "ec",
                "-pkeyopt",
                "ec_paramgen_curve:P-256",
                "-nodes",
                "-keyout",
                &key,
                "-out",
                &csr,
                "-subj",
                &format!("/CN={}", names[0]),
            ],
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
