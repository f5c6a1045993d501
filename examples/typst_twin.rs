//! The floor of any PDF typeset with Typst, for `benches/site.sh flat`:
//! the chapters of a generated flat project as the plainest Typst
//! document (a heading per chapter and section, its paragraphs as plain
//! text, a table's Markdown as one; no chart, contents, running header or
//! style), typeset and written by the same compiler `barometer build`
//! uses, in the default theme's font. It is to the PDF what the Hugo twin
//! is to the site: the same text, nothing else.
//!
//!     cargo run --release --example typst_twin -- target/bench/site-flat-1000-defaults twin.pdf

use std::path::{Path, PathBuf};

use pulldown_cmark::{Event, Parser, Tag, TagEnd};

fn main() -> Result<(), String> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [project, out] = args.as_slice() else {
        return Err("usage: typst_twin PROJECT OUT.pdf".into());
    };
    let mut chapters: Vec<PathBuf> = std::fs::read_dir(Path::new(project).join("content"))
        .map_err(|e| format!("{project}/content: {e}"))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|e| e == "md") && !p.ends_with("_index.md"))
        .collect();
    chapters.sort();
    let mut source =
        String::from("#set document(title: \"Twin\")\n#set text(font: \"Inter\", lang: \"en\")\n");
    for path in &chapters {
        let text = std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
        source.push_str(&chapter(&text));
    }
    // The default theme's fonts, as the binary holds them.
    let fonts: Vec<&[u8]> = barometer::theme::STATIC
        .iter()
        .filter(|(path, _)| path.starts_with("fonts/") && (path.ends_with(".ttf") || path.ends_with(".otf")))
        .map(|(_, bytes)| *bytes)
        .collect();
    let (pdf, warnings) = barometer::pdf::compile::pdf(&source, Vec::new(), &fonts)
        .map_err(|problems| format!("{:?}", problems.first()))?;
    // A warning would mean a second writing, not PDF/UA-1: not the floor.
    if let Some(w) = warnings.first() {
        return Err(format!("{w:?}"));
    }
    std::fs::write(out, &pdf.bytes).map_err(|e| format!("{out}: {e}"))?;
    println!("{} chapters, {} pages", chapters.len(), pdf.pages);
    Ok(())
}

/// One Markdown chapter as Typst: its title, then its headings and
/// paragraphs as plain text; code blocks (the charts) left out. Tables
/// are not parsed as such, so a table's lines read as one paragraph.
fn chapter(markdown: &str) -> String {
    let (title, body) = front_matter(markdown);
    let mut out = format!("#pagebreak(weak: true)\n= {}\n", string(title));
    let mut text = String::new();
    let mut in_code = false;
    for event in Parser::new(body) {
        match event {
            Event::Start(Tag::CodeBlock(_)) => in_code = true,
            Event::End(TagEnd::CodeBlock) => in_code = false,
            Event::Text(t) | Event::Code(t) if !in_code => text.push_str(&t),
            Event::SoftBreak if !in_code => text.push(' '),
            Event::End(TagEnd::Heading(level)) => {
                out.push_str(&format!("{} {}\n", "=".repeat(level as usize), string(&text)));
                text.clear();
            }
            Event::End(TagEnd::Paragraph) if !in_code => {
                out.push_str(&format!("{}\n\n", string(&text)));
                text.clear();
            }
            _ => {}
        }
    }
    out
}

/// The title of the front matter, and the Markdown after it.
fn front_matter(markdown: &str) -> (&str, &str) {
    let Some(rest) = markdown.strip_prefix("---\n") else { return ("", markdown) };
    let (yaml, body) = rest.split_once("\n---\n").unwrap_or(("", rest));
    let title = yaml.lines().find_map(|l| l.strip_prefix("title:")).unwrap_or("");
    (title.trim(), body)
}

/// Text as a Typst string in code, so nothing in it is markup.
fn string(text: &str) -> String {
    format!("#{}", barometer::pdf::markup::string(text))
}
