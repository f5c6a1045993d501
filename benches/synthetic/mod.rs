//! A synthetic barometer project for benchmarks, seeded so every run
//! writes the same bytes: `pages` chapters of about 800 words (headings, a
//! table, values in prose, two charts) in parts of fifty (each part an
//! index page of its own), over `datasets` small survey
//! datasets, and optionally a raw accounts CSV of `rows` rows aggregated by
//! tier and platform. Shared by `examples/generate.rs` and the benches.
#![allow(dead_code)]

use std::fmt::Write as _;
use std::fs;
use std::io::{BufWriter, Write};
use std::path::Path;

/// What to generate.
#[derive(Clone, Copy, Debug)]
pub struct Spec {
    pub pages: usize,
    pub datasets: usize,
    pub rows: usize,
    pub seed: u64,
    /// Two charts per chapter, or none (prose and a table only).
    pub charts: bool,
    /// Offer a PNG of each chart too (`charts: { png: … }`).
    pub png: bool,
    /// Typeset the whole study as a PDF too (`pdf: false` otherwise).
    pub pdf: bool,
    /// Every chapter at the top of `content/`, as `barometer new` starts a
    /// report, rather than in parts of fifty.
    pub flat: bool,
}

/// A small deterministic generator (SplitMix64), enough for made-up data.
pub struct Rng(pub u64);

impl Rng {
    pub fn next(&mut self) -> f64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        ((z ^ (z >> 31)) >> 11) as f64 / (1u64 << 53) as f64
    }

    fn pick<'a>(&mut self, words: &[&'a str]) -> &'a str {
        words[(self.next() * words.len() as f64) as usize % words.len()]
    }
}

/// The text of one chapter page, and of one survey dataset, as the
/// generator writes them (for benchmarks of one stage).
pub fn sample_chapter(charts: bool) -> String {
    chapter(0, 0, charts, &mut Rng(2026))
}

pub fn sample_survey(d: usize) -> String {
    survey(d, &mut Rng(2026 + d as u64))
}

/// Writes the project into `dir` (its files are overwritten).
pub fn write_project(dir: &Path, spec: Spec) -> std::io::Result<()> {
    fs::create_dir_all(dir.join("data"))?;
    fs::create_dir_all(dir.join("content"))?;
    let pdf = if spec.pdf { "" } else { "pdf: false\n" };
    let report =
        format!("title: Synthetic benchmark report\nlanguage: en\ncharts:\n  png: {}\n{pdf}", spec.png);
    fs::write(dir.join("report.yaml"), report)?;
    let mut rng = Rng(spec.seed);
    // Chapters need a dataset to draw from.
    let datasets = if spec.pages > 0 { spec.datasets.max(1) } else { spec.datasets };
    for d in 0..datasets {
        fs::write(dir.join(format!("data/survey-{d}.yaml")), survey(d, &mut rng))?;
    }
    let mut index =
        String::from("---\ntitle: Synthetic benchmark report\n---\n\nGenerated for benchmarks.\n");
    if spec.rows > 0 {
        fs::write(dir.join("data/accounts.yaml"), ACCOUNTS_META)?;
        fs::write(dir.join("data/engagement-by-tier.yaml"), ENGAGEMENT)?;
        write_accounts(&dir.join("data/accounts.csv"), spec.rows, &mut rng)?;
        index.push_str(RAW_BLOCKS);
    }
    fs::write(dir.join("content/_index.md"), index)?;
    // Chapters come in parts of fifty, and beyond a thousand chapters parts
    // come in volumes of twenty, as a long study would be organised.
    for p in 0..spec.pages {
        if spec.flat {
            let chapter = chapter(p, p % datasets, spec.charts, &mut rng);
            fs::write(dir.join(format!("content/chapter-{p:05}.md")), chapter)?;
            continue;
        }
        let part = dir.join(format!("content/{}", part_of(p, spec.pages)));
        if spec.pages > VOLUME && p % VOLUME == 0 {
            let volume = part.parent().expect("a volume holds the part");
            fs::create_dir_all(volume)?;
            let title = format!("Volume {}", p / VOLUME + 1);
            let index = format!("---\ntitle: {title}\nweight: {}\n---\n\nParts from chapter {p}.\n", p + 1);
            fs::write(volume.join("_index.md"), index)?;
        }
        if p % PART == 0 {
            fs::create_dir_all(&part)?;
            let title = format!("Part {}", p / PART + 1);
            let index = format!("---\ntitle: {title}\nweight: {}\n---\n\nChapters {p} onwards.\n", p + 1);
            fs::write(part.join("_index.md"), index)?;
        }
        fs::write(part.join(format!("chapter-{p:05}.md")), chapter(p, p % datasets, spec.charts, &mut rng))?;
    }
    // Every survey dataset is shown somewhere, even with fewer pages than datasets.
    let shown = spec.pages.min(datasets);
    if shown < datasets {
        let mut annex = String::from("---\ntitle: Annex\nweight: 100000\n---\n\n## Tables\n\n");
        for d in shown..datasets {
            writeln!(annex, "```table\ndata: survey-{d}\n```\n").ok();
        }
        fs::write(dir.join("content/annex.md"), annex)?;
    }
    Ok(())
}

/// Chapters per part, and per volume.
const PART: usize = 50;
const VOLUME: usize = 1000;

/// The folder of chapter `p` of `pages` under `content/`.
pub fn part_of(p: usize, pages: usize) -> String {
    let part = format!("part-{:03}", p / PART + 1);
    if pages > VOLUME { format!("volume-{:02}/{part}", p / VOLUME + 1) } else { part }
}

const PLATFORMS: [&str; 4] = ["Instagram", "TikTok", "YouTube", "LinkedIn"];

/// Twelve answers with a share each, and a two-year comparison.
fn survey(d: usize, rng: &mut Rng) -> String {
    let mut y = format!(
        "title: Survey {d}\nsource: Synthetic panel {d}, generated\nsample_size: {}\nfields:\n  \
         answer: {{ label: Answer }}\n  share: {{ label: Share of respondents, type: percent }}\n  \
         previous: {{ label: Previous year, type: percent }}\nrows:\n",
        800 + d * 7
    );
    for r in 0..12 {
        let share = (rng.next() * 80.0 + 5.0).round();
        let previous = (share + (rng.next() - 0.5) * 10.0).clamp(0.0, 100.0).round();
        writeln!(
            y,
            "  - {{ id: a{r}, answer: \"{} {r}\", share: {share}, previous: {previous} }}",
            rng.pick(TOPICS)
        )
        .ok();
    }
    y
}

/// A chapter: about 800 words in three sections, values in prose, a
/// Markdown table and two charts.
fn chapter(p: usize, d: usize, charts: bool, rng: &mut Rng) -> String {
    let mut md = format!("---\ntitle: Chapter {p}\nweight: {}\n---\n\n", p + 1);
    let sections = ["What respondents said", "How it changed", "What it means"];
    for (s, heading) in sections.iter().enumerate() {
        writeln!(md, "## {heading}\n").ok();
        for _ in 0..3 {
            md.push_str(&paragraph(rng, 85));
            md.push_str("\n\n");
        }
        if s == 0 {
            writeln!(
                md,
                "Among the {{{{ data[\"survey-{d}\"].sample_size | number }}}} respondents, \
                 {{{{ data[\"survey-{d}\"].a0.share | percent }}}} chose the first answer.\n"
            )
            .ok();
        }
        if s == 0 && charts {
            writeln!(md, "```chart\ntype: bar\ndata: survey-{d}\nx: answer\ny: share\nsort: desc\ntitle: Answers, chapter {p}\n```\n").ok();
        }
        if s == 1 {
            md.push_str("| Measure | Value |\n|---|---:|\n| Pages | 800 words |\n| Charts | 2 |\n\n");
        }
        if s == 1 && charts {
            writeln!(md, "```chart\ntype: column\ndata: survey-{d}\nx: answer\ny: previous\ntitle: The year before, chapter {p}\n```\n")
                .ok();
        }
    }
    md
}

fn paragraph(rng: &mut Rng, words: usize) -> String {
    let mut text = String::new();
    for i in 0..words {
        let w = rng.pick(WORDS);
        if i == 0 {
            let mut c = w.chars();
            text.extend(c.next().map(|f| f.to_ascii_uppercase()));
            text.push_str(c.as_str());
        } else {
            text.push(' ');
            text.push_str(w);
        }
    }
    text.push('.');
    text
}

const TOPICS: &[&str] =
    &["Sponsored posts", "Brand feedback", "Fair pay", "Long partnerships", "Free products"];

const WORDS: &[&str] = &[
    "brands",
    "creators",
    "audience",
    "campaign",
    "engagement",
    "trust",
    "followers",
    "content",
    "partnership",
    "survey",
    "respondents",
    "share",
    "platform",
    "video",
    "post",
    "agency",
    "budget",
    "the",
    "of",
    "and",
    "a",
    "in",
    "with",
    "their",
    "more",
    "than",
    "most",
    "often",
    "rarely",
    "say",
];

/// One account per row. Followers spread on a log scale from 300 to 5
/// million (so a few fall below the lowest tier); engagement falls with
/// audience size; about one cost in twenty is missing.
fn write_accounts(path: &Path, rows: usize, rng: &mut Rng) -> std::io::Result<()> {
    let mut out = BufWriter::new(fs::File::create(path)?);
    out.write_all(b"handle,platform,followers,likes,comments,cost,sponsored\n")?;
    let lifts = [1.0, 1.5, 0.7, 0.5];
    let mut line = String::with_capacity(80);
    for i in 0..rows {
        let k = (rng.next() * PLATFORMS.len() as f64) as usize % PLATFORMS.len();
        let followers = 10f64.powf(2.48 + rng.next() * 4.22).round();
        let rate = (0.09 - 0.011 * followers.log10()).max(0.004) * lifts[k] * (0.5 + rng.next());
        let likes = (followers * rate).round();
        let comments = (likes * (0.01 + rng.next() * 0.05)).round();
        line.clear();
        write!(line, "@account{i:07},{},{followers},{likes},{comments},", PLATFORMS[k]).ok();
        if rng.next() >= 0.05 {
            write!(line, "{:.2}", followers * (0.008 + rng.next() * 0.012)).ok();
        }
        writeln!(line, ",{}", rng.next() < 0.3).ok();
        out.write_all(line.as_bytes())?;
    }
    out.flush()
}

const ACCOUNTS_META: &str = "\
title: Accounts (synthetic)
source: Generated by benches/synthetic/mod.rs
fields:
  followers: { type: integer }
  likes: { type: integer }
  comments: { type: integer }
  cost: { type: number }
";

const ENGAGEMENT: &str = "\
title: Engagement by tier and platform
source: Generated by benches/synthetic/mod.rs
from: accounts
filter: followers >= 1000
derive:
  interactions: likes + comments
  engagement_rate: interactions / followers * 100
group_by: [tier, platform]
aggregate:
  accounts: count()
  median_er: median(engagement_rate)
  p25_er: quantile(engagement_rate, 0.25)
  p75_er: quantile(engagement_rate, 0.75)
  mean_cost: mean(cost)
  sponsored: share(sponsored == true)
sort: tier
fields:
  median_er: { label: Median engagement rate, type: percent }
  p25_er: { type: percent }
  p75_er: { type: percent }
  sponsored: { type: percent }
";

const RAW_BLOCKS: &str = "
Median engagement rate of the synthetic accounts, by tier and platform.

```chart
type: range
data: engagement-by-tier
x: tier
low: p25_er
high: p75_er
y: median_er
facet: platform
title: Engagement rate by tier, quartiles and median
```

```table
data: engagement-by-tier
```
";
