//! Where a cursor is in a document being typed: its kind, the field path it is on and
//! the word it is in, read from the lines themselves by indentation (as YAML nests
//! blocks), so that a buffer that does not parse yet still gets completions.

use crate::model::Kind;

/// A step of the path to the cursor: a key, or an item of a list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Step {
    Key(String),
    Item,
}

/// What the cursor is on.
#[derive(Debug, PartialEq, Eq)]
pub struct Cursor {
    /// The `kind:` of the document (between `---` lines) the cursor is in.
    pub kind: Option<Kind>,
    /// From the document's root to the value being typed.
    pub path: Vec<Step>,
    /// Whether the cursor is on a value (after `key:` or `- `), not on a key.
    pub value: bool,
    /// The word under the cursor: its start and end columns (0-based, in characters)
    /// and its text.
    pub word: (usize, usize, String),
}

/// One line's nesting: the columns of its list markers and of its key, if any.
struct Line<'a> {
    items: Vec<usize>,
    key: Option<(usize, &'a str)>,
    /// Where the text after the markers and `key:` starts.
    rest: usize,
}

fn parse_line(line: &str) -> Line<'_> {
    let mut col = line.len() - line.trim_start_matches(' ').len();
    let mut items = Vec::new();
    while line[col..].starts_with("- ") || &line[col..] == "-" {
        items.push(col);
        col += 1;
        col += line[col..].len() - line[col..].trim_start_matches(' ').len();
    }
    let text = &line[col..];
    let key = key_of(text).map(|k| (col, k));
    let rest = match key {
        Some((_, k)) => {
            let after = col + k.len() + 1;
            after + line[after..].len() - line[after..].trim_start_matches(' ').len()
        }
        None => col,
    };
    Line { items, key, rest }
}

/// `name` of `name: ...` or `name:`, for a plain key.
fn key_of(text: &str) -> Option<&str> {
    let end = text.find(':')?;
    let key = &text[..end];
    let after = &text[end + 1..];
    let plain = !key.is_empty()
        && key
            .chars()
            .all(|c| c.is_alphanumeric() || matches!(c, '_' | '-' | '.'));
    (plain && (after.is_empty() || after.starts_with(' '))).then_some(key)
}

/// The cursor at `line` (0-based) and `column` (0-based, in characters) of `text`.
pub fn at(text: &str, line: usize, column: usize) -> Option<Cursor> {
    let lines: Vec<&str> = text.split('\n').map(|l| l.trim_end_matches('\r')).collect();
    let current = *lines.get(line)?;
    // Columns here are bytes of ASCII indentation; the word is found by characters.
    let byte = current
        .char_indices()
        .nth(column)
        .map_or(current.len(), |(i, _)| i);
    let before = &current[..byte];
    let start = lines[..line]
        .iter()
        .rposition(|l| l.starts_with("---"))
        .map_or(0, |i| i + 1);
    let end = lines[line..]
        .iter()
        .position(|l| l.starts_with("---"))
        .map_or(lines.len(), |i| line + i);
    let kind = lines[start..end]
        .iter()
        .find_map(|l| l.strip_prefix("kind:"))
        .and_then(|k| k.split('#').next())
        .and_then(|k| Kind::parse(k.trim().trim_matches(['"', '\''])));

    let own = parse_line(before);
    // The steps on the cursor's own line: its list items, then its key when the cursor
    // is past the colon, then an item of a flow list being typed (`roles: [a, b`).
    let mut steps: Vec<Step> = own.items.iter().map(|_| Step::Item).collect();
    let mut value = false;
    let mut column_of = own.items.first().copied().unwrap_or(own.rest);
    if let Some((col, key)) = own.key
        && byte >= own.rest
        && before.len() > col + key.len()
    {
        steps.push(Step::Key(key.to_owned()));
        value = true;
        if own.items.is_empty() {
            column_of = col;
        }
    } else if !own.items.is_empty() && own.key.is_none() {
        value = true;
    }
    let tail = &before[own.rest.min(before.len())..];
    if value && tail.starts_with('[') && !tail.contains(']') {
        steps.push(Step::Item);
    }
    // The lines above, by indentation: a key or item left of the column is a parent.
    // Found from the nearest up, so gathered in reverse.
    let mut parents = Vec::new();
    for above in lines[start..line].iter().rev() {
        if column_of == 0 {
            break;
        }
        let trimmed = above.trim_start();
        if trimmed.is_empty() || trimmed.starts_with('#') {
            continue;
        }
        let parsed = parse_line(above);
        if let Some((col, key)) = parsed.key
            && col < column_of
        {
            parents.push(Step::Key(key.to_owned()));
            column_of = col;
        }
        for &item in parsed.items.iter().rev() {
            if item < column_of {
                parents.push(Step::Item);
                column_of = item;
            }
        }
    }
    parents.reverse();
    let mut path = parents;
    path.extend(steps);
    Some(Cursor {
        kind,
        path,
        value,
        word: word_at(current, column),
    })
}

/// The word (an id, a value, a rule code) around column `column` of `line`.
fn word_at(line: &str, column: usize) -> (usize, usize, String) {
    let chars: Vec<char> = line.chars().collect();
    let part = |c: &char| c.is_alphanumeric() || matches!(c, '_' | '-' | '.');
    let column = column.min(chars.len());
    let start = chars[..column]
        .iter()
        .rposition(|c| !part(c))
        .map_or(0, |i| i + 1);
    let end = chars[column..]
        .iter()
        .position(|c| !part(c))
        .map_or(chars.len(), |i| column + i);
    (start, end, chars[start..end].iter().collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(k: &str) -> Step {
        Step::Key(k.into())
    }

    #[test]
    fn paths_follow_indentation_keys_and_list_items() {
        let text = "kind: change\nid: c1\napprovals:\n  - by: al\n    date: 2026-01-01\n  - role: ccb\n    by: \nimpact:\n  cost: 1\nroles: [spo\n---\nkind: risk\nowner: \n";
        let c = at(text, 3, 10).unwrap();
        assert_eq!(c.kind, Some(Kind::Change));
        assert_eq!(c.path, vec![key("approvals"), Step::Item, key("by")]);
        assert!(c.value);
        assert_eq!(c.word, (8, 10, "al".into()));
        let c = at(text, 6, 8).unwrap();
        assert_eq!(c.path, vec![key("approvals"), Step::Item, key("by")]);
        let c = at(text, 8, 2).unwrap();
        assert_eq!((c.path, c.value), (vec![key("impact")], false));
        let c = at(text, 9, 11).unwrap();
        assert_eq!(c.path, vec![key("roles"), Step::Item]);
        assert_eq!(c.word.2, "spo");
        let c = at(text, 12, 7).unwrap();
        assert_eq!((c.kind, c.path), (Some(Kind::Risk), vec![key("owner")]));
    }

    #[test]
    fn items_of_a_block_list_are_values() {
        let text = "kind: decision\ndecided_by:\n  - bo\n";
        let c = at(text, 2, 6).unwrap();
        assert_eq!(c.path, vec![key("decided_by"), Step::Item]);
        assert!(c.value);
    }
}
