//! Where a dotted key sits in the scenario text (its 1-based line), using the span-keeping TOML parser, and the
//! `--set KEY=VALUE` overrides applied to the parsed document before it is deserialised.

use super::error::KeyError;
use toml::de::{DeTable, DeValue};

/// 1-based line of the key `path` (dot-separated, array indices as numbers) in `text`, if it is there. When only a
/// prefix exists, the line of the deepest existing table is returned, which is where a missing key belongs.
pub fn line_of(text: &str, path: &str) -> Option<usize> {
    position_of(text, path).map(|(line, _)| line)
}

/// 1-based (line, column) of the key `path` in `text`, as [`line_of`]; the column counts characters.
pub fn position_of(text: &str, path: &str) -> Option<(usize, usize)> {
    let root = DeTable::parse(text).ok()?;
    let mut span = None;
    let mut table = Some(root.get_ref());
    let mut value: Option<&DeValue> = None;
    let segments: Vec<&str> = path.split('.').filter(|s| !s.is_empty()).collect();
    let mut i = 0;
    while i < segments.len() {
        if let Some(t) = table.take() {
            let n = key_length(&segments[i..], |k| t.get(k).is_some())?;
            let (k, v) = t.get_key_value(segments[i..i + n].join(".").as_str())?;
            span = Some(k.span());
            value = Some(v.get_ref());
            table = v.get_ref().as_table();
            i += n;
            continue;
        }
        let array = value?.as_array()?;
        let item = array.get(segments[i].parse::<usize>().ok()?)?;
        span = Some(item.span());
        value = Some(item.get_ref());
        table = item.get_ref().as_table();
        i += 1;
    }
    Some(position_at(text, span?.start))
}

/// How many of `segments` form the next key of a table: one, or where the table has no such key, the fewest that
/// do when joined with dots (a quoted key such as `[assumptions."dcc.dormant_share"]`).
fn key_length(segments: &[&str], has: impl Fn(&str) -> bool) -> Option<usize> {
    (1..=segments.len()).find(|&n| has(&segments[..n].join(".")))
}

/// Byte offset → 1-based (line, column in characters).
pub fn position_at(text: &str, offset: usize) -> (usize, usize) {
    let mut offset = offset.min(text.len());
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    let before = &text[..offset];
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    (line_at(text, offset), before[line_start..].chars().count() + 1)
}

/// The dotted key written on the line holding byte `offset`, from the nearest `[table]` header above it and the
/// bare key before `=` on that line (`run.seed`), for TOML syntax errors that name no key. `None` when the line has
/// no `key =`.
pub fn key_at_line(text: &str, offset: usize) -> Option<String> {
    let line_start = text[..offset.min(text.len())].rfind('\n').map_or(0, |i| i + 1);
    let line = text[line_start..].lines().next().unwrap_or("");
    let key = line.split_once('=')?.0.trim().trim_matches('"');
    if key.is_empty() || key.starts_with('[') || key.starts_with('#') {
        return None;
    }
    let table = text[..line_start]
        .lines()
        .rev()
        .map(str::trim)
        .find(|l| l.starts_with('[') && !l.starts_with("[["))
        .map(|l| l.trim_start_matches('[').split(']').next().unwrap_or("").trim().to_string());
    Some(match table {
        Some(t) if !t.is_empty() => format!("{t}.{key}"),
        _ => key.to_string(),
    })
}

/// Byte offset → 1-based line.
pub fn line_at(text: &str, offset: usize) -> usize {
    text[..offset.min(text.len())].bytes().filter(|&b| b == b'\n').count() + 1
}

/// Parse the right-hand side of `--set KEY=VALUE` as a TOML value; anything that is not valid TOML (`none`,
/// `england-wales`) is taken as a string, so quoting is never needed on the command line.
pub fn parse_override_value(text: &str) -> toml::Value {
    let doc = format!("v = {text}");
    match doc.parse::<toml::Table>() {
        Ok(mut t) => t.remove("v").unwrap_or_else(|| toml::Value::String(text.to_string())),
        Err(_) => toml::Value::String(text.to_string()),
    }
}

/// Apply `--set KEY=VALUE` overrides in order (`KEY=` removes the key); returns the keys set.
pub fn apply_overrides(doc: &mut toml::Table, overrides: &[String]) -> Result<Vec<String>, KeyError> {
    let mut keys = Vec::new();
    for item in overrides {
        let Some((key, value)) = item.split_once('=') else {
            return Err(KeyError::new(item.as_str(), "expected KEY=VALUE"));
        };
        let (key, value) = (key.trim(), value.trim());
        let value = if value.is_empty() { None } else { Some(parse_override_value(value)) };
        apply_override(doc, key, value)?;
        keys.push(key.to_string());
    }
    Ok(keys)
}

/// Set `path` (dotted) to `value` in `doc` (`None` removes the key), creating intermediate tables where absent.
/// Array elements are addressed by index. Setting a key that the scenario format does not know is caught later by
/// `deny_unknown_fields`.
pub fn apply_override(doc: &mut toml::Table, path: &str, value: Option<toml::Value>) -> Result<(), KeyError> {
    let mut root = toml::Value::Table(std::mem::take(doc));
    let result = set_in(&mut root, path, value);
    if let toml::Value::Table(t) = root {
        *doc = t;
    }
    result
}

fn set_in(root: &mut toml::Value, path: &str, value: Option<toml::Value>) -> Result<(), KeyError> {
    let segments: Vec<&str> = path.split('.').collect();
    if segments.iter().any(|s| s.is_empty()) {
        return Err(KeyError::new(path, "empty segment in key path"));
    }
    let (last, parents) = segments.split_last().expect("split yields at least one segment");
    let mut node = root;
    let mut i = 0;
    while i < parents.len() {
        // A quoted key holding dots (`assumptions."dcc.dormant_share"`) is one step, when the table has it.
        let dotted = match &*node {
            toml::Value::Table(t) if !t.contains_key(parents[i]) => key_length(&segments[i..], |k| t.contains_key(k)),
            _ => None,
        };
        if let Some(n) = dotted {
            if i + n == segments.len() {
                let key = segments[i..].join(".");
                return finish(node, &key, path, value);
            }
            node = step(node, &segments[i..i + n].join("."), &segments[..i + n].join("."))?;
            i += n;
            continue;
        }
        node = step(node, parents[i], &segments[..=i].join("."))?;
        i += 1;
    }
    finish(node, last, path, value)
}

/// Set or remove key `last` of `node` (a table, or an array by index).
fn finish(node: &mut toml::Value, last: &str, path: &str, value: Option<toml::Value>) -> Result<(), KeyError> {
    match (node, value) {
        // `KEY=` (empty value) removes the key, restoring its default.
        (toml::Value::Table(t), None) => {
            t.remove(last);
            Ok(())
        }
        (toml::Value::Table(t), Some(v)) => {
            t.insert(last.to_string(), v);
            Ok(())
        }
        (toml::Value::Array(a), v) => {
            let idx = parse_index(last, path, a.len())?;
            match v {
                None => drop(a.remove(idx)),
                Some(v) => a[idx] = v,
            }
            Ok(())
        }
        (other, _) => Err(KeyError::new(path, format!("cannot set a key inside a {}", other.type_str()))),
    }
}

fn step<'a>(node: &'a mut toml::Value, seg: &str, here: &str) -> Result<&'a mut toml::Value, KeyError> {
    match node {
        toml::Value::Table(t) => {
            if !t.contains_key(seg) {
                t.insert(seg.to_string(), toml::Value::Table(toml::Table::new()));
            }
            Ok(t.get_mut(seg).expect("inserted above"))
        }
        toml::Value::Array(a) => {
            let idx = parse_index(seg, here, a.len())?;
            Ok(&mut a[idx])
        }
        other => Err(KeyError::new(here, format!("is a {}, not a table", other.type_str()))),
    }
}

fn parse_index(seg: &str, here: &str, len: usize) -> Result<usize, KeyError> {
    match seg.parse::<usize>() {
        Ok(i) if i < len => Ok(i),
        _ if len == 0 => Err(KeyError::new(here, format!("the array is empty, so `{seg}` is not an element"))),
        _ => Err(KeyError::new(here, format!("array index must be 0..={}, got `{seg}`", len - 1))),
    }
}

/// Every number in the scenario document (integers and floats, not booleans or dates) with its dotted `--set`
/// path (array elements by index), in document order.
pub fn numeric_leaves(doc: &toml::Table) -> Vec<(String, toml::Value)> {
    let mut out = Vec::new();
    for (k, v) in doc {
        collect_numbers(k, v, &mut out);
    }
    out
}

fn collect_numbers(path: &str, v: &toml::Value, out: &mut Vec<(String, toml::Value)>) {
    match v {
        toml::Value::Integer(_) | toml::Value::Float(_) => out.push((path.to_string(), v.clone())),
        toml::Value::Table(t) => t.iter().for_each(|(k, v)| collect_numbers(&format!("{path}.{k}"), v, out)),
        toml::Value::Array(a) => {
            a.iter().enumerate().for_each(|(i, v)| collect_numbers(&format!("{path}.{i}"), v, out))
        }
        _ => {}
    }
}

/// The value at dotted `path` in the document, if present.
pub fn value_at<'a>(doc: &'a toml::Table, path: &str) -> Option<&'a toml::Value> {
    let mut segments = path.split('.');
    let mut node = doc.get(segments.next()?)?;
    for seg in segments {
        node = match node {
            toml::Value::Table(t) => t.get(seg)?,
            toml::Value::Array(a) => a.get(seg.parse::<usize>().ok()?)?,
            _ => return None,
        };
    }
    Some(node)
}
