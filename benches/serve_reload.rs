//! How long a one-page edit takes to reach the browser under `serve`, in a
//! generated project as `barometer new` starts one (1,000 pages in one flat
//! section, 2,000 charts with their PNGs, the PDF on): from writing the
//! file to the reload signal and the edited page served with the change.
//! Target (issue 16): under 150 ms.
//!
//!     cargo bench --bench serve_reload

mod synthetic;

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

fn main() -> std::io::Result<()> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("target/bench/serve-flat-1000");
    let _ = std::fs::remove_dir_all(&dir);
    synthetic::write_project(
        &dir,
        synthetic::Spec {
            pages: 1000,
            datasets: 50,
            rows: 0,
            seed: 2026,
            charts: true,
            png: true,
            pdf: true,
            flat: true,
        },
    )?;
    let mut server = Command::new(env!("CARGO_BIN_EXE_barometer"))
        .args(["serve", "--port", "0", "--root"])
        .arg(&dir)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()?;
    let mut lines = BufReader::new(server.stdout.take().expect("stdout")).lines();
    let port: u16 = loop {
        let line = lines.next().expect("serve prints where it listens")?;
        if let Some(rest) = line.split("127.0.0.1:").nth(1) {
            break rest.split('/').next().and_then(|p| p.parse().ok()).expect("a port");
        }
    };
    let mut events = TcpStream::connect(("127.0.0.1", port))?;
    write!(events, "GET /__barometer/reload HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")?;
    events.set_read_timeout(Some(Duration::from_secs(10)))?;
    let mut seen = String::new();
    read_until(&mut events, &mut seen, "text/event-stream")?;

    let page = dir.join("content/chapter-00500.md");
    let original = std::fs::read_to_string(&page)?;
    let mut times = Vec::new();
    for i in 0..15 {
        let marker = format!("Edit number {i} of the benchmark.");
        let started = Instant::now();
        std::fs::write(&page, format!("{original}\n{marker}\n"))?;
        let reloads = seen.matches("data: reload").count();
        while seen.matches("data: reload").count() == reloads {
            read_until(&mut events, &mut seen, "data: reload")?;
        }
        let body = get(port, "/chapter-00500/")?;
        assert!(body.contains(&marker), "the edit is served");
        times.push(started.elapsed());
        std::thread::sleep(Duration::from_millis(150));
    }
    let _ = server.kill();
    times.sort();
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    println!(
        "one-page edit to reloaded page, 1,000 flat pages / 2,000 charts: median {:.0} ms (min {:.0}, max {:.0}, {} edits)",
        ms(times[times.len() / 2]),
        ms(times[0]),
        ms(times[times.len() - 1]),
        times.len()
    );
    Ok(())
}

/// Reads from `stream` into `seen` until it holds `what` after its current end.
fn read_until(stream: &mut TcpStream, seen: &mut String, what: &str) -> std::io::Result<()> {
    let from = seen.len();
    let mut buf = [0u8; 4096];
    while !seen[from..].contains(what) {
        let n = stream.read(&mut buf)?;
        seen.push_str(&String::from_utf8_lossy(&buf[..n]));
    }
    Ok(())
}

fn get(port: u16, path: &str) -> std::io::Result<String> {
    let mut stream = TcpStream::connect(("127.0.0.1", port))?;
    write!(stream, "GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")?;
    let mut response = String::new();
    stream.read_to_string(&mut response)?;
    Ok(response)
}
