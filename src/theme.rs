//! The built-in `default` theme, compiled into the binary so a project
//! needs no `themes/` folder of its own.

macro_rules! template {
    ($name:literal) => {
        ($name, include_str!(concat!("../themes/default/templates/", $name)))
    };
}

macro_rules! static_file {
    ($name:literal) => {
        ($name, include_bytes!(concat!("../themes/default/static/", $name)))
    };
}

/// Templates of the default theme: (name, text).
pub const TEMPLATES: &[(&str, &str)] = &[
    template!("base.html"),
    template!("page.html"),
    template!("index.html"),
    template!("404.html"),
    template!("toc.html"),
    template!("sources.html"),
    template!("sources_entry.html"),
];

/// Static files of the default theme: (path in the output, bytes).
pub const STATIC: &[(&str, &[u8])] = &[
    static_file!("style.css"),
    static_file!("fonts/Inter-Regular.ttf"),
    static_file!("fonts/Inter-SemiBold.ttf"),
    static_file!("fonts/LICENSE-Inter.txt"),
];
