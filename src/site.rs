//! The write stage: the site built in memory goes to disk, touching only
//! what barometer wrote before, and only what changed.
//!
//! The output folder is often not ours alone: a gh-pages worktree holds a
//! `.git`, a user may point `--output` at a folder of documents by mistake.
//! So a build records every file it wrote in a manifest inside the output
//! ([`MANIFEST`]) and later removes or overwrites only files listed there.
//! A non-empty folder without a manifest is refused unless the user passes
//! `--force`, which lets the build write its files there but still removes
//! nothing it did not write. `.git` is never touched.
//!
//! Writing is in two phases, so that the common failures (a full disk, a
//! read-only folder) leave the previous site whole:
//!
//! 1. *Stage*: every changed file is written into a staging folder inside
//!    the output, and new folders are made. Nothing existing is changed; a
//!    failure removes what was staged and made, and the output is as it was.
//! 2. *Commit*: stale files are removed and staged files renamed into
//!    place. Renames and removals need no room on the disk, so this seldom
//!    fails; if it does, the error says how many files were replaced, and the
//!    manifest already lists every file the site may have written.
//!
//! Unchanged files are left alone, so a rebuild costs what changed.

use std::collections::{BTreeSet, HashMap, HashSet};
use std::fmt;
use std::fs;
use std::io;
use std::path::{Component, Path, PathBuf};

use rayon::prelude::*;

use crate::Files;
use crate::content::{Content, Stored};

/// The list of files barometer wrote, one relative path a line, inside
/// the output folder. It is what makes a file ours to replace or remove.
pub const MANIFEST: &str = ".barometer-manifest";

/// Where changed files wait, inside the output, until they are renamed
/// into place.
const STAGING: &str = ".barometer-staging";

const MANIFEST_HEADER: &str = "# Files written by barometer: it replaces or removes only these.\n";

/// What writing the site did.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Written {
    pub written: usize,
    pub unchanged: usize,
    pub removed: usize,
}

/// The output folder after a failed write.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum OutputState {
    /// Exactly as before the build.
    #[default]
    Untouched,
    /// `replaced` of `changed` files are the new ones; the rest are old.
    PartlyUpdated { replaced: usize, changed: usize },
}

/// Why the site was not written, and what the output holds now.
#[derive(Debug)]
pub struct WriteError {
    /// The file or folder the problem is at.
    pub path: PathBuf,
    pub message: String,
    pub hint: String,
    pub state: OutputState,
}

impl fmt::Display for WriteError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.path.display(), self.message)
    }
}

impl WriteError {
    fn refused(path: &Path, message: impl Into<String>, hint: impl Into<String>) -> WriteError {
        WriteError {
            path: path.to_path_buf(),
            message: message.into(),
            hint: hint.into(),
            state: OutputState::Untouched,
        }
    }

    fn io(path: &Path, e: &io::Error, state: OutputState) -> WriteError {
        let hint = match e.kind() {
            io::ErrorKind::StorageFull | io::ErrorKind::QuotaExceeded => "free some space and build again",
            io::ErrorKind::PermissionDenied | io::ErrorKind::ReadOnlyFilesystem => {
                "make the output folder writable, or choose another with --output"
            }
            _ => "fix the cause and build again",
        };
        WriteError {
            path: path.to_path_buf(),
            message: format!("cannot write: {e}"),
            hint: hint.into(),
            state,
        }
    }
}

/// Makes the folder `output` hold `files` (relative path to bytes), and no
/// longer hold the files an earlier build wrote that the site no longer has.
/// With `force`, a folder barometer did not write may be written into.
///
/// `stamps` tell which files from the build cache are in the output
/// already, without reading them; they are replaced by this write's.
pub fn write_site(
    output: &Path,
    files: &Files,
    force: bool,
    stamps: &mut Stamps,
) -> Result<Written, WriteError> {
    let plan = preflight(output, files, force, stamps)?;
    let mut staged = stage(output, files, &plan)?;
    let written = commit(output, &plan, &staged, None)?;
    *stamps = std::mem::take(&mut staged.stamps);
    Ok(written)
}

/// What a write will do, worked out before anything is written.
#[derive(Debug, Default)]
struct Plan {
    /// Files the manifest of the last build lists (ours to replace or remove).
    old: BTreeSet<PathBuf>,
    /// The stamps of the unchanged files taken from the cache.
    stamps: Stamps,
    /// The site's files that differ from what is on disk; each is staged
    /// under its index in this list.
    changed: Vec<PathBuf>,
    unchanged: usize,
    /// Files of the last build the site no longer has.
    stale: Vec<PathBuf>,
    /// Folders the site needs: made in the staging phase when nothing is in
    /// the way, else (a stale file of ours is there) in the commit phase.
    folders_now: Vec<PathBuf>,
    folders_later: Vec<PathBuf>,
}

/// Reads the manifest and the output, and refuses what would touch a file
/// that is not ours. Writes nothing.
fn preflight(output: &Path, files: &Files, force: bool, stamps: &Stamps) -> Result<Plan, WriteError> {
    for rel in files.keys() {
        if !is_ours_to_write(rel) {
            return Err(WriteError::refused(
                rel,
                "the site would write a file with a reserved name (`.git`, or one barometer keeps for itself)",
                "rename the file in static/",
            ));
        }
    }
    if output.components().any(|c| c.as_os_str() == ".git") {
        return Err(WriteError::refused(
            output,
            "the output folder is inside a `.git` folder, which barometer never writes into",
            "choose another folder with --output (the default is public/)",
        ));
    }
    let mut plan = Plan::default();
    match fs::symlink_metadata(output) {
        Err(e) if e.kind() == io::ErrorKind::NotFound => {}
        Err(e) => return Err(WriteError::io(output, &e, OutputState::Untouched)),
        Ok(m) if m.is_dir() => plan.old = read_manifest(output, force)?,
        Ok(_) => {
            return Err(WriteError::refused(
                output,
                "the output is not a folder",
                "choose a folder with --output (the default is public/)",
            ));
        }
    }
    plan_folders(output, files, &mut plan, force)?;
    let outcomes: Vec<Result<Need, WriteError>> = files
        .par_iter()
        .map(|(rel, content)| needs_writing(output, rel, content, (&plan, stamps), force))
        .collect();
    for ((rel, _), o) in files.iter().zip(outcomes) {
        match o? {
            Need::Write => plan.changed.push(rel.clone()),
            Need::Same(stamp) => {
                plan.unchanged += 1;
                plan.stamps.0.extend(stamp.map(|s| (rel.clone(), s)));
            }
        }
    }
    plan.stale = merged(&plan.old, files).filter(|(_, new)| !new).map(|(p, _)| p.clone()).collect();
    Ok(plan)
}

/// The files a manifest lists. A folder with files but no manifest was not
/// written by barometer: refused unless forced.
fn read_manifest(output: &Path, force: bool) -> Result<BTreeSet<PathBuf>, WriteError> {
    let path = output.join(MANIFEST);
    match fs::read_to_string(&path) {
        Ok(text) => Ok(text
            .lines()
            .filter(|l| !l.is_empty() && *l != MANIFEST_HEADER.trim_end())
            .map(PathBuf::from)
            .filter(|p| is_ours_to_write(p))
            .collect()),
        Err(e) if e.kind() == io::ErrorKind::NotFound => {
            let entries =
                fs::read_dir(output).map_err(|e| WriteError::io(output, &e, OutputState::Untouched))?;
            let mine = |name: &std::ffi::OsStr| name == STAGING;
            let foreign = entries.filter_map(Result::ok).any(|e| !mine(&e.file_name()));
            if foreign && !force {
                return Err(WriteError::refused(
                    output,
                    "the output folder is not empty and was not written by barometer (it has no .barometer-manifest)",
                    "choose an empty or new folder with --output, or pass --force to write into it \
                     (files barometer did not write are left as they are)",
                ));
            }
            Ok(Default::default())
        }
        Err(e) => Err(WriteError::io(&path, &e, OutputState::Untouched)),
    }
}

/// Whether a relative path is one a site may write (and a manifest may
/// name): plain names only, nothing under `.git`, not our own bookkeeping.
fn is_ours_to_write(rel: &Path) -> bool {
    let bookkeeping = |c: Component| c.as_os_str() == MANIFEST || c.as_os_str() == STAGING;
    match rel.components().next() {
        None => false,
        Some(first) if bookkeeping(first) => false,
        Some(_) => rel.components().all(|c| matches!(c, Component::Normal(name) if name != ".git")),
    }
}

/// Sorts the folders the site needs into those to make now and those where
/// a stale file of ours stands (made once it is gone); anything else in the
/// way, or a link a write would follow, is refused.
fn plan_folders(output: &Path, files: &Files, plan: &mut Plan, force: bool) -> Result<(), WriteError> {
    let folders: BTreeSet<&Path> =
        files.keys().flat_map(|p| p.ancestors().skip(1)).filter(|p| !p.as_os_str().is_empty()).collect();
    for rel in folders {
        let path = output.join(rel);
        match fs::symlink_metadata(&path) {
            Ok(m) if m.is_dir() => {}
            Ok(m) if m.file_type().is_symlink() => return Err(link_in_the_way(&path)),
            Ok(_) if plan.old.contains(rel) && !files.contains_key(rel) => {
                plan.folders_later.push(rel.into())
            }
            Ok(_) => return Err(not_ours(&path, force, "a file stands where the site needs a folder")),
            Err(_) if plan.folders_later.iter().any(|l| rel.starts_with(l)) => {
                plan.folders_later.push(rel.into())
            }
            Err(_) => plan.folders_now.push(rel.into()),
        }
    }
    Ok(())
}

/// Whether a file of the site must be (re)written.
enum Need {
    Write,
    /// Its bytes are there already; the stamp of a file from the cache.
    Same(Option<Stamp>),
}

/// Whether the file at `rel` must be (re)written: not when its bytes are
/// there already. Refuses to replace a file that is not ours.
fn needs_writing(
    output: &Path,
    rel: &Path,
    content: &Content,
    (plan, stamps): (&Plan, &Stamps),
    force: bool,
) -> Result<Need, WriteError> {
    let old = &plan.old;
    let path = output.join(rel);
    let Ok(meta) = fs::symlink_metadata(&path) else { return Ok(Need::Write) };
    if meta.file_type().is_symlink() {
        return Err(link_in_the_way(&path));
    }
    if meta.is_dir() {
        // Our old folder where a file now goes: fine once its files, all
        // stale and ours, are removed.
        let all_ours = walkdir::WalkDir::new(&path)
            .into_iter()
            .filter_map(Result::ok)
            .filter(|e| !e.file_type().is_dir())
            .all(|e| e.path().strip_prefix(output).is_ok_and(|r| old.contains(r)));
        return if all_ours {
            Ok(Need::Write)
        } else {
            Err(not_ours(&path, false, "a folder stands where the site writes a file"))
        };
    }
    if !old.contains(rel) && !force {
        return Err(not_ours(&path, false, "the site would overwrite a file barometer did not write"));
    }
    let stored = match content {
        Content::Stored(s) => Some(s),
        Content::Bytes(_) | Content::Shared(_) => None,
    };
    // A file from the cache with the stamp it was written with is not read.
    let stamped = stored.is_some_and(|s| stamps.0.get(rel).is_some_and(|st| st.id == s.id && st.fits(&meta)));
    if stamped || (meta.len() == content.len() && same_content(&path, content)) {
        return Ok(Need::Same(stored.and_then(|s| Stamp::of(&s.id, &meta))));
    }
    Ok(Need::Write)
}

/// Whether the file at `path` holds `content`, read a block at a time: the
/// download of a raw export is not held a second time to compare it.
fn same_content(path: &Path, content: &Content) -> bool {
    use std::io::Read;
    let Ok(bytes) = content.read() else { return false };
    let Ok(mut file) = fs::File::open(path) else { return false };
    let mut block = vec![0; 1 << 16];
    let mut rest: &[u8] = &bytes;
    loop {
        match file.read(&mut block) {
            Ok(0) => return rest.is_empty(),
            Ok(n) if rest.len() >= n && rest[..n] == block[..n] => rest = &rest[n..],
            Ok(_) | Err(_) => return false,
        }
    }
}

fn not_ours(path: &Path, force: bool, what: &str) -> WriteError {
    let hint = if force {
        "move it out of the output folder"
    } else {
        "move it out of the output folder, or pass --force to let the build overwrite it"
    };
    WriteError::refused(path, format!("{what}: `{}`", path.display()), hint)
}

fn link_in_the_way(path: &Path) -> WriteError {
    WriteError::refused(
        path,
        "a symbolic link stands where the site writes; barometer does not write through links",
        "remove the link, or choose another output folder",
    )
}

/// The staged files (by the index of `plan.changed`) and manifests.
struct Staged {
    dir: PathBuf,
    made: Vec<PathBuf>,
    /// The stamps of the files from the cache, once the site is in place.
    stamps: Stamps,
}

/// Phase 1: writes every changed file and both manifests into the staging
/// folder and makes the new folders. On failure, undoes all of it.
fn stage(output: &Path, files: &Files, plan: &Plan) -> Result<Staged, WriteError> {
    let dir = output.join(STAGING);
    let mut staged = Staged { dir, made: Vec::new(), stamps: Stamps::default() };
    let result = stage_into(output, files, plan, &mut staged);
    if let Err(e) = result {
        undo(&staged);
        return Err(e);
    }
    Ok(staged)
}

fn stage_into(output: &Path, files: &Files, plan: &Plan, staged: &mut Staged) -> Result<(), WriteError> {
    let untouched = |p: &Path, e: io::Error| WriteError::io(p, &e, OutputState::Untouched);
    // The output and any missing folders above it, outermost first.
    let missing: Vec<&Path> =
        output.ancestors().take_while(|p| !p.as_os_str().is_empty() && !p.exists()).collect();
    for folder in missing.into_iter().rev() {
        make_folder(folder, staged).map_err(|e| untouched(folder, e))?;
    }
    // A staging folder left by a build that was killed holds only copies.
    let _ = fs::remove_dir_all(&staged.dir);
    fs::create_dir(&staged.dir).map_err(|e| untouched(&staged.dir, e))?;
    for rel in &plan.folders_now {
        make_folder(&output.join(rel), staged).map_err(|e| untouched(&output.join(rel), e))?;
    }
    for bucket in 0..plan.changed.len().div_ceil(BUCKET) {
        fs::create_dir(staged.dir.join(bucket.to_string())).map_err(|e| untouched(&staged.dir, e))?;
    }
    let written: Vec<Option<Stamp>> = plan
        .changed
        .par_iter()
        .enumerate()
        .map(|(i, rel)| stage_file(&staged_file(&staged.dir, i), &files[rel], &output.join(rel)))
        .collect::<Result<_, _>>()?;
    staged.stamps = plan.stamps.clone();
    staged.stamps.0.extend(plan.changed.iter().zip(written).filter_map(|(rel, s)| Some((rel.clone(), s?))));
    let both = merged(&plan.old, files).map(|(p, _)| p);
    fs::write(staged.dir.join("manifest-both"), manifest_text(both))
        .map_err(|e| untouched(&staged.dir, e))?;
    fs::write(staged.dir.join("manifest-new"), manifest_text(files.keys()))
        .map_err(|e| untouched(&staged.dir, e))
}

/// Writes a changed file at `to`, in the staging folder, for `at` in the
/// output; the stamp of one copied from the build cache.
fn stage_file(to: &Path, content: &Content, at: &Path) -> Result<Option<Stamp>, WriteError> {
    let untouched = |e: io::Error| WriteError::io(at, &e, OutputState::Untouched);
    let stored = match content {
        Content::Bytes(bytes) => return fs::write(to, bytes).map(|()| None).map_err(untouched),
        Content::Shared(bytes) => return fs::write(to, bytes).map(|()| None).map_err(untouched),
        Content::Stored(s) => s,
    };
    let bytes = stored.read().map_err(|_| cache_changed(stored))?;
    fs::write(to, bytes).map_err(untouched)?;
    let meta = fs::metadata(to).map_err(untouched)?;
    Ok(Stamp::of(&stored.id, &meta))
}

/// A build-cache entry gone or cut short since the build began.
fn cache_changed(stored: &Stored) -> WriteError {
    WriteError::refused(
        stored.entry(),
        "this entry of the build cache was removed or changed while the site was built",
        "another build of the project may be running: build again once it is done",
    )
}

/// The stamps of the files a write took from the build cache, by path in
/// the output. They are kept in the cache, not in the output: the
/// published site stays the same bytes from one build to the next.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Stamps(HashMap<PathBuf, Stamp>);

impl Stamps {
    /// Reads [`Stamps::text`] back; a line that is not a stamp is skipped.
    pub fn parse(text: &str) -> Stamps {
        let stamp = |line: &str| {
            let (path, stamp) = line.split_once('\t')?;
            Some((PathBuf::from(path), Stamp::parse(stamp)?))
        };
        Stamps(text.lines().filter_map(stamp).collect())
    }

    /// One line a file: its path, a tab, its stamp; in the order of the
    /// paths' bytes, so the same stamps give the same text.
    pub fn text(&self) -> String {
        let mut stamps: Vec<_> = self.0.iter().collect();
        stamps.sort_unstable_by(|a, b| a.0.as_os_str().cmp(b.0.as_os_str()));
        let line = |(path, stamp): (&PathBuf, &Stamp)| format!("{}\t{}\n", path.display(), stamp.text());
        stamps.into_iter().map(line).collect()
    }
}

/// What tells that a file in the output is the one taken from the build
/// cache, without reading it: the id of its bytes there, and the size and
/// modification time the file had when it was written. (A file changed
/// since keeps neither, short of being rewritten at the same size within
/// the clock's resolution.)
#[derive(Clone, Debug, PartialEq, Eq)]
struct Stamp {
    id: String,
    len: u64,
    modified: (u64, u32),
}

impl Stamp {
    fn of(id: &str, meta: &fs::Metadata) -> Option<Stamp> {
        let modified = meta.modified().ok()?.duration_since(std::time::UNIX_EPOCH).ok()?;
        Some(Stamp {
            id: id.to_string(),
            len: meta.len(),
            modified: (modified.as_secs(), modified.subsec_nanos()),
        })
    }

    fn fits(&self, meta: &fs::Metadata) -> bool {
        Stamp::of(&self.id, meta).is_some_and(|now| now == *self)
    }

    /// Reads [`Stamp::text`] back.
    fn parse(text: &str) -> Option<Stamp> {
        let mut words = text.split(' ');
        let id = words.next().filter(|id| !id.is_empty())?.to_string();
        let len = words.next()?.parse().ok()?;
        let (secs, nanos) = words.next()?.split_once('.')?;
        let modified = (secs.parse().ok()?, nanos.parse().ok()?);
        words.next().is_none().then_some(Stamp { id, len, modified })
    }

    fn text(&self) -> String {
        format!("{} {} {}.{:09}", self.id, self.len, self.modified.0, self.modified.1)
    }
}

/// Staged files per folder of the staging area. Files created in parallel
/// in one folder queue on its lock (on ext4, a cold 1,000-page site spent
/// more time waiting there than writing); spread over folders, they do not.
const BUCKET: usize = 64;

/// Where the `i`th changed file is staged.
fn staged_file(dir: &Path, i: usize) -> PathBuf {
    dir.join((i / BUCKET).to_string()).join(i.to_string())
}

fn make_folder(path: &Path, staged: &mut Staged) -> io::Result<()> {
    fs::create_dir(path)?;
    staged.made.push(path.to_path_buf());
    Ok(())
}

/// Removes what staging wrote and made: the output is as it was.
fn undo(staged: &Staged) {
    let _ = fs::remove_dir_all(&staged.dir);
    for folder in staged.made.iter().rev() {
        let _ = fs::remove_dir(folder);
    }
}

/// The paths of the last build and of this one, in order, each once, and
/// whether this build has it: both lists are sorted, so they are walked
/// once together (comparing paths is slow, and a site has thousands).
fn merged<'a>(old: &'a BTreeSet<PathBuf>, files: &'a Files) -> impl Iterator<Item = (&'a PathBuf, bool)> {
    use std::cmp::Ordering;
    let (mut old, mut new) = (old.iter().peekable(), files.keys().peekable());
    std::iter::from_fn(move || {
        // One comparison a step: each parses both paths.
        let order = match (old.peek(), new.peek()) {
            (Some(o), Some(n)) => o.cmp(n),
            (Some(_), None) => Ordering::Less,
            (None, Some(_)) => Ordering::Greater,
            (None, None) => return None,
        };
        match order {
            Ordering::Less => old.next().map(|p| (p, false)),
            Ordering::Equal => {
                old.next();
                new.next().map(|p| (p, true))
            }
            Ordering::Greater => new.next().map(|p| (p, true)),
        }
    })
}

/// The manifest listing `paths`, which come sorted.
fn manifest_text<'a>(paths: impl IntoIterator<Item = &'a PathBuf>) -> String {
    let mut text = MANIFEST_HEADER.to_string();
    for p in paths {
        text.push_str(&p.to_string_lossy().replace('\\', "/"));
        text.push('\n');
    }
    text
}

/// Phase 2: stale files out, staged files in, the new manifest last.
/// `fail_at` makes the rename of that staged file fail, for tests.
fn commit(
    output: &Path,
    plan: &Plan,
    staged: &Staged,
    fail_at: Option<usize>,
) -> Result<Written, WriteError> {
    let changed = plan.changed.len();
    let mut replaced = 0;
    let partly = |replaced: usize| OutputState::PartlyUpdated { replaced, changed };
    let result = (|| -> Result<usize, (PathBuf, io::Error)> {
        let manifest = output.join(MANIFEST);
        fs::rename(staged.dir.join("manifest-both"), &manifest).map_err(|e| (manifest.clone(), e))?;
        let removed = remove_stale(output, &plan.stale)?;
        for rel in &plan.folders_later {
            fs::create_dir_all(output.join(rel)).map_err(|e| (output.join(rel), e))?;
        }
        for (i, rel) in plan.changed.iter().enumerate() {
            let to = output.join(rel);
            if fail_at == Some(i) {
                return Err((to, io::Error::other("injected failure")));
            }
            if to.is_dir() {
                fs::remove_dir_all(&to).map_err(|e| (to.clone(), e))?; // emptied of our stale files above
            }
            fs::rename(staged_file(&staged.dir, i), &to).map_err(|e| (to.clone(), e))?;
            replaced += 1;
        }
        fs::rename(staged.dir.join("manifest-new"), &manifest).map_err(|e| (manifest.clone(), e))?;
        Ok(removed)
    })();
    let _ = fs::remove_dir_all(&staged.dir);
    match result {
        Ok(removed) => Ok(Written { written: changed, unchanged: plan.unchanged, removed }),
        Err((path, e)) => Err(WriteError::io(&path, &e, partly(replaced))),
    }
}

/// Removes the stale files of the last build, and the folders they leave
/// empty (never the output itself, never a folder holding anything else).
fn remove_stale(output: &Path, stale: &[PathBuf]) -> Result<usize, (PathBuf, io::Error)> {
    let mut removed = 0;
    let mut parents = HashSet::new();
    for rel in stale {
        let path = output.join(rel);
        match fs::symlink_metadata(&path) {
            Ok(m) if m.is_file() => {
                fs::remove_file(&path).map_err(|e| (path.clone(), e))?;
                removed += 1;
            }
            // Gone already, or replaced by the user with something else: left alone.
            _ => continue,
        }
        parents.extend(rel.ancestors().skip(1).filter(|p| !p.as_os_str().is_empty()).map(Path::to_path_buf));
    }
    let mut parents: Vec<PathBuf> = parents.into_iter().collect();
    // Deepest first, so a folder is empty once its subfolders are gone.
    parents.sort_by_key(|p| std::cmp::Reverse(p.components().count()));
    for rel in parents {
        let path = output.join(&rel);
        if fs::read_dir(&path).is_ok_and(|mut d| d.next().is_none()) {
            let _ = fs::remove_dir(&path);
        }
    }
    Ok(removed)
}

/// Pairs of site paths that cannot both be written: equal but for case
/// (one file on macOS and Windows), or a file where the other needs a
/// folder. Checked before anything is written.
pub fn path_conflicts(files: &Files) -> Vec<(PathBuf, PathBuf)> {
    // Looked up by their bytes: comparing paths part by part was a tenth
    // of a rebuild of seven thousand files.
    let names: HashSet<&std::ffi::OsStr> = files.keys().map(|p| p.as_os_str()).collect();
    let mut conflicts = Vec::new();
    let mut folded: std::collections::HashMap<String, &PathBuf> = std::collections::HashMap::new();
    for path in files.keys() {
        if let Some(other) = folded.insert(path.to_string_lossy().to_lowercase(), path) {
            conflicts.push((other.clone(), path.clone()));
        }
        if let Some(file) = path.ancestors().skip(1).find(|a| names.contains(a.as_os_str())) {
            conflicts.push((file.to_path_buf(), path.clone()));
        }
    }
    conflicts
}

/// Whether `output` is, or holds, the project at `root` or one of its
/// source folders: writing the site there would delete sources.
pub fn holds_project(output: &Path, root: &Path) -> bool {
    let (Some(out), Some(root)) = (absolute(output), absolute(root)) else { return false };
    let sources = ["content", "data", "templates", "static", "themes"];
    root.starts_with(&out) || sources.iter().any(|s| out.starts_with(root.join(s)))
}

/// `path` made absolute through its deepest folder that exists, so a
/// path not created yet compares too.
pub(crate) fn absolute(path: &Path) -> Option<PathBuf> {
    let mut existing = path;
    let mut rest = Vec::new();
    while !existing.exists() {
        rest.push(existing.file_name()?);
        existing = existing.parent()?;
    }
    let mut abs = fs::canonicalize(existing).ok()?;
    abs.extend(rest.iter().rev());
    Some(abs)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Writes `files` into `out` as a build without a cache would.
    fn write(out: &Path, files: &Files) -> Result<Written, WriteError> {
        write_site(out, files, false, &mut Stamps::default())
    }

    fn site(files: &[(&str, &str)]) -> Files {
        files.iter().map(|(p, t)| (PathBuf::from(p), t.to_string().into())).collect()
    }

    fn names(dir: &Path) -> Vec<String> {
        let mut names: Vec<_> = walkdir::WalkDir::new(dir)
            .min_depth(1)
            .into_iter()
            .map(|e| e.unwrap().path().strip_prefix(dir).unwrap().display().to_string())
            .collect();
        names.sort();
        names
    }

    #[test]
    fn the_paths_of_two_builds_are_walked_once_in_order() {
        let old: BTreeSet<PathBuf> = ["a", "a/b", "a-b", "c/d.html", "z"].map(PathBuf::from).into();
        let files = site(&[("a-b", ""), ("a/c", ""), ("c/d.html", ""), ("e", "")]);
        let union: BTreeSet<&PathBuf> = old.iter().chain(files.keys()).collect();
        let expected: Vec<(&PathBuf, bool)> = union.into_iter().map(|p| (p, files.contains_key(p))).collect();
        assert_eq!(merged(&old, &files).collect::<Vec<_>>(), expected);
        assert_eq!(merged(&BTreeSet::new(), &files).count(), 4);
        assert_eq!(merged(&old, &Files::new()).filter(|(_, new)| !new).count(), 5);
    }

    #[test]
    fn the_output_ends_up_holding_the_site_and_what_others_put_there() {
        let tmp = tempfile::tempdir().unwrap();
        let out = tmp.path().join("public");
        let first = site(&[("a/index.html", "<p>a</p>"), ("index.html", "home"), ("old/deep/x.html", "x")]);
        let done = write(&out, &first).unwrap();
        assert_eq!(done, Written { written: 3, unchanged: 0, removed: 0 });
        fs::write(out.join("CNAME"), "example.org").unwrap();
        fs::write(out.join("old/notes.txt"), "mine").unwrap();

        let second = site(&[("a/index.html", "<p>a, again</p>"), ("index.html", "home"), ("b.csv", "v")]);
        let done = write(&out, &second).unwrap();
        assert_eq!(done, Written { written: 2, unchanged: 1, removed: 1 });
        assert_eq!(fs::read(out.join("a/index.html")).unwrap(), b"<p>a, again</p>");
        assert_eq!(
            names(&out),
            [
                ".barometer-manifest",
                "CNAME",
                "a",
                "a/index.html",
                "b.csv",
                "index.html",
                "old",
                "old/notes.txt"
            ],
            "stale files of ours go, files of others stay, no temporary file is left"
        );
        let manifest = fs::read_to_string(out.join(MANIFEST)).unwrap();
        assert!(manifest.ends_with("a/index.html\nb.csv\nindex.html\n"), "{manifest}");
    }

    /// A site of one page and one file kept in the build-cache entry `entry`.
    fn with_stored(entry: &Path) -> Files {
        let part = crate::content::parts(entry.to_path_buf(), 2, &[3]).remove(0);
        let mut files = site(&[("index.html", "home")]);
        files.insert(PathBuf::from("figures/1.png"), Content::Stored(part));
        files
    }

    #[test]
    fn a_file_from_the_cache_is_copied_and_then_known_by_its_stamp_without_reading_it() {
        let tmp = tempfile::tempdir().unwrap();
        let (out, entry) = (tmp.path().join("public"), tmp.path().join("entry"));
        fs::write(&entry, b"..PNG").unwrap();
        let mut stamps = Stamps::default();
        let done = write_site(&out, &with_stored(&entry), false, &mut stamps).unwrap();
        assert_eq!(done, Written { written: 2, unchanged: 0, removed: 0 });
        assert_eq!(fs::read(out.join("figures/1.png")).unwrap(), b"PNG");
        assert!(stamps.text().starts_with("figures/1.png\tentry.0 3 "), "{}", stamps.text());
        assert_eq!(Stamps::parse(&stamps.text()), stamps);

        // The same id stands for the same bytes: with the stamp matching the
        // file in the output, the entry is not read (here it lies, to tell).
        fs::write(&entry, b"..GIF").unwrap();
        let done = write_site(&out, &with_stored(&entry), false, &mut stamps).unwrap();
        assert_eq!(done, Written { written: 0, unchanged: 2, removed: 0 });
        assert_eq!(fs::read(out.join("figures/1.png")).unwrap(), b"PNG");

        // A file changed in the output no longer fits its stamp: compared,
        // and written again.
        fs::write(out.join("figures/1.png"), b"png").unwrap();
        // (Set apart from the write before: the clock may not have moved.)
        let earlier = std::time::UNIX_EPOCH + std::time::Duration::from_secs(1_000_000);
        fs::File::options()
            .write(true)
            .open(out.join("figures/1.png"))
            .unwrap()
            .set_modified(earlier)
            .unwrap();
        let done = write_site(&out, &with_stored(&entry), false, &mut stamps).unwrap();
        assert_eq!(done, Written { written: 1, unchanged: 1, removed: 0 });
        assert_eq!(fs::read(out.join("figures/1.png")).unwrap(), b"GIF");
        // Without stamps (a cache deleted), files are compared.
        let done = write(&out, &with_stored(&entry)).unwrap();
        assert_eq!(done, Written { written: 0, unchanged: 2, removed: 0 });
    }

    #[test]
    fn an_entry_gone_before_the_write_fails_the_build_and_leaves_the_output_as_it_was() {
        let tmp = tempfile::tempdir().unwrap();
        let (out, entry) = (tmp.path().join("public"), tmp.path().join("entry"));
        write(&out, &site(&[("index.html", "old")])).unwrap();
        let mut files = with_stored(&entry);
        files.insert(PathBuf::from("index.html"), Content::from("new".to_string()));
        let e = write(&out, &files).unwrap_err();
        assert_eq!(e.path, entry);
        assert!(e.message.contains("removed or changed while the site was built"), "{}", e.message);
        assert_eq!(e.state, OutputState::Untouched);
        assert_eq!(fs::read(out.join("index.html")).unwrap(), b"old");
        assert!(!out.join("figures").exists());
    }

    #[test]
    fn paths_equal_but_for_case_or_nested_in_a_file_conflict() {
        let files =
            site(&[("data/a.csv", ""), ("data/A.csv", ""), ("x", ""), ("x/index.html", ""), ("y/z", "")]);
        let found = path_conflicts(&files);
        let as_text: Vec<_> = found.iter().map(|(a, b)| format!("{} {}", a.display(), b.display())).collect();
        assert_eq!(as_text, ["data/A.csv data/a.csv", "x x/index.html"]);
    }

    #[test]
    fn a_file_whose_name_starts_with_a_hash_is_ours_too() {
        let tmp = tempfile::tempdir().unwrap();
        let out = tmp.path().join("public");
        write(&out, &site(&[("#notes.txt", "1"), ("index.html", "home")])).unwrap();
        write(&out, &site(&[("#notes.txt", "2"), ("index.html", "home")])).unwrap();
        assert_eq!(fs::read(out.join("#notes.txt")).unwrap(), b"2");
        write(&out, &site(&[("index.html", "home")])).unwrap();
        assert!(!out.join("#notes.txt").exists(), "removed once the site no longer has it");
    }

    #[test]
    fn a_file_and_a_folder_may_trade_places() {
        let tmp = tempfile::tempdir().unwrap();
        let out = tmp.path().join("public");
        write(&out, &site(&[("a", "file"), ("b/index.html", "page")])).unwrap();
        write(&out, &site(&[("a/index.html", "page"), ("b", "file")])).unwrap();
        assert_eq!(fs::read(out.join("a/index.html")).unwrap(), b"page");
        assert_eq!(fs::read(out.join("b")).unwrap(), b"file");
    }

    #[test]
    fn a_folder_barometer_did_not_write_is_refused_unless_forced() {
        let tmp = tempfile::tempdir().unwrap();
        let docs = tmp.path().join("mydocs");
        fs::create_dir_all(docs.join(".git")).unwrap();
        fs::write(docs.join(".git/HEAD"), "ref").unwrap();
        fs::write(docs.join("thesis.docx"), "years of work").unwrap();
        fs::write(docs.join("index.html"), "my own page").unwrap();
        let err = write(&docs, &site(&[("index.html", "site"), ("a.css", "x")])).unwrap_err();
        assert!(err.message.contains("not written by barometer"), "{err}");
        assert!(err.hint.contains("--force"), "{}", err.hint);
        assert_eq!(err.state, OutputState::Untouched);
        assert_eq!(names(&docs), [".git", ".git/HEAD", "index.html", "thesis.docx"]);

        write_site(&docs, &site(&[("index.html", "site"), ("a.css", "x")]), true, &mut Stamps::default())
            .unwrap();
        assert_eq!(fs::read(docs.join("index.html")).unwrap(), b"site");
        // Now the manifest owns index.html and a.css; a later build removes
        // only those.
        write(&docs, &site(&[("b.css", "y")])).unwrap();
        assert_eq!(names(&docs), [".barometer-manifest", ".git", ".git/HEAD", "b.css", "thesis.docx"]);
    }

    #[test]
    fn a_file_of_someone_else_in_the_way_is_refused_even_with_a_manifest() {
        let tmp = tempfile::tempdir().unwrap();
        let out = tmp.path().join("public");
        write(&out, &site(&[("index.html", "home")])).unwrap();
        fs::write(out.join("notes.html"), "mine").unwrap();
        let err = write(&out, &site(&[("index.html", "home 2"), ("notes.html", "site")])).unwrap_err();
        assert!(err.message.contains("did not write"), "{err}");
        assert_eq!(fs::read(out.join("notes.html")).unwrap(), b"mine");
        assert_eq!(fs::read(out.join("index.html")).unwrap(), b"home", "nothing written");
    }

    #[test]
    fn a_planted_manifest_cannot_reach_outside_or_into_git() {
        let tmp = tempfile::tempdir().unwrap();
        let out = tmp.path().join("public");
        fs::create_dir_all(out.join(".git")).unwrap();
        fs::write(out.join(".git/config"), "c").unwrap();
        fs::write(tmp.path().join("victim.txt"), "v").unwrap();
        fs::write(out.join(MANIFEST), "../victim.txt\n/etc/hostname\n.git/config\n").unwrap();
        write(&out, &site(&[("index.html", "home")])).unwrap();
        assert!(tmp.path().join("victim.txt").exists());
        assert!(out.join(".git/config").exists());
        let err = write_site(&out, &site(&[(".git/config", "x")]), true, &mut Stamps::default()).unwrap_err();
        assert!(err.message.contains("reserved"), "{err}");
    }

    #[cfg(unix)]
    #[test]
    fn links_are_never_written_through() {
        let tmp = tempfile::tempdir().unwrap();
        let out = tmp.path().join("public");
        let elsewhere = tmp.path().join("elsewhere");
        fs::create_dir_all(&elsewhere).unwrap();
        write(&out, &site(&[("index.html", "home")])).unwrap();
        std::os::unix::fs::symlink(&elsewhere, out.join("data")).unwrap();
        let err = write_site(
            &out,
            &site(&[("index.html", "home"), ("data/a.csv", "x")]),
            true,
            &mut Stamps::default(),
        )
        .unwrap_err();
        assert!(err.message.contains("symbolic link"), "{err}");
        assert!(names(&elsewhere).is_empty());
    }

    #[test]
    fn a_failure_while_committing_says_how_far_it_got_and_leaves_no_staging() {
        let tmp = tempfile::tempdir().unwrap();
        let out = tmp.path().join("public");
        let files = site(&[("a.html", "1"), ("b.html", "1"), ("c.html", "1")]);
        write(&out, &files).unwrap();
        let files = site(&[("a.html", "2"), ("b.html", "2"), ("c.html", "2"), ("d.html", "2")]);
        let plan = preflight(&out, &files, false, &Stamps::default()).unwrap();
        let staged = stage(&out, &files, &plan).unwrap();
        let err = commit(&out, &plan, &staged, Some(2)).unwrap_err();
        assert_eq!(err.state, OutputState::PartlyUpdated { replaced: 2, changed: 4 });
        assert!(!out.join(STAGING).exists());
        let manifest = fs::read_to_string(out.join(MANIFEST)).unwrap();
        assert!(manifest.contains("d.html"), "every file the site may write is owned: {manifest}");
        // The next build finishes the job.
        write(&out, &files).unwrap();
        assert_eq!(fs::read(out.join("d.html")).unwrap(), b"2");
    }
}
