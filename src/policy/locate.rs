//! Where a character of an expression is in pmo.yaml. An expression is the value of a
//! YAML scalar: plain, quoted, or a block (`|`, `>`), so its lines are pmo.yaml's lines
//! shifted by the indentation and the quote. Each line of the expression is found in
//! pmo.yaml from the scalar on, in order; where one cannot be (a quoted line with
//! escapes), the finding points at the scalar itself.

use crate::diagnostic::Span;

/// The place in `yaml` of the character `offset` of `expr`, the value of the scalar
/// that starts at `scalar`.
pub fn locate(yaml: &str, scalar: Span, expr: &str, offset: usize) -> Span {
    let lines: Vec<&str> = yaml.lines().collect();
    let start_line = scalar.start.line.max(1) as usize - 1;
    let mut yaml_line = start_line;
    let mut from_column = scalar.start.column.max(1) as usize - 1;
    let mut remaining = offset;
    for (i, text) in expr.split('\n').enumerate() {
        let length = text.chars().count();
        let wanted = text.trim_end();
        // The first line may share pmo.yaml's line with the key; the others are searched
        // on the lines after the last one found (a block's first line is below `|`).
        let found = (yaml_line..lines.len().min(yaml_line + 3)).find_map(|l| {
            let line = lines[l];
            let skip = if l == yaml_line { from_column } else { 0 };
            let start = line.char_indices().nth(skip).map_or(line.len(), |(b, _)| b);
            let at = if wanted.is_empty() {
                Some(start)
            } else {
                line[start..].find(wanted).map(|b| start + b)
            };
            at.map(|b| (l, line[..b].chars().count()))
        });
        let Some((l, column)) = found else {
            return scalar;
        };
        if remaining <= length || i == expr.split('\n').count() - 1 {
            return Span::at(l as u32 + 1, (column + remaining) as u32 + 1);
        }
        remaining -= length + 1;
        yaml_line = l + 1;
        from_column = 0;
    }
    scalar
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(yaml: &str, line: u32, column: u32, expr: &str, offset: usize) -> (u32, u32) {
        let span = locate(yaml, Span::at(line, column), expr, offset);
        (span.start.line, span.start.column)
    }

    #[test]
    fn plain_quoted_and_block_scalars() {
        let yaml = "policies:\n  - assert: doc.budgt > 1\n";
        assert_eq!(at(yaml, 2, 13, "doc.budgt > 1", 3), (2, 16));
        let yaml = "policies:\n  - assert: \"doc.budgt > 1\"\n";
        assert_eq!(at(yaml, 2, 13, "doc.budgt > 1", 4), (2, 18));
        let yaml =
            "policies:\n  - assert: |\n      doc.state == 'active'\n        && doc.budgt > 1\n";
        let expr = "doc.state == 'active'\n  && doc.budgt > 1\n";
        let offset = expr.find("budgt").unwrap() - 1;
        assert_eq!(at(yaml, 2, 15, expr, offset), (4, 15));
    }

    #[test]
    fn a_line_that_cannot_be_found_points_at_the_scalar() {
        let yaml = "policies:\n  - assert: \"doc.a == \\\"x\\\"\"\n";
        assert_eq!(at(yaml, 2, 13, "doc.a == \"x\"", 10), (2, 13));
    }
}
