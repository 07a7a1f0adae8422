//! The assumptions table: every key of the scenario file as written, with its value and the `#` comment that gives
//! its source. The file is read line by line (not through a TOML parser, which drops comments):
//!
//! - `[table]` and `[[array]]` headers set the path prefix; a header's own comment and the comment block just above
//!   it (after the file's opening block) become the section's note;
//! - `key = value` lines (dotted and quoted keys allowed) are one row each; an inline table or array is one row with
//!   its value as written, over several lines if it spans them;
//! - a row's note is the comment on its line plus the comment-only, *indented* lines just below it (continuations),
//!   preceded by an unindented comment block directly above the key, if any.

/// One scenario key as written.
#[derive(Debug, Clone, PartialEq)]
pub struct Param {
    /// Dotted path from the file's root, e.g. `dcc.daily_capacity`.
    pub path: String,
    /// The value as written (whitespace of multi-line values collapsed).
    pub value: String,
    /// The source note; empty when the line has none.
    pub note: String,
}

/// One `[table]` of the file (the keys before the first header form a group with an empty table name).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Group {
    pub table: String,
    pub note: String,
    pub params: Vec<Param>,
}

/// The whole file: its opening comment block and its groups in file order.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ScenarioNotes {
    pub preamble: String,
    pub groups: Vec<Group>,
}

impl ScenarioNotes {
    pub fn params(&self) -> impl Iterator<Item = &Param> {
        self.groups.iter().flat_map(|g| g.params.iter())
    }
}

/// How a note labels its value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Assumption,
    Calibrated,
    Sourced,
    NoNote,
}

pub fn kind(note: &str) -> Kind {
    if note.contains("ASSUMPTION") {
        Kind::Assumption
    } else if note.contains("CALIBRATED") {
        Kind::Calibrated
    } else if note.trim().is_empty() {
        Kind::NoNote
    } else {
        Kind::Sourced
    }
}

/// One line split into its code and its comment (text after a `#` outside strings), with the change in bracket
/// depth over the code and the multi-line string still open at its end.
struct Scan<'a> {
    code: &'a str,
    comment: Option<&'a str>,
    depth_change: i32,
    open_multiline: Option<&'static str>,
}

/// Scan `line`, given the multi-line string delimiter open at its start.
fn scan<'a>(line: &'a str, mut open: Option<&'static str>) -> Scan<'a> {
    let b = line.as_bytes();
    let (mut i, mut depth) = (0, 0);
    while i < b.len() {
        if let Some(delim) = open {
            if b[i..].starts_with(delim.as_bytes()) {
                open = None;
                i += delim.len();
            } else {
                i += if b[i] == b'\\' && delim == "\"\"\"" { 2 } else { 1 };
            }
            continue;
        }
        match b[i] {
            b'#' => {
                return Scan {
                    code: &line[..i],
                    comment: Some(&line[i + 1..]),
                    depth_change: depth,
                    open_multiline: None,
                };
            }
            b'[' | b'{' => depth += 1,
            b']' | b'}' => depth -= 1,
            quote @ (b'"' | b'\'') => {
                let triple = if quote == b'"' { "\"\"\"" } else { "'''" };
                if b[i..].starts_with(triple.as_bytes()) {
                    open = Some(triple);
                    i += 3;
                    continue;
                }
                i += 1;
                while i < b.len() && b[i] != quote {
                    i += if quote == b'"' && b[i] == b'\\' { 2 } else { 1 };
                }
            }
            _ => {}
        }
        i += 1;
    }
    Scan { code: line, comment: None, depth_change: depth, open_multiline: open }
}

/// Parse a (possibly dotted, possibly quoted) key; `None` if `s` is not a key.
fn parse_key(s: &str) -> Option<Vec<String>> {
    let mut parts = Vec::new();
    let mut rest = s.trim();
    loop {
        let (part, after) = if let Some(r) = rest.strip_prefix('"') {
            let end = r.find('"')?;
            (r[..end].to_string(), &r[end + 1..])
        } else if let Some(r) = rest.strip_prefix('\'') {
            let end = r.find('\'')?;
            (r[..end].to_string(), &r[end + 1..])
        } else {
            let end = rest.find(|c: char| !(c.is_ascii_alphanumeric() || c == '_' || c == '-')).unwrap_or(rest.len());
            if end == 0 {
                return None;
            }
            (rest[..end].to_string(), &rest[end..])
        };
        parts.push(part);
        let after = after.trim_start();
        if after.is_empty() {
            return Some(parts);
        }
        rest = after.strip_prefix('.')?.trim_start();
    }
}

/// Join key parts into a dotted path, quoting parts that are not bare keys.
fn dotted(parts: &[String]) -> String {
    let bare = |p: &str| !p.is_empty() && p.chars().all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-');
    parts.iter().map(|p| if bare(p) { p.clone() } else { format!("\"{p}\"") }).collect::<Vec<_>>().join(".")
}

/// Find the `=` of a key/value line outside quotes.
fn split_assignment(code: &str) -> Option<(&str, &str)> {
    let mut quote = None;
    for (i, c) in code.char_indices() {
        match (quote, c) {
            (None, '"' | '\'') => quote = Some(c),
            (Some(q), c) if c == q => quote = None,
            (None, '=') => return Some((&code[..i], &code[i + 1..])),
            _ => {}
        }
    }
    None
}

fn push_note(note: &mut String, text: &str) {
    let text = text.trim();
    if text.is_empty() {
        return;
    }
    if !note.is_empty() {
        note.push(' ');
    }
    note.push_str(text);
}

#[derive(Default)]
struct Parser {
    notes: ScenarioNotes,
    /// Unindented comment lines since the last non-comment line.
    block: Vec<String>,
    /// Whether the block was ended by a blank line (then it belongs to the next section, not a key).
    block_detached: bool,
    seen_code: bool,
    /// The row that indented comment lines continue.
    continuing: Option<(usize, usize)>,
    prefix: Vec<String>,
    array_counts: Vec<(String, usize)>,
}

impl Parser {
    fn take_block(&mut self) -> String {
        let mut s = String::new();
        for l in self.block.drain(..) {
            push_note(&mut s, &l);
        }
        self.block_detached = false;
        s
    }

    fn group(&mut self) -> &mut Group {
        if self.notes.groups.is_empty() {
            self.notes.groups.push(Group::default());
        }
        self.notes.groups.last_mut().expect("a group")
    }

    fn comment_line(&mut self, raw: &str, text: &str) {
        let indented = raw.starts_with([' ', '\t']);
        if let (true, Some((g, p))) = (indented, self.continuing) {
            push_note(&mut self.notes.groups[g].params[p].note, text);
        } else {
            self.continuing = None;
            self.block.push(text.trim().to_string());
        }
    }

    fn blank_line(&mut self) {
        self.continuing = None;
        if !self.seen_code && self.notes.preamble.is_empty() && !self.block.is_empty() {
            self.notes.preamble = self.block.join("\n");
            self.block.clear();
        } else if !self.block.is_empty() {
            self.block_detached = true;
        }
    }

    fn header(&mut self, inner: &str, array: bool, comment: Option<&str>) {
        let Some(parts) = parse_key(inner) else { return };
        let mut path = dotted(&parts);
        if array {
            let n = match self.array_counts.iter_mut().find(|(p, _)| *p == path) {
                Some((_, n)) => {
                    *n += 1;
                    *n
                }
                None => {
                    self.array_counts.push((path.clone(), 0));
                    0
                }
            };
            path = format!("{path}[{n}]");
        }
        let mut note = self.take_block();
        push_note(&mut note, comment.unwrap_or(""));
        self.prefix = vec![path.clone()];
        self.notes.groups.push(Group { table: path, note, params: Vec::new() });
    }

    fn key(&mut self, parts: Vec<String>, value: String, comment: Option<&str>) {
        let mut note = if self.block_detached {
            let n = self.take_block();
            push_note(&mut self.group().note, &n);
            String::new()
        } else {
            self.take_block()
        };
        push_note(&mut note, comment.unwrap_or(""));
        let path = self.prefix.iter().cloned().chain(std::iter::once(dotted(&parts))).collect::<Vec<_>>().join(".");
        let g = self.group();
        g.params.push(Param { path, value, note });
        let pi = g.params.len() - 1;
        self.continuing = Some((self.notes.groups.len() - 1, pi));
    }
}

/// Read the scenario file's keys, values and notes. Lines that are not understood are skipped.
pub fn parse(text: &str) -> ScenarioNotes {
    let mut p = Parser::default();
    let lines: Vec<&str> = text.lines().collect();
    let mut i = 0;
    while i < lines.len() {
        let raw = lines[i];
        let trimmed = raw.trim();
        i += 1;
        if trimmed.is_empty() {
            p.blank_line();
            continue;
        }
        if let Some(c) = trimmed.strip_prefix('#') {
            p.comment_line(raw, c);
            continue;
        }
        let s = scan(trimmed, None);
        let code = s.code.trim();
        p.seen_code = true;
        if let Some(inner) = code.strip_prefix("[[").and_then(|r| r.strip_suffix("]]")) {
            p.header(inner, true, s.comment);
            continue;
        }
        if let Some(inner) = code.strip_prefix('[').and_then(|r| r.strip_suffix(']')) {
            p.header(inner, false, s.comment);
            continue;
        }
        let Some((key, value)) = split_assignment(code) else { continue };
        let Some(parts) = parse_key(key) else { continue };
        // A value that opens brackets or a multi-line string continues on the following lines.
        let mut value = value.trim().to_string();
        let mut note = String::new();
        push_note(&mut note, s.comment.unwrap_or(""));
        let (mut depth, mut open) = (s.depth_change, s.open_multiline);
        while (depth > 0 || open.is_some()) && i < lines.len() {
            let next = scan(lines[i], open);
            i += 1;
            let piece = if open.is_some() { next.code } else { next.code.trim() };
            if !piece.is_empty() {
                let sep = if open.is_some() {
                    "\n"
                } else if value.ends_with(['[', '{']) {
                    ""
                } else {
                    " "
                };
                value.push_str(sep);
                value.push_str(piece);
            }
            push_note(&mut note, next.comment.unwrap_or(""));
            depth += next.depth_change;
            open = next.open_multiline;
        }
        p.key(parts, value, Some(&note));
    }
    if p.notes.preamble.is_empty() && !p.seen_code {
        p.notes.preamble = p.block.join("\n");
    }
    p.notes
}

#[cfg(test)]
mod tests {
    use super::*;

    const TEXT: &str = r#"# Opening block.
#
# Second paragraph.

name = "x"   # the name
[run]
seed = 7                 # any value
horizon_days = 730       # two years
                         # and a continuation
# Block about the fleet.
[fleet.cohorts.IOC]
share = 0.22  # IOC ≈ 22% (domain §3)
dmcs.ioc-main = { share = 1.0, smso = "ioc", epcl_date = 2019-09-01 }   # ASSUMPTION: open before the run
"quoted.key" = "a # not a comment"
# Weights Jan..Dec
seasonality = [0.8, 0.9,  # first
  1.2]                    # CALIBRATED
[[bulk]]
date = 2021-01-01
[[bulk]]
date = 2021-02-01
"#;

    #[test]
    fn keys_values_and_notes_are_read_with_their_paths() {
        let n = parse(TEXT);
        assert_eq!(n.preamble, "Opening block.\n\nSecond paragraph.");
        let rows: Vec<(&str, &str, &str)> =
            n.params().map(|p| (p.path.as_str(), p.value.as_str(), p.note.as_str())).collect();
        assert_eq!(
            rows,
            vec![
                ("name", "\"x\"", "the name"),
                ("run.seed", "7", "any value"),
                ("run.horizon_days", "730", "two years and a continuation"),
                ("fleet.cohorts.IOC.share", "0.22", "IOC ≈ 22% (domain §3)"),
                (
                    "fleet.cohorts.IOC.dmcs.ioc-main",
                    "{ share = 1.0, smso = \"ioc\", epcl_date = 2019-09-01 }",
                    "ASSUMPTION: open before the run"
                ),
                ("fleet.cohorts.IOC.\"quoted.key\"", "\"a # not a comment\"", ""),
                ("fleet.cohorts.IOC.seasonality", "[0.8, 0.9, 1.2]", "Weights Jan..Dec first CALIBRATED"),
                ("bulk[0].date", "2021-01-01", ""),
                ("bulk[1].date", "2021-02-01", ""),
            ]
        );
        assert_eq!(n.groups[2].table, "fleet.cohorts.IOC");
        assert_eq!(n.groups[2].note, "Block about the fleet.");
        assert_eq!(kind(&n.groups[2].params[1].note), Kind::Assumption);
        assert_eq!(kind("CALIBRATED: x"), Kind::Calibrated);
        assert_eq!(kind(""), Kind::NoNote);
    }
}
