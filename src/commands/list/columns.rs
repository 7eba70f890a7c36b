//! The list's columns and rows, as `-l` and the picker show them, and how a table is fitted to the
//! terminal: ARNs shrink to their names, then whole columns go, least useful first.

use std::io::IsTerminal;

use crate::deliver::text;

/// A column of the list, in the order `-l` shows them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Column {
    Profile,
    Type,
    Account,
    Source,
    Mfa,
    Region,
    Role,
    Expires,
}

impl Column {
    /// What `-l` shows: every column but the cached sessions' end, which `more` adds.
    pub const LIST: [Column; 7] = [
        Column::Profile,
        Column::Type,
        Column::Account,
        Column::Source,
        Column::Mfa,
        Column::Region,
        Column::Role,
    ];

    pub fn header(self) -> &'static str {
        match self {
            Column::Profile => "PROFILE",
            Column::Type => "TYPE",
            Column::Account => "ACCOUNT",
            Column::Source => "SOURCE",
            Column::Mfa => "MFA",
            Column::Region => "REGION",
            Column::Role => "ROLE",
            Column::Expires => "SESSION EXPIRES",
        }
    }
}

/// One profile as the list tells it: what it is and what it stands on (`-` for nothing).
pub struct Row {
    pub name: String,
    pub(super) kind: String,
    pub(super) account: String,
    pub(super) source: String,
    pub(super) mfa: String,
    pub(super) region: String,
    pub(super) role: String,
    /// When its cached session ends (`more` only).
    pub(super) expires: String,
}

impl Row {
    /// A column's cell, taken out of the row (each column is asked once).
    fn take(&mut self, column: Column) -> String {
        std::mem::take(match column {
            Column::Profile => &mut self.name,
            Column::Type => &mut self.kind,
            Column::Account => &mut self.account,
            Column::Source => &mut self.source,
            Column::Mfa => &mut self.mfa,
            Column::Region => &mut self.region,
            Column::Role => &mut self.role,
            Column::Expires => &mut self.expires,
        })
    }
}

/// The table of `rows` in `columns`: a header line of cells, then a line of cells per row (the
/// rows' strings moved, not copied).
pub fn table(rows: Vec<Row>, columns: &[Column]) -> Vec<Vec<String>> {
    let header = columns.iter().map(|c| c.header().to_string()).collect();
    let cells = rows.into_iter().map(|mut row| columns.iter().map(|&c| row.take(c)).collect());
    std::iter::once(header).chain(cells).collect()
}

/// The columns `fit` drops, least useful first: the account a profile lands in is the last to go.
const DROP_ORDER: [Column; 7] = [
    Column::Role,
    Column::Source,
    Column::Mfa,
    Column::Region,
    Column::Expires,
    Column::Type,
    Column::Account,
];

/// Narrows the table to `columns`: ARNs to their names (the account is in its own column), then
/// whole columns go, least useful first. No cell is ever cut (a header or a value cut to `ACCOU…`
/// tells nobody anything), and the profile names always stay.
pub fn fit(rows: &mut [Vec<String>], columns: usize) {
    let name = |arn: &str| arn.rsplit_once(":role/").or(arn.rsplit_once(":mfa/")).map(|(_, n)| n.to_string());
    for header in [Column::Role.header(), Column::Mfa.header()] {
        if text::width(rows) <= columns {
            return;
        }
        let Some(column) = rows[0].iter().position(|h| h == header) else { continue };
        for cell in rows.iter_mut().skip(1).filter_map(|row| row.get_mut(column)) {
            if let Some(short) = name(cell) {
                *cell = short;
            }
        }
    }
    for column in DROP_ORDER {
        if text::width(rows) <= columns {
            return;
        }
        if let Some(at) = rows[0].iter().position(|h| h == column.header()) {
            rows.iter_mut().for_each(|row| {
                row.remove(at);
            });
        }
    }
}

/// The terminal's width: stdout's, or stderr's when the shell function captures stdout; `None`
/// when the output goes to no terminal (a file, a pipe): then nothing is narrowed.
pub fn terminal_columns(through_function: bool) -> Option<usize> {
    let fd = if std::io::stdout().is_terminal() {
        1
    } else if through_function && std::io::stderr().is_terminal() {
        2
    } else {
        return None;
    };
    crate::environment::terminal_size(fd).map(|(columns, _)| columns).filter(|&c| c > 0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn narrowing_shortens_arns_then_drops_whole_columns() {
        let row = |name: &str| {
            vec![
                name.to_string(),
                "role".into(),
                "111111111111".into(),
                "alice".into(),
                "arn:aws:iam::111111111111:mfa/alice".into(),
                "eu-west-1".into(),
                "arn:aws:iam::111111111111:role/admin".into(),
            ]
        };
        let header: Vec<String> = Column::LIST.iter().map(|c| c.header().to_string()).collect();
        let full = vec![header.clone(), row("admin")];
        let mut wide = full.clone();
        fit(&mut wide, 200);
        assert_eq!(wide, full);
        let mut narrower = full.clone();
        fit(&mut narrower, 80);
        assert_eq!(narrower[1][6], "admin");
        assert!(text::width(&narrower) <= 80);
        // A generated SSO profile's 52-character name at 80 columns: columns go, no cell is cut.
        let long = "acme-production-payments-platform.AdministratorAcces";
        let mut at80 = vec![header.clone(), row(long), row("dev")];
        fit(&mut at80, 80);
        assert!(text::width(&at80) <= 80, "{at80:?}");
        assert_eq!(at80[0], ["PROFILE", "TYPE", "ACCOUNT"], "whole headers, least useful gone first");
        let mut at70 = at80.clone();
        fit(&mut at70, 70);
        assert_eq!(at70[0], ["PROFILE", "ACCOUNT"], "the account outlasts the type");
        assert_eq!(at80[1][0], long, "never the profile's name");
        assert!(at80.iter().flatten().all(|cell| !cell.ends_with('…')));
        let mut tiny = vec![header, row(long)];
        fit(&mut tiny, 20);
        assert_eq!(tiny, [vec!["PROFILE".to_string()], vec![long.to_string()]]);
    }
}
