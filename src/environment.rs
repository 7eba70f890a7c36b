//! What the calling environment says: one reading of a variable (empty means unset, as botocore and
//! the AWS CLI treat it) and the variables that name a profile or a region. Reads only.

/// The variable's value; unset, empty or not UTF-8 are all "not set".
pub fn var(name: &str) -> Option<String> {
    std::env::var(name).ok().filter(|v| !v.is_empty())
}

/// Whether the variable is set to something.
pub fn is_set(name: &str) -> bool {
    std::env::var_os(name).is_some_and(|v| !v.is_empty())
}

/// The profile the environment names: `AWS_PROFILE`, else `AWS_DEFAULT_PROFILE`.
pub fn profile() -> Option<String> {
    var("AWS_PROFILE").or_else(|| var("AWS_DEFAULT_PROFILE"))
}

/// The region the environment names: `AWS_REGION`, else `AWS_DEFAULT_REGION`.
pub fn region() -> Option<String> {
    var("AWS_REGION").or_else(|| var("AWS_DEFAULT_REGION"))
}
