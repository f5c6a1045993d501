//! `barometer new`: a starter project that builds and checks clean as it
//! is, with comments in its files that teach the format.

use std::fs;
use std::path::Path;

use crate::config::Language;

/// The GitHub Actions workflow that checks, builds and publishes the
/// report on GitHub Pages.
pub const WORKFLOW: &str = ".github/workflows/publish.yml";

/// The starter's files, by path in the project.
type Files = [(&'static str, &'static str); 8];

const EN: Files = [
    ("report.yaml", include_str!("starter/en/report.yaml")),
    ("content/_index.md", include_str!("starter/en/content/_index.md")),
    ("content/accounts.md", include_str!("starter/en/content/accounts.md")),
    ("data/survey.yaml", include_str!("starter/en/data/survey.yaml")),
    ("data/accounts.csv", include_str!("starter/en/data/accounts.csv")),
    ("data/accounts.yaml", include_str!("starter/en/data/accounts.yaml")),
    // Stored without its dot, so it does not apply to this repository.
    (".gitignore", include_str!("starter/en/gitignore")),
    (WORKFLOW, include_str!("starter/publish.yml")),
];

const FR: Files = [
    ("report.yaml", include_str!("starter/fr/report.yaml")),
    ("content/_index.md", include_str!("starter/fr/content/_index.md")),
    ("content/comptes.md", include_str!("starter/fr/content/comptes.md")),
    ("data/enquete.yaml", include_str!("starter/fr/data/enquete.yaml")),
    ("data/comptes.csv", include_str!("starter/fr/data/comptes.csv")),
    ("data/comptes.yaml", include_str!("starter/fr/data/comptes.yaml")),
    (".gitignore", include_str!("starter/fr/gitignore")),
    (WORKFLOW, include_str!("starter/publish.yml")),
];

/// What a French starter becomes with an English edition: these files
/// over its own.
const FR_EN: [(&str, &str); 5] = [
    ("report.yaml", include_str!("starter/fr+en/report.yaml")),
    ("data/enquete.yaml", include_str!("starter/fr+en/data/enquete.yaml")),
    ("data/comptes.yaml", include_str!("starter/fr+en/data/comptes.yaml")),
    ("content/_index.en.md", include_str!("starter/fr+en/content/_index.en.md")),
    ("content/comptes.en.md", include_str!("starter/fr+en/content/comptes.en.md")),
];

/// What an English starter becomes with a French edition.
const EN_FR: [(&str, &str); 5] = [
    ("report.yaml", include_str!("starter/en+fr/report.yaml")),
    ("data/survey.yaml", include_str!("starter/en+fr/data/survey.yaml")),
    ("data/accounts.yaml", include_str!("starter/en+fr/data/accounts.yaml")),
    ("content/_index.fr.md", include_str!("starter/en+fr/content/_index.fr.md")),
    ("content/accounts.fr.md", include_str!("starter/en+fr/content/accounts.fr.md")),
];

/// The starters there are: one language, French or English, or both with
/// either first.
pub const CHOICES: &str = "`fr`, `en`, `fr,en` or `en,fr`";

/// Writes the starter project into `dir`, which must not exist or be
/// empty: in `languages`, the first the report's first language.
pub fn write(dir: &Path, languages: &[Language]) -> Result<(), String> {
    let busy = fs::read_dir(dir).map(|mut entries| entries.next().is_some()).unwrap_or(false);
    if busy {
        return Err(format!("`{}` is not empty; give `new` a new folder", dir.display()));
    }
    let (base, overlay): (&Files, &[(&str, &str)]) = match languages {
        [Language::Fr] => (&FR, &[]),
        [Language::En] => (&EN, &[]),
        [Language::Fr, Language::En] => (&FR, &FR_EN),
        [Language::En, Language::Fr] => (&EN, &EN_FR),
        _ => {
            return Err(format!("there is a starter in {CHOICES}; add other languages to report.yaml after"));
        }
    };
    let files = base.iter().filter(|(p, _)| !overlay.iter().any(|(o, _)| o == p)).chain(overlay);
    for (path, text) in files {
        let target = dir.join(path);
        if let Some(parent) = target.parent() {
            fs::create_dir_all(parent).map_err(|e| format!("cannot create `{}`: {e}", parent.display()))?;
        }
        fs::write(&target, text).map_err(|e| format!("cannot write `{}`: {e}", target.display()))?;
    }
    Ok(())
}
