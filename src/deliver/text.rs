//! Text for people on stdout: tables (`-l`) and labelled fields (`--who`). Pure: rows in, text out.

fn widths(rows: &[Vec<String>]) -> Vec<usize> {
    let columns = rows.iter().map(Vec::len).max().unwrap_or(0);
    (0..columns)
        .map(|i| rows.iter().filter_map(|r| r.get(i)).map(|c| c.chars().count()).max().unwrap_or(0))
        .collect()
}

/// How wide `table` prints `rows`.
pub fn width(rows: &[Vec<String>]) -> usize {
    let widths = widths(rows);
    widths.iter().sum::<usize>() + 2 * widths.len().saturating_sub(1)
}

/// Columns padded to their widest cell, two spaces apart, no trailing spaces.
pub fn table(rows: &[Vec<String>]) -> String {
    let widths = widths(rows);
    let mut out = String::new();
    for row in rows {
        let line: Vec<String> = row.iter().zip(&widths).map(|(cell, w)| format!("{cell:<w$}")).collect();
        out.push_str(line.join("  ").trim_end());
        out.push('\n');
    }
    out
}

/// `Label:  value` lines, the values aligned.
pub fn fields(fields: &[(&str, String)]) -> String {
    let width = fields.iter().map(|(label, _)| label.chars().count()).max().unwrap_or(0) + 3;
    fields.iter().map(|(label, value)| format!("{:<width$}{value}\n", format!("{label}:"))).collect()
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
}
