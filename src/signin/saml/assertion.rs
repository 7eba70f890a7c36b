//! What awsume reads of a SAML assertion: the `https://aws.amazon.com/SAML/Attributes/Role` pairs
//! (role and identity provider, either order), `SessionDuration` and when it stops being accepted
//! (`NotOnOrAfter`). Nothing is verified here: STS checks the signature. The XML is tokenized
//! (xmlparser): no DTD is expanded, no entity resolved beyond XML's five and character references.

use anyhow::{Result, anyhow, bail};
use chrono::{DateTime, Utc};
use xmlparser::{ElementEnd, Token, Tokenizer};

const ROLE: &str = "https://aws.amazon.com/SAML/Attributes/Role";
const SESSION_DURATION: &str = "https://aws.amazon.com/SAML/Attributes/SessionDuration";
/// More than any real assertion: the text a person's browser or a command hands over is bounded.
pub const MAX_LEN: usize = 1 << 20;

/// One role the assertion offers, with the identity provider AWS knows it by.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Offer {
    pub role_arn: String,
    pub principal_arn: String,
}

#[derive(Debug, PartialEq, Eq)]
pub struct Assertion {
    pub offers: Vec<Offer>,
    /// Role values that were no (role, provider) pair of ARNs: skipped, said once.
    pub skipped: usize,
    pub session_duration: Option<i32>,
    /// The earliest NotOnOrAfter of its conditions and subject confirmations.
    pub not_on_or_after: Option<DateTime<Utc>>,
}

/// Reads the base64 `SAMLResponse` (as posted to AWS, or as a command prints it).
pub fn read(encoded: &str) -> Result<Assertion> {
    if encoded.len() > MAX_LEN * 4 / 3 + 4 {
        bail!("the SAML response is over {} KiB", MAX_LEN / 1024);
    }
    let bytes = crate::encoding::base64_decode(encoded);
    let xml = std::str::from_utf8(&bytes).map_err(|_| anyhow!("the SAML response is not base64 of XML"))?;
    if !xml.trim_start().starts_with('<') {
        bail!("the SAML response is not base64 of XML");
    }
    parse(xml)
}

fn parse(xml: &str) -> Result<Assertion> {
    let mut assertion =
        Assertion { offers: Vec::new(), skipped: 0, session_duration: None, not_on_or_after: None };
    // The element whose attributes are being read, the Attribute's Name, a value being read.
    let (mut element, mut attribute, mut value): (&str, Option<String>, Option<String>) = ("", None, None);
    let mut encrypted = false;
    for token in Tokenizer::from(xml) {
        match token.map_err(|e| anyhow!("the SAML response is not well-formed XML ({e})"))? {
            Token::ElementStart { local, .. } => {
                element = local.as_str();
                match element {
                    "AttributeValue" if attribute.is_some() => value = Some(String::new()),
                    "EncryptedAssertion" => encrypted = true,
                    _ => {}
                }
            }
            Token::Attribute { local, value: text, .. } => match (element, local.as_str()) {
                ("Attribute", "Name") => attribute = Some(unescape(text.as_str())),
                ("Conditions" | "SubjectConfirmationData", "NotOnOrAfter") => {
                    let at = DateTime::parse_from_rfc3339(text.as_str().trim())
                        .map_err(|_| {
                            anyhow!("the SAML assertion's NotOnOrAfter {:?} is no time", text.as_str())
                        })?
                        .with_timezone(&Utc);
                    assertion.not_on_or_after = Some(assertion.not_on_or_after.map_or(at, |t| t.min(at)));
                }
                _ => {}
            },
            Token::Text { text } | Token::Cdata { text, .. } => {
                if let Some(value) = value.as_mut() {
                    value.push_str(&unescape(text.as_str()));
                }
            }
            Token::ElementEnd { end: ElementEnd::Close(_, local), .. } => match local.as_str() {
                "AttributeValue" => {
                    if let (Some(name), Some(text)) = (attribute.as_deref(), value.take()) {
                        take_value(&mut assertion, name, text.trim())?;
                    }
                }
                "Attribute" => attribute = None,
                _ => {}
            },
            _ => {}
        }
    }
    if assertion.skipped > 0 {
        crate::messages::note(&format!(
            "skipping {} of the SAML assertion's Role values: not a role ARN and a saml-provider ARN, or with characters no ARN has",
            assertion.skipped
        ));
    }
    if assertion.offers.is_empty() {
        let why = if encrypted { " (it is encrypted: awsume needs to read it)" } else { "" };
        bail!("the SAML assertion offers no role: it has no {ROLE} attribute{why}");
    }
    Ok(assertion)
}

fn take_value(assertion: &mut Assertion, name: &str, text: &str) -> Result<()> {
    match name {
        ROLE => match offer(text) {
            Some(offer) if !assertion.offers.contains(&offer) => assertion.offers.push(offer),
            Some(_) => {}
            None => assertion.skipped += 1,
        },
        SESSION_DURATION => {
            let seconds = text.parse::<i32>().ok().filter(|s| *s > 0).ok_or_else(|| {
                anyhow!("the SAML assertion's SessionDuration {text:?} is no number of seconds")
            })?;
            assertion.session_duration = Some(seconds);
        }
        _ => {}
    }
    Ok(())
}

/// `role,provider` or `provider,role`.
fn offer(text: &str) -> Option<Offer> {
    let (a, b) = text.split_once(',')?;
    let (a, b) = (a.trim(), b.trim());
    let is_provider = |arn: &str| arn.starts_with("arn:") && arn.contains(":saml-provider/");
    let is_role = |arn: &str| arn.starts_with("arn:") && arn.contains(":role/");
    // Control characters, and the ones that reorder or hide text (a role must show as what it is).
    let clean = |arn: &str| {
        !arn.chars()
            .any(|c| c.is_control() || c.is_whitespace() || c == ',' || crate::messages::reorders_or_hides(c))
    };
    let (role, provider) = match (is_role(a), is_provider(b), is_role(b), is_provider(a)) {
        (true, true, _, _) => (a, b),
        (_, _, true, true) => (b, a),
        _ => return None,
    };
    (clean(role) && clean(provider))
        .then(|| Offer { role_arn: role.to_string(), principal_arn: provider.to_string() })
}

/// XML's five entities and character references; anything else is left as written.
fn unescape(text: &str) -> String {
    if !text.contains('&') {
        return text.to_string();
    }
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find('&') {
        out.push_str(&rest[..at]);
        rest = &rest[at..];
        let Some(end) = rest.find(';').filter(|&end| end <= 10) else {
            out.push('&');
            rest = &rest[1..];
            continue;
        };
        let entity = &rest[1..end];
        let decoded = match entity {
            "amp" => Some('&'),
            "lt" => Some('<'),
            "gt" => Some('>'),
            "quot" => Some('"'),
            "apos" => Some('\''),
            _ => entity
                .strip_prefix("#x")
                .map(|hex| u32::from_str_radix(hex, 16))
                .or_else(|| entity.strip_prefix('#').map(str::parse::<u32>))
                .and_then(Result::ok)
                .and_then(char::from_u32),
        };
        match decoded {
            Some(c) => {
                out.push(c);
                rest = &rest[end + 1..];
            }
            None => {
                out.push('&');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// An assertion as IdPs write them (prefixes, namespaces), offering `roles` (each `role,provider`
    /// as written), until `not_after`.
    pub fn response(roles: &[&str], duration: Option<&str>, not_after: &str) -> String {
        let values: String = roles
            .iter()
            .map(|r| format!("<saml2:AttributeValue xsi:type=\"xs:string\">{r}</saml2:AttributeValue>"))
            .collect();
        let duration = duration.map_or(String::new(), |d| {
            format!("<saml2:Attribute Name=\"{SESSION_DURATION}\"><saml2:AttributeValue>{d}</saml2:AttributeValue></saml2:Attribute>")
        });
        format!(
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?><saml2p:Response xmlns:saml2p=\"urn:oasis:names:tc:SAML:2.0:protocol\" \
             xmlns:saml2=\"urn:oasis:names:tc:SAML:2.0:assertion\"><saml2:Assertion><saml2:Subject><saml2:SubjectConfirmation>\
             <saml2:SubjectConfirmationData NotOnOrAfter=\"{not_after}\" Recipient=\"https://signin.aws.amazon.com/saml\"/>\
             </saml2:SubjectConfirmation></saml2:Subject><saml2:Conditions NotBefore=\"2026-01-01T00:00:00Z\" NotOnOrAfter=\"2099-01-01T00:00:00Z\"/>\
             <saml2:AttributeStatement><saml2:Attribute Name=\"https://aws.amazon.com/SAML/Attributes/RoleSessionName\">\
             <saml2:AttributeValue>me@example.com</saml2:AttributeValue></saml2:Attribute>\
             <saml2:Attribute Name=\"{ROLE}\">{values}</saml2:Attribute>{duration}</saml2:AttributeStatement></saml2:Assertion></saml2p:Response>"
        )
    }

    fn encoded(xml: &str) -> String {
        crate::encoding::base64(xml.as_bytes())
    }

    #[test]
    fn roles_either_order_duration_and_the_earliest_end() {
        let xml = response(
            &[
                "arn:aws:iam::111111111111:role/Admin,arn:aws:iam::111111111111:saml-provider/Okta",
                " arn:aws:iam::222222222222:saml-provider/Okta , arn:aws:iam::222222222222:role/Read&amp;Only ",
            ],
            Some("7200"),
            "2030-05-01T10:00:00.123Z",
        );
        let a = read(&encoded(&xml)).unwrap();
        assert_eq!(a.offers.len(), 2);
        assert_eq!(a.offers[1].role_arn, "arn:aws:iam::222222222222:role/Read&Only");
        assert_eq!(a.offers[1].principal_arn, "arn:aws:iam::222222222222:saml-provider/Okta");
        assert_eq!(a.session_duration, Some(7200));
        assert_eq!(a.not_on_or_after.unwrap().to_rfc3339(), "2030-05-01T10:00:00.123+00:00");
    }

    #[test]
    fn what_is_refused_says_why_in_one_line() {
        let cases = [
            (encoded(&response(&[], None, "2030-01-01T00:00:00Z")), "offers no role"),
            (encoded("<EncryptedAssertion/>"), "it is encrypted"),
            (encoded(&response(&["arn:aws:iam::1:role/a"], None, "2030-01-01T00:00:00Z")), "offers no role"),
            (
                encoded(&response(
                    &["arn:aws:iam::1:role/a\n,arn:aws:iam::1:saml-provider/p\u{1b}"],
                    None,
                    "x",
                )),
                "is no time",
            ),
            (
                encoded(&response(
                    &["arn:aws:iam::1:role/a,arn:aws:iam::1:saml-provider/p"],
                    Some("-5"),
                    "2030-01-01T00:00:00Z",
                )),
                "SessionDuration",
            ),
            (encoded("<a x=>"), "not well-formed"),
            ("not base64 at all!".to_string(), "not base64 of XML"),
            (encoded("plain text"), "not base64 of XML"),
            ("A".repeat(2 << 20), "over 1024 KiB"),
        ];
        for (text, needle) in cases {
            let err = read(&text).unwrap_err().to_string();
            assert!(err.contains(needle) && !err.contains('\n'), "{needle}: {err}");
        }
        let control = encoded(&response(
            &["arn:aws:iam::1:role/a\u{1b}[2J,arn:aws:iam::1:saml-provider/p"],
            None,
            "2030-01-01T00:00:00Z",
        ));
        assert!(read(&control).is_err(), "control characters in an ARN are refused");
    }

    #[test]
    fn no_entity_is_expanded_but_xmls_own() {
        let xml = "<!DOCTYPE r [<!ENTITY e \"arn:aws:iam::1:role/x,arn:aws:iam::1:saml-provider/p\">]>\
            <r><Attribute Name=\"https://aws.amazon.com/SAML/Attributes/Role\"><AttributeValue>&e;</AttributeValue>\
            <AttributeValue>arn:aws:iam::1:role/&#x41;,arn:aws:iam::1:saml-provider/&#80;</AttributeValue></Attribute></r>";
        let a = read(&encoded(xml)).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(
            a.offers,
            [Offer {
                role_arn: "arn:aws:iam::1:role/A".into(),
                principal_arn: "arn:aws:iam::1:saml-provider/P".into()
            }]
        );
    }
}

#[cfg(test)]
mod random {
    use super::*;

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(2_000))]
        /// Any assertion text, and a valid one with bytes changed: an answer or one line, never a
        /// panic; every role read back is a role ARN paired with a provider, free of control characters.
        #[test]
        fn any_assertion_reads_or_fails_in_one_line(
            junk in "(<|>|/|=|\"|&|;|#|x|[a-zA-Z:,]|\\PC|\u{1b}|\n){0,200}",
            edits in proptest::collection::vec((0usize..4000, proptest::prelude::any::<u8>()), 0..8),
        ) {
            let valid = tests::response(
                &["arn:aws:iam::1:role/a,arn:aws:iam::1:saml-provider/p"], Some("3600"), "2030-01-01T00:00:00Z");
            let mut bytes = valid.into_bytes();
            for (at, byte) in edits {
                let len = bytes.len();
                bytes[at % len] = byte;
            }
            for text in [crate::encoding::base64(&bytes), crate::encoding::base64(junk.as_bytes()), junk.clone()] {
                match read(&text) {
                    Ok(assertion) => {
                        for offer in &assertion.offers {
                            proptest::prop_assert!(offer.role_arn.contains(":role/") && offer.principal_arn.contains(":saml-provider/"));
                            proptest::prop_assert!(!offer.role_arn.chars().chain(offer.principal_arn.chars()).any(char::is_control));
                        }
                    }
                    Err(e) => proptest::prop_assert!(!crate::messages::one_line(&e).contains('\n')),
                }
            }
        }
    }
}
