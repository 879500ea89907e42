//! Placeholder translation: handlers may write `$1` or `?` whatever the database, as the
//! documented examples do both. PostgreSQL gets `$n`, MySQL and SQLite get `?`; the returned
//! order says which parameter each placeholder takes (so `$2 ... $1` and repeats work).

/// The placeholder style a driver takes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Style {
    /// `$1, $2, ...` (PostgreSQL).
    Dollar,
    /// `?` (MySQL, SQLite).
    Question,
}

enum Token {
    Dollar(usize),
    Question,
}

/// Finds placeholders outside string literals, quoted identifiers and comments:
/// `(byte offset, byte length, token)`. `backslash`: backslashes escape inside quotes
/// (MySQL), not in standard SQL strings (PostgreSQL, SQLite).
fn scan(sql: &str, backslash: bool) -> Vec<(usize, usize, Token)> {
    let b = sql.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            q @ (b'\'' | b'"' | b'`') => {
                i += 1;
                while i < b.len() {
                    if backslash && b[i] == b'\\' && q != b'`' {
                        i += 2;
                        continue;
                    }
                    if b[i] == q {
                        if i + 1 < b.len() && b[i + 1] == q {
                            i += 2;
                            continue;
                        }
                        break;
                    }
                    i += 1;
                }
                i += 1;
            }
            b'-' if b.get(i + 1) == Some(&b'-') => {
                while i < b.len() && b[i] != b'\n' {
                    i += 1;
                }
            }
            b'/' if b.get(i + 1) == Some(&b'*') => {
                i += 2;
                while i + 1 < b.len() && !(b[i] == b'*' && b[i + 1] == b'/') {
                    i += 1;
                }
                i += 2;
            }
            // `$` inside an identifier (`col$1`, `a$b`) is part of it.
            b'$' if i > 0
                && (b[i - 1].is_ascii_alphanumeric() || b[i - 1] == b'_' || b[i - 1] == b'$') =>
            {
                i += 1;
            }
            b'$' => {
                let start = i;
                let mut j = i + 1;
                while j < b.len() && b[j].is_ascii_digit() {
                    j += 1;
                }
                if j > i + 1 {
                    let n = sql[i + 1..j].parse().unwrap_or(0);
                    out.push((start, j - start, Token::Dollar(n)));
                    i = j;
                } else {
                    // A dollar-quoted string: $tag$ ... $tag$
                    let mut k = i + 1;
                    while k < b.len() && (b[k].is_ascii_alphanumeric() || b[k] == b'_') {
                        k += 1;
                    }
                    if k < b.len() && b[k] == b'$' {
                        let tag = &sql[i..=k];
                        match sql[k + 1..].find(tag) {
                            Some(end) => i = k + 1 + end + tag.len(),
                            None => i = b.len(),
                        }
                    } else {
                        i += 1;
                    }
                }
            }
            b'?' => {
                out.push((i, 1, Token::Question));
                i += 1;
            }
            _ => i += 1,
        }
    }
    out
}

/// Rewrites `sql` to `style` for `n_params` parameters; returns the SQL and, for each
/// placeholder of the result in order, the index of the parameter it takes.
pub(crate) fn rewrite(
    sql: &str,
    style: Style,
    n_params: usize,
    backslash: bool,
) -> Result<(String, Vec<usize>), String> {
    let mut found = scan(sql, backslash);
    // On PostgreSQL, SQL written with `$n` may use `?`, `?|`, `?&` as JSON operators.
    if style == Style::Dollar && found.iter().any(|t| matches!(t.2, Token::Dollar(_))) {
        found.retain(|t| matches!(t.2, Token::Dollar(_)));
    }
    let dollars = found
        .iter()
        .filter(|t| matches!(t.2, Token::Dollar(_)))
        .count();
    let questions = found.len() - dollars;
    if dollars > 0 && questions > 0 {
        return Err("use either $1-style or ?-style placeholders, not both".into());
    }
    if questions > 0 {
        if questions != n_params {
            return Err(format!(
                "the SQL has {questions} placeholder(s) but {n_params} parameter(s) were given"
            ));
        }
        if style == Style::Question {
            return Ok((sql.to_string(), (0..n_params).collect()));
        }
        let mut out = String::with_capacity(sql.len() + questions * 2);
        let mut last = 0;
        for (n, (at, len, _)) in found.iter().enumerate() {
            out.push_str(&sql[last..*at]);
            out.push('$');
            out.push_str(&(n + 1).to_string());
            last = at + len;
        }
        out.push_str(&sql[last..]);
        return Ok((out, (0..n_params).collect()));
    }
    let mut max = 0;
    for (_, _, t) in &found {
        if let Token::Dollar(n) = t {
            if *n == 0 {
                return Err("placeholders are numbered from $1".into());
            }
            max = max.max(*n);
        }
    }
    if max != n_params {
        return Err(format!(
            "the SQL uses parameters up to ${max} but {n_params} parameter(s) were given"
        ));
    }
    if style == Style::Dollar {
        return Ok((sql.to_string(), (0..n_params).collect()));
    }
    let mut out = String::with_capacity(sql.len());
    let mut order = Vec::with_capacity(found.len());
    let mut last = 0;
    for (at, len, t) in &found {
        if let Token::Dollar(n) = t {
            out.push_str(&sql[last..*at]);
            out.push('?');
            order.push(n - 1);
            last = at + len;
        }
    }
    out.push_str(&sql[last..]);
    Ok((out, order))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn question_marks_become_numbered_for_postgres() {
        let (sql, order) = rewrite(
            "SELECT '?' , \"a?\" FROM t WHERE a = ? AND b = ? -- ?",
            Style::Dollar,
            2,
            false,
        )
        .expect("ok");
        assert_eq!(
            sql,
            "SELECT '?' , \"a?\" FROM t WHERE a = $1 AND b = $2 -- ?"
        );
        assert_eq!(order, vec![0, 1]);
    }

    #[test]
    fn numbered_become_question_marks_in_their_order() {
        let (sql, order) = rewrite(
            "UPDATE t SET a = $2 WHERE id = $1 OR p = $1 /* $3 */",
            Style::Question,
            2,
            false,
        )
        .expect("ok");
        assert_eq!(sql, "UPDATE t SET a = ? WHERE id = ? OR p = ? /* $3 */");
        assert_eq!(order, vec![1, 0, 0]);
        let (sql, _) = rewrite("SELECT $$a ? $1$$ , $1", Style::Question, 1, false).expect("ok");
        assert_eq!(sql, "SELECT $$a ? $1$$ , ?");
    }

    #[test]
    fn dialect_details() {
        // PostgreSQL JSON operators stay operators next to $n placeholders.
        let (sql, _) = rewrite(
            "SELECT 1 FROM t WHERE doc ? 'k' AND id = $1",
            Style::Dollar,
            1,
            false,
        )
        .expect("ok");
        assert_eq!(sql, "SELECT 1 FROM t WHERE doc ? 'k' AND id = $1");
        // A backslash ends nothing in standard strings; it escapes in MySQL's.
        let (sql, _) = rewrite("SELECT 'C:\\', ?", Style::Dollar, 1, false).expect("ok");
        assert_eq!(sql, "SELECT 'C:\\', $1");
        let (sql, _) = rewrite("SELECT 'it\\'s ?', ?", Style::Question, 1, true).expect("ok");
        assert_eq!(sql, "SELECT 'it\\'s ?', ?");
        // `$` inside identifiers.
        let (sql, order) = rewrite(
            "SELECT col$1, a$b FROM t WHERE x = $1",
            Style::Question,
            1,
            false,
        )
        .expect("ok");
        assert_eq!(
            (sql.as_str(), order),
            ("SELECT col$1, a$b FROM t WHERE x = ?", vec![0])
        );
    }

    #[test]
    fn counts_must_match() {
        assert!(rewrite("SELECT ?", Style::Dollar, 2, false).is_err());
        assert!(rewrite("SELECT $2", Style::Question, 1, false).is_err());
        assert!(rewrite("SELECT $1, ?", Style::Question, 2, false).is_err());
        assert!(rewrite("SELECT 1", Style::Question, 0, false).is_ok());
    }
}
