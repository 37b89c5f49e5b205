//! Comment recovery shared by both front-ends: finding `#` comments in DSL
//! text, and attaching recovered comments to the declarations they precede.
//!
//! Neither parser keeps comments (pest's `COMMENT` is silent, YAML drops
//! them), yet `fmt` and `convert` must not lose them. Each front-end lists
//! its comments with their byte offsets, and [`attach`] hands each one to the
//! first declaration that starts after it.

use super::ast::{Comments, Document};

/// The `#` comments of DSL text, in order: the byte offset of each `#` and
/// the text after it, without one leading space and without trailing
/// whitespace.
///
/// A `#` inside a `"string"` (with backslash escapes) or inside a `[sql]`
/// fragment (with nested brackets and SQL quotes) is not a comment.
pub fn dsl_comments(text: &str) -> Vec<(usize, String)> {
    let bytes = text.as_bytes();
    let mut comments = Vec::new();
    let mut i = 0;
    // Every delimiter is ASCII, and UTF-8 continuation bytes never are, so
    // scanning bytes is exact and every slice below is on a char boundary.
    while i < bytes.len() {
        match bytes[i] {
            b'"' => i = skip_string(bytes, i),
            b'[' => i = skip_sql(bytes, i),
            b'#' => {
                let end = text[i..].find('\n').map_or(text.len(), |n| i + n);
                let body = &text[i + 1..end];
                let body = body.strip_prefix(' ').unwrap_or(body).trim_end();
                comments.push((i, body.to_string()));
                i = end;
            }
            _ => i += 1,
        }
    }
    comments
}

/// Attaches each comment to the first declaration, at any level (header,
/// tier, source, event, journey, metric, pair, control change), whose span
/// starts after the comment; comments after the last declaration go to
/// `doc.trailing_comments`. Comments are appended in offset order, so none
/// is dropped and each declaration keeps them in the order written.
pub fn attach(mut comments: Vec<(usize, String)>, doc: &mut Document) {
    let Document {
        header,
        tiers,
        sources,
        events,
        journeys,
        trailing_comments,
    } = doc;
    // Each declaration is a slot: (start, end, comments).
    let mut slots: Vec<(u32, u32, &mut Comments)> = Vec::new();
    if let Some(header) = header {
        slots.push((header.span.start, header.span.end, &mut header.comments));
    }
    slots.extend(
        tiers
            .iter_mut()
            .map(|t| (t.span.start, t.span.end, &mut t.comments)),
    );
    slots.extend(
        sources
            .iter_mut()
            .map(|s| (s.span.start, s.span.end, &mut s.comments)),
    );
    slots.extend(
        events
            .iter_mut()
            .map(|e| (e.span.start, e.span.end, &mut e.comments)),
    );
    for journey in journeys {
        slots.push((journey.span.start, journey.span.end, &mut journey.comments));
        slots.extend(
            journey
                .metrics
                .iter_mut()
                .map(|m| (m.span.start, m.span.end, &mut m.comments)),
        );
        slots.extend(
            journey
                .pairs
                .iter_mut()
                .map(|p| (p.span.start, p.span.end, &mut p.comments)),
        );
        slots.extend(
            journey
                .changes
                .iter_mut()
                .map(|c| (c.span.start, c.span.end, &mut c.comments)),
        );
    }
    slots.sort_by_key(|(start, _, _)| *start);
    comments.sort_by_key(|(at, _)| *at);
    for (at, text) in comments {
        let at = at as u32;
        // The innermost declaration the comment sits inside, if any.
        let container = slots
            .iter()
            .enumerate()
            .filter(|(_, (start, end, _))| *start <= at && at < *end)
            .max_by_key(|(_, (start, _, _))| *start)
            .map(|(i, (_, end, _))| (i, *end));
        let next = slots.partition_point(|(start, _, _)| *start <= at);
        // A comment belongs to the next declaration, unless that one lies
        // outside the declaration the comment is written in: then it is a
        // note on that enclosing declaration.
        let target = match (container, slots.get(next)) {
            (Some((i, end)), Some((start, _, _))) if *start >= end => Some(i),
            (Some((i, _)), None) => Some(i),
            (_, Some(_)) => Some(next),
            (None, None) => None,
        };
        match target.and_then(|i| slots.get_mut(i)) {
            Some((_, _, slot)) => slot.push(text),
            None => trailing_comments.push(text),
        }
    }
}

/// The length of `text` without trailing whitespace and comments: where
/// the last token of a parsed node ends. pest's implicit whitespace (which
/// includes `COMMENT`) is part of a rule's match when the rule ends with an
/// optional or repeated part, so spans are cut back to this length.
pub(super) fn content_len(text: &str) -> usize {
    let trimmed = text.trim_end_matches([' ', '\t', '\r', '\n', '\u{FEFF}']);
    if trimmed.len() == text.len() && !text.contains('#') {
        return text.len();
    }
    let bytes = text.as_bytes();
    let mut end = 0;
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'"' => {
                i = skip_string(bytes, i);
                end = i;
            }
            b'[' => {
                i = skip_sql(bytes, i);
                end = i;
            }
            b'#' => i = text[i..].find('\n').map_or(text.len(), |n| i + n),
            b' ' | b'\t' | b'\r' | b'\n' => i += 1,
            // U+FEFF, which the grammar counts as whitespace.
            0xEF if bytes[i..].starts_with(&[0xEF, 0xBB, 0xBF]) => i += 3,
            _ => {
                i += 1;
                end = i;
            }
        }
    }
    // A multi-byte character ends where its last byte does.
    while !text.is_char_boundary(end) {
        end += 1;
    }
    end
}

/// The offset just past the string that opens at `start`.
fn skip_string(bytes: &[u8], start: usize) -> usize {
    let mut i = start + 1;
    while i < bytes.len() {
        match bytes[i] {
            b'\\' => i += 2,
            b'"' => return i + 1,
            _ => i += 1,
        }
    }
    bytes.len()
}

/// The offset just past the SQL fragment whose `[` is at `start`; mirrors
/// the grammar's `sql_inner` (nested brackets, `'...'` and `"..."` quotes
/// with doubled quotes inside).
fn skip_sql(bytes: &[u8], start: usize) -> usize {
    let mut depth = 0usize;
    let mut i = start;
    while i < bytes.len() {
        match bytes[i] {
            b'[' => depth += 1,
            b']' => {
                depth -= 1;
                if depth == 0 {
                    return i + 1;
                }
            }
            quote @ (b'\'' | b'"') => i = skip_sql_quoted(bytes, i, quote) - 1,
            _ => {}
        }
        i += 1;
    }
    bytes.len()
}

/// The offset just past a SQL quoted string or identifier opening at `start`.
fn skip_sql_quoted(bytes: &[u8], start: usize, quote: u8) -> usize {
    let mut i = start + 1;
    while i < bytes.len() {
        if bytes[i] == quote {
            if bytes.get(i + 1) == Some(&quote) {
                i += 2;
                continue;
            }
            return i + 1;
        }
        i += 1;
    }
    bytes.len()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn comments_keep_their_offsets_and_lose_one_leading_space() {
        let text = "# top\nevent a on s  #  two spaces \n#\n#tight";
        assert_eq!(
            dsl_comments(text),
            vec![
                (0, "top".to_string()),
                (20, " two spaces".to_string()),
                (35, String::new()),
                (37, "tight".to_string()),
            ]
        );
    }

    #[test]
    fn hashes_in_strings_and_sql_are_not_comments() {
        let text = concat!(
            "action \"issue \\\"#1\\\" # not\" # yes 1\n",
            "filter [a = '#x' and b = 'it''s # still' and [c] = \"#\"] # yes 2\n",
            "filter [nested [#] ']' #] # yes 3\n",
        );
        let found: Vec<String> = dsl_comments(text).into_iter().map(|(_, t)| t).collect();
        assert_eq!(found, ["yes 1", "yes 2", "yes 3"]);
    }

    #[test]
    fn unterminated_strings_and_brackets_end_the_scan() {
        assert!(dsl_comments("action \"open # no").is_empty());
        assert!(dsl_comments("filter [a = '# no").is_empty());
        assert!(dsl_comments("filter [a [ # no ]").is_empty());
    }

    #[test]
    fn content_ends_before_trailing_whitespace_and_comments() {
        assert_eq!(content_len("count(a)"), 8);
        assert_eq!(content_len("count(a)\n  "), 8);
        assert_eq!(content_len("warn > 2% # note\n  # more\n "), 9);
        assert_eq!(content_len("a \"# in\" [# sql]  # c"), 16);
        assert_eq!(content_len("é # c"), 2);
        assert_eq!(content_len("# only"), 0);
        assert_eq!(content_len("a\u{FEFF} "), 1);
    }
}
