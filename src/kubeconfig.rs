//! A kubeconfig (`~/.kube/config`) as `awsume eks kubeconfig` changes it: the cluster, user and
//! context entries of one EKS cluster added, or put in place of the entries of the same names, and
//! `current-context` set, as the AWS CLI's `update-kubeconfig` does. Pure: text in, text out.
//!
//! Edited in place, not parsed and written again: every other line (entries, their order, comments,
//! quoting) stays as it was. The shape edited is block YAML as kubectl and the AWS CLI write it
//! (top-level keys at column 0, `clusters:`/`users:`/`contexts:` block lists of mappings); a file
//! in JSON is read and written as JSON. Anything else (flow lists, several documents, tabs) is
//! refused with the reason, the file untouched: no YAML library here would keep the comments.

use serde_json::{Map, Value, json};

/// One entry of a kubeconfig list: which list, its name, the entry.
pub struct Entry {
    pub list: &'static str,
    pub name: String,
    pub value: Value,
}

/// The cluster entry: its API server and the certificate authority (base64 PEM) that signs its
/// certificate.
pub fn cluster(name: &str, server: &str, ca_data: &str) -> Entry {
    let value =
        json!({ "cluster": { "certificate-authority-data": ca_data, "server": server }, "name": name });
    Entry { list: "clusters", name: name.to_string(), value }
}

/// The user entry whose exec plugin is `command args…` (client.authentication.k8s.io/v1beta1,
/// which kubectl 1.20 and later read, as the AWS CLI writes it).
pub fn user(name: &str, command: &str, args: &[String]) -> Entry {
    let exec =
        json!({ "apiVersion": "client.authentication.k8s.io/v1beta1", "args": args, "command": command });
    Entry { list: "users", name: name.to_string(), value: json!({ "name": name, "user": { "exec": exec } }) }
}

/// The context that pairs `cluster` and `user`.
pub fn context(name: &str, cluster: &str, user: &str) -> Entry {
    let value = json!({ "context": { "cluster": cluster, "user": user }, "name": name });
    Entry { list: "contexts", name: name.to_string(), value }
}

/// `text` with `entries` in their lists (replacing the entry of the same name, else after the
/// last) and `current-context` set to `current`. Unchanged entries give the same text back.
pub fn merge(text: &str, entries: &[Entry], current: &str) -> Result<String, String> {
    if text.trim_start().starts_with('{') {
        return merge_json(text, entries, current);
    }
    let eol = if text.contains("\r\n") { "\r\n" } else { "\n" };
    if text.lines().all(|l| l.trim().is_empty() || l.trim_start().starts_with('#')) {
        return Ok(new_file(text, entries, current, eol));
    }
    // A last line without its end gets one: what is added goes on lines of its own.
    let ended;
    let text = if text.ends_with('\n') {
        text
    } else {
        ended = format!("{text}{eol}");
        &ended
    };
    let mut out = text.to_string();
    // Back to front: an edit never moves what a later one reads.
    let mut edits: Vec<(usize, usize, String)> = Vec::new();
    let doc = Doc::read(text)?;
    match doc.key("current-context") {
        Some(key) => {
            edits.push((key.start, key.line_end, format!("current-context: {}{eol}", scalar(current))))
        }
        None => edits.push((text.len(), text.len(), format!("current-context: {}{eol}", scalar(current)))),
    }
    for entry in entries {
        edits.push(doc.place(entry, eol)?);
    }
    edits.sort_by_key(|&(start, end, _)| std::cmp::Reverse((start, end)));
    for (start, end, with) in edits {
        out.replace_range(start..end, &with);
    }
    Ok(out)
}

/// The name of `text`'s cluster entry for the EKS cluster `name` in `region` (an EKS ARN in any
/// partition and account), when it has exactly one.
pub fn eks_cluster_entry(text: &str, region: &str, name: &str) -> Option<String> {
    let matches = |entry: &str| {
        let parts: Vec<&str> = entry.splitn(6, ':').collect();
        parts.len() == 6
            && parts[0] == "arn"
            && parts[2] == "eks"
            && parts[3] == region
            && parts[5].strip_prefix("cluster/") == Some(name)
    };
    let mut found = names(text, "clusters").into_iter().filter(|n| matches(n));
    match (found.next(), found.next()) {
        (Some(one), None) => Some(one),
        _ => None,
    }
}

/// The names of the entries of `list` (`clusters`, `users`, `contexts`); none where the file does
/// not read.
pub fn names(text: &str, list: &str) -> Vec<String> {
    if text.trim_start().starts_with('{') {
        let value: Value = serde_json::from_str(text).unwrap_or_default();
        let entries = value.get(list).and_then(Value::as_array).map_or(&[][..], Vec::as_slice);
        return entries.iter().filter_map(|e| e.get("name")?.as_str().map(str::to_string)).collect();
    }
    let items = Doc::read(text).and_then(|doc| doc.items(list)).unwrap_or_default();
    items.into_iter().filter_map(|item| item.name).collect()
}

/// A file with nothing in it yet (or comments only): they stay, the file's keys follow.
fn new_file(text: &str, entries: &[Entry], current: &str, eol: &str) -> String {
    let mut out = text.trim_end().to_string();
    if !out.is_empty() {
        out.push_str(eol);
    }
    out.push_str("apiVersion: v1");
    out.push_str(eol);
    for list in ["clusters", "contexts"] {
        out.push_str(&format!("{list}:{eol}"));
        entries.iter().filter(|e| e.list == list).for_each(|e| out.push_str(&render(&e.value, eol)));
    }
    out.push_str(&format!(
        "current-context: {}{eol}kind: Config{eol}preferences: {{}}{eol}users:{eol}",
        scalar(current)
    ));
    entries.iter().filter(|e| e.list == "users").for_each(|e| out.push_str(&render(&e.value, eol)));
    out
}

fn merge_json(text: &str, entries: &[Entry], current: &str) -> Result<String, String> {
    let before: Value = serde_json::from_str(text).map_err(|e| format!("not JSON kubectl reads: {e}"))?;
    let mut config = before.clone();
    let Some(top) = config.as_object_mut() else {
        return Err("not a kubeconfig (no top-level object)".into());
    };
    for entry in entries {
        let list = top.entry(entry.list).or_insert_with(|| Value::Array(Vec::new()));
        if list.is_null() {
            *list = Value::Array(Vec::new());
        }
        let Some(list) = list.as_array_mut() else { return Err(format!("{} is not a list", entry.list)) };
        match list.iter_mut().find(|e| e.get("name").and_then(Value::as_str) == Some(&entry.name)) {
            Some(old) => *old = entry.value.clone(),
            None => list.push(entry.value.clone()),
        }
    }
    top.insert("current-context".into(), Value::String(current.to_string()));
    // Unchanged in substance: the file as it was (its own spacing kept).
    if before == config {
        return Ok(text.to_string());
    }
    Ok(serde_json::to_string_pretty(&config).map_err(|e| e.to_string())? + "\n")
}

/// The block YAML emitted for `value` as an item of a list at column 0 (kubectl's layout: keys
/// sorted, a list under its key at the key's column).
pub fn render(value: &Value, eol: &str) -> String {
    let mut out = String::new();
    item(value, 0, eol, &mut out);
    out
}

fn item(value: &Value, indent: usize, eol: &str, out: &mut String) {
    let pad = " ".repeat(indent);
    match value {
        Value::Object(map) if !map.is_empty() => {
            let mut body = String::new();
            mapping(map, indent + 2, eol, &mut body);
            // The first key goes on the dash's line.
            out.push_str(&format!("{pad}- {}", &body[indent + 2..]));
        }
        other => out.push_str(&format!("{pad}- {}{eol}", scalar_of(other))),
    }
}

fn mapping(map: &Map<String, Value>, indent: usize, eol: &str, out: &mut String) {
    let pad = " ".repeat(indent);
    let mut keys: Vec<&String> = map.keys().collect();
    keys.sort();
    for key in keys {
        match &map[key] {
            Value::Object(inner) if !inner.is_empty() => {
                out.push_str(&format!("{pad}{key}:{eol}"));
                mapping(inner, indent + 2, eol, out);
            }
            Value::Array(list) if !list.is_empty() => {
                out.push_str(&format!("{pad}{key}:{eol}"));
                list.iter().for_each(|v| item(v, indent, eol, out));
            }
            other => out.push_str(&format!("{pad}{key}: {}{eol}", scalar_of(other))),
        }
    }
}

fn scalar_of(value: &Value) -> String {
    match value {
        Value::String(s) => scalar(s),
        Value::Object(_) => "{}".into(),
        Value::Array(_) => "[]".into(),
        other => other.to_string(),
    }
}

/// `text` as a YAML scalar: plain where YAML reads it back as this string, else double-quoted
/// (JSON's escapes are YAML's).
pub fn scalar(text: &str) -> String {
    // `--flag` too, as kubectl writes exec arguments (a dash then a space would be a list item).
    let first = text.strip_prefix("--").unwrap_or(text);
    let plain = first.starts_with(|c: char| c.is_ascii_alphabetic() || c == '/')
        && text.bytes().all(|b| b.is_ascii_alphanumeric() || b"_./:@+=-".contains(&b))
        && !text.ends_with(':')
        && !["true", "false", "yes", "no", "on", "off", "null", "y", "n"]
            .contains(&text.to_ascii_lowercase().as_str());
    if plain { text.to_string() } else { Value::String(text.to_string()).to_string() }
}

/// A line of the file: where it starts, where its text ends, where the next line starts.
#[derive(Clone, Copy)]
struct Line<'a> {
    text: &'a str,
    start: usize,
    line_end: usize,
}

impl Line<'_> {
    fn indent(&self) -> usize {
        self.text.len() - self.text.trim_start_matches(' ').len()
    }

    /// Blank or a comment: nothing YAML reads.
    fn is_filler(&self) -> bool {
        let t = self.text.trim();
        t.is_empty() || t.starts_with('#')
    }
}

/// One list item: where its lines are (trailing blank and comment lines left to what follows) and
/// its `name`.
struct Item {
    start: usize,
    end: usize,
    name: Option<String>,
}

/// The file's lines, checked to be the block YAML this editor changes.
struct Doc<'a> {
    text: &'a str,
    lines: Vec<Line<'a>>,
}

impl<'a> Doc<'a> {
    fn read(text: &'a str) -> Result<Self, String> {
        let mut lines = Vec::new();
        let mut start = 0;
        for raw in text.split_inclusive('\n') {
            let body = raw.trim_end_matches(['\n', '\r']);
            lines.push(Line { text: body, start, line_end: start + raw.len() });
            start += raw.len();
        }
        for (n, line) in lines.iter().enumerate() {
            let t = line.text;
            let top = line.indent() == 0 && !line.is_filler();
            if t.starts_with('\t') || (top && (t.starts_with("---") || t.starts_with("..."))) {
                return Err(format!("line {}: tabs or several documents, which awsume does not edit", n + 1));
            }
            if top && !t.starts_with('-') && !t.contains(':') {
                return Err(format!("line {}: not a `key: value` line", n + 1));
            }
        }
        Ok(Self { text, lines })
    }

    /// The top-level key's line.
    fn key(&self, key: &str) -> Option<Line<'a>> {
        self.lines.iter().copied().find(|l| l.indent() == 0 && key_of(l.text) == Some(key))
    }

    /// The lines of the top-level key's block (after its own line, up to the next key).
    fn block(&self, key: &str) -> Option<(usize, &[Line<'a>])> {
        let at = self.lines.iter().position(|l| l.indent() == 0 && key_of(l.text) == Some(key))?;
        let rest = &self.lines[at + 1..];
        let len = rest
            .iter()
            .position(|l| l.indent() == 0 && !l.is_filler() && !l.text.starts_with('-'))
            .unwrap_or(rest.len());
        Some((at, &rest[..len]))
    }

    /// The items of the top-level list `key` (none when it is absent or empty).
    fn items(&self, key: &str) -> Result<Vec<Item>, String> {
        let Some((at, block)) = self.block(key) else { return Ok(Vec::new()) };
        let inline = value_of(self.lines[at].text);
        if !inline.is_empty() && !["[]", "null", "~"].contains(&inline) {
            return Err(format!("`{key}:` is not a block list, which awsume does not edit"));
        }
        let Some(first) = block.iter().find(|l| !l.is_filler()) else { return Ok(Vec::new()) };
        let dash = first.indent();
        let is_start =
            |l: &Line| l.indent() == dash && (l.text[dash..] == *"-" || l.text[dash..].starts_with("- "));
        let mut items = Vec::new();
        for (n, line) in block.iter().enumerate() {
            if line.is_filler() {
                continue;
            }
            if line.indent() < dash || (line.indent() == dash && !is_start(line)) {
                return Err(format!(
                    "`{key}:` has a line that is not in one of its items, which awsume does not edit"
                ));
            }
            if !is_start(line) {
                continue;
            }
            let rest = &block[n + 1..];
            let len = rest.iter().position(is_start).unwrap_or(rest.len());
            let body = &block[n..n + 1 + len];
            let last = body.iter().rposition(|l| !l.is_filler()).unwrap_or(0);
            items.push(Item { start: line.start, end: body[last].line_end, name: name_in(body, dash) });
        }
        Ok(items)
    }

    /// The edit that puts `entry` in its list: over the item of its name, after the last item, or
    /// a new list at the end of the file.
    fn place(&self, entry: &Entry, eol: &str) -> Result<(usize, usize, String), String> {
        let items = self.items(entry.list)?;
        let Some((at, block)) = self.block(entry.list) else {
            let end = self.text.len();
            return Ok((end, end, format!("{}:{eol}{}", entry.list, render(&entry.value, eol))));
        };
        let dash = block.iter().find(|l| !l.is_filler()).map_or(0, Line::indent);
        let shifted = indented(&render(&entry.value, eol), dash);
        if let Some(old) = items.iter().find(|i| i.name.as_deref() == Some(&entry.name)) {
            return Ok((old.start, old.end, shifted));
        }
        if let Some(last) = items.last() {
            return Ok((last.end, last.end, shifted));
        }
        // An empty list (`clusters:`, `clusters: []`, `clusters: null`): the key with the item.
        let key = self.lines[at];
        Ok((key.start, key.line_end, format!("{}:{eol}{shifted}", entry.list)))
    }
}

/// A line's top-level key.
fn key_of(text: &str) -> Option<&str> {
    let (key, rest) = text.split_once(':')?;
    (rest.is_empty() || rest.starts_with(' ')).then(|| key.trim())
}

/// What follows a `key:` on its line, its comment dropped.
fn value_of(text: &str) -> &str {
    let rest = text.split_once(':').map_or("", |(_, r)| r);
    let rest = rest.split(" #").next().unwrap_or(rest);
    rest.trim()
}

/// The `name` of an item whose dash is at column `dash`: the key at the item's own indent.
fn name_in(body: &[Line], dash: usize) -> Option<String> {
    let first = &body[0].text[dash + 1..];
    let column = dash + 1 + (first.len() - first.trim_start().len());
    let own = std::iter::once(first.trim_start())
        .chain(body[1..].iter().filter(|l| l.indent() == column).map(|l| &l.text[column..]));
    own.filter_map(|t| t.strip_prefix("name:")).map(unquote).next()
}

/// A scalar as YAML reads it: double-quoted (JSON escapes), single-quoted (`''` is `'`), or plain
/// (a ` #` comment dropped).
fn unquote(raw: &str) -> String {
    let raw = raw.trim();
    if raw.starts_with('"') {
        // The closing quote: the first not escaped.
        let mut escaped = false;
        let end = raw.char_indices().skip(1).find(|&(_, c)| {
            let closes = c == '"' && !escaped;
            escaped = c == '\\' && !escaped;
            closes
        });
        let quoted = end.map_or(raw, |(at, _)| &raw[..=at]);
        return serde_json::from_str(quoted).unwrap_or_else(|_| raw.to_string());
    }
    if let Some(rest) = raw.strip_prefix('\'') {
        return rest.rsplit_once('\'').map_or(rest, |(v, _)| v).replace("''", "'");
    }
    raw.split(" #").next().unwrap_or(raw).trim().to_string()
}

/// `text`'s lines moved right by `by` columns.
fn indented(text: &str, by: usize) -> String {
    let pad = " ".repeat(by);
    text.split_inclusive('\n').map(|l| format!("{pad}{l}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ours() -> Vec<Entry> {
        let arn = "arn:aws:eks:eu-west-1:111111111111:cluster/demo";
        let args: Vec<String> = ["eks", "token", "--cluster", "demo"].map(String::from).to_vec();
        vec![
            cluster(arn, "https://ABC.gr7.eu-west-1.eks.amazonaws.com", "LS0tCA=="),
            user(arn, "awsume", &args),
            context("demo", arn, arn),
        ]
    }

    const KUBECTLS: &str = "apiVersion: v1\n# mine\nclusters:\n- cluster:\n    server: https://other:6443\n  name: other # the lab\n\n# staging next\ncontexts:\n- context:\n    cluster: other\n    user: \"other\"\n  name: 'other'\ncurrent-context: other\nkind: Config\npreferences: {}\nusers:\n- name: other\n  user:\n    token: abc\n";

    #[test]
    fn a_new_file_is_what_the_aws_cli_writes_with_our_command() {
        let text = merge("", &ours(), "demo").unwrap();
        assert_eq!(
            text,
            "apiVersion: v1\nclusters:\n- cluster:\n    certificate-authority-data: LS0tCA==\n    server: https://ABC.gr7.eu-west-1.eks.amazonaws.com\n  name: arn:aws:eks:eu-west-1:111111111111:cluster/demo\ncontexts:\n- context:\n    cluster: arn:aws:eks:eu-west-1:111111111111:cluster/demo\n    user: arn:aws:eks:eu-west-1:111111111111:cluster/demo\n  name: demo\ncurrent-context: demo\nkind: Config\npreferences: {}\nusers:\n- name: arn:aws:eks:eu-west-1:111111111111:cluster/demo\n  user:\n    exec:\n      apiVersion: client.authentication.k8s.io/v1beta1\n      args:\n      - eks\n      - token\n      - --cluster\n      - demo\n      command: awsume\n"
        );
        assert_eq!(merge(&text, &ours(), "demo").unwrap(), text, "a second run changes nothing");
    }

    #[test]
    fn entries_are_added_after_the_others_which_keep_every_byte() {
        let text = merge(KUBECTLS, &ours(), "demo").unwrap();
        assert!(text.starts_with("apiVersion: v1\n# mine\nclusters:\n- cluster:\n    server: https://other:6443\n  name: other # the lab\n- cluster:\n"), "{text}");
        assert!(text.contains("  name: arn:aws:eks:eu-west-1:111111111111:cluster/demo\n\n# staging next\ncontexts:\n- context:\n    cluster: other\n    user: \"other\"\n  name: 'other'\n- context:\n"), "{text}");
        assert!(text.contains("\ncurrent-context: demo\nkind: Config\n"));
        assert!(text.contains("users:\n- name: other\n  user:\n    token: abc\n- name: arn:aws:eks:"));
        assert_eq!(merge(&text, &ours(), "demo").unwrap(), text, "idempotent");
        // Back to `other`, then ours again: only current-context moves.
        let back = merge(&text, &[], "other").unwrap();
        assert_eq!(merge(&back, &ours(), "demo").unwrap(), text);
    }

    #[test]
    fn an_entry_of_the_same_name_is_replaced_in_place() {
        let old = KUBECTLS
            .replace("name: other # the lab", "name: \"arn:aws:eks:eu-west-1:111111111111:cluster/demo\"");
        let text = merge(&old, &ours(), "demo").unwrap();
        assert!(
            text.starts_with(
                "apiVersion: v1\n# mine\nclusters:\n- cluster:\n    certificate-authority-data: LS0tCA==\n"
            ),
            "{text}"
        );
        assert_eq!(text.matches("- cluster:").count(), 1, "{text}");
        // Indented lists keep their indent.
        let indented = "clusters:\n  - name: x\n    cluster:\n      server: s\nusers: []\n";
        let text = merge(indented, &ours(), "demo").unwrap();
        assert!(text.starts_with("clusters:\n  - name: x\n    cluster:\n      server: s\n  - cluster:\n      certificate-authority-data:"), "{text}");
        assert!(text.contains("users:\n- name: arn:"), "{text}");
        let tail = "contexts:\n- context:\n    cluster: arn:aws:eks:eu-west-1:111111111111:cluster/demo\n    user: arn:aws:eks:eu-west-1:111111111111:cluster/demo\n  name: demo\ncurrent-context: demo\n";
        assert!(text.ends_with(tail), "{text}");
        assert_eq!(merge(&text, &ours(), "demo").unwrap(), text);
    }

    #[test]
    fn json_files_stay_json_and_odd_yaml_is_refused() {
        let json = r#"{"apiVersion": "v1", "clusters": [{"name": "other", "cluster": {"server": "s"}}]}"#;
        let text = merge(json, &ours(), "demo").unwrap();
        let value: Value = serde_json::from_str(&text).unwrap();
        assert_eq!(value["clusters"].as_array().unwrap().len(), 2);
        assert_eq!(value["current-context"], "demo");
        assert_eq!(merge(&text, &ours(), "demo").unwrap(), text);
        for odd in [
            "clusters: [{name: x}]\n",
            "---\nclusters:\n",
            "clusters:\n\t- name: x\n",
            "clusters:\n  - name: x\n stray: 1\n",
        ] {
            assert!(merge(odd, &ours(), "demo").is_err(), "{odd:?}");
        }
    }

    #[test]
    fn scalars_and_names_read_back() {
        for text in
            ["plain", "arn:aws:eks:r:1:cluster/x", "true", "123", "a b", "x: y", "#c", "quote\"d", "é"]
        {
            let yaml = format!("clusters:\n- name: {}\n", scalar(text));
            let doc = Doc::read(&yaml).unwrap();
            assert_eq!(doc.items("clusters").unwrap()[0].name.as_deref(), Some(text), "{yaml}");
        }
        assert_eq!(unquote("'it''s' # note"), "it's");
        let text = "clusters:\n- name: arn:aws:eks:eu-west-1:2:cluster/demo\n- name: arn:aws:eks:us-east-1:3:cluster/demo\n";
        assert_eq!(
            eks_cluster_entry(text, "eu-west-1", "demo").as_deref(),
            Some("arn:aws:eks:eu-west-1:2:cluster/demo")
        );
        assert_eq!(eks_cluster_entry(text, "eu-west-2", "demo"), None);
    }
}
