//! Dates as data holds them (`2024`, `2024-03`, `2024-03-15`) and as a
//! reader of the report's language reads them (`mars 2024`, `Mar 2024`).
//!
//! A date is a period: a year, a month or a day. Charts place each period
//! by its first day on a time scale, and label ticks at whole months,
//! quarters or years, the year written once per year.

use crate::config::Language;

/// How precise a date is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Precision {
    Year,
    Month,
    Day,
}

/// A year, a month of a year, or a day.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Date {
    pub year: i32,
    /// 1 to 12; 0 for a year.
    pub month: u32,
    /// 1 to 31; 0 for a year or a month.
    pub day: u32,
}

const MONTHS_FR: [&str; 12] =
    ["janv.", "févr.", "mars", "avr.", "mai", "juin", "juil.", "août", "sept.", "oct.", "nov.", "déc."];
const MONTHS_EN: [&str; 12] =
    ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
const MONTHS_DE: [&str; 12] =
    ["Jan.", "Feb.", "März", "Apr.", "Mai", "Juni", "Juli", "Aug.", "Sept.", "Okt.", "Nov.", "Dez."];
const MONTHS_ES: [&str; 12] =
    ["ene", "feb", "mar", "abr", "may", "jun", "jul", "ago", "sept", "oct", "nov", "dic"];

impl Date {
    /// `YYYY`, `YYYY-MM` or `YYYY-MM-DD` with a real month and day.
    pub fn parse(s: &str) -> Option<Date> {
        let mut parts = s.split('-');
        let num = |p: Option<&str>, len: usize| -> Option<u32> {
            p.filter(|p| p.len() == len && p.bytes().all(|c| c.is_ascii_digit())).and_then(|p| p.parse().ok())
        };
        let year = num(parts.next(), 4)? as i32;
        let month = match parts.next() {
            Some(m) => num(Some(m), 2).filter(|m| (1..=12).contains(m))?,
            None => 0,
        };
        let day = match parts.next() {
            Some(d) if month > 0 => {
                num(Some(d), 2).filter(|d| (1..=days_in_month(year, month)).contains(d))?
            }
            Some(_) => return None,
            None => 0,
        };
        parts.next().is_none().then_some(Date { year, month, day })
    }

    pub fn precision(&self) -> Precision {
        match (self.month, self.day) {
            (0, _) => Precision::Year,
            (_, 0) => Precision::Month,
            _ => Precision::Day,
        }
    }

    /// Days from 1970-01-01 to the period's first day.
    pub fn days(&self) -> i64 {
        days_from_civil(self.year, self.month.max(1), self.day.max(1))
    }

    /// The period after this one, at the same precision.
    pub fn next(&self) -> Date {
        match self.precision() {
            Precision::Year => Date { year: self.year + 1, ..*self },
            Precision::Month if self.month == 12 => Date { year: self.year + 1, month: 1, day: 0 },
            Precision::Month => Date { month: self.month + 1, ..*self },
            Precision::Day => civil_from_days(self.days() + 1),
        }
    }

    /// The date in full for tables and descriptions: `mars 2024`,
    /// `15 mars 2024`; `Mar 2024`, `Mar 15, 2024`; `15. März 2024`;
    /// `15 mar 2024` (CLDR's medium dates).
    pub fn label(&self, lang: Language) -> String {
        let month = |m: u32| month_name(lang, m);
        match (self.precision(), lang) {
            (Precision::Year, _) => self.year.to_string(),
            (Precision::Month, _) => format!("{} {}", month(self.month), self.year),
            (Precision::Day, Language::En) => format!("{} {}, {}", month(self.month), self.day, self.year),
            (Precision::Day, Language::De) => format!("{}. {} {}", self.day, month(self.month), self.year),
            (Precision::Day, Language::Fr | Language::Es) => {
                format!("{} {} {}", self.day, month(self.month), self.year)
            }
        }
    }
}

fn month_name(lang: Language, month: u32) -> &'static str {
    let names = match lang {
        Language::Fr => &MONTHS_FR,
        Language::En => &MONTHS_EN,
        Language::De => &MONTHS_DE,
        Language::Es => &MONTHS_ES,
    };
    names[(month.clamp(1, 12) - 1) as usize]
}

fn is_leap(year: i32) -> bool {
    year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)
}

fn days_in_month(year: i32, month: u32) -> u32 {
    match month {
        2 if is_leap(year) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Howard Hinnant's `days_from_civil`: exact for every proleptic Gregorian date.
fn days_from_civil(year: i32, month: u32, day: u32) -> i64 {
    let y = i64::from(year) - i64::from(month <= 2);
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let m = i64::from(month);
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + i64::from(day) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// A moment as RFC 3339 in UTC, to the second: `2026-11-25T10:42:07Z`,
/// from seconds since 1970.
pub fn utc_timestamp(secs: i64) -> String {
    let d = civil_from_days(secs.div_euclid(86_400));
    let s = secs.rem_euclid(86_400);
    format!("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}Z", d.year, d.month, d.day, s / 3600, s / 60 % 60, s % 60)
}

fn civil_from_days(days: i64) -> Date {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let year = (yoe + era * 400 + i64::from(month <= 2)) as i32;
    Date { year, month, day }
}

/// One tick of a time axis: where it stands and what it says.
#[derive(Clone, Debug, PartialEq)]
pub struct Tick {
    pub days: i64,
    pub label: String,
}

/// Tick steps a time axis tries, finest first: in days, then in months.
const DAY_STEPS: [i64; 3] = [1, 2, 7];
const MONTH_STEPS: [u32; 11] = [1, 2, 3, 6, 12, 24, 60, 120, 240, 600, 1200];

/// Ticks over `from..=to` (days) at the finest round step that leaves
/// `fits(count)` true: days, weeks, months, quarters, half-years, years,
/// decades. Month ticks name the year on the first tick and each January.
pub fn ticks(
    from: i64,
    to: i64,
    finest: Precision,
    lang: Language,
    fits: impl Fn(&[Tick]) -> bool,
) -> Vec<Tick> {
    let (start, end) = (civil_from_days(from.min(to)), civil_from_days(to.max(from)));
    if finest == Precision::Day {
        for step in DAY_STEPS {
            if (to - from) / step > 400 {
                continue;
            }
            let ticks: Vec<Tick> = (0..)
                .map(|k| from + k * step)
                .take_while(|d| *d <= to)
                .enumerate()
                .map(|(i, d)| day_tick(civil_from_days(d), i == 0, lang))
                .collect();
            if fits(&ticks) {
                return ticks;
            }
        }
    }
    let min_step = if finest == Precision::Year { 12 } else { 1 };
    let mut last = Vec::new();
    for step in MONTH_STEPS.into_iter().filter(|s| *s >= min_step) {
        last = month_ticks(start, end, step, lang);
        if fits(&last) {
            break;
        }
    }
    last
}

/// Ticks every `step` months from the first aligned month at or after `start`.
fn month_ticks(start: Date, end: Date, step: u32, lang: Language) -> Vec<Tick> {
    let index = |d: Date| i64::from(d.year) * 12 + i64::from(d.month.max(1)) - 1;
    let step = i64::from(step);
    let first = index(start) + (step - index(start).rem_euclid(step)) % step;
    // A start inside its month (a daily series) begins at the next month.
    let first = if start.day > 1 && first == index(start) { first + step } else { first };
    (0..)
        .map(|k| first + k * step)
        .take_while(|&m| m <= index(end))
        .take(2_000)
        .enumerate()
        .map(|(i, m)| {
            let date = Date { year: m.div_euclid(12) as i32, month: (m.rem_euclid(12) + 1) as u32, day: 0 };
            let label = if step >= 12 {
                date.year.to_string()
            } else if i == 0 || date.month <= step as u32 {
                format!("{} {}", month_name(lang, date.month), date.year)
            } else {
                month_name(lang, date.month).to_string()
            };
            Tick { days: date.days(), label }
        })
        .collect()
}

fn day_tick(d: Date, first: bool, lang: Language) -> Tick {
    let label = match (first || d.month == 1 && d.day == 1, lang) {
        (true, _) => d.label(lang),
        (false, Language::En) => format!("{} {}", month_name(lang, d.month), d.day),
        (false, Language::De) => format!("{}. {}", d.day, month_name(lang, d.month)),
        (false, Language::Fr | Language::Es) => format!("{} {}", d.day, month_name(lang, d.month)),
    };
    Tick { days: d.days(), label }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_parse_only_when_real() {
        assert_eq!(Date::parse("2024"), Some(Date { year: 2024, month: 0, day: 0 }));
        assert_eq!(Date::parse("2024-03"), Some(Date { year: 2024, month: 3, day: 0 }));
        assert!(Date::parse("2016-02-29").is_some());
        for bad in ["2017-02-29", "2018-13", "18", "2018-3", "2018-03-1", "2018--01", "2018-01-01-01", "abcd"]
        {
            assert_eq!(Date::parse(bad), None, "{bad}");
        }
    }

    #[test]
    fn days_count_from_the_epoch_like_the_calendar() {
        // Counted independently: 1970 to 2000 holds 7 leap years (72, 76, …, 96).
        assert_eq!(Date::parse("2000-01-01").unwrap().days(), 30 * 365 + 7);
        assert_eq!(Date::parse("1970").unwrap().days(), 0);
        assert_eq!(Date::parse("2024-03").unwrap().days() - Date::parse("2024-02").unwrap().days(), 29);
        for d in [-800_000, -1, 0, 59, 11_016, 20_000, 800_000] {
            assert_eq!(civil_from_days(d).days(), d);
        }
        assert_eq!(Date::parse("2024-12").unwrap().next(), Date::parse("2025-01").unwrap());
        assert_eq!(Date::parse("2024-02-29").unwrap().next(), Date::parse("2024-03-01").unwrap());
    }

    #[test]
    fn ticks_stay_bounded_over_any_span() {
        let (from, to) = (Date::parse("0001-01").unwrap().days(), Date::parse("9999-12").unwrap().days());
        let t = ticks(from, to, Precision::Day, Language::En, |t| t.len() <= 10);
        assert!(!t.is_empty() && t.len() <= 2_000, "{}", t.len());
        assert!(t.windows(2).all(|w| w[0].days < w[1].days));
    }

    #[test]
    fn labels_follow_the_language() {
        let d = Date::parse("2024-02-05").unwrap();
        assert_eq!(d.label(Language::Fr), "5 févr. 2024");
        assert_eq!(d.label(Language::En), "Feb 5, 2024");
        assert_eq!(Date::parse("2024-01").unwrap().label(Language::Fr), "janv. 2024");
        assert_eq!(Date::parse("2024-01").unwrap().label(Language::En), "Jan 2024");
    }

    #[test]
    fn month_ticks_widen_to_fit_and_name_each_year_once() {
        let (from, to) = (Date::parse("2024-01").unwrap().days(), Date::parse("2025-12").unwrap().days());
        let all = ticks(from, to, Precision::Month, Language::Fr, |_| true);
        assert_eq!(all.len(), 24);
        assert_eq!(all[0].label, "janv. 2024");
        assert_eq!(all[1].label, "févr.");
        assert_eq!(all[12].label, "janv. 2025");
        let quarters = ticks(from, to, Precision::Month, Language::En, |t| t.len() <= 8);
        let labels: Vec<&str> = quarters.iter().map(|t| t.label.as_str()).collect();
        assert_eq!(labels, ["Jan 2024", "Apr", "Jul", "Oct", "Jan 2025", "Apr", "Jul", "Oct"]);
        let years = ticks(from, to, Precision::Month, Language::En, |t| t.len() <= 2);
        assert_eq!(years.iter().map(|t| t.label.as_str()).collect::<Vec<_>>(), ["2024", "2025"]);
        let yearly = ticks(
            Date::parse("2016").unwrap().days(),
            Date::parse("2018").unwrap().days(),
            Precision::Year,
            Language::Fr,
            |_| true,
        );
        assert_eq!(yearly.iter().map(|t| t.label.as_str()).collect::<Vec<_>>(), ["2016", "2017", "2018"]);
    }
}
