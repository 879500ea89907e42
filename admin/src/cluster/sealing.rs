//! The cluster's secrets key (`--secret-key-file`): certificate private keys are sealed
//! with it (AES-256-GCM, a random nonce each) before they go into the shared store, and
//! opened by every node started with the same file.

use std::path::Path;

use ring::aead::{Aad, LessSafeKey, Nonce, UnboundKey, AES_256_GCM, NONCE_LEN};
use ring::rand::{SecureRandom, SystemRandom};
use sha2::{Digest, Sha256};

/// Why sealing or opening failed.
#[derive(Debug, thiserror::Error)]
pub enum SealError {
    /// The key file cannot be read or is too short.
    #[error("--secret-key-file {path}: {message}")]
    KeyFile {
        /// The file.
        path: String,
        /// What is wrong.
        message: String,
    },
    /// The sealed text is not ours (another key, or damaged).
    #[error(
        "a sealed value does not open with this node's --secret-key-file (another key, or damaged)"
    )]
    Open,
    /// The system random source failed.
    #[error("no randomness for a nonce")]
    Random,
}

/// The key, derived from the file's bytes (SHA-256: any file of 32 or more random bytes).
pub struct SecretKey {
    key: LessSafeKey,
    rng: SystemRandom,
}

impl std::fmt::Debug for SecretKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("SecretKey(..)")
    }
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn unhex(text: &str) -> Option<Vec<u8>> {
    if text.len() % 2 != 0 {
        return None;
    }
    (0..text.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(text.get(i..i + 2)?, 16).ok())
        .collect()
}

impl SecretKey {
    /// Reads the key file (at least 32 bytes; `openssl rand -hex 32 > key` makes one).
    pub fn from_file(path: &Path) -> Result<Self, SealError> {
        let err = |message: String| SealError::KeyFile {
            path: path.display().to_string(),
            message,
        };
        let bytes = std::fs::read(path).map_err(|e| err(e.to_string()))?;
        let trimmed = bytes.trim_ascii();
        if trimmed.len() < 32 {
            return Err(err(format!(
                "holds {} bytes; it needs at least 32 random bytes (openssl rand -hex 32)",
                trimmed.len()
            )));
        }
        Ok(Self::from_bytes(trimmed))
    }

    /// A key from these bytes.
    pub fn from_bytes(bytes: &[u8]) -> Self {
        let digest = Sha256::digest(bytes);
        let key = UnboundKey::new(&AES_256_GCM, &digest)
            .map(LessSafeKey::new)
            .unwrap_or_else(|_| unreachable!("a SHA-256 digest is an AES-256 key"));
        SecretKey {
            key,
            rng: SystemRandom::new(),
        }
    }

    /// Seals `plain` as hex of nonce, ciphertext and tag.
    pub fn seal(&self, plain: &[u8]) -> Result<String, SealError> {
        let mut nonce = [0u8; NONCE_LEN];
        self.rng.fill(&mut nonce).map_err(|_| SealError::Random)?;
        let mut data = plain.to_vec();
        self.key
            .seal_in_place_append_tag(Nonce::assume_unique_for_key(nonce), Aad::empty(), &mut data)
            .map_err(|_| SealError::Random)?;
        Ok(format!("{}{}", hex(&nonce), hex(&data)))
    }

    /// Opens what [`SecretKey::seal`] made with the same key.
    pub fn open(&self, sealed: &str) -> Result<Vec<u8>, SealError> {
        let bytes = unhex(sealed).ok_or(SealError::Open)?;
        if bytes.len() < NONCE_LEN {
            return Err(SealError::Open);
        }
        let (nonce, rest) = bytes.split_at(NONCE_LEN);
        let nonce = Nonce::try_assume_unique_for_key(nonce).map_err(|_| SealError::Open)?;
        let mut data = rest.to_vec();
        let plain = self
            .key
            .open_in_place(nonce, Aad::empty(), &mut data)
            .map_err(|_| SealError::Open)?;
        Ok(plain.to_vec())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sealed_values_open_with_the_same_key_only() {
        let k = SecretKey::from_bytes(b"0123456789abcdef0123456789abcdef");
        let sealed = k.seal(b"-----BEGIN PRIVATE KEY-----").expect("seal");
        assert!(!sealed.contains("PRIVATE"));
        assert_ne!(
            sealed,
            k.seal(b"-----BEGIN PRIVATE KEY-----").expect("seal")
        );
        assert_eq!(
            k.open(&sealed).expect("open"),
            b"-----BEGIN PRIVATE KEY-----"
        );
        let other = SecretKey::from_bytes(b"another key of thirty-two bytes!");
        assert!(other.open(&sealed).is_err());
        assert!(k.open("zz").is_err());
    }
}
