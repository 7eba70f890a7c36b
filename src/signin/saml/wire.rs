//! The DevTools wire as awsume reads it: JSON messages, each ended by a NUL byte, 16 MiB at most;
//! and the form body of a paused POST, where the identity provider's `SAMLResponse` is. Pure: bytes
//! in, values out (fuzzed: `fuzz/fuzz_targets/devtools_wire.rs`).

use anyhow::{Result, anyhow};
use serde_json::Value;

use crate::credentials::Secret;

/// The most one message may hold (a page's large POST body comes in one).
pub const MAX_MESSAGE: usize = 16 << 20;

/// The next whole message in `buffer`, taken out of it (its bytes wiped: it may hold the
/// assertion); `None` while more bytes are needed; an error for a message that is too long or not
/// JSON.
pub fn take_message(buffer: &mut Vec<u8>) -> Option<Result<Value>> {
    let Some(end) = buffer.iter().position(|&b| b == 0) else {
        return (buffer.len() > MAX_MESSAGE)
            .then(|| Err(anyhow!("the browser sent a message over {} MiB", MAX_MESSAGE >> 20)));
    };
    let mut message: Vec<u8> = buffer.drain(..=end).collect();
    let value = serde_json::from_slice(&message[..end]);
    zeroize::Zeroize::zeroize(&mut message);
    Some(value.map_err(|_| anyhow!("the browser sent a message that is not JSON")))
}

/// The `SAMLResponse` of a POST's form body, if this request is one.
pub fn saml_response(request: &Value) -> Option<Secret> {
    if request["method"] != "POST" {
        return None;
    }
    let body = match request["postData"].as_str() {
        Some(text) => text.to_string(),
        // Large bodies come as base64 pieces.
        None => request["postDataEntries"]
            .as_array()?
            .iter()
            .filter_map(|entry| entry["bytes"].as_str())
            .map(|bytes| String::from_utf8_lossy(&crate::encoding::base64_decode(bytes)).into_owned())
            .collect(),
    };
    body.split('&').find_map(|pair| {
        let (name, value) = pair.split_once('=')?;
        (name == "SAMLResponse").then(|| Secret::new(crate::encoding::percent_decode(value)))
    })
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn the_assertion_is_taken_from_a_posted_form_only() {
        let post = json!({ "method": "POST", "postData": "RelayState=x&SAMLResponse=PHI%2BPC9yPg%3D%3D" });
        assert_eq!(saml_response(&post).unwrap().expose(), "PHI+PC9yPg==");
        let pieces = json!({ "method": "POST", "postDataEntries": [
            { "bytes": crate::encoding::base64(b"SAMLResponse=PHI") }, { "bytes": crate::encoding::base64(b"%2BPC9yPg%3D%3D") }
        ]});
        assert_eq!(saml_response(&pieces).unwrap().expose(), "PHI+PC9yPg==");
        assert!(saml_response(&json!({ "method": "GET", "postData": "SAMLResponse=x" })).is_none());
        assert!(saml_response(&json!({ "method": "POST", "postData": "RelayState=x" })).is_none());
    }

    #[test]
    fn messages_are_taken_whole_one_at_a_time_and_wiped() {
        let mut buffer = b"{\"id\":1}\0{\"id\"".to_vec();
        assert_eq!(take_message(&mut buffer).unwrap().unwrap()["id"], 1);
        assert!(take_message(&mut buffer).is_none(), "half a message waits");
        buffer.extend_from_slice(b":2}\0not json\0");
        assert_eq!(take_message(&mut buffer).unwrap().unwrap()["id"], 2);
        assert!(take_message(&mut buffer).unwrap().is_err());
        let mut long = vec![b' '; MAX_MESSAGE + 1];
        assert!(take_message(&mut long).unwrap().is_err());
    }
}
