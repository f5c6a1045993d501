//! SQL sources against a real PostgreSQL server: a throwaway cluster on a
//! loopback port in a temporary folder (`initdb` + `pg_ctl`), loaded with
//! 100,000 posts. `barometer sources` snapshots a query grouped by tier;
//! the build, offline, must publish the same figures as a derived dataset
//! computing the same aggregation from the table's CSV export.
//!
//! Skipped, saying so, when PostgreSQL is not installed; `.ci/run`
//! installs it and sets `BAROMETER_REQUIRE_POSTGRES`, which turns a
//! missing server into a failure.

#![cfg(feature = "postgres")]

mod common;

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::process::{Command, Output};

use common::{Fixture, stderr};

/// A PostgreSQL server of our own, stopped when dropped.
struct Cluster {
    _dir: tempfile::TempDir,
    data: PathBuf,
    bin: PathBuf,
    port: u16,
    /// initdb refuses to run as root: as root, the server runs as `postgres`.
    as_postgres: bool,
}

impl Cluster {
    fn start() -> Option<Cluster> {
        let bin = server_bin()?;
        let as_postgres = run_ok(Command::new("id").arg("-u")).is_some_and(|o| o.trim() == "0");
        let dir = tempfile::tempdir().expect("temp dir");
        let data = dir.path().join("db");
        if as_postgres {
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(dir.path(), std::fs::Permissions::from_mode(0o777)).expect("chmod");
        }
        let port =
            std::net::TcpListener::bind("127.0.0.1:0").expect("free port").local_addr().unwrap().port();
        let cluster = Cluster { _dir: dir, data, bin, port, as_postgres };
        let initdb = cluster
            .command("initdb")
            .args(["-A", "trust", "-U", "barometer", "-E", "UTF8", "--no-sync", "-D"])
            .arg(&cluster.data)
            .output()
            .expect("initdb");
        assert!(initdb.status.success(), "initdb: {}", stderr(&initdb));
        let options =
            format!("-p {port} -k {} -c listen_addresses=127.0.0.1 -c fsync=off", cluster.data.display());
        let log = cluster.data.join("server.log");
        let started = cluster
            .command("pg_ctl")
            .arg("-D")
            .arg(&cluster.data)
            .args(["-o", &options, "-l"])
            .arg(&log)
            .args(["-w", "start"])
            .output()
            .expect("pg_ctl");
        assert!(started.status.success(), "pg_ctl start: {}", stderr(&started));
        Some(cluster)
    }

    fn command(&self, program: &str) -> Command {
        let program = self.bin.join(program);
        if self.as_postgres {
            let mut c = Command::new("runuser");
            c.args(["-u", "postgres", "--"]).arg(program);
            c
        } else {
            Command::new(program)
        }
    }

    fn url(&self) -> String {
        format!("postgres://barometer@127.0.0.1:{}/postgres", self.port)
    }
}

impl Drop for Cluster {
    fn drop(&mut self) {
        let _ = self.command("pg_ctl").arg("-D").arg(&self.data).args(["-m", "immediate", "stop"]).output();
    }
}

/// The folder of `initdb` and `pg_ctl`: on the PATH, or Debian's.
fn server_bin() -> Option<PathBuf> {
    let on_path =
        std::env::var_os("PATH").into_iter().flat_map(|p| std::env::split_paths(&p).collect::<Vec<_>>());
    let debian = std::fs::read_dir("/usr/lib/postgresql")
        .into_iter()
        .flatten()
        .flatten()
        .map(|e| e.path().join("bin"));
    let mut debian: Vec<PathBuf> = debian.collect();
    debian.sort();
    on_path.chain(debian.into_iter().rev()).find(|d| d.join("initdb").is_file() && d.join("pg_ctl").is_file())
}

fn run_ok(c: &mut Command) -> Option<String> {
    c.output().ok().filter(|o| o.status.success()).map(|o| String::from_utf8_lossy(&o.stdout).into_owned())
}

fn cluster_or_skip() -> Option<Cluster> {
    let cluster = Cluster::start();
    if cluster.is_none() {
        assert!(
            std::env::var_os("BAROMETER_REQUIRE_POSTGRES").is_none(),
            "BAROMETER_REQUIRE_POSTGRES is set but no PostgreSQL server (initdb, pg_ctl) was found"
        );
        eprintln!("skipped: PostgreSQL is not installed (Debian: apt-get install postgresql)");
    }
    cluster
}

const ROWS: usize = 100_000;

/// 100,000 posts across the four tiers, some without likes, as a CSV
/// file for `COPY`.
fn posts_csv() -> String {
    let mut out = String::from("handle,platform,followers,likes,comments\n");
    let mut state = 42u64;
    for i in 0..ROWS {
        state = state.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        let followers = 1_000 + (state >> 33) % 3_000_000 / (1 + (state >> 20) % 40);
        let likes =
            if i % 50 == 7 { String::new() } else { ((state >> 12) % (followers / 10 + 1)).to_string() };
        let comments = (state >> 40) % 200;
        let platform = ["Instagram", "TikTok", "YouTube", "LinkedIn"][(state >> 8) as usize % 4];
        out.push_str(&format!("@compte{i},{platform},{followers},{likes},{comments}\n"));
    }
    out
}

const QUERY: &str = "select case when followers >= 1000000 then 'mega'
            when followers >= 100000 then 'macro'
            when followers >= 10000 then 'micro'
            else 'nano' end as tier,
       count(*) as posts,
       sum(likes) as likes,
       avg(likes + comments) as mean_interactions,
       percentile_cont(0.5) within group (order by likes) as median_likes,
       percentile_cont(0.25) within group (order by likes) as q1_likes
from posts
group by 1
order by 1";

fn indented(text: &str) -> String {
    text.lines().map(|l| format!("  {l}\n")).collect()
}

fn project(cluster: &Cluster) -> Fixture {
    let mut client = postgres::Client::connect(&cluster.url(), postgres::NoTls).expect("connect");
    client
        .batch_execute("create table posts (handle text, platform text, followers integer, likes integer, comments integer)")
        .unwrap();
    let mut writer = client.copy_in("copy posts from stdin with (format csv, header)").unwrap();
    std::io::Write::write_all(&mut writer, posts_csv().as_bytes()).unwrap();
    writer.finish().unwrap();
    // The CSV export the derived dataset starts from, as the server writes it.
    let mut export = String::new();
    let mut reader = client.copy_out("copy posts to stdout with (format csv, header)").unwrap();
    std::io::Read::read_to_string(&mut reader, &mut export).unwrap();
    drop(reader);
    let by_tier = format!(
        "title: Publications par palier (requête)\nsource: Entrepôt de l'agence\nconnection: warehouse\nquery: |\n{}",
        indented(QUERY)
    );
    Fixture::new(&[
        (
            "report.yaml",
            "title: T\nlanguage: fr\npdf: false\nconnections:\n  warehouse: { type: postgres, url_env: BAROMETER_TEST_WAREHOUSE }\n",
        ),
        (
            "content/_index.md",
            "---\ntitle: H\n---\n```table\ndata: by-tier\n```\n\n```table\ndata: by-tier-derived\n```\n",
        ),
        ("data/by-tier.yaml", &by_tier),
        ("data/posts.csv", &export),
        ("data/posts.yaml", "source: Entrepôt de l'agence\n"),
        (
            "data/by-tier-derived.yaml",
            "from: posts\nderive:\n  interactions: likes + comments\ngroup_by: [tier]\naggregate:\n  posts: count()\n  likes: sum(likes)\n  mean_interactions: mean(interactions)\n  median_likes: median(likes)\n  q1_likes: quantile(likes, 0.25)\n",
        ),
    ])
}

fn sources(f: &Fixture, cluster: &Cluster, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_barometer"))
        .arg("sources")
        .args(args)
        .arg("--root")
        .arg(f.root())
        .env("BAROMETER_TEST_WAREHOUSE", cluster.url())
        .output()
        .expect("run barometer")
}

/// A dataset's download by tier: each tier's cells by column name.
fn by_tier(csv: &str) -> BTreeMap<String, BTreeMap<String, f64>> {
    let mut lines = csv.lines();
    let header: Vec<&str> = lines.next().unwrap().split(',').collect();
    let tier = header.iter().position(|h| *h == "tier").unwrap();
    lines
        .map(|l| {
            let cells: Vec<&str> = l.split(',').collect();
            let numbers = header
                .iter()
                .zip(&cells)
                .filter(|(h, _)| !["id", "tier"].contains(h))
                .map(|(h, c)| (h.to_string(), c.parse().unwrap()))
                .collect();
            (cells[tier].to_string(), numbers)
        })
        .collect()
}

#[test]
fn a_query_snapshot_publishes_what_the_derived_dataset_computes_from_the_export() {
    let Some(cluster) = cluster_or_skip() else { return };
    let f = project(&cluster);
    let fetched = sources(&f, &cluster, &[]);
    assert!(fetched.status.success(), "{}", stderr(&fetched));
    let said = String::from_utf8_lossy(&fetched.stdout);
    assert!(said.contains("fetched `by-tier` from `warehouse`: 4 rows"), "{said}");

    let provenance = std::fs::read_to_string(f.root().join("data/.snapshots/by-tier.yaml")).unwrap();
    let hash: String = {
        use sha2::Digest;
        sha2::Sha256::digest(format!("{QUERY}\n").as_bytes()).iter().map(|b| format!("{b:02x}")).collect()
    };
    assert!(provenance.contains(&format!("query_sha256: {hash}")), "{provenance}");
    assert!(
        provenance.contains("rows: 4") && provenance.contains("connection: \"warehouse\""),
        "{provenance}"
    );
    assert!(
        provenance.contains("\"posts\": integer") && provenance.contains("\"mean_interactions\": number"),
        "{provenance}"
    );
    assert!(!provenance.contains("127.0.0.1"), "the address never reaches the project");

    // The build needs neither the server nor its address.
    drop(cluster);
    let out = f.build();
    assert!(out.status.success(), "{}", stderr(&out));
    let sql = by_tier(&f.read("data/by-tier.csv"));
    let ours = by_tier(&f.read("data/by-tier-derived.csv"));
    assert_eq!(sql.keys().collect::<Vec<_>>(), ["macro", "mega", "micro", "nano"]);
    assert_eq!(sql.keys().collect::<Vec<_>>(), ours.keys().collect::<Vec<_>>());
    let total: f64 = sql.values().map(|t| t["posts"]).sum();
    assert_eq!(total, ROWS as f64);
    for (tier, figures) in &sql {
        for (name, value) in figures {
            let derived = ours[tier][name];
            assert!(
                (value - derived).abs() <= 1e-9 * value.abs().max(1.0),
                "{tier} {name}: SQL {value}, derived {derived}"
            );
        }
    }
    let home = f.read("index.html");
    let provenance = home.split("<div class=\"fig-provenance\"><p>").nth(1).unwrap_or("");
    let sentence = provenance.split("</p>").next().unwrap_or("");
    assert!(sentence.starts_with("Extrait de la base «\u{a0}warehouse\u{202f}» le "), "{sentence}");
    assert!(sentence.ends_with("UTC (4 lignes), par cette requête\u{a0}:"), "{sentence}");
    assert!(home.contains("when followers &gt;= 1000000 then &#39;mega&#39;"), "the query, escaped");
    let jsonld = home.split("application/ld+json\">").nth(1).unwrap_or("");
    assert!(jsonld.contains("\"dateModified\"") && jsonld.contains("measurementTechnique"), "{jsonld}");
    // The sources page gives the same provenance under the dataset.
    let page = f.read("sources/index.html");
    let entry =
        page.split("id=\"data-by-tier\"").nth(1).and_then(|e| e.split("</section>").next()).unwrap_or("");
    assert!(entry.contains(&format!("<p>{sentence}</p>")), "{entry}");
    assert!(entry.contains("when followers &gt;= 1000000 then &#39;mega&#39;"), "{entry}");
}

#[test]
fn stale_missing_and_refused_snapshots_are_errors_that_say_what_to_run() {
    let Some(cluster) = cluster_or_skip() else { return };
    let f = project(&cluster);
    let err = stderr(&f.build());
    assert!(err.contains("the dataset `by-tier` has no snapshot of its query"), "{err}");
    assert!(err.contains("barometer sources by-tier"), "{err}");
    assert!(sources(&f, &cluster, &["by-tier"]).status.success());
    assert!(f.build().status.success());

    let yaml = std::fs::read_to_string(f.root().join("data/by-tier.yaml")).unwrap();
    f.write("data/by-tier.yaml", &yaml.replace("order by 1", "order by 2"));
    let err = stderr(&f.build());
    assert!(err.contains("the snapshot of `by-tier` is stale: the query changed"), "{err}");
    assert!(err.contains("data/by-tier.yaml:5"), "{err}");

    // A query that writes is refused: the report only reads.
    f.write("data/by-tier.yaml", "source: S\nconnection: warehouse\nquery: |\n  delete from posts\n");
    let refused = sources(&f, &cluster, &[]);
    assert!(!refused.status.success());
    assert!(stderr(&refused).contains("read-only transaction"), "{}", stderr(&refused));
    let mut client = postgres::Client::connect(&cluster.url(), postgres::NoTls).unwrap();
    let n: i64 = client.query_one("select count(*) from posts", &[]).unwrap().get(0);
    assert_eq!(n, ROWS as i64);

    // A typo in the SQL is shown at its line in the dataset file.
    f.write(
        "data/by-tier.yaml",
        "source: S\nconnection: warehouse\nquery: |\n  select count(*)\n  from postz\n",
    );
    let err = stderr(&sources(&f, &cluster, &[]));
    assert!(
        err.contains("relation \"postz\" does not exist") && err.contains("data/by-tier.yaml:5:8"),
        "{err}"
    );

    // A file barometer did not write is never replaced.
    f.write("data/by-tier.yaml", "source: S\nconnection: warehouse\nquery: select 1 as one\n");
    f.write("data/.snapshots/by-tier.yaml", "mine\n");
    let err = stderr(&sources(&f, &cluster, &[]));
    assert!(err.contains("barometer did not write it"), "{err}");
    assert_eq!(std::fs::read_to_string(f.root().join("data/.snapshots/by-tier.yaml")).unwrap(), "mine\n");

    // No address, no connection: said at `connection:`.
    let out = f.run(&["sources"]);
    assert!(stderr(&out).contains("reads its address from `BAROMETER_TEST_WAREHOUSE`, which is not set"));
}
