//! Byte encodings the sign-ins, the keychain and the shell protocol share: base64 (standard and URL
//! alphabets), `%`-encoding of query values, and random bytes from the operating system. The work is
//! the `base64`, `percent-encoding` and `getrandom` crates' (already in the tree through the SDK and
//! TLS); this module only fixes which variant awsume means, so no caller picks one of its own.

use base64::Engine;
use base64::engine::{DecodePaddingMode, GeneralPurpose, GeneralPurposeConfig};
use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, percent_decode_str, utf8_percent_encode};

/// Standard base64 (RFC 4648 §4, padded): how PowerShell receives values it must not reinterpret.
pub fn base64(bytes: &[u8]) -> String {
    base64::engine::general_purpose::STANDARD.encode(bytes)
}

/// Base64url without padding (RFC 4648 §5), as PKCE and JWTs write it.
pub fn base64url(bytes: &[u8]) -> String {
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
}

/// Base64 back to bytes, in the standard or the URL alphabet (`+`/`-` and `/`/`_` never mean two
/// things), padded or not; anything outside the alphabets (white space, line breaks) is skipped,
/// as a person pastes it. Text that is no base64 at all gives no bytes.
pub fn base64_decode(text: &str) -> Vec<u8> {
    const LENIENT: GeneralPurpose = GeneralPurpose::new(
        &base64::alphabet::STANDARD,
        GeneralPurposeConfig::new()
            .with_decode_padding_mode(DecodePaddingMode::Indifferent)
            .with_decode_allow_trailing_bits(true),
    );
    let sextets: String = text
        .chars()
        .filter_map(|c| match c {
            'A'..='Z' | 'a'..='z' | '0'..='9' | '+' | '/' => Some(c),
            '-' => Some('+'),
            '_' => Some('/'),
            _ => None,
        })
        .collect();
    LENIENT.decode(sextets).unwrap_or_default()
}

/// Everything but RFC 3986's unreserved characters (`A-Z a-z 0-9 - . _ ~`) is `%`-encoded.
const QUERY_VALUE: &AsciiSet = &NON_ALPHANUMERIC.remove(b'-').remove(b'.').remove(b'_').remove(b'~');

/// A query value, `%`-encoded.
pub fn percent_encode(text: &str) -> String {
    utf8_percent_encode(text, QUERY_VALUE).to_string()
}

/// A query value decoded: `+` is a space, `%XX` a byte (bytes that are no UTF-8 become U+FFFD).
pub fn percent_decode(text: &str) -> String {
    percent_decode_str(&text.replace('+', " ")).decode_utf8_lossy().into_owned()
}

/// `n` random bytes from the operating system (getrandom(2), `ProcessPrng` on Windows, the
/// Security framework's source on macOS).
pub fn random_bytes(n: usize) -> anyhow::Result<Vec<u8>> {
    let mut buf = vec![0u8; n];
    getrandom::fill(&mut buf).map_err(|e| anyhow::anyhow!("the system gave no random bytes: {e}"))?;
    Ok(buf)
}

/// `n` random bytes as hex (tokens, file names).
pub fn random_hex(n: usize) -> anyhow::Result<String> {
    random_bytes(n).map(hex::encode)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64_in_both_alphabets_reads_back() {
        assert_eq!(base64(b"\xfb\xff\xbf"), "+/+/");
        assert_eq!(base64url(b"\xfb\xff\xbf"), "-_-_");
        assert_eq!(base64(b"ab"), "YWI=");
        assert_eq!(base64url(b"ab"), "YWI");
        for text in ["+/+/", "-_-_", " +/+/\n"] {
            assert_eq!(base64_decode(text), b"\xfb\xff\xbf");
        }
        assert_eq!(base64_decode("YWI="), b"ab");
        assert_eq!(base64_decode("YWI"), b"ab");
        assert_eq!(base64_decode("Y"), b"", "one sextet is no byte");
    }

    #[test]
    fn query_values_round_trip() {
        assert_eq!(percent_encode("a b&c=d/é~"), "a%20b%26c%3Dd%2F%C3%A9~");
        assert_eq!(percent_decode("a+b%26c%3dd%2B%C3%A9"), "a b&c=d+é");
        assert_eq!(percent_decode("100%"), "100%");
        assert_eq!(percent_decode("%zz"), "%zz");
    }

    #[test]
    fn random_values_differ() {
        assert_eq!(random_hex(16).unwrap().len(), 32);
        assert_ne!(random_bytes(16).unwrap(), random_bytes(16).unwrap());
    }
}
