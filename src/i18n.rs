//! The theme's interface strings in the report's language.

use indexmap::IndexMap;

use crate::config::Language;

const STRINGS: &[(&str, &str, &str)] = &[
    ("contents", "Sommaire", "Contents"),
    ("on_this_page", "Sur cette page", "On this page"),
    ("previous", "Précédent", "Previous"),
    ("next", "Suivant", "Next"),
    ("source", "Source", "Source"),
    ("sample", "Échantillon", "Sample"),
    ("respondents", "répondants", "respondents"),
    ("note", "Note", "Note"),
    ("data_table", "Voir les données", "Show the data"),
    ("download_csv", "Télécharger les données (CSV)", "Download the data (CSV)"),
    ("download", "Télécharger", "Download"),
    ("data_csv", "données (CSV)", "data (CSV)"),
    ("figure", "Figure", "Figure"),
    ("table", "Tableau", "Table"),
    ("skip", "Aller au contenu", "Skip to content"),
    ("not_found", "Page introuvable", "Page not found"),
    (
        "not_found_text",
        "Cette page n’existe pas ou a été déplacée.",
        "This page does not exist or has moved.",
    ),
    ("back_home", "Retour à l’accueil", "Back to the home page"),
    ("made_with", "Réalisé avec barometer", "Made with barometer"),
    ("yes", "oui", "yes"),
    ("no", "non", "no"),
    ("published", "Publié", "Published"),
    ("chapter_nav", "Chapitres", "Chapters"),
    ("notes", "Notes", "Notes"),
    ("embed", "Intégrer ce graphique", "Embed this chart"),
    ("pdf_download", "Télécharger l’étude complète", "Download the full study"),
    ("list_of_figures", "Liste des figures", "List of figures"),
    ("list_of_tables", "Liste des tableaux", "List of tables"),
    ("sources", "Sources des données", "Data sources"),
    ("key_figures", "Chiffres clés", "Key figures"),
    ("references", "Références", "References"),
    ("how_to_cite", "Comment citer cette étude", "How to cite this study"),
    ("cite_download", "Télécharger la référence\u{202f}:", "Download the reference:"),
    ("embed_hint", "Copiez ce code dans votre page :", "Paste this code into your page:"),
    (
        "embed_hint_relative",
        "Copiez ce code dans une page de ce site (l’adresse complète demande `base_url` dans report.yaml) :",
        "Paste this code into a page of this site (a full address needs `base_url` in report.yaml):",
    ),
    ("embed_preview", "Voir la page à intégrer", "Open the page to embed"),
    ("see_study", "Voir l’étude complète", "See the full study"),
    ("back_to_text", "Retour à l’appel de note", "Back to reference"),
    (
        "ci_note",
        "les barres d’erreur donnent l’intervalle de confiance à 95 % (méthode de Wilson).",
        "error bars show the 95% confidence interval (Wilson method).",
    ),
];

/// The strings as a map for templates (`t.previous`).
pub fn strings(lang: Language) -> IndexMap<&'static str, &'static str> {
    STRINGS.iter().map(|(k, fr, en)| (*k, if lang == Language::Fr { *fr } else { *en })).collect()
}

/// One string, for Rust code that writes HTML.
pub fn t(lang: Language, key: &str) -> &'static str {
    STRINGS
        .iter()
        .find(|(k, ..)| *k == key)
        .map(|(_, fr, en)| if lang == Language::Fr { *fr } else { *en })
        .unwrap_or("")
}
