//! Typed columns: how a dataset holds its cells.
//!
//! A raw export can hold a million rows, so cells are stored by column and
//! by type (eight bytes for a number, text in one buffer per column with
//! four bytes and a flag per cell) rather than as a row of [`Value`]s each,
//! with no allocation per cell. [`Row`] reads one row back as values for the code that thinks in
//! rows: charts, tables, prose.

use std::borrow::Cow;

use super::{Dataset, FieldType, Value, write_number};

/// One column's cells; `None` is an empty cell.
#[derive(Clone, Debug, PartialEq)]
pub enum Column {
    Numbers(Numbers),
    Bools(Vec<Option<bool>>),
    Texts(Texts),
}

/// A cell as read or computed, borrowing its text.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Cell<'a> {
    Null,
    Bool(bool),
    Number(f64),
    Text(&'a str),
}

impl<'a> From<&'a Value> for Cell<'a> {
    fn from(v: &'a Value) -> Cell<'a> {
        match v {
            Value::Null => Cell::Null,
            Value::Bool(b) => Cell::Bool(*b),
            Value::Number(n) => Cell::Number(*n),
            Value::Text(t) => Cell::Text(t),
        }
    }
}

impl From<Cell<'_>> for Value {
    fn from(c: Cell) -> Value {
        match c {
            Cell::Null => Value::Null,
            Cell::Bool(b) => Value::Bool(b),
            Cell::Number(n) => Value::Number(n),
            Cell::Text(t) => Value::Text(t.to_string()),
        }
    }
}

impl Cell<'_> {
    fn kind_of(&self, n: usize) -> Column {
        match self {
            Cell::Number(_) => Column::Numbers(Numbers::nulls(n)),
            Cell::Bool(_) => Column::Bools(vec![None; n]),
            _ => Column::Texts(Texts::nulls(n)),
        }
    }
}

/// Number cells. Whole numbers that fit in 32 bits (counts, followers,
/// likes: most cells of a raw export) take four bytes each, until the
/// column meets another number and all its cells take eight. A missing
/// value is stored as a marker no figure is: `i32::MIN`, or NaN (which
/// reading and computing refuse as a value).
#[derive(Clone, Debug)]
pub enum Numbers {
    Whole(Vec<i32>),
    Real(Vec<f64>),
}

/// A missing whole number.
const NO_WHOLE: i32 = i32::MIN;

/// `n` as a four-byte whole number, when it is one exactly.
fn whole(n: f64) -> Option<i32> {
    let fits = n.fract() == 0.0 && n > f64::from(NO_WHOLE) && n <= f64::from(i32::MAX);
    // -0 reads back as 0 from an i32: keep it as it is.
    (fits && !(n == 0.0 && n.is_sign_negative())).then_some(n as i32)
}

impl Default for Numbers {
    fn default() -> Numbers {
        Numbers::Whole(Vec::new())
    }
}

impl Numbers {
    pub fn nulls(n: usize) -> Numbers {
        Numbers::Whole(vec![NO_WHOLE; n])
    }

    pub fn len(&self) -> usize {
        match self {
            Numbers::Whole(v) => v.len(),
            Numbers::Real(v) => v.len(),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    pub fn get(&self, r: usize) -> Option<f64> {
        match self {
            Numbers::Whole(v) => Some(v[r]).filter(|n| *n != NO_WHOLE).map(f64::from),
            Numbers::Real(v) => Some(v[r]).filter(|n| !n.is_nan()),
        }
    }

    pub fn push(&mut self, n: Option<f64>) {
        match (self, n) {
            (Numbers::Whole(v), None) => v.push(NO_WHOLE),
            (Numbers::Real(v), n) => v.push(n.unwrap_or(f64::NAN)),
            (this @ Numbers::Whole(_), Some(n)) => match (whole(n), &mut *this) {
                (Some(w), Numbers::Whole(v)) => v.push(w),
                _ => {
                    this.make_real();
                    this.push(Some(n));
                }
            },
        }
    }

    pub fn iter(&self) -> impl Iterator<Item = Option<f64>> + '_ {
        (0..self.len()).map(|r| self.get(r))
    }

    /// Eight bytes a cell from now on.
    fn make_real(&mut self) {
        if let Numbers::Whole(v) = self {
            let real = v.iter().map(|&n| if n == NO_WHOLE { f64::NAN } else { f64::from(n) }).collect();
            *self = Numbers::Real(real);
        }
    }

    fn reserve(&mut self, n: usize) {
        match self {
            Numbers::Whole(v) => v.reserve(n),
            Numbers::Real(v) => v.reserve(n),
        }
    }

    fn extend(&mut self, other: Numbers) {
        match (&mut *self, other) {
            (Numbers::Whole(a), Numbers::Whole(b)) => a.extend(b),
            (_, other) => {
                self.make_real();
                if let Numbers::Real(a) = self {
                    a.extend(other.iter().map(|n| n.unwrap_or(f64::NAN)));
                }
            }
        }
    }
}

impl PartialEq for Numbers {
    fn eq(&self, other: &Numbers) -> bool {
        self.iter().eq(other.iter())
    }
}

impl FromIterator<Option<f64>> for Numbers {
    fn from_iter<I: IntoIterator<Item = Option<f64>>>(iter: I) -> Numbers {
        let mut numbers = Numbers::default();
        iter.into_iter().for_each(|n| numbers.push(n));
        numbers
    }
}

/// Text cells in one buffer. Offsets are four bytes: a column's text is
/// at most 4 GiB, which the limit on data files keeps it under.
#[derive(Clone, Debug, Default)]
pub struct Texts {
    data: String,
    /// Where each cell ends in `data`.
    ends: Vec<u32>,
    /// Which cells are empty (missing), as opposed to empty text.
    missing: Vec<bool>,
}

impl Texts {
    pub fn nulls(n: usize) -> Texts {
        Texts { data: String::new(), ends: vec![0; n], missing: vec![true; n] }
    }

    pub fn len(&self) -> usize {
        self.ends.len()
    }

    pub fn is_empty(&self) -> bool {
        self.ends.is_empty()
    }

    pub fn get(&self, r: usize) -> Option<&str> {
        let start = if r == 0 { 0 } else { self.ends[r - 1] as usize };
        (!self.missing[r]).then(|| &self.data[start..self.ends[r] as usize])
    }

    pub fn push(&mut self, t: Option<&str>) {
        self.data.push_str(t.unwrap_or(""));
        self.ends.push(offset(self.data.len()));
        self.missing.push(t.is_none());
    }

    pub fn iter(&self) -> impl Iterator<Item = Option<&str>> {
        (0..self.len()).map(|r| self.get(r))
    }

    /// Makes room for `n` more cells, and for their text at the width of
    /// the cells so far: a column of millions of cells then grows once,
    /// rather than doubling (and copying) its text again and again.
    fn reserve(&mut self, n: usize) {
        self.ends.reserve(n);
        self.missing.reserve(n);
        if !self.is_empty() {
            self.data.reserve(self.data.len() / self.len() * n / 20 * 21);
        }
    }

    fn extend(&mut self, other: Texts) {
        let shift = offset(self.data.len());
        self.data.push_str(&other.data);
        self.ends.extend(other.ends.iter().map(|e| e.saturating_add(shift)));
        self.missing.extend(other.missing);
    }
}

/// An offset in a column's text. Data files are at most
/// [`crate::load::MAX_DATA_FILE`], so a column's text always fits.
fn offset(len: usize) -> u32 {
    u32::try_from(len).unwrap_or(u32::MAX)
}

impl PartialEq for Texts {
    fn eq(&self, other: &Texts) -> bool {
        self.iter().eq(other.iter())
    }
}

impl<'a> FromIterator<Option<&'a str>> for Texts {
    fn from_iter<I: IntoIterator<Item = Option<&'a str>>>(iter: I) -> Texts {
        let mut t = Texts::default();
        iter.into_iter().for_each(|cell| t.push(cell));
        t
    }
}

impl Column {
    pub fn len(&self) -> usize {
        match self {
            Column::Numbers(v) => v.len(),
            Column::Bools(v) => v.len(),
            Column::Texts(v) => v.len(),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The cell at row `r`, borrowed.
    pub fn cell(&self, r: usize) -> Cell<'_> {
        match self {
            Column::Numbers(v) => v.get(r).map_or(Cell::Null, Cell::Number),
            Column::Bools(v) => v[r].map_or(Cell::Null, Cell::Bool),
            Column::Texts(v) => v.get(r).map_or(Cell::Null, Cell::Text),
        }
    }

    /// The cell at row `r` as a value.
    pub fn get(&self, r: usize) -> Value {
        Value::from(self.cell(r))
    }

    pub fn number(&self, r: usize) -> Option<f64> {
        match self {
            Column::Numbers(v) => v.get(r),
            _ => None,
        }
    }

    pub fn is_null(&self, r: usize) -> bool {
        self.cell(r) == Cell::Null
    }

    /// The cell's plain text (see [`Value::raw_text`]), borrowed when it is text.
    pub fn text(&self, r: usize) -> Cow<'_, str> {
        match self.cell(r) {
            Cell::Text(t) => Cow::Borrowed(t),
            Cell::Null => Cow::Borrowed(""),
            _ => {
                let mut s = String::new();
                self.write_text(r, &mut s);
                Cow::Owned(s)
            }
        }
    }

    /// Appends the cell's plain text to `out`, without allocating.
    pub fn write_text(&self, r: usize, out: &mut String) {
        write_cell(self.cell(r), out);
    }

    /// The cells of rows `rows`, in that order.
    pub fn select(&self, rows: &[usize]) -> Column {
        match self {
            Column::Numbers(v) => Column::Numbers(rows.iter().map(|&r| v.get(r)).collect()),
            Column::Bools(v) => Column::Bools(rows.iter().map(|&r| v[r]).collect()),
            Column::Texts(v) => Column::Texts(rows.iter().map(|&r| v.get(r)).collect()),
        }
    }

    /// A column holding `values`. The first value that is not missing
    /// decides the kind; a value of another kind turns the whole column
    /// into text, so nothing is lost.
    pub fn from_values(values: impl IntoIterator<Item = Value>) -> Column {
        let mut b = Builder::default();
        for v in values {
            b.push(v);
        }
        b.finish()
    }
}

/// Builds a [`Column`] one cell at a time.
#[derive(Debug, Default)]
pub struct Builder {
    column: Option<Column>,
    /// Missing values seen before the first value decided the kind.
    leading_nulls: usize,
    /// How many cells to make room for when the kind is decided.
    expected: usize,
}

impl Builder {
    /// A builder whose column already has the kind `ty` stores, so a
    /// column of a declared type keeps it even when every cell is empty.
    pub fn of(ty: FieldType) -> Builder {
        let column = match ty {
            FieldType::Number | FieldType::Integer | FieldType::Percent => {
                Column::Numbers(Numbers::default())
            }
            FieldType::Boolean => Column::Bools(Vec::new()),
            FieldType::Text | FieldType::Date => Column::Texts(Texts::default()),
        };
        Builder { column: Some(column), leading_nulls: 0, expected: 0 }
    }

    /// Makes room for `n` more cells, so a big column grows once.
    pub fn reserve(&mut self, n: usize) {
        match &mut self.column {
            Some(Column::Numbers(v)) => v.reserve(n),
            Some(Column::Bools(v)) => v.reserve(n),
            Some(Column::Texts(v)) => v.reserve(n),
            None => self.expected = self.leading_nulls + n,
        }
    }

    pub fn push(&mut self, v: Value) {
        self.push_cell(Cell::from(&v));
    }

    pub fn push_cell(&mut self, cell: Cell) {
        let Some(col) = &mut self.column else {
            if cell == Cell::Null {
                self.leading_nulls += 1;
                return;
            }
            self.column = Some(cell.kind_of(self.leading_nulls));
            self.reserve(self.expected.saturating_sub(self.leading_nulls));
            return self.push_cell(cell);
        };
        match (col, cell) {
            (Column::Numbers(c), Cell::Number(n)) => c.push(Some(n)),
            (Column::Bools(c), Cell::Bool(b)) => c.push(Some(b)),
            (Column::Texts(c), Cell::Text(t)) => c.push(Some(t)),
            (Column::Numbers(c), Cell::Null) => c.push(None),
            (Column::Bools(c), Cell::Null) => c.push(None),
            (Column::Texts(c), Cell::Null) => c.push(None),
            (col, cell) => {
                let mut texts = Texts::default();
                for r in 0..col.len() {
                    texts.push((!col.is_null(r)).then(|| col.text(r)).as_deref());
                }
                let mut last = String::new();
                write_cell(cell, &mut last);
                texts.push(Some(&last));
                *col = Column::Texts(texts);
            }
        }
    }

    /// Whether `cell` fits the kind the column has so far.
    pub fn accepts(&self, cell: Cell) -> bool {
        matches!(
            (&self.column, cell),
            (None, _)
                | (_, Cell::Null)
                | (Some(Column::Numbers(_)), Cell::Number(_))
                | (Some(Column::Bools(_)), Cell::Bool(_))
                | (Some(Column::Texts(_)), Cell::Text(_))
        )
    }

    /// Appends the cells of `next`; false, leaving `self` as it was, when
    /// the two hold different kinds.
    pub fn append(&mut self, next: Builder) -> bool {
        let Some(more) = next.column else {
            (0..next.leading_nulls).for_each(|_| self.push_cell(Cell::Null));
            return true;
        };
        let Some(column) = &mut self.column else {
            let mut column = match &more {
                Column::Numbers(_) => Column::Numbers(Numbers::nulls(self.leading_nulls)),
                Column::Bools(_) => Column::Bools(vec![None; self.leading_nulls]),
                Column::Texts(_) => Column::Texts(Texts::nulls(self.leading_nulls)),
            };
            let joined = Builder::append_column(&mut column, more);
            *self = Builder { column: Some(column), leading_nulls: 0, expected: 0 };
            return joined;
        };
        Builder::append_column(column, more)
    }

    fn append_column(column: &mut Column, more: Column) -> bool {
        match (column, more) {
            (Column::Numbers(a), Column::Numbers(b)) => a.extend(b),
            (Column::Bools(a), Column::Bools(b)) => a.extend(b),
            (Column::Texts(a), Column::Texts(b)) => a.extend(b),
            _ => return false,
        }
        true
    }

    pub fn finish(self) -> Column {
        self.column.unwrap_or_else(|| Column::Texts(Texts::nulls(self.leading_nulls)))
    }
}

/// Appends the plain text of `cell` (see [`Value::raw_text`]) to `out`.
pub fn write_cell(cell: Cell, out: &mut String) {
    match cell {
        Cell::Null => {}
        Cell::Number(n) => write_number(out, n),
        Cell::Bool(b) => out.push_str(if b { "true" } else { "false" }),
        Cell::Text(t) => out.push_str(t),
    }
}

/// One row of a dataset, read from its columns.
#[derive(Clone, Copy)]
pub struct Row<'a> {
    ds: &'a Dataset,
    pub index: usize,
}

impl<'a> Row<'a> {
    pub fn new(ds: &'a Dataset, index: usize) -> Row<'a> {
        Row { ds, index }
    }

    pub fn get(&self, field: usize) -> Value {
        self.ds.columns[field].get(self.index)
    }

    pub fn number(&self, field: usize) -> Option<f64> {
        self.ds.columns[field].number(self.index)
    }

    pub fn text(&self, field: usize) -> Cow<'a, str> {
        self.ds.columns[field].text(self.index)
    }

    /// Every cell, in field order.
    pub fn values(&self) -> Vec<Value> {
        (0..self.ds.columns.len()).map(|f| self.get(f)).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(cells: &[Option<&str>]) -> Column {
        Column::Texts(cells.iter().copied().collect())
    }

    #[test]
    fn the_first_value_decides_and_nulls_keep_their_place() {
        let c = Column::from_values([Value::Null, Value::Number(2.0), Value::Null]);
        assert_eq!(c, Column::Numbers([None, Some(2.0), None].into_iter().collect()));
        let c = Column::from_values([Value::Null, Value::Null]);
        assert_eq!(c, texts(&[None, None]));
    }

    #[test]
    fn whole_numbers_take_four_bytes_until_another_number_comes() {
        let cells = [Some(3.0), None, Some(-7.0), Some(2_147_483_647.0)];
        let mut n: Numbers = cells.into_iter().collect();
        assert!(matches!(n, Numbers::Whole(_)));
        assert_eq!(n.iter().collect::<Vec<_>>(), cells);
        for odd in [0.5, -2_147_483_648.0, 3e9, -0.0] {
            let mut m = n.clone();
            m.push(Some(odd));
            assert!(matches!(m, Numbers::Real(_)), "{odd}");
            assert_eq!(m.get(4).map(f64::to_bits), Some(odd.to_bits()));
            assert_eq!(m.iter().take(4).collect::<Vec<_>>(), cells);
        }
        let mut real: Numbers = [Some(0.25), None].into_iter().collect();
        real.extend(n.clone());
        assert_eq!(
            real.iter().collect::<Vec<_>>(),
            [Some(0.25), None, Some(3.0), None, Some(-7.0), Some(2_147_483_647.0)]
        );
        n.extend([Some(1.5)].into_iter().collect());
        assert_eq!(n.get(4), Some(1.5));
        assert_eq!(n.get(1), None);
    }

    #[test]
    fn mixed_kinds_become_text_without_losing_values() {
        let c = Column::from_values([Value::Number(7.0), Value::Null, Value::Text("2A".into())]);
        assert_eq!(c, texts(&[Some("7"), None, Some("2A")]));
    }

    #[test]
    fn empty_text_and_missing_text_differ() {
        let c = texts(&[Some(""), None, Some("é")]);
        assert_eq!(c.get(0), Value::Text(String::new()));
        assert_eq!(c.get(1), Value::Null);
        assert_eq!(c.get(2), Value::Text("é".into()));
    }

    #[test]
    fn select_keeps_the_order_asked_for() {
        let c = Column::Numbers([Some(1.0), None, Some(3.0)].into_iter().collect());
        assert_eq!(c.select(&[2, 0, 1]), Column::Numbers([Some(3.0), Some(1.0), None].into_iter().collect()));
        assert_eq!(c.text(1), "");
        assert_eq!(c.text(2), "3");
        let t = texts(&[Some("a"), None, Some("c")]);
        assert_eq!(t.select(&[2, 1, 0]), texts(&[Some("c"), None, Some("a")]));
    }

    #[test]
    fn pieces_join_in_order_whatever_they_start_with() {
        let mut a = Builder::default();
        a.push_cell(Cell::Null);
        let mut b = Builder::default();
        b.push_cell(Cell::Text("x"));
        let mut c = Builder::default();
        c.push_cell(Cell::Text("y"));
        assert!(a.append(b) && a.append(c));
        assert_eq!(a.finish(), texts(&[None, Some("x"), Some("y")]));
        let mut n = Builder::default();
        n.push_cell(Cell::Number(1.0));
        let mut t = Builder::default();
        t.push_cell(Cell::Text("x"));
        assert!(!n.append(t));
    }
}
