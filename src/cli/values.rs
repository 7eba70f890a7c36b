//! The command line's value parsers: what a flag's text must be, said in the flag's own words
//! (clap names the flag). Pure.

use anyhow::{Result, anyhow, bail};

/// `[PARTITION:]ACCOUNT:ROLE` (awsume's short form) as a role ARN; a full ARN is kept as given.
/// `--role-arn`'s value parser: errors say what is wrong with the text, clap names the flag.
/// An agent's name: what both a session tag's value and a source identity take (1–64 of letters,
/// digits and `_+=,.@-`).
pub(super) fn agent_name(text: &str) -> Result<String> {
    let ok = |b: u8| b.is_ascii_alphanumeric() || b"_+=,.@-".contains(&b);
    if (1..=64).contains(&text.len()) && text.bytes().all(ok) {
        return Ok(text.to_string());
    }
    bail!("not an agent name (1 to 64 letters, digits and _+=,.@-)")
}

/// An EKS cluster's name as EKS allows it: a letter or digit, then letters, digits, `-` and `_`, at
/// most 100.
pub(super) fn cluster_name(text: &str) -> Result<String> {
    let ok = |b: u8| b.is_ascii_alphanumeric() || b == b'-' || b == b'_';
    if (1..=100).contains(&text.len()) && text.as_bytes()[0].is_ascii_alphanumeric() && text.bytes().all(ok) {
        return Ok(text.to_string());
    }
    bail!("not an EKS cluster name (letters, digits, - and _, starting with a letter or digit; at most 100)")
}

pub(super) fn role_arn(text: &str) -> Result<String> {
    if text.starts_with("arn:") {
        let parts: Vec<&str> = text.splitn(6, ':').collect();
        if parts.len() == 6 && parts[2] == "iam" && parts[5].starts_with("role/") {
            return Ok(text.to_string());
        }
        bail!("not a role ARN (arn:PARTITION:iam::ACCOUNT:role/NAME)");
    }
    let (partition, account, role) = match text.split(':').collect::<Vec<_>>()[..] {
        [account, role] => ("aws", account, role),
        [partition, account, role] => (partition, account, role),
        _ => bail!("neither a role ARN nor [PARTITION:]ACCOUNT:ROLE"),
    };
    if !["aws", "aws-cn", "aws-us-gov", "aws-iso", "aws-iso-b", "aws-iso-e", "aws-iso-f", "aws-eusc"]
        .contains(&partition)
    {
        bail!("{partition:?} is not an AWS partition (aws, aws-cn, aws-us-gov, …)");
    }
    if account.len() != 12 || !account.bytes().all(|b| b.is_ascii_digit()) {
        bail!("the account id is 12 digits");
    }
    if role.is_empty() {
        bail!("the role name is missing");
    }
    Ok(format!("arn:{partition}:iam::{account}:role/{role}"))
}

/// Session tags as awsume reads them from `--tags Key=Value,…`.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Tags(pub Vec<(String, String)>);

impl std::str::FromStr for Tags {
    type Err = anyhow::Error;

    fn from_str(text: &str) -> Result<Self> {
        text.split(',')
            .map(|tag| match tag.split_once('=') {
                Some((key, value)) if !key.is_empty() => Ok((key.to_string(), value.to_string())),
                _ => Err(anyhow!("each tag is Key=Value, separated by commas")),
            })
            .collect::<Result<_>>()
            .map(Tags)
    }
}

/// As typed: parses back to the same tags.
impl std::fmt::Display for Tags {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let pairs: Vec<String> = self.0.iter().map(|(k, v)| format!("{k}={v}")).collect();
        f.write_str(&pairs.join(","))
    }
}

pub(super) fn function_name(name: &str) -> Result<String, String> {
    let mut chars = name.chars();
    let first_ok = chars.next().is_some_and(|c| c.is_ascii_alphabetic() || c == '_');
    if first_ok && chars.all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-') {
        Ok(name.to_string())
    } else {
        Err("a function name is a letter or `_` followed by letters, digits, `_` or `-`".into())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn role_arn_short_forms_and_partitions() {
        let ok = [
            ("123456789012:admin", "arn:aws:iam::123456789012:role/admin"),
            ("aws-cn:123456789012:admin", "arn:aws-cn:iam::123456789012:role/admin"),
            ("aws-us-gov:123456789012:path/admin", "arn:aws-us-gov:iam::123456789012:role/path/admin"),
            ("arn:aws:iam::123456789012:role/x", "arn:aws:iam::123456789012:role/x"),
        ];
        for (given, arn) in ok {
            assert_eq!(role_arn(given).unwrap(), arn, "{given}");
        }
        let bad = [
            ("12345:admin", "12 digits"),
            ("moon:123456789012:admin", "not an AWS partition"),
            ("admin", "neither a role ARN"),
            ("123456789012:", "role name is missing"),
            ("arn:aws:iam::123456789012:user/x", "not a role ARN"),
        ];
        for (given, needle) in bad {
            let err = role_arn(given).unwrap_err().to_string();
            assert!(err.contains(needle), "{given}: {err}");
        }
    }

    #[test]
    fn tags_are_key_value_pairs_and_print_as_typed() {
        let tags: Tags = "team=core,empty=,eq=a=b".parse().unwrap();
        assert_eq!(
            tags.0,
            [("team", "core"), ("empty", ""), ("eq", "a=b")].map(|(k, v)| (k.to_string(), v.to_string()))
        );
        assert_eq!(tags.to_string(), "team=core,empty=,eq=a=b");
        assert!("novalue".parse::<Tags>().is_err());
        assert!("=v".parse::<Tags>().is_err());
    }
}
