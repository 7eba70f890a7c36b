//! DPoP proofs (RFC 9449) for the sign-in service: an ES256 JWT signed with the session's own P-256
//! key, its public half in the header, naming the request (`htm`, `htu`), when (`iat`) and a fresh
//! `jti`. The key is a credential: it never reaches a message, a log or a `Debug` output.

use anyhow::{Result, anyhow};
use p256::ecdsa::signature::Signer;
use p256::ecdsa::{Signature, SigningKey};
use p256::elliptic_curve::sec1::ToSec1Point;
use p256::pkcs8::der::pem::LineEnding;

use crate::credentials::Secret;
use crate::encoding::base64url;

/// A session's P-256 key.
pub struct Key {
    secret: p256::SecretKey,
}

impl std::fmt::Debug for Key {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Key(<redacted>)")
    }
}

impl Key {
    /// A new key from the system's random bytes (a rare out-of-range draw is drawn again).
    pub fn generate() -> Result<Self> {
        for _ in 0..8 {
            let bytes = crate::encoding::random_bytes(32)?;
            if let Ok(secret) = p256::SecretKey::from_slice(&bytes) {
                return Ok(Self { secret });
            }
        }
        Err(anyhow!("cannot make a P-256 key"))
    }

    /// The key as the AWS CLI stores it: SEC1 PEM (`-----BEGIN EC PRIVATE KEY-----`).
    pub fn from_pem(pem: &str) -> Result<Self> {
        p256::SecretKey::from_sec1_pem(pem.trim())
            .map(|secret| Self { secret })
            .map_err(|_| anyhow!("its dpopKey is not a P-256 key in SEC1 PEM"))
    }

    pub fn to_pem(&self) -> Result<Secret> {
        let pem =
            self.secret.to_sec1_pem(LineEnding::LF).map_err(|_| anyhow!("cannot encode the DPoP key"))?;
        Ok(Secret::new(pem.as_str()))
    }

    /// The proof for a POST to `url` at `now` (seconds since the epoch).
    pub fn proof(&self, url: &str, now: i64) -> Result<String> {
        let point = self.secret.public_key().to_sec1_point(false);
        let (Some(x), Some(y)) = (point.x(), point.y()) else {
            return Err(anyhow!("the DPoP key has no public point"));
        };
        let header = serde_json::json!({
            "typ": "dpop+jwt",
            "alg": "ES256",
            "jwk": { "kty": "EC", "x": base64url(x), "y": base64url(y), "crv": "P-256" },
        });
        let jti = crate::encoding::random_hex(16)?;
        let payload = serde_json::json!({ "htm": "POST", "htu": url, "iat": now, "jti": jti });
        let signing_input = format!(
            "{}.{}",
            base64url(header.to_string().as_bytes()),
            base64url(payload.to_string().as_bytes())
        );
        let signature: Signature = SigningKey::from(&self.secret).sign(signing_input.as_bytes());
        Ok(format!("{signing_input}.{}", base64url(&signature.to_bytes())))
    }
}

#[cfg(test)]
mod tests {
    use p256::ecdsa::VerifyingKey;
    use p256::ecdsa::signature::Verifier;

    use super::*;

    #[test]
    fn proofs_verify_with_the_key_in_their_header_and_keys_round_trip_as_pem() {
        let key = Key::generate().unwrap();
        let pem = key.to_pem().unwrap();
        assert!(pem.expose().starts_with("-----BEGIN EC PRIVATE KEY-----"));
        let again = Key::from_pem(pem.expose()).unwrap();
        let proof = again.proof("https://us-east-1.signin.aws.amazon.com/v1/token", 1_900_000_000).unwrap();
        let parts: Vec<&str> = proof.split('.').collect();
        assert_eq!(parts.len(), 3);
        let decode = crate::encoding::base64_decode;
        let header: serde_json::Value = serde_json::from_slice(&decode(parts[0])).unwrap();
        let payload: serde_json::Value = serde_json::from_slice(&decode(parts[1])).unwrap();
        assert_eq!((header["typ"].as_str(), header["alg"].as_str()), (Some("dpop+jwt"), Some("ES256")));
        assert_eq!(payload["htm"], "POST");
        assert_eq!(payload["htu"], "https://us-east-1.signin.aws.amazon.com/v1/token");
        assert_eq!(payload["iat"], 1_900_000_000);
        let verifying = VerifyingKey::from(&SigningKey::from(&key.secret));
        let signature = Signature::from_slice(&decode(parts[2])).unwrap();
        verifying.verify(format!("{}.{}", parts[0], parts[1]).as_bytes(), &signature).unwrap();
        assert_eq!(format!("{again:?}"), "Key(<redacted>)");
        assert!(Key::from_pem("-----BEGIN EC PRIVATE KEY-----\nnope\n-----END EC PRIVATE KEY-----").is_err());
    }
}
