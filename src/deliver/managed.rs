//! Every variable awsume owns, in the order statements are written. Dependency-free: the tests
//! compile this file as it is (`#[path]`), so they and the binary cannot disagree on the list.

pub const MANAGED: [&str; 13] = [
    "AWSUME_PROFILE",
    "AWS_PROFILE",
    "AWS_DEFAULT_PROFILE",
    "AWS_ACCESS_KEY_ID",
    "AWS_SECRET_ACCESS_KEY",
    "AWS_SECURITY_TOKEN",
    "AWS_SESSION_TOKEN",
    "AWS_REGION",
    "AWS_DEFAULT_REGION",
    "AWSUME_EXPIRATION",
    "AWS_CREDENTIAL_EXPIRATION",
    // `-a`: the command line the prompt hook renews with, and when (Unix seconds) it next does.
    "AWSUME_AUTO_REFRESH",
    "AWSUME_REFRESH_AT",
];

/// The auto-refresh variables, which `-k` and a stopped refresher unset alone.
pub const AUTO_REFRESH: [&str; 2] = ["AWSUME_AUTO_REFRESH", "AWSUME_REFRESH_AT"];
