//! Helper processes awsume starts and waits for (a dialog, a browser): they end when awsume ends,
//! however it ends, so nothing of a sign-in is left on the desktop. On Linux the kernel's
//! parent-death signal; elsewhere their process group, ended by the caller.

use std::process::Command;

/// Makes the process `cmd` starts get SIGTERM when awsume ends (Linux), and puts it in a process
/// group of its own, so that what it starts can be ended with it (`end_group`).
#[cfg_attr(not(unix), allow(unused_variables))]
pub fn ends_with_us(cmd: &mut Command) {
    #[cfg(unix)]
    std::os::unix::process::CommandExt::process_group(cmd, 0);
    #[cfg(target_os = "linux")]
    {
        use std::os::unix::process::CommandExt;
        // SAFETY: between fork and exec the closure only calls prctl(2) with plain integers: async-
        // signal-safe, it touches no memory and allocates nothing.
        #[allow(unsafe_code)]
        unsafe {
            cmd.pre_exec(|| {
                if libc::prctl(libc::PR_SET_PDEATHSIG, libc::SIGTERM) < 0 {
                    return Err(std::io::Error::last_os_error());
                }
                Ok(())
            });
        }
    }
}

/// Ends `child` and, on Unix, the process group `ends_with_us` gave it (what it started too).
pub fn end_group(child: &mut std::process::Child) {
    #[cfg(unix)]
    send(-i32::try_from(child.id()).unwrap_or(i32::MAX), libc::SIGKILL);
    let _ = child.kill();
    let _ = child.wait();
}

/// `signal` to process `pid` (negative: its process group), a child awsume started and waits for,
/// so the pid is still its.
#[cfg(unix)]
#[allow(unsafe_code)]
pub fn send(pid: i32, signal: i32) {
    // SAFETY: kill(2) takes plain integers and has no memory effects; an error (the child just
    // ended) is of no consequence.
    unsafe {
        libc::kill(pid, signal);
    }
}
