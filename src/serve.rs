//! `barometer serve`: builds the site into memory, serves it on 127.0.0.1,
//! rebuilds when a source changes and tells open pages to reload.
//!
//! The site is served from memory, never from disk, so no path can reach
//! a file outside it: a request is a lookup in the built site's file map.
//! A rebuild that fails keeps the last good site and lays the errors over
//! every page until a rebuild succeeds. The reload script is added to
//! pages as they are served; `build` output never contains it.

use std::collections::HashSet;
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, RwLock};
use std::time::Duration;

use axum::Router;
use axum::extract::State;
use axum::http::{HeaderValue, StatusCode, Uri, header};
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use notify_debouncer_full::notify::RecursiveMode;
use notify_debouncer_full::notify::event::{EventKind, ModifyKind};
use tokio::sync::broadcast;
use tokio_stream::StreamExt;
use tokio_stream::wrappers::BroadcastStream;

use crate::render::relock;
use crate::{Cache, Diagnostic, Files, Options, Outcome, Severity, html, run_with};

/// What `serve` is asked for.
pub struct ServeOptions {
    pub root: PathBuf,
    pub port: u16,
    pub drafts: bool,
}

/// Where pages listen for the reload signal.
pub const RELOAD_PATH: &str = "/__barometer/reload";

/// The folders and files whose changes trigger a rebuild.
const WATCHED: &[&str] = &["report.yaml", "content", "data", "templates", "static", "themes"];

/// What is being served.
#[derive(Default)]
struct Served {
    files: Arc<Files>,
    /// The errors of the last build, when it failed, as an overlay.
    failure: Option<String>,
}

struct Shared {
    served: RwLock<Served>,
    reload: broadcast::Sender<()>,
}

/// Builds, then serves until the process is stopped. `report` prints each
/// build's diagnostics and summary; `listening` is told the address once
/// the server accepts connections.
pub fn serve(
    opts: &ServeOptions,
    report: impl Fn(&Outcome) + Send + 'static,
    listening: impl FnOnce(&str, Option<u16>),
) -> Result<(), String> {
    let build_opts = Options {
        root: opts.root.clone(),
        output: None,
        drafts: opts.drafts,
        strict: false,
        force: false,
        progress: Default::default(),
        publish: false,
        base_url: None,
    };
    let cache = Cache::reusing();
    crate::load::keep_freed_memory(2000);
    let (reload, _) = broadcast::channel(16);
    let shared = Arc::new(Shared { served: RwLock::default(), reload });
    rebuild(&build_opts, &cache, &shared, &report);

    let (listener, port) = bind(opts.port)?;
    let taken = (opts.port != 0 && port != opts.port).then_some(opts.port);
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .map_err(|e| format!("cannot start the server: {e}"))?;
    let app =
        Router::new().route(RELOAD_PATH, get(reload_events)).fallback(get(page)).with_state(shared.clone());

    let watcher_shared = shared.clone();
    // Events name absolute paths; compare them with an absolute root.
    let root = std::fs::canonicalize(&opts.root).unwrap_or_else(|_| opts.root.clone());
    let (tx, rx) = std::sync::mpsc::channel();
    // An editor's save (a temporary file, then a rename) comes within a
    // millisecond or two; waiting longer only delays the page. Events are
    // looked at every 5 ms, so a change is built 10 to 15 ms after its last
    // event; one that comes after a build began builds again.
    let (quiet, tick) = (Duration::from_millis(10), Duration::from_millis(5));
    let mut debouncer = notify_debouncer_full::new_debouncer(quiet, Some(tick), tx)
        .map_err(|e| format!("cannot watch the project: {e}"))?;
    let mut watched = HashSet::new();
    watch(&mut debouncer, &root, &mut watched)?;
    std::thread::spawn(move || {
        let mut debouncer = debouncer;
        for events in rx {
            let Ok(events) = events else { continue };
            // Building reads every file; reads (and metadata) must not trigger builds.
            let changes = events.iter().filter(|e| changes_content(&e.kind));
            let paths: Vec<&Path> = changes.flat_map(|e| e.paths.iter().map(PathBuf::as_path)).collect();
            if !paths.iter().any(|p| is_source(&root, p)) {
                continue;
            }
            // A folder created since the start (say `templates/`) is watched from now on.
            let _ = watch(&mut debouncer, &root, &mut watched);
            rebuild(&build_opts, &cache, &watcher_shared, &report);
        }
    });

    let url = format!("http://127.0.0.1:{port}/");
    runtime.block_on(async move {
        listener.set_nonblocking(true).map_err(|e| e.to_string())?;
        let listener = tokio::net::TcpListener::from_std(listener).map_err(|e| e.to_string())?;
        listening(&url, taken);
        axum::serve(listener, app).await.map_err(|e| format!("the server stopped: {e}"))
    })
}

/// Listens on 127.0.0.1 at `port`, or the next free one; 0 lets the
/// system choose.
fn bind(port: u16) -> Result<(TcpListener, u16), String> {
    for p in port..=port.saturating_add(19) {
        if let Ok(listener) = TcpListener::bind(("127.0.0.1", p)) {
            let real = listener.local_addr().map(|a| a.port()).unwrap_or(p);
            return Ok((listener, real));
        }
    }
    Err(format!("no free port from {port} to {}", port.saturating_add(19)))
}

/// Watches the project root and each source folder not watched yet.
fn watch<W: notify_debouncer_full::notify::Watcher, C: notify_debouncer_full::FileIdCache>(
    debouncer: &mut notify_debouncer_full::Debouncer<W, C>,
    root: &Path,
    watched: &mut HashSet<PathBuf>,
) -> Result<(), String> {
    // A folder deleted and made again needs a new watch.
    watched.retain(|p| p.exists());
    if watched.insert(root.to_path_buf()) {
        debouncer
            .watch(root, RecursiveMode::NonRecursive)
            .map_err(|e| format!("cannot watch `{}`: {e}", root.display()))?;
    }
    let new: Vec<PathBuf> =
        WATCHED.iter().map(|n| root.join(n)).filter(|p| p.is_dir() && !watched.contains(p)).collect();
    for name in new {
        watched.insert(name.clone());
        debouncer
            .watch(&name, RecursiveMode::Recursive)
            .map_err(|e| format!("cannot watch `{}`: {e}", name.display()))?;
    }
    Ok(())
}

/// Whether an event may change what a build reads.
fn changes_content(kind: &EventKind) -> bool {
    match kind {
        EventKind::Create(_) | EventKind::Remove(_) | EventKind::Any => true,
        EventKind::Modify(m) => !matches!(m, ModifyKind::Metadata(_)),
        EventKind::Access(_) | EventKind::Other => false,
    }
}

/// Whether a changed path is one of the project's sources.
fn is_source(root: &Path, path: &Path) -> bool {
    let Ok(rel) = path.strip_prefix(root) else { return false };
    let first = rel.components().next().map(|c| c.as_os_str().to_string_lossy().into_owned());
    let bibliography = rel.components().count() == 1 && rel.extension().is_some_and(|e| e == "bib");
    bibliography || first.is_some_and(|f| WATCHED.contains(&f.as_str()))
}

/// Builds again; on success the new site is served, on failure the old one
/// with the errors over it. Open pages are told to reload either way.
fn rebuild(opts: &Options, cache: &Cache, shared: &Shared, report: &impl Fn(&Outcome)) {
    publish(shared, report, || run_with(opts, cache));
}

/// Runs `build` and serves what it gives. A panic (a bug of ours) is
/// caught and shown like an error, and the next change is built as usual.
fn publish(shared: &Shared, report: &impl Fn(&Outcome), build: impl FnOnce() -> (Outcome, Option<Files>)) {
    let (outcome, files) = match std::panic::catch_unwind(std::panic::AssertUnwindSafe(build)) {
        Ok(built) => built,
        Err(panic) => (panicked(panic.as_ref()), None),
    };
    if let Ok(mut served) = shared.served.write() {
        match files {
            Some(files) => *served = Served { files: Arc::new(files), failure: None },
            None => served.failure = Some(overlay(&outcome)),
        }
    }
    let _ = shared.reload.send(());
    // The browser reloads first: printing a thousand warnings takes longer
    // than serving the page.
    report(&outcome);
}

/// The warnings printed by the last build, and by the failed ones since
/// (which may stop before finding them all), so that a rebuild prints only
/// the ones they did not: a project with a thousand warnings printed them
/// all again at every save, burying the one the save caused. Errors and
/// notes are always printed.
#[derive(Default)]
pub struct Printed(Mutex<HashSet<Diagnostic>>);

impl Printed {
    /// What of `outcome` to print, and how many of its warnings the last
    /// build printed too and are left out.
    pub fn new_in<'a>(&self, outcome: &'a Outcome) -> (Vec<&'a Diagnostic>, usize) {
        let mut last = relock(&self.0);
        let warning = |d: &Diagnostic| d.severity == Severity::Warning;
        let (repeated, new): (Vec<_>, Vec<_>) =
            outcome.diagnostics.iter().partition(|d| warning(d) && last.contains(*d));
        if outcome.summary.is_some() {
            last.clear();
        }
        last.extend(outcome.diagnostics.iter().filter(|d| warning(d)).cloned());
        (new, repeated.len())
    }
}

/// A build that panicked, as an outcome with one error that says so.
fn panicked(panic: &(dyn std::any::Any + Send)) -> Outcome {
    let what = panic
        .downcast_ref::<&str>()
        .map(|s| s.to_string())
        .or_else(|| panic.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "unknown cause".into());
    let message = format!("barometer failed while building (a bug, not your project's fault): {what}");
    let hint = "save again to rebuild; please report this with the project that caused it";
    let d = crate::Diagnostic::error(crate::config::CONFIG_FILE, None, message).with_hint(hint);
    Outcome { diagnostics: vec![d], ..Outcome::default() }
}

/// The errors of a failed build as an HTML overlay, each with its file,
/// line, message and source line.
fn overlay(outcome: &Outcome) -> String {
    let text: String = outcome
        .diagnostics
        .iter()
        .filter(|d| d.is_error())
        .map(|d| d.render(outcome.sources.get(&d.file).map(String::as_str)) + "\n")
        .collect();
    format!(
        "<div id=\"barometer-error\" role=\"alert\" style=\"position:fixed;left:0;right:0;bottom:0;\
         max-height:70vh;overflow:auto;margin:0;padding:1rem 1.25rem;background:#fff4f4;color:#1a1a1a;\
         border-top:4px solid #b00020;font:14px/1.45 ui-monospace,monospace;z-index:2147483647\">\
         <strong style=\"font:600 15px/1.4 system-ui,sans-serif\">The last change does not build; \
         this is the last version that did.</strong><pre style=\"white-space:pre-wrap;margin:.75rem 0 0\">{}</pre></div>",
        html::escape(&text)
    )
}

/// `text/event-stream`: one `reload` event per rebuild.
async fn reload_events(State(shared): State<Arc<Shared>>) -> impl IntoResponse {
    let stream = BroadcastStream::new(shared.reload.subscribe())
        .map(|_| Ok::<_, std::convert::Infallible>(Event::default().data("reload")));
    Sse::new(stream).keep_alive(KeepAlive::default())
}

async fn page(State(shared): State<Arc<Shared>>, uri: Uri) -> Response {
    let (files, failure) = match shared.served.read() {
        Ok(s) => (s.files.clone(), s.failure.clone()),
        Err(_) => return StatusCode::INTERNAL_SERVER_ERROR.into_response(),
    };
    match lookup(uri.path(), &files) {
        Lookup::Found(path) => respond(StatusCode::OK, &path, &files[&path], failure.as_deref()),
        Lookup::Redirect(to) => (StatusCode::MOVED_PERMANENTLY, [(header::LOCATION, to)]).into_response(),
        Lookup::NotFound => match files.get(Path::new("404.html")) {
            Some(body) => respond(StatusCode::NOT_FOUND, Path::new("404.html"), body, failure.as_deref()),
            None => respond(StatusCode::NOT_FOUND, Path::new("404.html"), &not_built(), failure.as_deref()),
        },
    }
}

/// A page for when no build has succeeded yet.
fn not_built() -> crate::content::Content {
    b"<!doctype html><html><head><meta charset=\"utf-8\"><title>Not built</title></head>\
      <body><p>The site has not built yet.</p></body></html>"
        .to_vec()
        .into()
}

fn respond(
    status: StatusCode,
    path: &Path,
    body: &crate::content::Content,
    failure: Option<&str>,
) -> Response {
    // A file left in the build cache is read when asked for.
    let Ok(body) = body.read() else { return StatusCode::NOT_FOUND.into_response() };
    let kind = content_type(path);
    let body = if kind.starts_with("text/html") {
        inject(&String::from_utf8_lossy(&body), failure).into_bytes()
    } else {
        body.to_vec()
    };
    let mut response = (status, body).into_response();
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(kind));
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}

/// Adds the reload script, and the error overlay when the last build
/// failed, before `</body>`.
pub fn inject(html: &str, failure: Option<&str>) -> String {
    let script = format!(
        "<script>new EventSource(\"{RELOAD_PATH}\").onmessage = function () {{ location.reload(); }};</script>"
    );
    let extra = format!("{}{script}", failure.unwrap_or(""));
    match html.rfind("</body>") {
        Some(at) => format!("{}{extra}{}", &html[..at], &html[at..]),
        None => format!("{html}{extra}"),
    }
}

/// How a request path maps onto the site's files.
#[derive(Debug, PartialEq)]
pub enum Lookup {
    Found(PathBuf),
    /// `/a` when `/a/` is a page.
    Redirect(String),
    NotFound,
}

/// Finds the file a request path names. Only names in `files` can be
/// found; `..`, encoded or not, is never followed.
pub fn lookup(path: &str, files: &Files) -> Lookup {
    let Some(decoded) = crate::assets::percent_decode_strict(path) else { return Lookup::NotFound };
    let mut parts = Vec::new();
    for part in decoded.split('/').filter(|p| !p.is_empty() && *p != ".") {
        if part == ".." || part.contains('\\') || part.contains(':') || part.contains('\0') {
            return Lookup::NotFound;
        }
        parts.push(part);
    }
    let rel: PathBuf = parts.iter().collect();
    if decoded.ends_with('/') || parts.is_empty() {
        let index = rel.join("index.html");
        return if files.contains_key(&index) { Lookup::Found(index) } else { Lookup::NotFound };
    }
    if files.contains_key(&rel) {
        Lookup::Found(rel)
    } else if files.contains_key(&rel.join("index.html")) {
        Lookup::Redirect(format!("/{}/", parts.join("/")))
    } else {
        Lookup::NotFound
    }
}

fn content_type(path: &Path) -> &'static str {
    match path.extension().and_then(|e| e.to_str()).unwrap_or("") {
        "html" => "text/html; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "js" => "text/javascript; charset=utf-8",
        "svg" => "image/svg+xml",
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "webp" => "image/webp",
        "gif" => "image/gif",
        "ico" => "image/x-icon",
        "csv" => "text/csv; charset=utf-8",
        "json" => "application/json",
        "xml" => "application/xml",
        "txt" => "text/plain; charset=utf-8",
        "otf" => "font/otf",
        "ttf" => "font/ttf",
        "woff2" => "font/woff2",
        _ => "application/octet-stream",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn site() -> Files {
        ["index.html", "a/index.html", "data/x.csv", "style.css"]
            .into_iter()
            .map(|p| (PathBuf::from(p), b"x".to_vec().into()))
            .collect()
    }

    #[test]
    fn sources_are_the_project_files_a_build_reads() {
        let root = Path::new("/p");
        for (path, is) in [
            ("/p/report.yaml", true),
            ("/p/references.bib", true),
            ("/p/content/a.md", true),
            ("/p/public/index.html", false),
            ("/p/notes.txt", false),
            ("/p/public/x.bib", false),
        ] {
            assert_eq!(is_source(root, Path::new(path)), is, "{path}");
        }
    }

    #[test]
    fn paths_map_to_files_pages_and_redirects() {
        let files = site();
        assert_eq!(lookup("/", &files), Lookup::Found("index.html".into()));
        assert_eq!(lookup("/a/", &files), Lookup::Found("a/index.html".into()));
        assert_eq!(lookup("/a", &files), Lookup::Redirect("/a/".into()));
        assert_eq!(lookup("/data/x.csv", &files), Lookup::Found("data/x.csv".into()));
        assert_eq!(lookup("/st%79le.css", &files), Lookup::Found("style.css".into()));
        assert_eq!(lookup("/nope", &files), Lookup::NotFound);
    }

    #[test]
    fn a_panic_while_rebuilding_is_shown_and_the_next_build_is_served() {
        let (reload, _) = broadcast::channel(4);
        let shared = Shared { served: RwLock::default(), reload };
        let site: Files = [(PathBuf::from("index.html"), b"first".to_vec().into())].into_iter().collect();
        let good = |site: Files| {
            move || (Outcome { summary: Some(Default::default()), ..Outcome::default() }, Some(site))
        };
        publish(&shared, &|_| {}, good(site.clone()));
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(|_| {}));
        publish(&shared, &|_| {}, || -> (Outcome, Option<Files>) { panic!("capacity overflow") });
        std::panic::set_hook(previous);
        {
            let served = shared.served.read().unwrap();
            assert_eq!(
                served.files[Path::new("index.html")].in_memory(),
                Some(&b"first"[..]),
                "the last good site stays"
            );
            let overlay = served.failure.as_deref().unwrap();
            assert!(overlay.contains("capacity overflow") && overlay.contains("a bug"), "{overlay}");
        }
        let next: Files = [(PathBuf::from("index.html"), b"second".to_vec().into())].into_iter().collect();
        publish(&shared, &|_| {}, good(next));
        let served = shared.served.read().unwrap();
        assert_eq!(served.files[Path::new("index.html")].in_memory(), Some(&b"second"[..]));
        assert!(served.failure.is_none());
    }

    #[test]
    fn nothing_outside_the_site_is_reached() {
        let files = site();
        for path in [
            "/../report.yaml",
            "/%2e%2e/report.yaml",
            "/a/%2E%2E/%2e%2e/etc/passwd",
            "/..%2f..%2fetc%2fpasswd",
            "//etc/passwd",
            "/C:/Windows/win.ini",
            "/a\\..\\x",
            "/%zz",
            "/%ff",
        ] {
            assert_eq!(lookup(path, &files), Lookup::NotFound, "{path}");
        }
    }

    #[test]
    fn the_script_goes_before_the_end_of_the_body() {
        let page = inject("<html><body><p>x</p></body></html>", Some("<div>boom</div>"));
        assert!(page.ends_with(&format!("<div>boom</div><script>new EventSource(\"{RELOAD_PATH}\").onmessage = function () {{ location.reload(); }};</script></body></html>")), "{page}");
    }
}
