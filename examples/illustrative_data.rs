//! Writes the illustrative datasets of the example report's chart
//! catalogue: made-up accounts and posts, from a fixed seed, so every run
//! writes the same bytes. They show what the charts do; they measure
//! nothing.
//!
//!     cargo run --example illustrative_data -- data/illustratif

use std::fmt::Write as _;
use std::fs;
use std::path::PathBuf;

#[path = "../benches/synthetic/mod.rs"]
mod synthetic;

use synthetic::Rng;

const PLATFORMS: [&str; 3] = ["Instagram", "TikTok", "YouTube"];

fn main() -> std::io::Result<()> {
    let dir = PathBuf::from(std::env::args().nth(1).unwrap_or_else(|| "data/illustratif".into()));
    fs::create_dir_all(&dir)?;
    let mut rng = Rng(2026);

    // Accounts: followers spread evenly on a log scale from 1,500 to 2 million;
    // engagement falls with audience size, with noise.
    let mut accounts = String::from("handle,platform,followers,engagement\n");
    for i in 0..60 {
        let platform = PLATFORMS[i % 3];
        let followers = (10f64.powf(3.18 + rng.next() * 3.12) / 10.0).round() * 10.0;
        let base = 9.5 - 1.25 * followers.log10();
        let lift = match platform {
            "TikTok" => 1.4,
            "YouTube" => 0.6,
            _ => 1.0,
        };
        let engagement = ((base * lift + (rng.next() - 0.5) * 1.6).max(0.3) * 10.0).round() / 10.0;
        writeln!(accounts, "@compte{:02},{platform},{followers},{engagement}", i + 1).ok();
    }
    fs::write(dir.join("comptes.csv"), accounts)?;

    // Sponsored posts per month and platform over one year.
    let mut posts = String::from("mois,plateforme,publications\n");
    let months = ["2025-01", "2025-02", "2025-03", "2025-04", "2025-05", "2025-06"];
    for platform in PLATFORMS {
        let start = match platform {
            "Instagram" => 120.0,
            "TikTok" => 60.0,
            _ => 35.0,
        };
        for (m, month) in months.iter().enumerate() {
            let growth = if platform == "TikTok" { 14.0 } else { 4.0 };
            let n = (start + growth * m as f64 + (rng.next() - 0.5) * 12.0).round();
            writeln!(posts, "{month},{platform},{n}").ok();
        }
    }
    fs::write(dir.join("publications.csv"), posts)?;

    // Followers of three fictitious accounts, month by month over two
    // years; August 2024 was never recorded, so the series has a gap.
    let mut followers = String::from("mois,compte,abonnes\n");
    for (account, start, monthly) in [("Compte A", 48_000.0, 1_900.0), ("Compte B", 21_000.0, 650.0)] {
        for m in 0..24 {
            let (year, month) = (2024 + m / 12, m % 12 + 1);
            if (year, month) == (2024, 8) {
                continue;
            }
            let n = (start + monthly * m as f64 + (rng.next() - 0.5) * monthly * 1.5).round();
            writeln!(followers, "{year}-{month:02},{account},{n}").ok();
        }
    }
    fs::write(dir.join("abonnes.csv"), followers)?;

    // Change of the engagement rate between two years, in points, per
    // platform: some rise, some fall.
    let mut change = String::from("plateforme,variation\n");
    for (platform, centre) in
        [("Instagram", -0.6), ("TikTok", 1.1), ("YouTube", 0.3), ("Pinterest", -1.4), ("Facebook", -2.1)]
    {
        let v = ((centre + (rng.next() - 0.5) * 0.6) * 10.0_f64).round() / 10.0;
        writeln!(change, "{platform},{v}").ok();
    }
    fs::write(dir.join("variation.csv"), change)?;
    Ok(())
}
