//! Numbers as a reader of the report's language expects them.
//!
//! Grouping and decimal separators come from CLDR through `icu_decimal`, so
//! French gets `1 252,5` (narrow no-break space, comma) and English
//! `1,252.5`. Rounding happens here, on the decimal string, never by
//! printing floats with `{}`, so a figure reads the same everywhere.

use std::str::FromStr;

use icu_decimal::DecimalFormatter;
use icu_decimal::input::Decimal;
use icu_locale_core::locale;

use crate::config::Language;

/// Narrow no-break space (U+202F): CLDR's French group separator, and what
/// French typography puts before `%`.
pub const NNBSP: char = '\u{202F}';

/// Formats numbers for one language.
pub struct NumberFormat {
    language: Language,
    formatter: DecimalFormatter,
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
        };
        // Compiled CLDR data covers both locales, so this cannot fail at run time;
        // the fallback keeps it panic-free all the same.
        let formatter = DecimalFormatter::try_new(prefs, Default::default())
            .or_else(|_| DecimalFormatter::try_new(Default::default(), Default::default()))
            .expect("root locale data is compiled in");
        NumberFormat { language, formatter }
    }

    pub fn language(&self) -> Language {
        self.language
    }

    /// `value` with `decimals` digits after the separator. With `None`, as
    /// many as the value has (up to 6), so 0.5 stays 0,5 and 1252 stays 1 252.
    pub fn number(&self, value: f64, decimals: Option<usize>) -> String {
        if !value.is_finite() {
            return "–".to_string();
        }
        let text = plain(value, decimals);
        // Below a thousand no digit is grouped, so the only difference CLDR
        // makes is the decimal separator (a test holds this to ICU's output);
        // axis ticks and labels are mostly such numbers.
        let whole_digits = text.trim_start_matches('-').split('.').next().map_or(0, str::len);
        if whole_digits < 4 {
            return match self.language {
                Language::Fr => text.replace('.', ","),
                Language::En => text,
            };
        }
        self.icu(&text)
    }

    /// The number written by ICU with the language's CLDR data.
    fn icu(&self, text: &str) -> String {
        match Decimal::from_str(text) {
            Ok(dec) => {
                let out = self.formatter.format(&dec).to_string();
                out.replace('\u{2212}', "-")
            }
            Err(_) => text.to_string(),
        }
    }

    pub fn percent(&self, points: f64, decimals: Option<usize>) -> String {
        let n = self.number(points, decimals);
        match self.language {
            Language::Fr => format!("{n}{NNBSP}%"),
            Language::En => format!("{n}%"),
        }
    }
}

/// The shortest decimal text of `value`, at most 6 decimals.
/// The number with a dot and no grouping, before the language's rules.
fn plain(value: f64, decimals: Option<usize>) -> String {
    let text = match decimals {
        Some(d) => {
            let d = d.min(20);
            format!("{value:.d$}")
        }
        None => shortest(value),
    };
    // "-0" after rounding reads as a sign error to people.
    if text.trim_start_matches('-').chars().all(|c| c == '0' || c == '.') {
        text.trim_start_matches('-').to_string()
    } else {
        text
    }
}

fn shortest(value: f64) -> String {
    let s = format!("{value:.6}");
    let s = s.trim_end_matches('0').trim_end_matches('.');
    s.to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn small_numbers_skip_icu_and_still_match_it() {
        for lang in [Language::Fr, Language::En] {
            let f = NumberFormat::new(lang);
            for i in -4000..4000 {
                let v = i as f64 * 0.2499 + if i % 7 == 0 { 0.4999 } else { 0.0 };
                for d in [None, Some(0), Some(1), Some(2)] {
                    assert_eq!(f.number(v, d), f.icu(&plain(v, d)), "{v} {d:?} {lang:?}");
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
        assert_eq!(f.number(-3.0, None), "-3");
    }

    #[test]
    fn english_numbers_follow_cldr() {
        let f = NumberFormat::new(Language::En);
        assert_eq!(f.number(1252.0, None), "1,252");
        assert_eq!(f.number(0.5, Some(1)), "0.5");
        assert_eq!(f.percent(72.0, None), "72%");
        assert_eq!(f.number(2.25, Some(0)), "2");
        assert_eq!(f.number(-0.01, Some(1)), "0.0");
        assert_eq!(f.number(f64::NAN, None), "–");
    }
}
