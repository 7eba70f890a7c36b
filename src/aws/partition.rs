//! AWS's partitions and the hosts awsume builds itself in each: the one table for the SSO sign-in
//! page, the portal and OIDC hosts named in messages, console federation and console hosts, the
//! `aws login` sign-in service, the SAML `/saml` endpoints and STS/EKS hosts. Regions map to
//! partitions by botocore's `partitions.json` patterns (an unknown region is `aws`'s, as there);
//! the sign-in hosts are the sign-in service's endpoint rules; `AWS_ENDPOINT_URL_*` overrides are
//! applied by the callers and keep winning.

/// One partition: its id, DNS suffix, how its regions are named, and its sign-in hosts.
pub struct Partition {
    pub id: &'static str,
    pub dns_suffix: &'static str,
    /// The region's words before `NAME-NUMBER` (`["us", "gov"]` for `us-gov-west-1`); `None`: any
    /// of the commercial prefixes.
    prefix: Option<&'static [&'static str]>,
    /// `{region}.` + this is the sign-in service (`aws login`).
    signin_suffix: &'static str,
    /// Console federation (`/federation`) and the console, where AWS has them.
    pub console: Option<(&'static str, &'static str)>,
}

/// The commercial partition's region prefixes.
const COMMERCIAL: [&str; 9] = ["us", "eu", "ap", "sa", "ca", "me", "af", "il", "mx"];

pub const PARTITIONS: [Partition; 8] = [
    Partition {
        id: "aws",
        dns_suffix: "amazonaws.com",
        prefix: None,
        signin_suffix: "signin.aws.amazon.com",
        console: Some(("signin.aws.amazon.com", "console.aws.amazon.com")),
    },
    Partition {
        id: "aws-cn",
        dns_suffix: "amazonaws.com.cn",
        prefix: Some(&["cn"]),
        signin_suffix: "signin.amazonaws.cn",
        console: Some(("signin.amazonaws.cn", "console.amazonaws.cn")),
    },
    Partition {
        id: "aws-us-gov",
        dns_suffix: "amazonaws.com",
        prefix: Some(&["us", "gov"]),
        signin_suffix: "signin.amazonaws-us-gov.com",
        console: Some(("signin.amazonaws-us-gov.com", "console.amazonaws-us-gov.com")),
    },
    Partition {
        id: "aws-eusc",
        dns_suffix: "amazonaws.eu",
        prefix: Some(&["eusc", "de"]),
        signin_suffix: "signin.amazonaws-eusc.eu",
        console: Some(("signin.amazonaws-eusc.eu", "console.amazonaws-eusc.eu")),
    },
    Partition {
        id: "aws-iso",
        dns_suffix: "c2s.ic.gov",
        prefix: Some(&["us", "iso"]),
        signin_suffix: "signin.c2shome.ic.gov",
        console: None,
    },
    Partition {
        id: "aws-iso-b",
        dns_suffix: "sc2s.sgov.gov",
        prefix: Some(&["us", "isob"]),
        signin_suffix: "signin.sc2shome.sgov.gov",
        console: None,
    },
    Partition {
        id: "aws-iso-e",
        dns_suffix: "cloud.adc-e.uk",
        prefix: Some(&["eu", "isoe"]),
        signin_suffix: "signin.csphome.adc-e.uk",
        console: None,
    },
    Partition {
        id: "aws-iso-f",
        dns_suffix: "csp.hci.ic.gov",
        prefix: Some(&["us", "isof"]),
        signin_suffix: "signin.csphome.hci.ic.gov",
        console: None,
    },
];

/// The partition `region` belongs to (`aws` for a region no pattern knows, as botocore).
pub fn of_region(region: &str) -> &'static Partition {
    let words: Vec<&str> = region.split('-').collect();
    // `PREFIX…-NAME-NUMBER`: NAME word characters, NUMBER digits.
    let shaped = |prefix_len: usize| {
        words.len() == prefix_len + 2
            && !words[prefix_len].is_empty()
            && words[prefix_len].bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_')
            && !words[prefix_len + 1].is_empty()
            && words[prefix_len + 1].bytes().all(|b| b.is_ascii_digit())
    };
    PARTITIONS
        .iter()
        .find(|p| match p.prefix {
            Some(prefix) => words.starts_with(prefix) && shaped(prefix.len()),
            None => COMMERCIAL.contains(&words[0]) && shaped(1),
        })
        .unwrap_or(&PARTITIONS[0])
}

/// The partition named `id` (an ARN's second field).
pub fn by_id(id: &str) -> Option<&'static Partition> {
    PARTITIONS.iter().find(|p| p.id == id)
}

impl Partition {
    /// `https://SERVICE.REGION.SUFFIX`, as the SDKs build regional endpoints.
    pub fn endpoint(&self, service: &str, region: &str) -> String {
        format!("https://{service}.{region}.{}", self.dns_suffix)
    }

    /// The sign-in service of `region` (`aws login`'s authorize page and token endpoint).
    pub fn signin(&self, region: &str) -> String {
        format!("https://{region}.{}", self.signin_suffix)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn regions_fall_in_botocores_partitions() {
        for (region, id) in [
            ("us-east-1", "aws"),
            ("eu-west-1", "aws"),
            ("il-central-1", "aws"),
            ("cn-north-1", "aws-cn"),
            ("us-gov-west-1", "aws-us-gov"),
            ("eusc-de-east-1", "aws-eusc"),
            ("us-iso-east-1", "aws-iso"),
            ("us-isob-east-1", "aws-iso-b"),
            ("eu-isoe-west-1", "aws-iso-e"),
            ("us-isof-south-1", "aws-iso-f"),
            ("local", "aws"),
        ] {
            assert_eq!(of_region(region).id, id, "{region}");
        }
        assert_eq!(
            of_region("eusc-de-east-1").endpoint("oidc", "eusc-de-east-1"),
            "https://oidc.eusc-de-east-1.amazonaws.eu"
        );
        assert_eq!(of_region("cn-north-1").signin("cn-north-1"), "https://cn-north-1.signin.amazonaws.cn");
        assert_eq!(by_id("aws-eusc").unwrap().console.unwrap().1, "console.amazonaws-eusc.eu");
    }
}
