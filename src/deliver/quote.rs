//! Each shell's literal quoting: the only way a value reaches shell code. Pure and dependency-free,
//! so the fuzz targets in `fuzz/` compile this file as it is. (Encodings live in `encoding`.)

/// POSIX single quotes: nothing inside is special but `'` itself, which closes, escapes and reopens.
pub fn posix_quote(value: &str) -> String {
    format!("'{}'", value.replace('\'', r"'\''"))
}

/// fish single quotes: unlike POSIX, `\` escapes `\` and `'` inside them, so both are escaped.
pub fn fish_quote(value: &str) -> String {
    format!("'{}'", value.replace('\\', r"\\").replace('\'', r"\'"))
}

/// PowerShell single quotes: any of the five single-quote characters ends the literal, and doubling
/// one of them is how PowerShell writes it literally.
pub fn powershell_quote(value: &str) -> String {
    let mut out = String::with_capacity(value.len() + 2);
    out.push('\'');
    for c in value.chars() {
        if matches!(c, '\'' | '\u{2018}' | '\u{2019}' | '\u{201A}' | '\u{201B}') {
            out.push(c);
        }
        out.push(c);
    }
    out.push('\'');
    out
}

/// A nushell raw string `r#'…'#` with enough `#` that the text cannot close it early.
pub fn nu_raw_string(value: &str) -> String {
    let hashes = (1..).find(|n| !value.contains(&format!("'{}", "#".repeat(*n)))).unwrap_or(1);
    let h = "#".repeat(hashes);
    format!("r{h}'{value}'{h}")
}
