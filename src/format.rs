//! Numbers as a reader of the report's language expects them.
//!
//! Grouping and decimal separators come from CLDR through `icu_decimal`, so
//! French gets `1 252,5` (narrow no-break space, comma) and English
//! `1,252.5`. Rounding happens here, on the decimal string, never by
//! printing floats with `{}`, so a figure reads the same everywhere.
//!
//! One model serves every place a value shows (tables, key figures, chart
//! labels and axes, descriptions, prose): a field's [`NumberStyle`]
//! (decimals, unit, prefix, suffix, currency) applied by [`NumberFormat`].
//! Without declared decimals a value gets the precision it needs, at most
//! two decimals (one from a thousand up), so a median of 4.809253 reads
//! 4.81 wherever it appears.

use std::str::FromStr;

use icu_decimal::DecimalFormatter;
use icu_decimal::input::Decimal;
use icu_locale_core::locale;

use crate::config::Language;
use crate::i18n::Strings;

/// Narrow no-break space (U+202F): CLDR's French group separator, and what
/// French typography puts before `%`.
pub const NNBSP: char = '\u{202F}';

/// No-break space (U+00A0): CLDR's French space before a currency sign or
/// a compact unit (`12 k`, `3,50 €`).
pub const NBSP: char = '\u{A0}';

/// The minus sign (U+2212), not the hyphen: it has the width of a plus and
/// of a digit, and reads as a sign in both languages.
pub const MINUS: char = '\u{2212}';

/// The most decimals a field may declare: beyond that a figure only shows
/// float noise.
pub const MAX_DECIMALS: usize = 10;

/// Currencies a field may be declared in (`currency: EUR`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Currency {
    Eur,
    Usd,
    Gbp,
    Chf,
}

impl Currency {
    pub const CODES: &'static [&'static str] = &["EUR", "USD", "GBP", "CHF"];

    /// `EUR` (any case) or its sign `€`.
    pub fn parse(code: &str) -> Option<Currency> {
        match code.trim().to_ascii_uppercase().as_str() {
            "EUR" | "€" => Some(Currency::Eur),
            "USD" | "$" => Some(Currency::Usd),
            "GBP" | "£" => Some(Currency::Gbp),
            "CHF" => Some(Currency::Chf),
            _ => None,
        }
    }

    fn sign(self) -> &'static str {
        match self {
            Currency::Eur => "€",
            Currency::Usd => "$",
            Currency::Gbp => "£",
            Currency::Chf => "CHF",
        }
    }
}

/// How one field's numbers read, as its declaration in a dataset sets it.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct NumberStyle {
    /// Points out of 100, written with `%`.
    pub percent: bool,
    /// Digits after the separator; the precision each value needs otherwise.
    pub decimals: Option<usize>,
    /// Written before the number, with no space (`+`, `~`).
    pub prefix: Option<String>,
    /// Written right after it, with no space (`x`, `pp`).
    pub suffix: Option<String>,
    /// Written after a no-break space (`pts`, `abonnés`, `€`).
    pub unit: Option<String>,
    pub currency: Option<Currency>,
    /// Compact forms (`12K`, `1,2 M`) for key figures: forced on or off;
    /// by default from a million up.
    pub compact: Option<bool>,
}

impl NumberStyle {
    pub fn percent() -> NumberStyle {
        NumberStyle { percent: true, ..NumberStyle::default() }
    }

    /// Whole numbers, for counts.
    pub fn whole() -> NumberStyle {
        NumberStyle { decimals: Some(0), ..NumberStyle::default() }
    }

    /// Whether anything beyond the type was declared.
    pub fn is_plain(&self) -> bool {
        *self == NumberStyle { percent: self.percent, ..NumberStyle::default() }
    }
}

/// A compact unit: the power of a thousand and its symbol in each
/// language, in [`Language::ALL`]'s order (CLDR's short forms).
struct Compact {
    divisor: f64,
    symbols: [&'static str; 4],
}

const COMPACT: [Compact; 4] = [
    Compact { divisor: 1e12, symbols: ["Bn", "T", "Bio.", "B"] },
    Compact { divisor: 1e9, symbols: ["Md", "B", "Mrd.", "mil\u{a0}M"] },
    Compact { divisor: 1e6, symbols: ["M", "M", "Mio.", "M"] },
    Compact { divisor: 1e3, symbols: ["k", "K", "Tsd.", "mil"] },
];

/// How a language writes what CLDR's decimal data does not cover: the
/// space before `%`, the currency sign's side, the compact symbols'
/// spacing and file sizes.
struct Conventions {
    /// The decimal separator below a thousand, where nothing is grouped.
    comma: bool,
    /// Before `%`: none in English, a narrow no-break space in French, a
    /// no-break space in German and Spanish.
    before_percent: Option<char>,
    /// `3,50 €` rather than `€3.50`.
    currency_after: bool,
    /// `12 k` rather than `12K`.
    compact_space: bool,
    /// Kilobytes and megabytes.
    sizes: (&'static str, &'static str),
}

impl Language {
    fn conventions(self) -> Conventions {
        match self {
            Language::Fr => Conventions {
                comma: true,
                before_percent: Some(NNBSP),
                currency_after: true,
                compact_space: true,
                sizes: ("ko", "Mo"),
            },
            Language::En => Conventions {
                comma: false,
                before_percent: None,
                currency_after: false,
                compact_space: false,
                sizes: ("kB", "MB"),
            },
            Language::De | Language::Es => Conventions {
                comma: true,
                before_percent: Some(NBSP),
                currency_after: true,
                compact_space: true,
                sizes: ("kB", "MB"),
            },
        }
    }
}

fn compact_unit(magnitude: f64) -> Option<&'static Compact> {
    COMPACT.iter().find(|c| magnitude >= c.divisor)
}

/// Formats numbers for one language, and holds its interface strings
/// (the theme's, or a project's over them) for the code that writes
/// labels beside numbers.
pub struct NumberFormat {
    language: Language,
    formatter: DecimalFormatter,
    strings: Option<Strings>,
}

impl std::fmt::Debug for NumberFormat {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "NumberFormat({:?})", self.language)
    }
}

impl NumberFormat {
    pub fn new(language: Language) -> NumberFormat {
        let prefs = match language {
            Language::Fr => locale!("fr").into(),
            Language::En => locale!("en").into(),
            Language::De => locale!("de").into(),
            Language::Es => locale!("es").into(),
        };
        // Compiled CLDR data covers these locales, so this cannot fail at run time;
        // the fallback keeps it panic-free all the same.
        let formatter = DecimalFormatter::try_new(prefs, Default::default())
            .or_else(|_| DecimalFormatter::try_new(Default::default(), Default::default()))
            .expect("root locale data is compiled in");
        NumberFormat { language, formatter, strings: None }
    }

    /// The format of `language`, with a project's strings over the theme's.
    pub fn with_strings(language: Language, strings: Option<Strings>) -> NumberFormat {
        NumberFormat { strings, ..NumberFormat::new(language) }
    }

    pub fn language(&self) -> Language {
        self.language
    }

    /// The interface strings of the format's language.
    pub fn strings(&self) -> &Strings {
        self.strings.as_ref().unwrap_or_else(|| Strings::theme(self.language))
    }

    /// One interface string in the format's language.
    pub fn t(&self, key: &str) -> &str {
        self.strings().get(key)
    }

    /// A plain number with `decimals` digits, or the precision it needs.
    pub fn number(&self, value: f64, decimals: Option<usize>) -> String {
        self.value(value, &NumberStyle { decimals, ..NumberStyle::default() })
    }

    /// Points with `%`, with `decimals` digits or the precision they need.
    pub fn percent(&self, points: f64, decimals: Option<usize>) -> String {
        self.value(points, &NumberStyle { decimals, ..NumberStyle::percent() })
    }

    /// `value` as its field declares it: the one form a value has in every
    /// table, label, key figure and sentence.
    pub fn value(&self, value: f64, style: &NumberStyle) -> String {
        let decimals = style.decimals.unwrap_or_else(|| auto_decimals(value, style));
        self.with_decimals(value, style, decimals)
    }

    /// `value` in its field's form with exactly `decimals` digits, for a
    /// scale whose ticks share one precision.
    pub fn with_decimals(&self, value: f64, style: &NumberStyle, decimals: usize) -> String {
        if !value.is_finite() {
            return "–".to_string();
        }
        let digits = self.digits(value, decimals);
        self.compose(value < 0.0 && has_nonzero_digit(&digits), &digits, None, style)
    }

    /// The short form of large values (`12K`, `1,2 M`), below a thousand
    /// the full one.
    pub fn compact(&self, value: f64, style: &NumberStyle) -> String {
        // A value that rounds up to the next unit takes it: 999,950 reads `1M`, not `1,000K`.
        let rounds_to = |c: &Compact| plain(value.abs() / c.divisor, 1).parse::<f64>().unwrap_or(0.0);
        let unit = compact_unit(value.abs()).map(|u| {
            let bigger = COMPACT.iter().rev().find(|c| c.divisor > u.divisor);
            bigger.filter(|_| rounds_to(u) >= 1000.0).unwrap_or(u)
        });
        match unit.filter(|_| value.is_finite()) {
            Some(unit) => {
                let scaled = value / unit.divisor;
                let digits = self.digits(scaled, needed(scaled, 1));
                self.compose(value < 0.0, &digits, Some(unit), style)
            }
            None => self.value(value, style),
        }
    }

    /// A file's size as a download link gives it: `2,1 Mo` / `2.1 MB`, and
    /// `340 ko` / `340 kB` below a megabyte.
    pub fn file_size(&self, bytes: usize) -> String {
        let (kilo, mega) = self.language.conventions().sizes;
        let (value, unit, decimals) = match bytes {
            b if b < 1_000_000 => ((b as f64 / 1000.0).max(1.0), kilo, 0),
            b => (b as f64 / 1_000_000.0, mega, 1),
        };
        format!("{}\u{a0}{unit}", self.number(value, Some(decimals)))
    }

    /// A key figure: compact from a million up unless its field says otherwise.
    pub fn key_figure(&self, value: f64, style: &NumberStyle) -> String {
        let compact = match style.compact {
            Some(on) => on,
            None => value.abs() >= 1e6 && style.decimals.is_none(),
        };
        if compact { self.compact(value, style) } else { self.value(value, style) }
    }

    /// Labels for axis ticks: one precision for all, compact (`50K`) when
    /// the largest reaches ten thousand.
    pub fn axis(&self, ticks: &[f64], style: &NumberStyle) -> Vec<String> {
        let step = ticks.windows(2).map(|w| (w[1] - w[0]).abs()).fold(f64::INFINITY, f64::min);
        let step = if step.is_finite() && step > 0.0 { step } else { 1.0 };
        let top = ticks.iter().map(|t| t.abs()).fold(0.0, f64::max);
        let unit = compact_unit(top).filter(|_| style.compact != Some(false) && top >= 1e4);
        let plain_style = NumberStyle { decimals: None, ..style.clone() };
        ticks
            .iter()
            .map(|&t| match unit {
                Some(_) if t == 0.0 => self.with_decimals(0.0, &plain_style, 0),
                Some(u) => {
                    let digits = self.digits(t / u.divisor, step_decimals(step / u.divisor));
                    self.compose(t < 0.0, &digits, Some(u), style)
                }
                None => self.with_decimals(t, &plain_style, step_decimals(step)),
            })
            .collect()
    }

    /// The digits of `value`'s magnitude, grouped for the language.
    fn digits(&self, value: f64, decimals: usize) -> String {
        let text = plain(value, decimals);
        // Below a thousand no digit is grouped, so the only difference CLDR
        // makes is the decimal separator (a test holds this to ICU's output);
        // axis ticks and labels are mostly such numbers.
        let whole_digits = text.split('.').next().map_or(0, str::len);
        if whole_digits < 4 {
            return if self.language.conventions().comma { text.replace('.', ",") } else { text };
        }
        self.icu(&text)
    }

    /// The number written by ICU with the language's CLDR data.
    fn icu(&self, text: &str) -> String {
        match Decimal::from_str(text) {
            Ok(dec) => self.formatter.format(&dec).to_string(),
            Err(_) => text.to_string(),
        }
    }

    /// Sign, prefix, currency, digits, compact unit, `%`, unit and suffix,
    /// in the language's order and spacing.
    fn compose(
        &self,
        negative: bool,
        digits: &str,
        compact: Option<&Compact>,
        style: &NumberStyle,
    ) -> String {
        let conv = self.language.conventions();
        let mut out = String::with_capacity(digits.len() + 8);
        if negative {
            out.push(MINUS);
        }
        out.push_str(style.prefix.as_deref().unwrap_or(""));
        if let (Some(c), false) = (style.currency, conv.currency_after) {
            out.push_str(c.sign());
            if c == Currency::Chf {
                out.push(NBSP);
            }
        }
        out.push_str(digits);
        if let Some(unit) = compact {
            if conv.compact_space {
                out.push(NBSP);
            }
            out.push_str(unit.symbols[self.language.index()]);
        }
        if style.percent {
            out.extend(conv.before_percent);
            out.push('%');
        }
        if let (Some(c), true) = (style.currency, conv.currency_after) {
            out.push(NBSP);
            out.push_str(c.sign());
        }
        if let Some(unit) = &style.unit {
            out.push(NBSP);
            out.push_str(unit);
        }
        out.push_str(style.suffix.as_deref().unwrap_or(""));
        out
    }
}

/// The decimals a value shows when its field declares none: what it needs,
/// at most two (one from a thousand up, two significant digits below 1);
/// money in cents or whole.
pub fn auto_decimals(value: f64, style: &NumberStyle) -> usize {
    let a = value.abs();
    if style.currency.is_some() {
        return if needed(value, 2) == 0 { 0 } else { 2 };
    }
    let cap = if a >= 1000.0 {
        1
    } else if a >= 1.0 || a == 0.0 || style.percent || !a.is_finite() {
        2
    } else {
        ((-a.log10()).floor() as usize + 2).clamp(2, 6)
    };
    needed(value, cap)
}

/// The fewest decimals, up to `cap`, that show `value` as `cap` would:
/// those of the value rounded at `cap`, less its trailing zeros (4.996 at
/// 2 is 5.00, so 0; 4.80 is 1).
fn needed(value: f64, cap: usize) -> usize {
    let text = plain(value, cap);
    text.split_once('.').map_or(0, |(_, fraction)| fraction.trim_end_matches('0').len())
}

/// `value` rounded to `decimals` as the reader sees it printed (half away
/// from zero on its shortest decimal form), for `round()` in data.
pub fn round(value: f64, decimals: usize) -> f64 {
    if !value.is_finite() {
        return value;
    }
    let magnitude: f64 = plain(value, decimals).parse().unwrap_or(value.abs());
    if value < 0.0 { -magnitude } else { magnitude }
}

/// The decimals a tick step needs: 0 for 20, 1 for 2.5, 2 for 0.25.
fn step_decimals(step: f64) -> usize {
    (0..6)
        .find(|&d| {
            let scaled = step * 10f64.powi(d as i32);
            (scaled - scaled.round()).abs() < 1e-6 * scaled.max(1.0)
        })
        .unwrap_or(6)
}

fn has_nonzero_digit(digits: &str) -> bool {
    digits.chars().any(|c| c.is_ascii_digit() && c != '0')
}

/// The magnitude of `value` with a dot, no grouping and `decimals`
/// digits, before the language's rules.
///
/// Rounding is half away from zero on the shortest decimal form of the
/// value, the digits a data file holds: 0.125 reads 0.13 and 4.805 reads
/// 4.81, as a reader rounding by hand (or Excel) gets, where rounding the
/// binary float would give 0.12 and 4.80.
fn plain(value: f64, decimals: usize) -> String {
    let d = decimals.min(20);
    // `Display` writes the shortest digits that read back as the value, never an exponent.
    let shortest = format!("{}", value.abs());
    let (int, frac) = shortest.split_once('.').unwrap_or((&shortest, ""));
    let mut digits: Vec<u8> =
        int.bytes().chain(frac.bytes().chain(std::iter::repeat(b'0')).take(d)).collect();
    let mut int_len = int.len();
    if frac.as_bytes().get(d).is_some_and(|&next| next >= b'5') {
        let mut i = digits.len();
        loop {
            if i == 0 {
                digits.insert(0, b'1');
                int_len += 1;
                break;
            }
            i -= 1;
            if digits[i] == b'9' {
                digits[i] = b'0';
            } else {
                digits[i] += 1;
                break;
            }
        }
    }
    let (whole, fraction) = digits.split_at(int_len);
    let whole = String::from_utf8_lossy(whole);
    if d == 0 { whole.into_owned() } else { format!("{whole}.{}", String::from_utf8_lossy(fraction)) }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn small_numbers_skip_icu_and_still_match_it() {
        for lang in [Language::Fr, Language::En] {
            let f = NumberFormat::new(lang);
            for i in 0..8000 {
                let v = i as f64 * 0.2499 + if i % 7 == 0 { 0.4999 } else { 0.0 };
                for d in [0, 1, 2] {
                    assert_eq!(f.digits(v, d), f.icu(&plain(v, d)), "{v} {d:?} {lang:?}");
                }
            }
        }
    }

    #[test]
    fn french_numbers_follow_cldr() {
        let f = NumberFormat::new(Language::Fr);
        assert_eq!(f.number(1252.0, None), "1\u{202F}252");
        assert_eq!(f.number(0.5, Some(1)), "0,5");
        assert_eq!(f.number(1234567.891, Some(2)), "1\u{202F}234\u{202F}567,89");
        assert_eq!(f.percent(72.0, None), "72\u{202F}%");
        assert_eq!(f.number(-3.0, None), "\u{2212}3");
    }

    #[test]
    fn english_numbers_follow_cldr() {
        let f = NumberFormat::new(Language::En);
        assert_eq!(f.number(1252.0, None), "1,252");
        assert_eq!(f.number(0.5, Some(1)), "0.5");
        assert_eq!(f.percent(72.0, None), "72%");
        assert_eq!(f.number(2.25, Some(0)), "2");
        assert_eq!(f.number(-0.01, Some(1)), "0.0");
        assert_eq!(f.number(0.125, Some(2)), "0.13");
        assert_eq!(f.number(4.805, Some(2)), "4.81");
        assert_eq!(f.number(-2.5, Some(0)), "\u{2212}3");
        assert_eq!(f.number(999.96, Some(1)), "1,000.0");
        assert_eq!(f.number(1e-7, Some(2)), "0.00");
        assert_eq!(f.number(f64::NAN, None), "–");
    }

    #[test]
    fn values_get_the_precision_they_need_and_no_more() {
        let en = NumberFormat::new(Language::En);
        // A median as computed, 4.809253: two decimals for a percent.
        assert_eq!(en.percent(4.809253, None), "4.81%");
        assert_eq!(en.percent(4.8, None), "4.8%");
        assert_eq!(en.percent(4.999, None), "5%");
        assert_eq!(en.number(45_231.667, None), "45,231.7");
        assert_eq!(en.number(512.345_6, None), "512.35");
        assert_eq!(en.number(0.034_56, None), "0.035");
        assert_eq!(en.number(72.0, None), "72");
        assert_eq!(en.number(-1.9, None), "\u{2212}1.9");
        let fr = NumberFormat::new(Language::Fr);
        assert_eq!(fr.percent(4.809253, None), "4,81\u{202F}%");
        assert_eq!(fr.number(-1.9, None), "\u{2212}1,9");
    }

    #[test]
    fn units_currencies_and_compact_forms_follow_the_language() {
        let (fr, en) = (NumberFormat::new(Language::Fr), NumberFormat::new(Language::En));
        let eur = NumberStyle { currency: Some(Currency::Eur), ..NumberStyle::default() };
        assert_eq!(fr.value(12.5, &eur), "12,50\u{a0}€");
        assert_eq!(en.value(12.5, &eur), "€12.50");
        assert_eq!(en.value(-1200.0, &eur), "\u{2212}€1,200");
        assert_eq!(fr.value(1200.0, &eur), "1\u{202F}200\u{a0}€");
        let pts = NumberStyle { unit: Some("pts".into()), decimals: Some(1), ..NumberStyle::default() };
        assert_eq!(fr.value(3.0, &pts), "3,0\u{a0}pts");
        let x = NumberStyle { prefix: Some("~".into()), suffix: Some("x".into()), ..NumberStyle::default() };
        assert_eq!(en.value(2.5, &x), "~2.5x");
        let plain = NumberStyle::default();
        assert_eq!(en.compact(12_000.0, &plain), "12K");
        assert_eq!(fr.compact(12_000.0, &plain), "12\u{a0}k");
        assert_eq!(en.compact(1_234_567.0, &plain), "1.2M");
        assert_eq!(fr.compact(1_234_567.0, &plain), "1,2\u{a0}M");
        assert_eq!(fr.compact(3.4e9, &eur), "3,4\u{a0}Md\u{a0}€");
        assert_eq!(en.compact(950.0, &plain), "950");
        assert_eq!(en.compact(999_950.0, &plain), "1M");

        assert_eq!(fr.key_figure(1252.0, &plain), "1\u{202F}252");
        assert_eq!(fr.key_figure(2_500_000.0, &plain), "2,5\u{a0}M");
    }

    #[test]
    fn axes_share_one_precision_and_go_compact_when_large() {
        let (fr, en) = (NumberFormat::new(Language::Fr), NumberFormat::new(Language::En));
        let plain = NumberStyle::default();
        assert_eq!(en.axis(&[0.0, 25_000.0, 50_000.0], &plain), ["0", "25K", "50K"]);
        assert_eq!(fr.axis(&[0.0, 2_500_000.0, 5_000_000.0], &plain), ["0", "2,5\u{a0}M", "5,0\u{a0}M"]);
        assert_eq!(en.axis(&[0.0, 2_500.0, 5_000.0], &plain), ["0", "2,500", "5,000"]);
        assert_eq!(en.axis(&[0.0, 0.5, 1.0], &plain), ["0.0", "0.5", "1.0"]);
        // Float noise in the step (0.6 - 0.4) does not ask for six decimals.
        assert_eq!(en.axis(&[0.4, 0.6000000000000001, 0.8], &plain), ["0.4", "0.6", "0.8"]);
        assert_eq!(
            fr.axis(&[-2.0, 0.0, 2.0], &NumberStyle::percent()),
            ["\u{2212}2\u{202F}%", "0\u{202F}%", "2\u{202F}%"]
        );
    }

    #[test]
    fn file_sizes_read_in_the_language() {
        let (fr, en) = (NumberFormat::new(Language::Fr), NumberFormat::new(Language::En));
        assert_eq!(fr.file_size(2_140_000), "2,1\u{a0}Mo");
        assert_eq!(en.file_size(2_140_000), "2.1\u{a0}MB");
        assert_eq!(fr.file_size(253_458), "253\u{a0}ko");
        assert_eq!(en.file_size(120), "1\u{a0}kB");
    }
}
