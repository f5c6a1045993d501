//! The small expression language of derived datasets: `filter`, `derive`
//! and `aggregate` in `data/*.yaml`.
//!
//! Numbers, strings, `true`/`false`, field names, `+ - * /`, parentheses,
//! comparisons, `and`, `or`, `not`, and the functions `abs`, `round(x, n)`,
//! `log10`, `min`, `max`. A missing value (an empty cell) makes arithmetic
//! missing too, rather than zero, so aggregates can skip and count it.

use std::fmt;

use crate::datasets::Value;

/// A parsed expression. Field names are bound to column indexes before
/// evaluation, so rows are read by position.
#[derive(Clone, Debug, PartialEq)]
pub enum Expr {
    Number(f64),
    Text(String),
    Bool(bool),
    /// A field, with the character offset where it was written.
    Field {
        name: String,
        at: usize,
        index: Option<usize>,
    },
    Neg(Box<Expr>),
    Not(Box<Expr>),
    Binary(BinOp, Box<Expr>, Box<Expr>),
    Call {
        name: String,
        at: usize,
        args: Vec<Expr>,
    },
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BinOp {
    Add,
    Sub,
    Mul,
    Div,
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
    And,
    Or,
}

impl BinOp {
    fn symbol(self) -> &'static str {
        match self {
            BinOp::Add => "+",
            BinOp::Sub => "-",
            BinOp::Mul => "*",
            BinOp::Div => "/",
            BinOp::Eq => "==",
            BinOp::Ne => "!=",
            BinOp::Lt => "<",
            BinOp::Le => "<=",
            BinOp::Gt => ">",
            BinOp::Ge => ">=",
            BinOp::And => "and",
            BinOp::Or => "or",
        }
    }
}

/// A problem in an expression, at a character offset in it.
#[derive(Clone, Debug, PartialEq)]
pub struct ExprError {
    pub at: usize,
    pub message: String,
    /// A likely fix, such as the closest field name.
    pub hint: Option<String>,
}

impl fmt::Display for ExprError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

fn error(at: usize, message: impl Into<String>) -> ExprError {
    ExprError { at, message: message.into(), hint: None }
}

/// Functions a row expression may call, with their number of arguments.
pub const FUNCTIONS: &[(&str, usize)] = &[("abs", 1), ("round", 2), ("log10", 1), ("min", 2), ("max", 2)];

// ---------------------------------------------------------------- lexing

#[derive(Clone, Debug, PartialEq)]
enum Token {
    Number(f64),
    Text(String),
    Ident(String),
    Op(&'static str),
    Open,
    Close,
    Comma,
}

fn lex(src: &str) -> Result<Vec<(Token, usize)>, ExprError> {
    let chars: Vec<char> = src.chars().collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        let start = i;
        if c.is_whitespace() {
            i += 1;
            continue;
        }
        if c.is_ascii_digit() || (c == '.' && chars.get(i + 1).is_some_and(char::is_ascii_digit)) {
            while i < chars.len() && (chars[i].is_ascii_digit() || chars[i] == '.') {
                i += 1;
            }
            let text: String = chars[start..i].iter().collect();
            let n: f64 = text.parse().map_err(|_| error(start, format!("`{text}` is not a number")))?;
            if !n.is_finite() {
                return Err(error(start, format!("`{text}` is too large a number")));
            }
            out.push((Token::Number(n), start));
            continue;
        }
        if c.is_alphabetic() || c == '_' {
            while i < chars.len() && (chars[i].is_alphanumeric() || chars[i] == '_') {
                i += 1;
            }
            out.push((Token::Ident(chars[start..i].iter().collect()), start));
            continue;
        }
        if c == '"' || c == '\'' {
            i += 1;
            while i < chars.len() && chars[i] != c {
                i += 1;
            }
            if i == chars.len() {
                return Err(error(start, "this text has no closing quote"));
            }
            out.push((Token::Text(chars[start + 1..i].iter().collect()), start));
            i += 1;
            continue;
        }
        let two: String = chars[i..(i + 2).min(chars.len())].iter().collect();
        let op = match two.as_str() {
            "==" => Some("=="),
            "!=" => Some("!="),
            "<=" => Some("<="),
            ">=" => Some(">="),
            _ => None,
        };
        if let Some(op) = op {
            out.push((Token::Op(op), start));
            i += 2;
            continue;
        }
        let token = match c {
            '+' => Token::Op("+"),
            '-' => Token::Op("-"),
            '*' => Token::Op("*"),
            '/' => Token::Op("/"),
            '<' => Token::Op("<"),
            '>' => Token::Op(">"),
            '(' => Token::Open,
            ')' => Token::Close,
            ',' => Token::Comma,
            '=' => {
                return Err(ExprError {
                    hint: Some("compare with `==`".into()),
                    ..error(start, "a single `=`")
                });
            }
            other => return Err(error(start, format!("unexpected `{other}`"))),
        };
        out.push((token, start));
        i += 1;
    }
    Ok(out)
}

// ---------------------------------------------------------------- parsing

struct Parser {
    tokens: Vec<(Token, usize)>,
    pos: usize,
    end: usize,
    /// How many nested `or`, `not` and `-` are open.
    depth: usize,
}

/// How deeply an expression may nest (parentheses, calls, `not`, `-`),
/// and how many words, numbers and signs it may have: the evaluator walks
/// the tree recursively, and a filter of a few thousand parentheses must be
/// an error, not a stack overflow.
pub const MAX_DEPTH: usize = 32;
pub const MAX_TOKENS: usize = 1_000;

/// Parses `src` into an expression.
pub fn parse(src: &str) -> Result<Expr, ExprError> {
    let tokens = lex(src)?;
    if let Some((_, at)) = tokens.get(MAX_TOKENS) {
        return Err(ExprError {
            at: *at,
            message: format!("the expression is longer than {MAX_TOKENS} words, numbers and signs"),
            hint: Some("split it into several `derive` lines".into()),
        });
    }
    let mut p = Parser { tokens, pos: 0, end: src.chars().count(), depth: 0 };
    if p.tokens.is_empty() {
        return Err(error(0, "the expression is empty"));
    }
    let e = p.or()?;
    match p.tokens.get(p.pos) {
        None => Ok(e),
        Some((t, at)) => Err(error(*at, format!("unexpected {} after a complete expression", describe(t)))),
    }
}

fn describe(t: &Token) -> String {
    match t {
        Token::Number(n) => format!("number `{n}`"),
        Token::Text(s) => format!("text \"{s}\""),
        Token::Ident(s) => format!("`{s}`"),
        Token::Op(o) => format!("`{o}`"),
        Token::Open => "`(`".into(),
        Token::Close => "`)`".into(),
        Token::Comma => "`,`".into(),
    }
}

impl Parser {
    fn peek(&self) -> Option<&Token> {
        self.tokens.get(self.pos).map(|(t, _)| t)
    }

    fn at(&self) -> usize {
        self.tokens.get(self.pos).map_or(self.end, |(_, a)| *a)
    }

    fn keyword(&self, word: &str) -> bool {
        matches!(self.peek(), Some(Token::Ident(w)) if w == word)
    }

    /// Runs `f` one level deeper, or fails past [`MAX_DEPTH`].
    fn nested(&mut self, f: impl FnOnce(&mut Self) -> Result<Expr, ExprError>) -> Result<Expr, ExprError> {
        if self.depth >= MAX_DEPTH {
            return Err(ExprError {
                at: self.at(),
                message: format!("the expression nests more than {MAX_DEPTH} levels deep"),
                hint: Some("remove parentheses, or split it into several `derive` lines".into()),
            });
        }
        self.depth += 1;
        let e = f(self);
        self.depth -= 1;
        e
    }

    fn or(&mut self) -> Result<Expr, ExprError> {
        self.nested(Self::or_chain)
    }

    fn or_chain(&mut self) -> Result<Expr, ExprError> {
        let mut left = self.and()?;
        while self.keyword("or") {
            self.pos += 1;
            left = Expr::Binary(BinOp::Or, Box::new(left), Box::new(self.and()?));
        }
        Ok(left)
    }

    fn and(&mut self) -> Result<Expr, ExprError> {
        let mut left = self.not()?;
        while self.keyword("and") {
            self.pos += 1;
            left = Expr::Binary(BinOp::And, Box::new(left), Box::new(self.not()?));
        }
        Ok(left)
    }

    fn not(&mut self) -> Result<Expr, ExprError> {
        if self.keyword("not") {
            self.pos += 1;
            return Ok(Expr::Not(Box::new(self.nested(Self::not)?)));
        }
        self.comparison()
    }

    fn comparison(&mut self) -> Result<Expr, ExprError> {
        let left = self.sum()?;
        let op = match self.peek() {
            Some(Token::Op("==")) => BinOp::Eq,
            Some(Token::Op("!=")) => BinOp::Ne,
            Some(Token::Op("<")) => BinOp::Lt,
            Some(Token::Op("<=")) => BinOp::Le,
            Some(Token::Op(">")) => BinOp::Gt,
            Some(Token::Op(">=")) => BinOp::Ge,
            _ => return Ok(left),
        };
        self.pos += 1;
        Ok(Expr::Binary(op, Box::new(left), Box::new(self.sum()?)))
    }

    fn sum(&mut self) -> Result<Expr, ExprError> {
        let mut left = self.product()?;
        loop {
            let op = match self.peek() {
                Some(Token::Op("+")) => BinOp::Add,
                Some(Token::Op("-")) => BinOp::Sub,
                _ => return Ok(left),
            };
            self.pos += 1;
            left = Expr::Binary(op, Box::new(left), Box::new(self.product()?));
        }
    }

    fn product(&mut self) -> Result<Expr, ExprError> {
        let mut left = self.unary()?;
        loop {
            let op = match self.peek() {
                Some(Token::Op("*")) => BinOp::Mul,
                Some(Token::Op("/")) => BinOp::Div,
                _ => return Ok(left),
            };
            self.pos += 1;
            left = Expr::Binary(op, Box::new(left), Box::new(self.unary()?));
        }
    }

    fn unary(&mut self) -> Result<Expr, ExprError> {
        if self.peek() == Some(&Token::Op("-")) {
            self.pos += 1;
            return Ok(Expr::Neg(Box::new(self.nested(Self::unary)?)));
        }
        self.atom()
    }

    fn atom(&mut self) -> Result<Expr, ExprError> {
        let at = self.at();
        let Some((token, _)) = self.tokens.get(self.pos).cloned() else {
            return Err(error(at, "the expression ends too early"));
        };
        self.pos += 1;
        match token {
            Token::Number(n) => Ok(Expr::Number(n)),
            Token::Text(s) => Ok(Expr::Text(s)),
            Token::Ident(w) if w == "true" => Ok(Expr::Bool(true)),
            Token::Ident(w) if w == "false" => Ok(Expr::Bool(false)),
            Token::Ident(name) if self.peek() == Some(&Token::Open) => {
                self.pos += 1;
                let mut args = Vec::new();
                if self.peek() != Some(&Token::Close) {
                    loop {
                        args.push(self.or()?);
                        if self.peek() == Some(&Token::Comma) {
                            self.pos += 1;
                        } else {
                            break;
                        }
                    }
                }
                self.expect_close(at)?;
                Ok(Expr::Call { name, at, args })
            }
            Token::Ident(name) => Ok(Expr::Field { name, at, index: None }),
            Token::Open => {
                let e = self.or()?;
                self.expect_close(at)?;
                Ok(e)
            }
            other => Err(error(at, format!("expected a value, found {}", describe(&other)))),
        }
    }

    fn expect_close(&mut self, opened: usize) -> Result<(), ExprError> {
        if self.peek() == Some(&Token::Close) {
            self.pos += 1;
            Ok(())
        } else {
            Err(ExprError {
                hint: Some(format!("the `(` at character {} is not closed", opened + 1)),
                ..error(self.at(), "expected `)`")
            })
        }
    }
}

// ---------------------------------------------------------------- binding

impl Expr {
    /// Binds field names to the indexes of `columns`; the first unknown
    /// name is an error with the closest known one.
    pub fn bind(&mut self, columns: &[String]) -> Result<(), ExprError> {
        match self {
            Expr::Field { name, at, index } => match columns.iter().position(|c| c == name) {
                Some(i) => {
                    *index = Some(i);
                    Ok(())
                }
                None => {
                    let hint = crate::diagnostics::closest(name, columns.iter().map(String::as_str))
                        .map(|c| format!("did you mean `{c}`?"))
                        .or_else(|| Some(format!("fields are `{}`", columns.join("`, `"))));
                    Err(ExprError { at: *at, message: format!("unknown field `{name}`"), hint })
                }
            },
            Expr::Neg(e) | Expr::Not(e) => e.bind(columns),
            Expr::Binary(_, a, b) => {
                a.bind(columns)?;
                b.bind(columns)
            }
            Expr::Call { name, at, args } => {
                match FUNCTIONS.iter().find(|(f, _)| f == name) {
                    Some((_, n)) if *n != args.len() => {
                        return Err(error(
                            *at,
                            format!("`{name}` takes {n} argument{}", if *n == 1 { "" } else { "s" }),
                        ));
                    }
                    None => {
                        let hint = crate::diagnostics::closest(name, FUNCTIONS.iter().map(|(f, _)| *f))
                            .map(|c| format!("did you mean `{c}`?"));
                        return Err(ExprError {
                            at: *at,
                            message: format!("unknown function `{name}`"),
                            hint,
                        });
                    }
                    _ => {}
                }
                args.iter_mut().try_for_each(|a| a.bind(columns))
            }
            _ => Ok(()),
        }
    }

    /// Evaluates a bound expression on one row.
    pub fn eval<C: Cells + ?Sized>(&self, row: &C) -> Result<Value, ExprError> {
        match self {
            Expr::Number(n) => Ok(Value::Number(*n)),
            Expr::Text(s) => Ok(Value::Text(s.clone())),
            Expr::Bool(b) => Ok(Value::Bool(*b)),
            Expr::Field { index, at, name } => match index {
                Some(i) => Ok(row.cell(*i)),
                None => Err(error(*at, format!("field `{name}` is not bound"))),
            },
            Expr::Neg(e) => match e.eval(row)? {
                Value::Number(n) => Ok(Value::Number(-n)),
                Value::Null => Ok(Value::Null),
                other => Err(error(0, format!("cannot negate {}", type_name(&other)))),
            },
            Expr::Not(e) => match e.eval(row)? {
                Value::Bool(b) => Ok(Value::Bool(!b)),
                Value::Null => Ok(Value::Null),
                other => Err(error(0, format!("`not` needs true or false, found {}", type_name(&other)))),
            },
            Expr::Binary(op, a, b) => binary(*op, a.eval(row)?, b.eval(row)?),
            Expr::Call { name, args, at } => {
                let values = args.iter().map(|a| a.eval(row)).collect::<Result<Vec<_>, _>>()?;
                call(name, &values).map_err(|m| error(*at, m))
            }
        }
    }
}

/// The fields of one row, as an expression reads them: by bound index.
pub trait Cells {
    fn cell(&self, index: usize) -> Value;
}

impl Cells for [Value] {
    fn cell(&self, index: usize) -> Value {
        self.get(index).cloned().unwrap_or(Value::Null)
    }
}

fn type_name(v: &Value) -> &'static str {
    match v {
        Value::Null => "a missing value",
        Value::Bool(_) => "true/false",
        Value::Number(_) => "a number",
        Value::Text(_) => "text",
    }
}

fn binary(op: BinOp, a: Value, b: Value) -> Result<Value, ExprError> {
    use Value::*;
    let mismatch = |a: &Value, b: &Value| {
        error(0, format!("`{}` cannot combine {} and {}", op.symbol(), type_name(a), type_name(b)))
    };
    match op {
        BinOp::And | BinOp::Or => match (&a, &b) {
            (Bool(x), Bool(y)) => Ok(Bool(if op == BinOp::And { *x && *y } else { *x || *y })),
            (Null, _) | (_, Null) => Ok(Null),
            _ => Err(mismatch(&a, &b)),
        },
        BinOp::Eq | BinOp::Ne => match (&a, &b) {
            (Null, _) | (_, Null) => Ok(Null),
            _ if std::mem::discriminant(&a) != std::mem::discriminant(&b) => Err(mismatch(&a, &b)),
            _ => Ok(Bool((a == b) == (op == BinOp::Eq))),
        },
        BinOp::Lt | BinOp::Le | BinOp::Gt | BinOp::Ge => {
            let ord = match (&a, &b) {
                (Null, _) | (_, Null) => return Ok(Null),
                (Number(x), Number(y)) => x.partial_cmp(y),
                (Text(x), Text(y)) => Some(x.cmp(y)),
                _ => return Err(mismatch(&a, &b)),
            };
            let Some(ord) = ord else { return Ok(Null) };
            Ok(Bool(match op {
                BinOp::Lt => ord.is_lt(),
                BinOp::Le => ord.is_le(),
                BinOp::Gt => ord.is_gt(),
                _ => ord.is_ge(),
            }))
        }
        BinOp::Add | BinOp::Sub | BinOp::Mul | BinOp::Div => match (&a, &b) {
            (Null, _) | (_, Null) => Ok(Null),
            (Number(x), Number(y)) => finite(match op {
                BinOp::Add => x + y,
                BinOp::Sub => x - y,
                BinOp::Mul => x * y,
                _ if *y == 0.0 => return Err(error(0, "division by zero")),
                _ => x / y,
            })
            .map_err(|m| error(0, m)),
            _ => Err(mismatch(&a, &b)),
        },
    }
}

fn call(name: &str, args: &[Value]) -> Result<Value, String> {
    if args.iter().any(Value::is_null) {
        return Ok(Value::Null);
    }
    let n = |i: usize| -> Result<f64, String> {
        args[i].as_f64().ok_or_else(|| format!("`{name}` needs numbers, found {}", type_name(&args[i])))
    };
    let v = match name {
        "abs" => n(0)?.abs(),
        "round" => match n(1)?.round() {
            d if (0.0..=crate::format::MAX_DECIMALS as f64).contains(&d) => {
                crate::format::round(n(0)?, d as usize)
            }
            d => {
                let scale = 10f64.powi(d as i32);
                (n(0)? * scale).round() / scale
            }
        },
        "log10" if n(0)? <= 0.0 => return Err(format!("`log10` of {} is undefined", n(0)?)),
        "log10" => n(0)?.log10(),
        "min" => n(0)?.min(n(1)?),
        "max" => n(0)?.max(n(1)?),
        other => return Err(format!("unknown function `{other}`")),
    };
    finite(v)
}

/// A result that is infinite or not a number (an overflow, `round(x, 400)`)
/// is an error, like a division by zero: never a figure to publish.
fn finite(v: f64) -> Result<Value, String> {
    if v.is_finite() {
        Ok(Value::Number(v))
    } else {
        Err("the result is not a finite number (too large to hold)".into())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn deep_or_long_expressions_are_errors_not_crashes() {
        let deep = format!("{}1{}", "(".repeat(400), ")".repeat(400));
        assert!(parse(&deep).unwrap_err().message.contains("nests more than 32"));
        let negs = format!("{}1", "-".repeat(400));
        assert!(parse(&negs).unwrap_err().message.contains("nests more than 32"));
        let nots = format!("{}true", "not ".repeat(400));
        assert!(parse(&nots).unwrap_err().message.contains("nests more than 32"));
        let long = vec!["a"; 5000].join(" + ");
        assert!(parse(&long).unwrap_err().message.contains("longer than 1000"));
        assert!(parse(&format!("{}1{}", "(".repeat(30), ")".repeat(30))).is_ok());
    }

    #[test]
    fn results_that_are_not_finite_are_errors() {
        assert!(eval("round(2.5, 400)", &[], &[]).unwrap_err().message.contains("not a finite number"));
        assert!(eval("a * a", &["a"], &[num(1e200)]).unwrap_err().message.contains("not a finite number"));
        let huge = format!("1{}", "0".repeat(400));
        assert!(parse(&huge).unwrap_err().message.contains("too large a number"));
    }

    fn eval(src: &str, columns: &[&str], row: &[Value]) -> Result<Value, ExprError> {
        let mut e = parse(src)?;
        e.bind(&columns.iter().map(|s| s.to_string()).collect::<Vec<_>>())?;
        e.eval(row)
    }

    fn num(v: f64) -> Value {
        Value::Number(v)
    }

    #[test]
    fn arithmetic_follows_precedence() {
        assert_eq!(eval("1 + 2 * 3", &[], &[]), Ok(num(7.0)));
        assert_eq!(eval("(1 + 2) * 3", &[], &[]), Ok(num(9.0)));
        assert_eq!(eval("-2 * -3", &[], &[]), Ok(num(6.0)));
        assert_eq!(eval("10 / 4 - 1", &[], &[]), Ok(num(1.5)));
        let row = [num(120.0), num(30.0), num(1000.0)];
        assert_eq!(
            eval("(likes + comments) / followers * 100", &["likes", "comments", "followers"], &row),
            Ok(num(15.0))
        );
    }

    #[test]
    fn comparisons_and_logic() {
        let row = [Value::Text("Instagram".into()), num(1500.0), Value::Bool(true)];
        let cols = ["platform", "followers", "sponsored"];
        assert_eq!(
            eval("platform == \"Instagram\" and followers >= 1000", &cols, &row),
            Ok(Value::Bool(true))
        );
        assert_eq!(eval("not sponsored or followers < 10", &cols, &row), Ok(Value::Bool(false)));
        assert_eq!(eval("platform != 'TikTok'", &cols, &row), Ok(Value::Bool(true)));
    }

    #[test]
    fn functions() {
        assert_eq!(eval("round(2.345, 2)", &[], &[]), Ok(num(2.35)));
        assert_eq!(eval("abs(-3) + log10(1000) + min(2, 5) + max(2, 5)", &[], &[]), Ok(num(13.0)));
    }

    #[test]
    fn missing_values_stay_missing() {
        let row = [Value::Null, num(10.0)];
        assert_eq!(eval("a + b", &["a", "b"], &row), Ok(Value::Null));
        assert_eq!(eval("a > 3", &["a", "b"], &row), Ok(Value::Null));
        assert_eq!(eval("round(a, 1)", &["a", "b"], &row), Ok(Value::Null));
    }

    #[test]
    fn errors_say_where_and_what() {
        let e = eval("likes + comments", &["likes", "comment"], &[]).unwrap_err();
        assert_eq!((e.at, e.message.as_str()), (8, "unknown field `comments`"));
        assert_eq!(e.hint.as_deref(), Some("did you mean `comment`?"));
        let e = eval("a / b", &["a", "b"], &[num(1.0), num(0.0)]).unwrap_err();
        assert_eq!(e.message, "division by zero");
        let e = eval("a + 1", &["a"], &[Value::Text("x".into())]).unwrap_err();
        assert_eq!(e.message, "`+` cannot combine text and a number");
        let e = parse("a = 1").unwrap_err();
        assert_eq!((e.at, e.hint.as_deref()), (2, Some("compare with `==`")));
        let e = parse("(a + 1").unwrap_err();
        assert_eq!(e.message, "expected `)`");
        let e = eval("rond(a, 1)", &["a"], &[num(1.0)]).unwrap_err();
        assert_eq!(e.hint.as_deref(), Some("did you mean `round`?"));
        let e = eval("round(a)", &["a"], &[num(1.0)]).unwrap_err();
        assert_eq!(e.message, "`round` takes 2 arguments");
        assert!(parse("1 2").is_err() && parse("").is_err() && parse("'open").is_err());
    }
}
