//! Text for people on stdout: tables (`-l`) and labelled fields (`--who`). Pure: rows in, text out.
//! Widths are terminal columns (a CJK character takes two), and control characters in a cell are
//! shown escaped, as in every message: a value from a file must not drive the terminal.

use unicode_width::UnicodeWidthStr;

use crate::messages::{flat, printable_ascii};

/// How many terminal columns `text` takes as printed.
pub fn columns(text: &str) -> usize {
    if printable_ascii(text) { text.len() } else { flat(text).width() }
}

fn widths(rows: &[Vec<String>]) -> Vec<usize> {
    let count = rows.iter().map(Vec::len).max().unwrap_or(0);
    (0..count).map(|i| rows.iter().filter_map(|r| r.get(i)).map(|c| columns(c)).max().unwrap_or(0)).collect()
}

/// How wide `table` prints `rows`.
pub fn width(rows: &[Vec<String>]) -> usize {
    let widths = widths(rows);
    widths.iter().sum::<usize>() + 2 * widths.len().saturating_sub(1)
}

/// `text` and spaces up to `width` columns (none past it).
fn padded(text: &str, width: usize) -> String {
    let pad = width.saturating_sub(columns(text));
    flat(text) + &" ".repeat(pad)
}

/// Columns padded to their widest cell, two spaces apart, no trailing spaces.
pub fn table(rows: &[Vec<String>]) -> String {
    let widths = widths(rows);
    let mut out = String::with_capacity(rows.len() * (widths.iter().sum::<usize>() + 2 * widths.len() + 1));
    // Written in place, no string per cell: `-l` prints thousands of cells.
    for row in rows {
        let line = out.len();
        for (at, (cell, &width)) in row.iter().zip(&widths).enumerate() {
            if at > 0 {
                out.push_str("  ");
            }
            let used = if printable_ascii(cell) {
                out.push_str(cell);
                cell.len()
            } else {
                let shown = flat(cell);
                out.push_str(&shown);
                shown.width()
            };
            out.extend(std::iter::repeat_n(' ', width.saturating_sub(used)));
        }
        out.truncate(line + out[line..].trim_end().len());
        out.push('\n');
    }
    out
}

/// `Label:  value` lines, the values aligned.
pub fn fields(fields: &[(&str, String)]) -> String {
    let width = fields.iter().map(|(label, _)| label.width()).max().unwrap_or(0) + 3;
    fields
        .iter()
        .map(|(label, value)| format!("{}{}\n", padded(&format!("{label}:"), width), flat(value)))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tables_and_fields_line_up() {
        let rows =
            vec![vec!["A".to_string(), "BB".into(), "C".into()], vec!["aaa".into(), "b".into(), "".into()]];
        assert_eq!(table(&rows), "A    BB  C\naaa  b\n");
        assert_eq!(fields(&[("Profile", "p".into()), ("ARN", "a".into())]), "Profile:  p\nARN:      a\n");
    }

    #[test]
    fn wide_characters_huge_cells_and_control_characters() {
        let rows = vec![vec!["名前".to_string(), "x".into()], vec!["ab".into(), "y".into()]];
        assert_eq!(table(&rows), "名前  x\nab    y\n", "a CJK character is two columns");
        let huge = "n".repeat(70_000);
        let text = table(&[vec![huge.clone(), "t".into()], vec!["a".into(), "b".into()]]);
        assert!(text.starts_with(&huge) && text.lines().nth(1).unwrap().ends_with("  b"));
        assert_eq!(table(&[vec!["a\x1b]0;title\x07".into()]]), "a\\x1b]0;title\\x07\n");
    }
}
