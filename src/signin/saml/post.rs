//! Which POST to AWS's sign-in awsume takes as the sign-in's: a top-level navigation of a page the
//! browser awsume started shows (the one it opened, or a popup), sent from an origin that page's
//! main frame has been on (the identity provider's own pages). A POST from a frame, or from a page
//! of any other origin (a cross-site form, framed or not), is refused: otherwise any page the
//! identity provider shows could plant its own assertion, and awsume would assume its role (login
//! CSRF). Pure: DevTools events in, a verdict out.

use std::collections::HashMap;

use serde_json::Value;

#[derive(Default)]
pub struct Posts {
    /// Each page's DevTools session → its main frame (a page target's id is its main frame's).
    main_frames: HashMap<String, String>,
    /// The origins main frames have been on, the sign-in's first page's first.
    origins: Vec<String>,
}

impl Posts {
    pub fn new(start_url: &str) -> Self {
        Self { main_frames: HashMap::new(), origins: origin(start_url).into_iter().collect() }
    }

    /// A page target was attached on `session`.
    pub fn attached(&mut self, session: &str, target_id: &str) {
        self.main_frames.insert(session.to_string(), target_id.to_string());
    }

    /// `Page.frameNavigated` on `session`: a main frame's new origin is one of the sign-in's.
    pub fn navigated(&mut self, session: Option<&str>, frame: &Value) {
        let main = session.and_then(|s| self.main_frames.get(s)).map(String::as_str);
        if frame["parentId"].is_null()
            && main == frame["id"].as_str()
            && let Some(origin) = frame["url"].as_str().and_then(origin)
            && !self.origins.contains(&origin)
        {
            self.origins.push(origin);
        }
    }

    /// Whether the paused POST (`Fetch.requestPaused`'s params, on `session`) is the sign-in's; if
    /// not, why, in words for people.
    pub fn judge(&self, session: Option<&str>, paused: &Value) -> Result<(), String> {
        let main = session.and_then(|s| self.main_frames.get(s));
        if paused["resourceType"] != "Document" || main.map(String::as_str) != paused["frameId"].as_str() {
            return Err("a frame or a script posted to AWS's sign-in".into());
        }
        let headers = paused["request"]["headers"].as_object();
        let sent = headers
            .and_then(|h| h.iter().find(|(name, _)| name.eq_ignore_ascii_case("origin")))
            .and_then(|(_, value)| value.as_str())
            .unwrap_or("none");
        if self.origins.iter().any(|o| o == sent) {
            Ok(())
        } else {
            Err(format!("a page of {} posted to AWS's sign-in, not the identity provider's", shown(sent)))
        }
    }
}

/// `scheme://host[:port]` of a URL, lower-cased, as a browser's `Origin` header writes it.
fn origin(url: &str) -> Option<String> {
    let (scheme, rest) = url.split_once("://")?;
    let host = rest.split(['/', '?', '#']).next()?;
    (!host.is_empty()).then(|| format!("{}://{}", scheme.to_ascii_lowercase(), host.to_ascii_lowercase()))
}

/// An origin for a message: at most 100 characters.
fn shown(origin: &str) -> String {
    origin.chars().take(100).collect()
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn paused(frame: &str, kind: &str, origin: &str) -> Value {
        json!({ "frameId": frame, "resourceType": kind, "request": { "headers": { "Origin": origin } } })
    }

    #[test]
    fn only_the_identity_providers_top_level_post_is_taken() {
        let mut posts = Posts::new("https://idp.example.com/app/aws/sso?x=1");
        posts.attached("s1", "MAIN");
        assert_eq!(posts.judge(Some("s1"), &paused("MAIN", "Document", "https://idp.example.com")), Ok(()));
        // The IdP moved the page to its own login host: that origin counts too.
        posts.navigated(Some("s1"), &json!({ "id": "MAIN", "url": "https://login.example.com/p" }));
        assert!(posts.judge(Some("s1"), &paused("MAIN", "Document", "https://login.example.com")).is_ok());
        // A frame's own navigation never counts, nor a post from it or another origin.
        posts
            .navigated(Some("s1"), &json!({ "id": "F", "parentId": "MAIN", "url": "https://evil.example/" }));
        let evil = posts.judge(Some("s1"), &paused("MAIN", "Document", "https://evil.example"));
        assert_eq!(
            evil,
            Err("a page of https://evil.example posted to AWS's sign-in, not the identity provider's".into())
        );
        assert!(posts.judge(Some("s1"), &paused("F", "Document", "https://idp.example.com")).is_err());
        assert!(posts.judge(Some("s1"), &paused("MAIN", "XHR", "https://idp.example.com")).is_err());
        assert!(posts.judge(Some("s2"), &paused("MAIN", "Document", "https://idp.example.com")).is_err());
        assert!(posts.judge(Some("s1"), &json!({ "frameId": "MAIN", "resourceType": "Document" })).is_err());
    }
}
