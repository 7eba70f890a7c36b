//! What the calling environment says: the one reader of variables (empty means unset, as botocore
//! and the AWS CLI treat it), the variables that name a profile, a region, a path or a wish
//! (`NO_COLOR`), the path this program was run by and the terminal's size. Reads only; no other
//! module calls `std::env::var`.

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

/// The path this program was run by, absolute, symlinks kept: the function calls exactly this
/// binary whatever else is on PATH, and a reinstall at the same path (`cargo install` again, a
/// package manager's link to its new version) is what the next call runs.
pub fn this_program() -> PathBuf {
    let invoked = std::env::args_os().next().map(PathBuf::from).unwrap_or_default();
    let found = if invoked.components().count() > 1 {
        Some(invoked)
    } else {
        // Run by name: the first executable of that name on PATH, as the shell found it.
        crate::environment::on_path(&invoked)
    };
    found
        .and_then(|p| std::path::absolute(p).ok())
        .or_else(|| std::env::current_exe().ok())
        .unwrap_or_else(|| PathBuf::from("awsume"))
}

/// The terminal's (columns, rows) on `fd`, when it answers (0 where it does not know).
#[cfg(unix)]
#[allow(unsafe_code)]
pub fn terminal_size(fd: i32) -> Option<(usize, usize)> {
    // SAFETY: TIOCGWINSZ fills a winsize and reads nothing else; fd is a terminal.
    let mut size: libc::winsize = unsafe { std::mem::zeroed() };
    let ok = unsafe { libc::ioctl(fd, libc::TIOCGWINSZ, &mut size) } == 0;
    ok.then_some((usize::from(size.ws_col), usize::from(size.ws_row)))
}

/// Windows: the console's size is not asked; `-l` prints whole rows.
#[cfg(not(unix))]
pub fn terminal_size(_fd: i32) -> Option<(usize, usize)> {
    None
}
