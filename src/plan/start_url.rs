//! IAM Identity Center start URLs as the AWS CLI (2.36) takes them: the hosts Identity Center serves
//! start URLs on (every partition's, the newer and the vanity forms) and the region some of them
//! name. Pure: text in, answers out (`signin::sso` follows a custom domain's redirect).

/// Hosts whose subdomains are start URLs.
const SUFFIXES: [&str; 8] = [
    "app.aws",
    "portal.amazonaws.com",
    "portal.amazonaws.com.cn",
    "awsapps.com",
    "awsapps.cn",
    "portal.amazonaws.eu",
    "app.amazonwebservices.com.cn",
    "api.amazonwebservices.eu",
];

/// Hosts that are start URLs themselves.
const HOSTS: [&str; 4] = [
    "identitycenter.amazonaws.com",
    "identitycenter.amazonaws.com.cn",
    "identitycenter.amazonaws.eu",
    "identitycenter.us-gov.amazonaws.com",
];

/// The host of an `https://` URL, lower-cased.
pub fn host_of(url: &str) -> Option<String> {
    let rest = url.strip_prefix("https://")?;
    let authority = rest.split(['/', '?', '#']).next()?;
    let host = authority.rsplit_once('@').map_or(authority, |(_, h)| h);
    let host = host.split(':').next()?;
    (!host.is_empty()).then(|| host.to_ascii_lowercase())
}

/// Whether `url` is an Identity Center start URL (an HTTPS URL on one of its hosts).
pub fn allowed(url: &str) -> bool {
    host_of(url).is_some_and(|host| {
        HOSTS.contains(&host.as_str()) || SUFFIXES.iter().any(|s| host.ends_with(&format!(".{s}")))
    })
}

/// The region a start URL's host names: `*.portal.{r}.app.aws`, `*.{r}.portal.amazonaws.com[.cn]`,
/// `*.{r}.portal.amazonaws.eu`, `*.portal.{r}.app.amazonwebservices.com.cn`,
/// `*.portal.{r}.api.amazonwebservices.eu`; `awsapps` hosts name none.
pub fn region_of(url: &str) -> Option<String> {
    let host = host_of(url)?;
    let labels: Vec<&str> = host.split('.').collect();
    let before = |suffix: &str| -> Option<Vec<&str>> {
        let n = suffix.split('.').count();
        (labels.len() > n && labels[labels.len() - n..].join(".") == suffix)
            .then(|| labels[..labels.len() - n].to_vec())
    };
    let region = if let Some(front) = before("app.aws")
        .or_else(|| before("app.amazonwebservices.com.cn"))
        .or_else(|| before("api.amazonwebservices.eu"))
    {
        // `…portal.{r}`
        (front.len() >= 3 && front[front.len() - 2] == "portal").then(|| front[front.len() - 1])
    } else if let Some(front) = before("portal.amazonaws.com")
        .or_else(|| before("portal.amazonaws.com.cn"))
        .or_else(|| before("portal.amazonaws.eu"))
    {
        // `…{r}`
        (front.len() >= 2).then(|| front[front.len() - 1])
    } else {
        None
    };
    region.filter(|r| r.contains('-')).map(str::to_string)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_aws_clis_hosts_and_regions() {
        for url in [
            "https://d-123.awsapps.com/start",
            "https://corp.awsapps.cn/start/",
            "https://ssoins-1.portal.eu-west-1.app.aws",
            "https://x.eusc-de-east-1.portal.amazonaws.eu/start",
            "https://identitycenter.amazonaws.com/ssoins-1",
            "https://identitycenter.us-gov.amazonaws.com/ssoins-1",
        ] {
            assert!(allowed(url), "{url}");
        }
        for url in
            ["https://sso.example.com/start", "http://d-1.awsapps.com/start", "https://awsapps.com.evil.io/"]
        {
            assert!(!allowed(url), "{url}");
        }
        assert_eq!(region_of("https://ssoins-1.portal.eu-west-1.app.aws").as_deref(), Some("eu-west-1"));
        assert_eq!(region_of("https://x.cn-north-1.portal.amazonaws.com.cn/").as_deref(), Some("cn-north-1"));
        assert_eq!(
            region_of("https://x.portal.eusc-de-east-1.api.amazonwebservices.eu").as_deref(),
            Some("eusc-de-east-1")
        );
        assert_eq!(region_of("https://d-1.awsapps.com/start"), None);
    }
}
