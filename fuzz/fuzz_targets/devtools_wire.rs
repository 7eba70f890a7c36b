//! The DevTools wire on any bytes, as a browser (or a program posing as one) may send them: messages
//! taken one at a time from a buffer fed in pieces, and the form body of each as a paused POST.
//! Never a panic; the buffer never holds more than one message's cap plus what was fed.
#![no_main]

#[allow(dead_code)]
#[path = "../../src/encoding.rs"]
mod encoding;
#[path = "../../src/signin/saml/wire.rs"]
mod wire;

/// A secret as the wire hands it out; the real one also zeroes itself.
mod credentials {
    pub struct Secret(String);
    impl Secret {
        pub fn new(text: impl Into<String>) -> Self {
            Self(text.into())
        }
    }
}

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let mut buffer = Vec::new();
    for piece in data.chunks(7) {
        buffer.extend_from_slice(piece);
        while let Some(message) = wire::take_message(&mut buffer) {
            if let Ok(value) = message {
                let _ = wire::saml_response(&value);
                let _ = wire::saml_response(&value["params"]["request"]);
            }
        }
        assert!(buffer.len() <= wire::MAX_MESSAGE + 7);
    }
});
