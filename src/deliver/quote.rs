//! Each shell's literal quoting: the only way a value reaches shell code. Pure and dependency-free,
//! so the fuzz targets in `fuzz/` compile this file as it is.

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

/// Standard base64 (RFC 4648, padded): how PowerShell receives values it must not reinterpret.
pub fn base64(bytes: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let n = chunk.iter().enumerate().fold(0u32, |n, (i, b)| n | u32::from(*b) << (16 - 8 * i));
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(ALPHABET[(n >> (18 - 6 * i) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

/// Base64 back to bytes, in the standard or the URL alphabet (RFC 4648 §4, §5: `+`/`-` and `/`/`_`
/// never mean two things); anything outside them (padding included) is skipped.
pub fn base64_decode(text: &str) -> Vec<u8> {
    let value = |c: u8| match c {
        b'A'..=b'Z' => Some(c - b'A'),
        b'a'..=b'z' => Some(c - b'a' + 26),
        b'0'..=b'9' => Some(c - b'0' + 52),
        b'+' | b'-' => Some(62),
        b'/' | b'_' => Some(63),
        _ => None,
    };
    let sextets: Vec<u8> = text.bytes().filter_map(value).collect();
    sextets
        .chunks(4)
        .flat_map(|chunk| {
            let n = chunk.iter().enumerate().fold(0u32, |n, (i, s)| n | u32::from(*s) << (18 - 6 * i));
            (0..chunk.len().saturating_sub(1)).map(move |i| (n >> (16 - 8 * i)) as u8)
        })
        .collect()
}
