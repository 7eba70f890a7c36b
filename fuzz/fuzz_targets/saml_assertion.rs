//! The SAML assertion reader on any input, as a browser's POST or a `saml_process` hands it over:
//! as it comes, and as base64 of any bytes (so the XML reader meets every shape of text). Never a
//! panic; a refusal says something (printed, it is one line: `messages::flat` folds it).
#![no_main]

#[allow(dead_code)]
#[path = "../../src/signin/saml/assertion.rs"]
mod assertion;
#[allow(dead_code)]
#[path = "../../src/encoding.rs"]
mod encoding;

/// What the reader says to people, unheard here; which characters reorder text does not matter
/// for whether it panics.
mod messages {
    pub fn note(_: &str) {}
    pub fn reorders_or_hides(_: char) -> bool {
        false
    }
}

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    for input in [text.to_string(), encoding::base64(data)] {
        if let Err(e) = assertion::read(&input) {
            assert!(!format!("{e:#}").is_empty());
        }
    }
});
