//! How each shell hands over what was typed for completion, and how it inserts what we answer:
//! bash, nu and PowerShell insert a candidate as it is, so it comes quoted for that shell; zsh's
//! `compadd` and fish quote what they insert themselves. Pure: text in, text out.

use super::shell::Shell;

/// Words as the shell would read them, quotes removed; an open quote runs to the end, and a line
/// that ends in a space has a new, empty word under the cursor.
pub fn split(text: &str, shell: Option<Shell>) -> Vec<String> {
    let powershell = shell == Some(Shell::Powershell);
    let escape = if powershell { '`' } else { '\\' };
    let mut words = Vec::new();
    let mut word: Option<String> = None;
    let mut chars = text.chars().collect::<Vec<_>>().into_iter().peekable();
    while let Some(c) = chars.next() {
        // nushell's raw string: r#'…'#, with as many # on both sides.
        if shell == Some(Shell::Nu) && c == 'r' && word.is_none() && chars.peek() == Some(&'#') {
            let hashes = std::iter::from_fn(|| chars.next_if_eq(&'#')).count();
            if chars.next_if_eq(&'\'').is_some() {
                let close = format!("'{}", "#".repeat(hashes));
                let rest: String = chars.by_ref().collect();
                let (inner, after) = rest.split_once(&close).unwrap_or((&rest, ""));
                word = Some(inner.to_string());
                chars = after.to_string().chars().collect::<Vec<_>>().into_iter().peekable();
                continue;
            }
            word = Some(format!("r{}", "#".repeat(hashes)));
            continue;
        }
        match c {
            ' ' | '\t' | '\n' => {
                words.extend(word.take());
                continue;
            }
            '\'' => {
                let w = word.get_or_insert_with(String::new);
                while let Some(q) = chars.next() {
                    match q {
                        '\'' if powershell && chars.peek() == Some(&'\'') => {
                            chars.next();
                            w.push('\'');
                        }
                        '\'' => break,
                        _ => w.push(q),
                    }
                }
            }
            '"' | '`' if c == '"' || shell == Some(Shell::Nu) => {
                let w = word.get_or_insert_with(String::new);
                while let Some(q) = chars.next() {
                    match q {
                        _ if q == c => break,
                        _ if q == escape && c == '"' => w.extend(chars.next()),
                        _ => w.push(q),
                    }
                }
            }
            _ if c == escape && shell != Some(Shell::Nu) => {
                word.get_or_insert_with(String::new).extend(chars.next())
            }
            _ => word.get_or_insert_with(String::new).push(c),
        }
    }
    let ends_in_space = text.ends_with([' ', '\t']) && word.is_none();
    words.extend(word);
    if ends_in_space || words.is_empty() {
        words.push(String::new());
    }
    words
}

/// `candidate` as the shell should insert it: plain names stay plain.
pub fn quote(candidate: &str, shell: Option<Shell>) -> String {
    use crate::deliver::quote::{nu_raw_string, powershell_quote};
    let plain = !candidate.is_empty()
        && candidate.chars().all(|c| c.is_ascii_alphanumeric() || "_./:@%+=,-".contains(c));
    match shell {
        _ if plain => candidate.to_string(),
        // bash inserts COMPREPLY as it is: every other character behind a backslash.
        Some(Shell::Bash) => candidate
            .chars()
            .flat_map(|c| {
                let escape = !(c.is_ascii_alphanumeric() || "_./:@%+=,-".contains(c) || !c.is_ascii());
                escape.then_some('\\').into_iter().chain([c])
            })
            .collect(),
        Some(Shell::Nu) if !candidate.contains('\'') => format!("'{candidate}'"),
        Some(Shell::Nu) => nu_raw_string(candidate),
        Some(Shell::Powershell) => powershell_quote(candidate),
        // zsh's compadd and fish quote what they insert themselves.
        _ => candidate.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_split_by_each_shells_quoting() {
        let s = |text: &str, shell| split(text, Some(shell));
        assert_eq!(s("awsume 'x y", Shell::Powershell), ["awsume", "x y"], "an open quote runs to the end");
        assert_eq!(
            s("awsume 'it''s' ", Shell::Powershell),
            ["awsume", "it's", ""],
            "a space starts a new word"
        );
        assert_eq!(s("awsume \"a`\"b\" c`d", Shell::Powershell), ["awsume", "a\"b", "cd"]);
        assert_eq!(s("awsume `x y` 'a\\b'", Shell::Nu), ["awsume", "x y", "a\\b"]);
        assert_eq!(s("x\\ \\$\\(y", Shell::Bash), ["x $(y"]);
        assert_eq!(s("", Shell::Bash), [""]);
    }

    #[test]
    fn candidates_are_quoted_for_the_shell_that_inserts_them() {
        let hostile = "x $(touch pwned) 'q' `b`";
        assert_eq!(quote("prod-admin", Some(Shell::Bash)), "prod-admin", "plain names stay plain");
        assert_eq!(quote(hostile, Some(Shell::Bash)), "x\\ \\$\\(touch\\ pwned\\)\\ \\'q\\'\\ \\`b\\`");
        assert_eq!(quote(hostile, Some(Shell::Powershell)), "'x $(touch pwned) ''q'' `b`'");
        assert_eq!(quote("x y", Some(Shell::Nu)), "'x y'");
        assert_eq!(quote(hostile, Some(Shell::Nu)), "r#'x $(touch pwned) 'q' `b`'#");
        assert_eq!(quote(hostile, Some(Shell::Zsh)), hostile);
        for shell in [Shell::Bash, Shell::Powershell, Shell::Nu] {
            assert_eq!(
                split(&quote(hostile, Some(shell)), Some(shell)).concat(),
                hostile,
                "{shell:?} reads it back"
            );
        }
    }
}
