//! Text in the reader's language: the theme's interface strings, and text
//! that settings and data give in several languages.
//!
//! The theme ships one translation file per language
//! (`themes/default/i18n/fr.yaml`); a project's own `i18n/<code>.yaml`
//! replaces any of its strings. Settings and dataset text may be a plain
//! string, the same in every language, or a map by language code
//! (`{ fr: Confiance, en: Trust }`): see [`Localized`].

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use indexmap::IndexMap;
use serde::Deserialize;

use crate::config::Language;
use crate::diagnostics::Diagnostic;
use crate::yaml::{self, Spanned};

/// The theme's translation files, compiled in, in [`Language::ALL`]'s order.
const THEME: [&str; 4] = [
    include_str!("../themes/default/i18n/fr.yaml"),
    include_str!("../themes/default/i18n/en.yaml"),
    include_str!("../themes/default/i18n/de.yaml"),
    include_str!("../themes/default/i18n/es.yaml"),
];

/// Where a project's translation files go.
pub const PROJECT_DIR: &str = "i18n";

/// The interface strings of one language.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Strings(IndexMap<String, String>);

impl Strings {
    /// The theme's strings in `lang`, read once per process.
    pub fn theme(lang: Language) -> &'static Strings {
        static CELLS: [OnceLock<Strings>; 4] = [const { OnceLock::new() }; 4];
        CELLS[lang.index()].get_or_init(|| {
            // The theme's files are ours and tested; an empty map is the
            // panic-free fallback all the same.
            Strings(yaml::parse(Path::new("i18n"), THEME[lang.index()], 0).unwrap_or_default())
        })
    }

    /// These strings with a project's file over them, and the file's
    /// problems: an unreadable file is an error, a key the theme lacks a
    /// warning.
    pub fn with_project(mut self, file: &Path, text: &str) -> (Strings, Vec<Diagnostic>) {
        let own: IndexMap<Spanned<String>, String> = match yaml::parse(file, text, 0) {
            Ok(m) => m,
            Err(e) => return (self, vec![e]),
        };
        let mut diags = Vec::new();
        for (key, value) in own {
            match self.0.get_mut(&key.value) {
                Some(v) => *v = value,
                None => diags.push(
                    Diagnostic::warning(
                        file,
                        Some(yaml::pos_of(&key, 0)),
                        format!("the theme has no string `{}`", key.value),
                    )
                    .suggest(&key.value, self.0.keys().map(String::as_str)),
                ),
            }
        }
        (self, diags)
    }

    /// One string; empty for a key the theme lacks.
    pub fn get(&self, key: &str) -> &str {
        self.0.get(key).map_or("", String::as_str)
    }

    /// The strings as templates read them (`t.previous`).
    pub fn map(&self) -> &IndexMap<String, String> {
        &self.0
    }
}

/// One of the theme's strings in `lang`, for Rust code that writes HTML.
pub fn t(lang: Language, key: &str) -> &'static str {
    Strings::theme(lang).get(key)
}

/// `template` with each `{word}` replaced by its value in `words`, in one
/// pass: a value holding braces is never read as a placeholder.
pub fn fill(template: &str, words: &[(&str, &str)]) -> String {
    let mut out = String::with_capacity(template.len() + 32);
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        let word = after.find('}').map(|close| (&after[..close], &after[close + 1..]));
        match word.and_then(|(w, tail)| words.iter().find(|(k, _)| *k == w).map(|(_, v)| (v, tail))) {
            Some((value, tail)) => {
                out.push_str(value);
                rest = tail;
            }
            None => {
                out.push('{');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

/// The project's translation files, by language, checked: a file for a
/// language we do not format is an error.
pub fn project_strings(
    files: &[(PathBuf, String)],
    languages: &[Language],
) -> (BTreeMap<Language, Strings>, Vec<Diagnostic>) {
    let mut out: BTreeMap<Language, Strings> = BTreeMap::new();
    let mut diags = Vec::new();
    for (file, text) in files {
        let code = file.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_default();
        match Language::from_code(&code) {
            Some(lang) if languages.contains(&lang) => {
                let base = out.remove(&lang).unwrap_or_else(|| Strings::theme(lang).clone());
                let (strings, problems) = base.with_project(file, text);
                out.insert(lang, strings);
                diags.extend(problems);
            }
            Some(_) => {}
            None => diags.push(
                Diagnostic::error(
                    file,
                    None,
                    format!("barometer cannot format numbers and dates in `{code}`"),
                )
                .with_hint(format!(
                    "name the file after one of {} (adding a language is explained in the README)",
                    Language::codes()
                )),
            ),
        }
    }
    (out, diags)
}

/// The language a build reads text in, among the report's languages
/// (the first is the default).
#[derive(Clone, Copy, Debug)]
pub struct Tongue<'a> {
    pub lang: Language,
    pub languages: &'a [Language],
}

impl Tongue<'static> {
    /// English, in a report of that one language: what a test or a bench
    /// reading one file without a report assumes.
    pub fn single() -> Tongue<'static> {
        Tongue { lang: Language::En, languages: &[] }
    }
}

impl Tongue<'_> {
    /// Whether text may come in other languages than this one.
    pub fn is_multilingual(&self) -> bool {
        self.languages.len() > 1
    }

    /// The report's first language.
    pub fn default(&self) -> Language {
        self.languages.first().copied().unwrap_or(self.lang)
    }
}

/// Text from settings or data: the same in every language, or given per
/// language code.
#[derive(Clone, Debug, PartialEq)]
pub enum Localized {
    Plain(String),
    ByLanguage(IndexMap<String, String>),
    /// A plain scalar YAML typed as a boolean or a number (`N`, `2024`):
    /// what serde saw of it. [`resolve`] reads the text as written back
    /// from the file.
    Typed(String),
}

/// Read by hand: YAML types a scalar before an untagged enum sees it, so
/// `label: N` would arrive as `false`; such a scalar is kept as
/// [`Localized::Typed`].
impl<'de> Deserialize<'de> for Localized {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct Visitor;
        impl<'de> serde::de::Visitor<'de> for Visitor {
            type Value = Localized;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("text, or text by language such as `{ fr: Confiance, en: Trust }`")
            }
            fn visit_str<E>(self, v: &str) -> Result<Localized, E> {
                Ok(Localized::Plain(v.to_string()))
            }
            fn visit_bool<E>(self, v: bool) -> Result<Localized, E> {
                Ok(Localized::Typed(v.to_string()))
            }
            fn visit_i64<E>(self, v: i64) -> Result<Localized, E> {
                Ok(Localized::Typed(v.to_string()))
            }
            fn visit_u64<E>(self, v: u64) -> Result<Localized, E> {
                Ok(Localized::Typed(v.to_string()))
            }
            fn visit_f64<E>(self, v: f64) -> Result<Localized, E> {
                Ok(Localized::Typed(v.to_string()))
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(self, map: A) -> Result<Localized, A::Error> {
                IndexMap::deserialize(serde::de::value::MapAccessDeserializer::new(map))
                    .map(Localized::ByLanguage)
            }
        }
        d.deserialize_any(Visitor)
    }
}

/// The plain scalar written at `pos` in `source` (1-based line and
/// column): a scalar YAML reads as a boolean or number holds no space,
/// comma, bracket or `#`, so it ends at the first of them.
fn scalar_at(source: &str, pos: crate::diagnostics::Pos) -> Option<&str> {
    let line = source.lines().nth(pos.line.checked_sub(1)?)?;
    let start = line.char_indices().nth(pos.column.checked_sub(1)?)?.0;
    let rest = &line[start..];
    let end = rest.find([' ', '\t', ',', '}', ']', '#']).unwrap_or(rest.len());
    Some(&rest[..end]).filter(|t| !t.is_empty())
}

/// What [`Localized::pick`] found.
#[derive(Debug, PartialEq)]
pub enum Picked<'a> {
    /// The text in the language asked for (or the same in all).
    Found(&'a str),
    /// None in that language: the default language's, to be warned about.
    Fallback(&'a str),
}

impl Localized {
    /// The text in `lang`, or else in `default`; `None` when neither has it.
    pub fn pick(&self, lang: Language, default: Language) -> Option<Picked<'_>> {
        match self {
            Localized::Plain(t) | Localized::Typed(t) => Some(Picked::Found(t)),
            Localized::ByLanguage(m) => match m.get(lang.code()) {
                Some(t) => Some(Picked::Found(t)),
                None => m.get(default.code()).map(|t| Picked::Fallback(t)),
            },
        }
    }

    /// The codes it is given in that are not among `languages`.
    pub fn strangers(&self, languages: &[Language]) -> Vec<&str> {
        match self {
            Localized::Plain(_) | Localized::Typed(_) => Vec::new(),
            Localized::ByLanguage(m) => {
                m.keys().map(String::as_str).filter(|k| !languages.iter().any(|l| l.code() == *k)).collect()
            }
        }
    }
}

/// Checks a localized setting against the report's languages (in
/// `tongue`): errors for
/// a missing default or an unknown code, a warning (and the default's
/// text) for a missing translation. `what` names it in messages.
pub fn resolve(
    text: &Spanned<Localized>,
    tongue: Tongue,
    (file, source, what): (&Path, &str, &str),
    diags: &mut Vec<Diagnostic>,
) -> Option<String> {
    let at = yaml::pos_of(text, 0);
    if let Localized::Typed(seen) = &text.value {
        return Some(scalar_at(source, at).unwrap_or(seen).to_string());
    }
    let pos = Some(at);
    let (lang, default) = (tongue.lang, tongue.default());
    for code in text.value.strangers(tongue.languages) {
        let list = Language::list(tongue.languages);
        diags.push(
            Diagnostic::error(
                file,
                pos,
                format!("`{what}` is given in `{code}`, which is not a language of the report ({list})"),
            )
            .with_hint("add the language to `languages:` in report.yaml, or remove this text"),
        );
    }
    match text.value.pick(lang, default) {
        Some(Picked::Found(t)) => Some(t.to_string()),
        Some(Picked::Fallback(t)) => {
            diags.push(
                Diagnostic::warning(
                    file,
                    pos,
                    format!("`{what}` has no `{}` text; the `{}` text is shown", lang.code(), default.code()),
                )
                .with_hint(format!("add `{}: …` to it", lang.code())),
            );
            Some(t.to_string())
        }
        None => {
            diags.push(
                Diagnostic::error(
                    file,
                    pos,
                    format!("`{what}` has no text in `{}`, the report's first language", default.code()),
                )
                .with_hint(format!("add `{}: …` to it", default.code())),
            );
            None
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_language_has_every_string_of_the_english_theme() {
        let en = Strings::theme(Language::En);
        assert!(en.map().len() > 30);
        for lang in Language::ALL {
            let s = Strings::theme(lang);
            let keys: Vec<&String> = s.map().keys().collect();
            assert_eq!(keys, en.map().keys().collect::<Vec<_>>(), "{lang:?}");
            assert!(s.map().values().all(|v| !v.trim().is_empty()), "{lang:?}");
        }
        assert_eq!(t(Language::De, "previous"), "Zurück");
        assert_eq!(t(Language::Es, "next"), "Siguiente");
    }

    #[test]
    fn a_project_file_replaces_strings_and_names_unknown_keys() {
        let file = Path::new("i18n/en.yaml");
        let (s, diags) =
            Strings::theme(Language::En).clone().with_project(file, "previous: Back\nprevius: x\n");
        assert_eq!(s.get("previous"), "Back");
        assert_eq!(s.get("next"), "Next");
        assert_eq!(diags.len(), 1);
        assert_eq!(diags[0].pos.map(|p| p.line), Some(2));
        assert_eq!(diags[0].hint.as_deref(), Some("did you mean `previous`?"));
    }

    #[test]
    fn scalars_yaml_types_read_as_written() {
        let parse = |text: &str| {
            let v: IndexMap<String, Spanned<Localized>> = yaml::parse(Path::new("t.yaml"), text, 0).unwrap();
            let s = &v["a"];
            let tongue = Tongue { lang: Language::Fr, languages: &[Language::Fr] };
            resolve(s, tongue, (Path::new("t.yaml"), text, "a"), &mut Vec::new())
        };
        assert_eq!(parse("a: N\n").as_deref(), Some("N"));
        assert_eq!(parse("a: 1.50 # note\n").as_deref(), Some("1.50"));
        assert_eq!(parse("x: { a: yes, b: 2 }\na: off\n").as_deref(), Some("off"));
        assert_eq!(parse("a: \"N\"\n").as_deref(), Some("N"));
        assert_eq!(parse("a: { fr: N, en: 2024 }\n").as_deref(), Some("N"));
    }

    #[test]
    fn fill_replaces_known_words_once() {
        assert_eq!(fill("{a} and {b} {c}", &[("a", "{b}"), ("b", "x")]), "{b} and x {c}");
        assert_eq!(fill("{", &[]), "{");
        assert_eq!(fill("no words", &[("a", "b")]), "no words");
    }

    #[test]
    fn localized_text_falls_back_to_the_default_language() {
        let text = Localized::ByLanguage([("fr".into(), "Confiance".into())].into_iter().collect());
        assert_eq!(text.pick(Language::En, Language::Fr), Some(Picked::Fallback("Confiance")));
        assert_eq!(text.pick(Language::Fr, Language::Fr), Some(Picked::Found("Confiance")));
        assert_eq!(text.pick(Language::Fr, Language::En), Some(Picked::Found("Confiance")));
        assert_eq!(text.pick(Language::De, Language::En), None);
        assert_eq!(Localized::Plain("x".into()).pick(Language::De, Language::En), Some(Picked::Found("x")));
    }
}
