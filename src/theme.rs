//! The built-in `default` theme, compiled into the binary so a project
//! needs no `themes/` folder of its own.

/// Templates of the default theme: (name, text).
pub const TEMPLATES: &[(&str, &str)] = &[
    (
        "base.html",
        include_str!("../themes/default/templates/base.html"),
    ),
    (
        "page.html",
        include_str!("../themes/default/templates/page.html"),
    ),
    (
        "index.html",
        include_str!("../themes/default/templates/index.html"),
    ),
    (
        "404.html",
        include_str!("../themes/default/templates/404.html"),
    ),
];

/// Static files of the default theme: (path in the output, bytes).
pub const STATIC: &[(&str, &[u8])] = &[
    (
        "style.css",
        include_bytes!("../themes/default/static/style.css"),
    ),
    (
        "fonts/Inter-Regular.otf",
        include_bytes!("../themes/default/static/fonts/Inter-Regular.otf"),
    ),
    (
        "fonts/Inter-SemiBold.otf",
        include_bytes!("../themes/default/static/fonts/Inter-SemiBold.otf"),
    ),
    (
        "fonts/LICENSE-Inter.txt",
        include_bytes!("../themes/default/static/fonts/LICENSE-Inter.txt"),
    ),
];
