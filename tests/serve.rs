//! `barometer serve` over real HTTP: pages, live reload, the error overlay,
//! and paths that try to leave the site.
#![cfg(feature = "serve")]

mod common;

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use common::Fixture;

/// A running `barometer serve`, stopped when dropped.
struct Server {
    child: Child,
    port: u16,
    /// What it prints on standard error, line by line.
    printed: mpsc::Receiver<String>,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Server {
    fn start(f: &Fixture) -> Server {
        Server::start_on(f, 0).0
    }

    /// Starts on `port` (0: any free one); also gives what it printed first.
    fn start_on(f: &Fixture, port: u16) -> (Server, Vec<String>) {
        let mut child = Command::new(env!("CARGO_BIN_EXE_barometer"))
            .args(["serve", "--port", &port.to_string(), "--root"])
            .arg(f.root())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("start serve");
        let rx = lines(child.stdout.take().expect("stdout"));
        let printed = lines(child.stderr.take().expect("stderr"));
        let mut printed_first = Vec::new();
        while !printed_first.last().is_some_and(|l: &String| l.starts_with("serving on")) {
            printed_first
                .push(rx.recv_timeout(Duration::from_secs(60)).expect("serve says where it listens"));
        }
        let line = printed_first.last().expect("a line");
        let port = line
            .split("127.0.0.1:")
            .nth(1)
            .and_then(|rest| rest.split('/').next())
            .and_then(|p| p.parse().ok())
            .unwrap_or_else(|| panic!("no port in {line:?}"));
        (Server { child, port, printed }, printed_first)
    }

    /// What the next build printed on standard error, up to its summary.
    fn build_printed(&self) -> Vec<String> {
        let mut lines = Vec::new();
        while !lines.last().is_some_and(|l: &String| l.starts_with("built") || l.starts_with("build failed"))
        {
            lines.push(self.printed.recv_timeout(Duration::from_secs(60)).expect("a build's summary"));
        }
        lines
    }

    /// GET `path`: the status code and the body.
    fn get(&self, path: &str) -> (u16, String) {
        let mut stream = TcpStream::connect(("127.0.0.1", self.port)).expect("connect");
        write!(stream, "GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n").unwrap();
        let mut response = String::new();
        stream.read_to_string(&mut response).expect("read");
        let status = response.split(' ').nth(1).and_then(|s| s.parse().ok()).unwrap_or(0);
        let body = response.split_once("\r\n\r\n").map(|(_, b)| b.to_string()).unwrap_or_default();
        (status, body)
    }

    /// Subscribes to the reload signal; `wait` returns once it comes.
    fn reloads(&self) -> Reloads {
        let mut stream = TcpStream::connect(("127.0.0.1", self.port)).expect("connect");
        write!(stream, "GET /__barometer/reload HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n").unwrap();
        stream.set_read_timeout(Some(Duration::from_millis(200))).unwrap();
        let mut r = Reloads { stream, seen: String::new() };
        r.read_until(|s| s.contains("text/event-stream"), Duration::from_secs(10));
        r
    }
}

/// The lines read from `stream`, as they come.
fn lines(stream: impl Read + Send + 'static) -> mpsc::Receiver<String> {
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stream).lines().map_while(Result::ok) {
            let _ = tx.send(line);
        }
    });
    rx
}

struct Reloads {
    stream: TcpStream,
    seen: String,
}

impl Reloads {
    fn read_until(&mut self, done: impl Fn(&str) -> bool, limit: Duration) -> bool {
        let start = Instant::now();
        let mut buf = [0u8; 4096];
        while start.elapsed() < limit {
            if done(&self.seen) {
                return true;
            }
            if let Ok(n) = self.stream.read(&mut buf) {
                self.seen.push_str(&String::from_utf8_lossy(&buf[..n]));
            }
        }
        done(&self.seen)
    }

    /// Waits for the next `reload` event.
    fn wait(&mut self) {
        let before = self.seen.matches("data: reload").count();
        let got = self.read_until(|s| s.matches("data: reload").count() > before, Duration::from_secs(30));
        assert!(got, "no reload signal; got {:?}", self.seen);
    }
}

fn project() -> Fixture {
    Fixture::new(&[
        ("report.yaml", "title: Served\nlanguage: en\n"),
        (
            "data/s.yaml",
            "source: Panel\nsample_size: 800\nfields:\n  share: { type: percent }\nrows:\n  - { id: a, label: A, share: 40 }\n",
        ),
        (
            "content/_index.md",
            "---\ntitle: Home\n---\nFirst version.\n\n```chart\ntype: bar\ndata: s\nx: label\ny: share\ntitle: Shares\n```\n",
        ),
        ("content/about.md", "---\ntitle: About\n---\nAbout us.\n"),
    ])
}

#[test]
fn pages_are_served_with_the_reload_script_and_unknown_paths_get_the_404_page() {
    let f = project();
    let server = Server::start(&f);
    let (status, home) = server.get("/");
    assert_eq!(status, 200);
    assert!(home.contains("First version.") && home.contains("<svg"), "{home}");
    assert!(home.contains("EventSource(\"/__barometer/reload\")"));
    assert_eq!(server.get("/about/").0, 200);
    assert_eq!(server.get("/about").0, 301);
    let (status, csv) = server.get("/data/s.csv");
    assert_eq!(status, 200);
    assert!(csv.contains("a,A,40"), "{csv}");
    let (status, missing) = server.get("/no/such/page/");
    assert_eq!(status, 404);
    assert!(
        missing.contains("<html") && missing.contains("Page not found"),
        "the theme's 404 page: {missing}"
    );
    assert!(!f.root().join("public").exists(), "serve builds in memory, writes nothing");
}

#[test]
fn an_image_beside_its_page_is_served_where_the_page_links_to_it() {
    let f = project();
    let svg = "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"4\" height=\"4\"/>";
    f.write("content/guide/_index.md", "---\ntitle: Guide\n---\n![The plan](plan.svg)\n");
    f.write("content/guide/plan.svg", svg);
    f.write("content/guide/draft-notes.txt", "private");
    f.write("content/about.md", "---\ntitle: About\n---\nSee [the guide](guide/_index.md).\n");
    let server = Server::start(&f);
    let (status, page) = server.get("/guide/");
    assert_eq!(status, 200);
    let src = page.split("<img src=\"").nth(1).and_then(|r| r.split('"').next()).expect("an image");
    assert!(!src.starts_with('/'), "{src}");
    // As a browser resolves it against the page's address.
    let mut parts = vec!["guide"];
    for segment in src.split('/') {
        if segment == ".." {
            parts.pop();
        } else {
            parts.push(segment);
        }
    }
    let resolved = format!("/{}", parts.join("/"));
    let (status, body) = server.get(&resolved);
    assert_eq!(status, 200, "{resolved}");
    assert_eq!(body, svg);
    assert_eq!(server.get("/guide/draft-notes.txt").0, 404, "what no page links to is not served");
}

#[test]
fn no_path_leaves_the_site() {
    let f = project();
    f.write("secret.txt", "TOP SECRET");
    let server = Server::start(&f);
    for path in [
        "/../secret.txt",
        "/%2e%2e/secret.txt",
        "/%2E%2E%2Fsecret.txt",
        "/about/..%2f..%2fsecret.txt",
        "/..%5csecret.txt",
        "//secret.txt",
        "/report.yaml",
        "/content/about.md",
        "/etc/passwd",
        &format!("/{}", f.root().join("secret.txt").display()),
    ] {
        let (status, body) = server.get(path);
        assert_eq!(status, 404, "{path}");
        assert!(!body.contains("TOP SECRET") && !body.contains("title: Served"), "{path}");
    }
}

#[test]
fn an_edit_rebuilds_and_reloads_a_broken_dataset_shows_the_overlay_until_fixed() {
    let f = project();
    let server = Server::start(&f);
    let mut reloads = server.reloads();

    f.write("content/_index.md", "---\ntitle: Home\n---\nSecond version.\n\n```chart\ntype: bar\ndata: s\nx: label\ny: share\ntitle: Shares\n```\n");
    reloads.wait();
    let (_, home) = server.get("/");
    assert!(home.contains("Second version.") && !home.contains("barometer-error"), "{home}");

    f.write("data/s.yaml", "source: Panel\nsample_size: 800\nfields:\n  share: { type: percnt }\nrows:\n  - { id: a, label: A, share: 40 }\n");
    reloads.wait();
    for path in ["/", "/about/"] {
        let (status, page) = server.get(path);
        assert_eq!(status, 200, "the last good site is still served");
        assert!(page.contains("id=\"barometer-error\""), "{path}: {page}");
        assert!(page.contains("data/s.yaml:4:18"), "file, line and column: {page}");
        assert!(page.contains("did you mean `percent`?"));
        assert!(page.contains("share: { type: percnt }"), "the source line");
    }
    assert!(server.get("/").1.contains("Second version."));

    f.write("data/s.yaml", "source: Panel\nsample_size: 800\nfields:\n  share: { type: percent }\nrows:\n  - { id: a, label: A, share: 55 }\n");
    reloads.wait();
    let (_, home) = server.get("/");
    assert!(!home.contains("barometer-error"), "the overlay goes once fixed");
    assert!(home.contains("55"), "the new data is drawn: {home}");
}

#[test]
fn a_rebuild_prints_only_the_warnings_not_printed_before() {
    let f = project();
    f.write("data/unused.yaml", "source: x\nrows:\n  - { v: 1 }\n");
    let server = Server::start(&f);
    let unused = "warning: the dataset `unused` is not used by any page";
    let first = server.build_printed();
    assert!(first.iter().any(|l| l.contains(unused)), "{first:?}");
    let mut reloads = server.reloads();
    let said = |lines: &[String], warning: &str| lines.iter().any(|l| l.contains(warning));
    let summary = |lines: &[String]| lines.last().cloned().unwrap_or_default();

    f.write("content/about.md", "---\ntitle: About\n---\nAbout us, again.\n");
    reloads.wait();
    let second = server.build_printed();
    assert!(!said(&second, unused), "{second:?}");
    assert!(summary(&second).ends_with("; 1 warning as before, not printed again"), "{second:?}");

    let untitled =
        "---\ntitle: Home\n---\nThird version.\n\n```chart\ntype: bar\ndata: s\nx: label\ny: share\n```\n";
    f.write("content/_index.md", untitled);
    reloads.wait();
    let third = server.build_printed();
    assert!(said(&third, "warning: this chart has no `title`") && !said(&third, unused), "{third:?}");
    assert!(summary(&third).ends_with("; 1 warning as before, not printed again"), "{third:?}");

    // A failed build prints its errors; once fixed, no warning is printed again.
    let data = "source: Panel\nsample_size: 800\nfields:\n  share: { type: percent }\nrows:\n  - { id: a, label: A, share: 40 }\n";
    f.write("data/s.yaml", &data.replace("percent }", "percnt }"));
    reloads.wait();
    let failed = server.build_printed();
    assert!(said(&failed, "error: ") && summary(&failed).starts_with("build failed"), "{failed:?}");
    f.write("data/s.yaml", data);
    reloads.wait();
    let fixed = server.build_printed();
    assert!(!fixed.iter().any(|l| l.contains("warning: ")), "{fixed:?}");
    assert!(summary(&fixed).ends_with("; 2 warnings as before, not printed again"), "{fixed:?}");
}

#[test]
fn build_output_never_holds_the_reload_script() {
    let f = project();
    assert!(f.build().status.success());
    for page in ["index.html", "about/index.html", "404.html"] {
        assert!(!f.read(page).contains("__barometer"), "{page}");
    }
}

#[test]
fn a_taken_port_moves_to_the_next_free_one_and_says_so() {
    let f = project();
    let busy = std::net::TcpListener::bind(("127.0.0.1", 0)).unwrap();
    let taken = busy.local_addr().unwrap().port();
    let (server, printed) = Server::start_on(&f, taken);
    assert_eq!(printed[0], format!("port {taken} is taken"));
    assert_ne!(server.port, taken);
    assert_eq!(server.get("/").0, 200);
}
