//! Finding the value a name is given, in whatever language the line is written: `name = "v"`,
//! `name: v`, `"name": "v"`, `'name' => 'v'`, `name := "v"`, `setName("v")`, `name("v")`,
//! `("name", "v")`, `--name v`, `--name=v`, `<name>v</name>`, `name="v"` as an XML attribute,
//! `Name=v;` in a connection string, `name v` in `.netrc`-like files, `name == "v"`.
//!
//! The parser starts from a keyword hit, widens it to the identifier around it, and reads what
//! follows. It knows no grammar: it recognises the shapes above from the bytes right after the
//! name and reports which shape it saw ([`Op`]), so that the model can weigh a comparison or an
//! unquoted word in code differently from a quoted string in YAML.

use std::ops::Range;

/// How the value was attached to the name.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Op {
    /// `=`, `:=`, `?=`, `||=`.
    Assign,
    /// `:` (YAML, JSON, object literals, HTTP headers).
    Colon,
    /// `=>` (PHP, Ruby, Perl).
    Arrow,
    /// `==`, `===`, `.equals(`: the code compares against the value.
    Compare,
    /// `setName("v")`, `name("v")`, `withName("v")`: the value is a call's argument.
    Call,
    /// `("name", "v")`, `put("name", "v")`: the value follows the quoted name after a comma.
    Comma,
    /// `--name v`, `--name=v`, `-name v`.
    Flag,
    /// `<name>v</name>`.
    Element,
    /// `name v`: the name opens a line of a whitespace-separated config (`.netrc`, `redis.conf`).
    Space,
}

/// One name and the value given to it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Assignment {
    /// The whole name (`config.db.password`, `DB_PASSWORD`), without quotes or `$`/`--`.
    pub name: Range<usize>,
    /// The value, without its quotes.
    pub value: Range<usize>,
    pub op: Op,
    /// The quote the value was written in, if any.
    pub quote: Option<u8>,
    /// What follows an unquoted value makes it an expression: `(`, `.`, `[` or `+`.
    pub expression: bool,
    /// The value was preceded by an authorization scheme word (`Bearer`, `Basic`, `Token`).
    pub scheme: bool,
    /// Whether the name can sit inside a string literal (it was not read as a quoted key or a
    /// SQL statement's password): [`Assignment::in_string`] then reads the line before it.
    string_check: bool,
    /// The value was taken from inside a JSON document that was itself the value
    /// (`"Apitoken": "{\"key\": \"v\"}"`).
    pub nested: bool,
}

impl Assignment {
    /// The name sits inside a string literal (`"oauth_token=abc&x=y"`, a URL's query, a header
    /// in a string), so an unquoted value is text, not a variable. `line` is the line the
    /// assignment was read from. Asked only of unquoted values in code that nothing cheaper
    /// rejected: it reads the line up to the name, for every assignment of a minified bundle's
    /// long lines.
    pub fn in_string(&self, line: &[u8]) -> bool {
        self.string_check && inside_string(line, self.name.start)
    }
}

/// Whether position `at` of `line` is inside a `"` or `'` string (an odd number of unescaped
/// quotes of one kind before it). Only quotes and backslashes change the answer, so it jumps
/// from one to the next: on a minified bundle's 2 KiB "line" around each hit, reading every
/// byte made this a quarter of the scan.
fn inside_string(line: &[u8], at: usize) -> bool {
    let before = &line[..at.min(line.len())];
    let mut open: Option<u8> = None;
    let mut i = 0;
    while let Some(p) = memchr::memchr3(b'\\', b'"', b'\'', &before[i..]) {
        let c = before[i + p];
        i += p + 1;
        if c == b'\\' {
            // The escaped byte, whatever it is, is skipped.
            i += 1;
            if i >= before.len() {
                break;
            }
            continue;
        }
        match open {
            Some(q) if c == q => open = None,
            None => open = Some(c),
            _ => {}
        }
    }
    open.is_some()
}

fn is_name_byte(c: u8) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, b'_' | b'.' | b'-' | b'$' | b'@')
}

/// The assignment whose name holds the keyword hit `hit` (an index into `line`), if the bytes
/// after the name give it a value.
pub fn at(line: &[u8], hit: usize) -> Option<Assignment> {
    let mut s = hit;
    while s > 0 && is_name_byte(line[s - 1]) {
        s -= 1;
    }
    let mut e = hit;
    while e < line.len() && is_name_byte(line[e]) {
        e += 1;
    }
    // `--password`, `$password`, `@password`, `self.password.`: the name proper.
    let dashes = line[s..e].iter().take_while(|&&c| c == b'-').count();
    s += dashes;
    while s < e && matches!(line[s], b'$' | b'@' | b'.') {
        s += 1;
    }
    while e > s && matches!(line[e - 1], b'.' | b'-') {
        e -= 1;
    }
    // `arn:...:secret:x`, `uri://user:pass@`, `a/token/b`: a word inside a longer token; but
    // `/password:x` after a space is a Windows-style option.
    let slash_flag = s > 0 && line[s - 1] == b'/' && (s == 1 || line[s - 2].is_ascii_whitespace());
    if s >= e || (s > 0 && matches!(line[s - 1], b':' | b'/') && !slash_flag) {
        return None;
    }
    let before = if s > dashes {
        line[s - dashes - 1]
    } else {
        b' '
    };
    let flag = slash_flag
        || (dashes > 0 && (s == dashes || before.is_ascii_whitespace() || before == b'"'));
    let opened_with = (s > 0).then(|| line[s - 1]);
    let name = s..e;
    let mut i = e;
    // A quoted key: `"password": `, `'password' => `, `["password"] = `, and inside a JSON
    // string, `\"password\":`.
    let mut key_quote = None;
    if let Some(q @ (b'"' | b'\'' | b'`')) = line.get(i).copied()
        && opened_with == Some(q)
    {
        key_quote = Some(q);
        i += 1;
    } else if line.get(i) == Some(&b'\\')
        && let Some(q @ (b'"' | b'\'')) = line.get(i + 1).copied()
        && opened_with == Some(q)
    {
        key_quote = Some(q);
        i += 2;
    }
    if line.get(i) == Some(&b']') {
        i += 1;
    }
    let after_name = i;
    i = skip_spaces(line, i);
    let c = *line.get(i)?;
    let next = line.get(i + 1).copied();
    if let Some(value_at) = sql_password(line, &name, i) {
        let mut a = value(line, name, Op::Space, value_at)?;
        a.string_check = false;
        return Some(a);
    }
    let (op, value_at) = match (c, next) {
        (b'=', Some(b'>')) => (Op::Arrow, i + 2),
        (b'=', Some(b'=')) => {
            let mut j = i + 2;
            if line.get(j) == Some(&b'=') {
                j += 1;
            }
            (Op::Compare, j)
        }
        (b'=', _) | (b':', _) if flag => (Op::Flag, i + 1),
        (b'=', _) => (Op::Assign, i + 1),
        (b':', Some(b'=')) => (Op::Assign, i + 2),
        (b':', Some(b':')) => return None,
        (b':', _) => (Op::Colon, i + 1),
        (b'?' | b'|', Some(b'=')) => (Op::Assign, i + 2),
        (b'|', Some(b'|')) if line.get(i + 2) == Some(&b'=') => (Op::Assign, i + 3),
        (b'(', _)
            if i == after_name
                && key_quote.is_none()
                && (setter(&line[name.clone()]) || line[..name.start].ends_with(b"new ")) =>
        {
            (Op::Call, i + 1)
        }
        (b',', _) if key_quote.is_some() => (Op::Comma, i + 1),
        (b'>', _) if opened_with == Some(b'<') => (Op::Element, i + 1),
        (b'.', _) if line[i..].starts_with(b".equals(") => (Op::Compare, i + 8),
        _ if flag && i > after_name => (Op::Flag, i),
        _ if i > after_name
            && key_quote.is_none()
            && line[..name.start].iter().all(u8::is_ascii_whitespace) =>
        {
            (Op::Space, i)
        }
        _ => return None,
    };
    let mut a = value(line, name, op, value_at)?;
    a.string_check = key_quote.is_none();
    Some(a)
}

/// Where the password of a SQL statement starts, when `name` is the `PASSWORD` of
/// `CREATE USER x WITH PASSWORD 'v'`, `ALTER ROLE x PASSWORD 'v'`, `ALTER LOGIN x WITH
/// PASSWORD = 'v'`, or the `IDENTIFIED` of `IDENTIFIED BY 'v'` / `IDENTIFIED WITH plugin BY
/// 'v'` (MySQL). `i` is the first byte after the name and its spaces. The statement must say
/// it is one (`CREATE USER`, `ALTER ROLE`, `GRANT`, ... before the name), and the password must
/// be quoted.
fn sql_password(line: &[u8], name: &Range<usize>, i: usize) -> Option<usize> {
    let word = &line[name.clone()];
    // Only these two names can be a statement's password: the other names return here, before
    // the line is searched (it was copied and searched for every name of every line: 7% of a
    // scan of real source).
    if !word.eq_ignore_ascii_case(b"password") && !word.eq_ignore_ascii_case(b"identified") {
        return None;
    }
    // `--password 'v'` is a command-line flag, read as one.
    if name.start > 0 && line[name.start - 1] == b'-' {
        return None;
    }
    let quoted = |j: usize| matches!(line.get(j), Some(b'\'' | b'"')).then_some(j);
    let value_at = if word.eq_ignore_ascii_case(b"password") {
        if i <= name.end {
            return None;
        }
        let j = if line.get(i) == Some(&b'=') {
            skip_spaces(line, i + 1)
        } else {
            i
        };
        quoted(j)?
    } else {
        let rest = &line[i..];
        let upper = rest
            .iter()
            .take(64)
            .map(u8::to_ascii_uppercase)
            .collect::<Vec<u8>>();
        let by = upper.windows(3).position(|w| w == b"BY ")?;
        // `BY` directly, or after `WITH mysql_native_password`.
        if by != 0 && !upper.starts_with(b"WITH ") {
            return None;
        }
        quoted(skip_spaces(line, i + by + 3))?
    };
    // Last, as it reads the whole line before the name (on minified code, a password-shaped
    // name is common and a quoted value after it is not).
    let before = &line[..name.start];
    let statement = [
        &b"CREATE USER "[..],
        b"ALTER USER ",
        b"CREATE ROLE ",
        b"ALTER ROLE ",
        b"CREATE LOGIN ",
        b"ALTER LOGIN ",
        b"GRANT ",
    ]
    .iter()
    .any(|w| before.windows(w.len()).any(|x| x.eq_ignore_ascii_case(w)));
    statement.then_some(value_at)
}

/// `setPassword`, `withToken`, `put_secret`, `password`: a call that gives the value, not one
/// that computes something from it (`OpenProcessToken(...)`, `hashPassword(...)`).
fn setter(name: &[u8]) -> bool {
    let last = name.rsplit(|&c| c == b'.').next().unwrap_or(name);
    let lower = last.to_ascii_lowercase();
    ["set", "with", "put", "add"]
        .iter()
        .any(|p| lower.starts_with(p.as_bytes()))
        || crate::detectors::placeholder::SELF_NAMING.contains(&lower.as_slice())
        || lower == b"credentials"
}

fn skip_spaces(line: &[u8], mut i: usize) -> usize {
    while i < line.len() && (line[i] == b' ' || line[i] == b'\t') {
        i += 1;
    }
    i
}

/// Reads the value that starts at (or after spaces from) `i`.
fn value(line: &[u8], name: Range<usize>, op: Op, i: usize) -> Option<Assignment> {
    let mut i = skip_spaces(line, i);
    if op == Op::Element {
        let end = memchr::memchr(b'<', &line[i..]).map_or(line.len(), |p| i + p);
        let v = trim(line, i..end);
        return Some(Assignment {
            name,
            value: v,
            op,
            quote: None,
            expression: false,
            scheme: false,
            string_check: false,
            nested: false,
        });
    }
    // `["v1", "v2"]`, `['v']`: the first element of a list of literals.
    if line.get(i) == Some(&b'[')
        && matches!(line.get(skip_spaces(line, i + 1)), Some(b'"' | b'\''))
    {
        i = skip_spaces(line, i + 1);
    }
    // `Some("v")`, `String::from("v")`, `new String("v")`, `SecretStr("v")`: a wrapper around a
    // literal (never a call that computes: `getenv("X")` is not a wrapper).
    for wrapper in [
        &b"Some("[..],
        b"String::from(",
        b"new String(",
        b"String(",
        b"SecretStr(",
        b"SecretString::new(",
        b"Secret::new(",
        b"Optional.of(",
        b"Password(",
        b"str(",
        b"Base64.decode(",
        b"base64.b64decode(",
        b"b64decode(",
        b"unhexlify(",
        b"bytes.fromhex(",
        b"hex.DecodeString(",
        b"Buffer.from(",
        b"atob(",
        b"base64Decode(",
        b"base64_decode(",
        b"Base64.getDecoder().decode(",
        b"Convert.FromBase64String(",
    ] {
        if line[i..].starts_with(wrapper)
            && matches!(line.get(i + wrapper.len()), Some(b'"' | b'\''))
        {
            i += wrapper.len();
            break;
        }
    }
    // String prefixes: Python `r"`/`b"`/`f"`, C# `@"`/`$"`, C++ `L"`, Rust `r#"` is rare.
    if let (Some(&p), Some(&q)) = (line.get(i), line.get(i + 1))
        && matches!(
            p,
            b'r' | b'b' | b'u' | b'f' | b'R' | b'B' | b'U' | b'@' | b'$' | b'L'
        )
        && matches!(q, b'"' | b'\'')
    {
        i += 1;
    }
    // `Authorization: Bearer <token>` unquoted: the credential is the word after the scheme.
    let mut scheme = false;
    for word in [&b"bearer "[..], b"basic ", b"token ", b"bot "] {
        if line.len() > i + word.len() && line[i..i + word.len()].eq_ignore_ascii_case(word) {
            i = skip_spaces(line, i + word.len());
            scheme = true;
            break;
        }
    }
    // `\"value\"`: a string inside a JSON or code string ends at the next escaped quote.
    let escaped = line.get(i) == Some(&b'\\') && matches!(line.get(i + 1), Some(b'"' | b'\''));
    if escaped {
        i += 1;
    }
    let quote = match line.get(i) {
        Some(&q @ (b'"' | b'\'' | b'`')) => Some(q),
        _ => None,
    };
    let (mut v, expression) = match quote {
        Some(q) if escaped => {
            let start = i + 1;
            let end = line[start..]
                .windows(2)
                .position(|w| w[0] == b'\\' && w[1] == q)
                .map(|p| start + p)?;
            (start..end, false)
        }
        Some(q) => {
            let start = i + 1;
            let mut j = start;
            while j < line.len() && line[j] != q {
                if line[j] == b'\\' {
                    j += 1;
                }
                j += 1;
            }
            if j >= line.len() {
                return None;
            }
            // `"abc" + x`, `"abc".format(...)`: the literal is only part of the value.
            let k = skip_spaces(line, j + 1);
            let expression = (matches!(line.get(k), Some(b'+' | b'.' | b'%'))
                && !matches!(line.get(k + 1), Some(b' ' | b'\t') | None)
                || line.get(k) == Some(&b'+'))
                && !literal_conversion(&line[k..]);
            (start..j, expression)
        }
        None => {
            let start = i;
            let mut j = start;
            while j < line.len() {
                let c = line[j];
                if c.is_ascii_whitespace()
                    || matches!(
                        c,
                        b';' | b',' | b'&' | b')' | b']' | b'}' | b'<' | b'"' | b'\''
                    )
                    || (c == b'>' && op != Op::Space)
                {
                    break;
                }
                j += 1;
            }
            let expression = matches!(line.get(j), Some(b'(' | b'[' | b'+'))
                || line[start..j].contains(&b'(')
                || matches!(line.get(skip_spaces(line, j)), Some(b'+' | b'?'));
            (start..j, expression)
        }
    };
    // `"\"v\""`: a string literal whose content is itself quoted, as Gradle's
    // `buildConfigField "String", "API_KEY", "\"v\""` writes a Java string into generated code.
    if !escaped && quote.is_some() && v.len() > 4 {
        let body = &line[v.clone()];
        let (first, last) = (&body[..2], &body[body.len() - 2..]);
        if first[0] == b'\\' && matches!(first[1], b'"' | b'\'') && first == last {
            v = v.start + 2..v.end - 2;
        }
    }
    // `"Bearer <token>"`, `"Basic <b64>"` quoted: the credential is the word after.
    let body = &line[v.clone()];
    for word in [&b"bearer "[..], b"basic ", b"token ", b"bot "] {
        if body.len() > word.len() && body[..word.len()].eq_ignore_ascii_case(word) {
            let s = skip_spaces(line, v.start + word.len());
            let mut e = s;
            while e < v.end && !line[e].is_ascii_whitespace() {
                e += 1;
            }
            v = s..e;
            scheme = true;
            break;
        }
    }
    // A call's argument is a value only when it is a literal.
    if v.is_empty() || (op == Op::Call && quote.is_none()) {
        return None;
    }
    // `"{\"key\": \"v\"}"`: a JSON document as the value; its longest string is the secret.
    let mut nested = false;
    if line[v.clone()].starts_with(b"{")
        && let Some(inner) = longest_nested_string(line, v.clone())
    {
        v = inner;
        nested = true;
    }
    Some(Assignment {
        name,
        value: v,
        op,
        quote,
        expression,
        scheme,
        string_check: false,
        nested,
    })
}

/// `.freeze`, `.encode('utf-8')`, `.getBytes()`, `.to_string()` after a literal: the same
/// characters in another type (Ruby's frozen string, bytes, an owned string), not a
/// computation on them.
fn literal_conversion(rest: &[u8]) -> bool {
    const METHODS: &[&[u8]] = &[
        b".freeze",
        b".encode(",
        b".getBytes(",
        b".toCharArray(",
        b".as_bytes(",
        b".to_string(",
        b".to_owned(",
        b".into(",
        b".toString(",
        b".bytes(",
        b".strip(",
        b".trim(",
    ];
    METHODS.iter().any(|m| {
        rest.starts_with(m)
            && rest[m.len()..]
                .first()
                .is_none_or(|c| !c.is_ascii_alphanumeric() && *c != b'_')
    })
}

/// The longest string literal (at least 8 bytes) inside `r`, quoted with `"` or `\"`.
fn longest_nested_string(line: &[u8], r: Range<usize>) -> Option<Range<usize>> {
    let body = &line[r.clone()];
    let mut best: Option<Range<usize>> = None;
    let mut i = 0;
    while i < body.len() {
        if body[i] == b'"' {
            let start = i + 1;
            let mut j = start;
            while j < body.len() && body[j] != b'"' && body[j] != b'\\' {
                j += 1;
            }
            if j - start >= 8 && best.as_ref().is_none_or(|b| j - start > b.len()) {
                best = Some(r.start + start..r.start + j);
            }
            i = j + 1;
        } else {
            i += 1;
        }
    }
    best
}

fn trim(line: &[u8], mut r: Range<usize>) -> Range<usize> {
    while r.start < r.end && line[r.start].is_ascii_whitespace() {
        r.start += 1;
    }
    while r.end > r.start && line[r.end - 1].is_ascii_whitespace() {
        r.end -= 1;
    }
    r
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(line: &str, word: &str) -> Option<(String, String, Op)> {
        let hit = line.to_ascii_lowercase().find(word).unwrap();
        at(line.as_bytes(), hit)
            .map(|a| (line[a.name].to_string(), line[a.value].to_string(), a.op))
    }

    fn value_of(line: &str, word: &str) -> Option<String> {
        parse(line, word).map(|p| p.1)
    }

    #[test]
    fn a_quoted_string_inside_a_string_is_its_content() {
        // Gradle writes a Java string literal into generated code.
        assert_eq!(
            value_of(
                r#"buildConfigField "String", "API_KEY", "\"7c4e9a2f\"""#,
                "key"
            )
            .as_deref(),
            Some("7c4e9a2f")
        );
        assert_eq!(
            value_of(r#"api_key = '\'7c4e9a2f\''"#, "key").as_deref(),
            Some("7c4e9a2f")
        );
        // One escaped quote at one end only is part of the value.
        assert_eq!(
            value_of(r#"password = "\"7c4e9a2f""#, "password").as_deref(),
            Some(r#"\"7c4e9a2f"#)
        );
    }

    #[test]
    fn the_shapes_of_assignment() {
        let cases = [
            (
                "DB_PASSWORD=hunter2xyz",
                "password",
                "hunter2xyz",
                Op::Assign,
            ),
            ("password = \"s3cr3t!\"", "password", "s3cr3t!", Op::Assign),
            (
                "  \"password\": \"s3cr3t!\",",
                "password",
                "s3cr3t!",
                Op::Colon,
            ),
            ("'password' => 'abc123x',", "password", "abc123x", Op::Arrow),
            ("pass := \"abc123x\"", "pass", "abc123x", Op::Assign),
            (
                "cfg.setPassword(\"abc123x\");",
                "password",
                "abc123x",
                Op::Call,
            ),
            (
                "props.put(\"password\", \"abc123x\");",
                "password",
                "abc123x",
                Op::Comma,
            ),
            (
                "mysqladmin --password abc123x",
                "password",
                "abc123x",
                Op::Flag,
            ),
            (
                "run --password=abc123x now",
                "password",
                "abc123x",
                Op::Flag,
            ),
            (
                "<password>abc123x</password>",
                "password",
                "abc123x",
                Op::Element,
            ),
            (
                "<db password=\"abc123x\"/>",
                "password",
                "abc123x",
                Op::Assign,
            ),
            (
                "Server=db;User Id=sa;Password=abc123x;",
                "password",
                "abc123x",
                Op::Assign,
            ),
            (
                "if password == \"abc123x\":",
                "password",
                "abc123x",
                Op::Compare,
            ),
            ("$smtp_pass = 'abc123x';", "pass", "abc123x", Op::Assign),
            (
                "password: abc123x # comment",
                "password",
                "abc123x",
                Op::Colon,
            ),
            (
                "String password = r\"abc123x\";",
                "password",
                "abc123x",
                Op::Assign,
            ),
            ("params['api_key'] = 'k3y'", "key", "k3y", Op::Assign),
            ("requirepass abc123x", "pass", "abc123x", Op::Space),
            (
                "\"tokens\":[\"75a785ff\",\"415dfee5\"]",
                "token",
                "75a785ff",
                Op::Colon,
            ),
            (
                "  password = Some(\"tcvnpo\"),",
                "password",
                "tcvnpo",
                Op::Assign,
            ),
            (
                "Rubeus.exe hash /password:'l@yizymc!'",
                "password",
                "l@yizymc!",
                Op::Flag,
            ),
            (
                "\"{\\\"access_token\\\":\\\"abc123x\\\"}\"",
                "token",
                "abc123x",
                Op::Colon,
            ),
            (
                "oauth_consumer_key=\\\"abc123x\\\",oauth_x",
                "key",
                "abc123x",
                Op::Assign,
            ),
        ];
        for (line, word, v, op) in cases {
            let (_, gv, gop) = parse(line, word).unwrap_or_else(|| panic!("{line}: no assignment"));
            assert_eq!((gv.as_str(), gop), (v, op), "{line}");
        }
    }

    #[test]
    fn sql_statements_give_passwords() {
        for (line, v) in [
            (&b"CREATE USER blog WITH PASSWORD 'uigo2x';"[..], &b"uigo2x"[..]),
            (b"CREATE ROLE gitlab with LOGIN CREATEDB PASSWORD 'qjlldwes';", b"qjlldwes"),
            (b"ALTER LOGIN sa WITH PASSWORD = 'Zx9-kq2';", b"Zx9-kq2"),
            (b"mysql -e \"CREATE USER 'cacti'@'localhost' IDENTIFIED BY 'argriyjqr';\"", b"argriyjqr"),
            (
                b"ALTER USER 'root'@'localhost' IDENTIFIED WITH mysql_native_password BY 'bjy-jbpu';",
                b"bjy-jbpu",
            ),
        ] {
            let text = String::from_utf8_lossy(line).to_ascii_lowercase();
            let kw = if text.contains("identified") { "identified" } else { "password" };
            let hit = text.rfind(kw).unwrap();
            let a = at(line, hit).unwrap_or_else(|| panic!("{}", String::from_utf8_lossy(line)));
            assert_eq!(&line[a.value], v);
        }
        // Not a statement, or not a literal.
        let bare = b"IDENTIFIED BY 'x1z2'";
        assert!(at(bare, 0).is_none_or(|a| &bare[a.value] != b"x1z2"));
        assert!(at(b"CREATE USER x WITH PASSWORD :pw;", 26).is_none_or(|a| a.quote.is_none()));
    }

    /// The byte-by-byte reading `inside_string` replaced, for the test below.
    fn inside_string_bytewise(line: &[u8], at: usize) -> bool {
        let mut open: Option<u8> = None;
        let mut i = 0;
        while i < at {
            let c = line[i];
            if c == b'\\' {
                i += 2;
                continue;
            }
            match open {
                Some(q) if c == q => open = None,
                None if c == b'"' || c == b'\'' => open = Some(c),
                _ => {}
            }
            i += 1;
        }
        open.is_some()
    }

    #[test]
    fn inside_string_agrees_with_reading_every_byte() {
        // Every line of four bytes over quotes, backslashes and a letter, at every offset, and
        // a long minified-looking line.
        let alphabet = [b'"', b'\'', b'\\', b'a'];
        for n in 0..256usize {
            let line: Vec<u8> = (0..4).map(|k| alphabet[(n >> (2 * k)) & 3]).collect();
            for at in 0..=line.len() {
                assert_eq!(
                    inside_string(&line, at),
                    inside_string_bytewise(&line, at),
                    "{:?} at {at}",
                    String::from_utf8_lossy(&line)
                );
            }
        }
        let long = br#"var a="x\"y",b='it\'s "q"',c=f("\\");d={"k":'v'};"#.repeat(40);
        for at in 0..=long.len() {
            assert_eq!(
                inside_string(&long, at),
                inside_string_bytewise(&long, at),
                "{at}"
            );
        }
    }

    #[test]
    fn names_inside_strings() {
        let line = b"body = \"oauth_token=vt2q56n7&oauth_token_secret=lghm7395\";";
        let hit = 14;
        let a = at(line, hit).unwrap();
        assert!(a.in_string(line) && a.quote.is_none(), "{a:?}");
        assert_eq!(&line[a.value], b"vt2q56n7");
        let line = b"token = abc123x";
        assert!(!at(line, 0).unwrap().in_string(line));
    }

    #[test]
    fn schemes_and_expressions() {
        let a = at(b"Authorization: Bearer abc.def.ghi", 0).unwrap();
        assert!(a.scheme);
        assert_eq!(
            &b"Authorization: Bearer abc.def.ghi"[a.value],
            b"abc.def.ghi"
        );
        let line = b"password = getenv(\"X\")";
        let a = at(line, 0).unwrap();
        assert!(a.expression, "{a:?}");
        let line = b"password = \"abc\" + suffix";
        assert!(at(line, 0).unwrap().expression);
        let line = b"password = \"abc\".format(x)";
        assert!(at(line, 0).unwrap().expression);
        // The same characters in another type are still the literal.
        for (line, hit) in [
            (&b"TOKEN = 'LwQeHbWxOaNxFy'.freeze"[..], 0),
            (b"self.key = 'gSmMAPVw8HZsCE'.encode('utf-8')", 5),
            (b"byte[] key = \"kq9Zy7mhzEtb\".getBytes();", 7),
        ] {
            let a = at(line, hit).unwrap();
            assert!(!a.expression, "{}", String::from_utf8_lossy(line));
        }
        let line = b"byte[] keyBytes = base64Decode(\"gKkvywOCWY9Zy7mhzEtbKi==\");";
        assert_eq!(
            &line[at(line, 7).unwrap().value],
            b"gKkvywOCWY9Zy7mhzEtbKi=="
        );
    }

    #[test]
    fn not_assignments() {
        // `.netrc` puts `password` mid-line, which no assignment shape here covers (netrc.toml
        // reads it).
        assert_eq!(
            value_of("machine h login u password abc123x", "password"),
            None
        );
        assert_eq!(
            value_of("arn:aws:secretsmanager:us-east-1:1:secret:db-x1", "secret"),
            None
        );
        assert_eq!(value_of("uri://user:pass@host.acme-corp.io", "pass"), None);
        assert_eq!(value_of("the password is wrong", "password"), None);
        assert_eq!(value_of("Password::hash($x)", "password"), None);
        assert_eq!(value_of("password = \"unterminated", "password"), None);
        assert_eq!(value_of("password = ''", "password"), None);
    }
}
