//! Finds the comments of a YAML file, so `fmt` and `convert` keep them.

/// Every `#` comment of a YAML text: byte offset of the `#` and the text
/// after it (one leading space and trailing whitespace removed). Comments
/// inside quoted or block scalars are content, not comments.
pub fn yaml_comments(text: &str) -> Vec<(usize, String)> {
    let mut out = Vec::new();
    let mut offset = 0;
    // Indentation of the line that opened a block scalar (`key: |`).
    let mut block_parent: Option<usize> = None;
    for line in text.split_inclusive('\n') {
        let start = offset;
        offset += line.len();
        let body = line.trim_end_matches(['\n', '\r']);
        let indent = body.len() - body.trim_start().len();
        if let Some(parent) = block_parent {
            if body.trim().is_empty() || indent > parent {
                continue;
            }
            block_parent = None;
        }
        let (comment, code) = split_comment(body);
        if let Some((at, text)) = comment {
            out.push((start + at, text));
        }
        if opens_block_scalar(code) {
            block_parent = Some(indent);
        }
    }
    out
}

/// Splits a line into its comment (offset, text) and the code before it.
fn split_comment(line: &str) -> (Option<(usize, String)>, &str) {
    let mut quote: Option<char> = None;
    let mut previous = ' ';
    for (i, c) in line.char_indices() {
        match quote {
            Some(q) if c == q => quote = None,
            Some(_) => {}
            None if c == '#' && previous.is_whitespace() => {
                let text = line[i + 1..]
                    .strip_prefix(' ')
                    .unwrap_or(&line[i + 1..])
                    .trim_end()
                    .to_string();
                return (Some((i, text)), &line[..i]);
            }
            None if (c == '"' || c == '\'')
                && (previous.is_whitespace()
                    || matches!(previous, ':' | '[' | '{' | ',' | '-')) =>
            {
                quote = Some(c);
            }
            None => {}
        }
        previous = c;
    }
    (None, line)
}

fn opens_block_scalar(code: &str) -> bool {
    let code = code.trim_end();
    let Some(indicator) = code.rsplit([' ', ':']).next() else {
        return false;
    };
    let mut chars = indicator.chars();
    matches!(chars.next(), Some('|' | '>'))
        && chars.all(|c| c == '-' || c == '+' || c.is_ascii_digit())
        && (code.ends_with(indicator) && code.len() > indicator.len())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_comments_but_not_hashes_in_scalars() {
        let text =
            "# top\na: 1 # trailing\nb: \"x # y\"\nc: |\n  # not a comment\n  text\n# after\n";
        let found: Vec<String> = yaml_comments(text).into_iter().map(|(_, t)| t).collect();
        assert_eq!(found, ["top", "trailing", "after"]);
    }
}
