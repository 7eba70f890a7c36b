//! What the calling environment says: the one reader of variables (empty means unset, as botocore
//! and the AWS CLI treat it), and the variables that name a profile, a region, a path or a wish
//! (`NO_COLOR`). Reads only; no other module calls `std::env::var`.

use std::path::PathBuf;

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

/// A variable that holds a path (any bytes the system allows, not only UTF-8), when set.
pub fn path(name: &str) -> Option<PathBuf> {
    std::env::var_os(name).filter(|v| !v.is_empty()).map(PathBuf::from)
}

/// The first executable file called `program` in a directory of `PATH`, as a shell finds it.
pub fn on_path(program: &std::path::Path) -> Option<PathBuf> {
    let dirs = std::env::var_os("PATH")?;
    std::env::split_paths(&dirs).map(|dir| dir.join(program)).find(|p| is_executable(p))
}

fn is_executable(path: &std::path::Path) -> bool {
    #[cfg(unix)]
    return std::fs::metadata(path).is_ok_and(|m| {
        std::os::unix::fs::PermissionsExt::mode(&m.permissions()) & 0o111 != 0 && m.is_file()
    });
    #[cfg(not(unix))]
    std::fs::metadata(path).is_ok_and(|m| m.is_file())
}

/// `NO_COLOR` (no-color.org): set to anything, colour is off.
pub fn no_color() -> bool {
    is_set("NO_COLOR")
}
