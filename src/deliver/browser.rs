//! Opening a URL in the user's browser: the console plugin's `console.browser_command` (with
//! `{url}` and `{profile}`), else `$BROWSER`, else the desktop's opener (`open`, `xdg-open`). Never
//! through a shell: the URL is one argument of the browser's own process, as it must be.

use std::process::{Command, Stdio};

use anyhow::{Context, Result, bail};

pub fn open(url: &str, profile: &str, browser_command: Option<&str>) -> Result<()> {
    let words = match (browser_command, std::env::var("BROWSER").ok().filter(|b| !b.is_empty())) {
        (Some(command), _) => shell_words::split(command).context("console.browser_command")?,
        // `$BROWSER` may list several, `:`-separated; the first is the user's choice.
        (None, Some(browser)) => {
            shell_words::split(browser.split(':').next().unwrap_or_default()).context("$BROWSER")?
        }
        (None, None) if cfg!(target_os = "macos") => vec!["open".to_string()],
        (None, None) => vec!["xdg-open".to_string()],
    };
    let mut placed = false;
    let mut argv: Vec<String> = words
        .iter()
        .map(|w| {
            placed |= w.contains("{url}");
            w.replace("{profile}", profile).replace("{url}", url)
        })
        .collect();
    if !placed {
        argv.push(url.to_string());
    }
    let Some((program, args)) = argv.split_first() else {
        bail!("console.browser_command is empty");
    };
    crate::messages::debug!("opening the console with {program} ({} arguments)", args.len());
    Command::new(program)
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .with_context(|| format!("cannot open a browser ({program}); print the link instead with -cl"))?;
    Ok(())
}
