//! The build cache on disk: what a build drew or typeset (charts, social
//! cards, web fonts, the PDF), kept by a key computed from everything it was made
//! from, so the next build, even in another process, takes it instead of
//! making it again.
//!
//! It is the one folder besides the output that a build writes, and the
//! one place rendering reads from: what it reads there is our own work,
//! never the user's input, and a missing or unreadable entry is made
//! again. The folder (`.barometer/cache` unless `report.yaml` sets
//! `cache:`) is safe to delete at any time; a build that finds it gone
//! starts a new one.
//!
//! Safety: the folder is made by barometer and marked with a
//! `CACHEDIR.TAG`; a folder without the mark is never written into. The
//! only files a build deletes are entries it named (64 hexadecimal
//! digits) in the cache's own subfolders, after a successful build, when
//! that build did not use them. No link inside the folder is followed, to
//! read, write or remove.

use std::collections::HashSet;
use std::fs;
use std::hash::{Hash, Hasher};
use std::io;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Mutex, OnceLock};

use sha2::{Digest, Sha256};

/// The cache folder when `report.yaml` sets none, from the project root.
pub const DEFAULT_DIR: &str = ".barometer/cache";

/// The file builds lock to tell each other they are using the cache.
const LOCK_FILE: &str = "lock";

/// The mark of a cache folder barometer made (see
/// <https://bford.info/cachedir/>): backup tools skip folders holding it.
const TAG_FILE: &str = "CACHEDIR.TAG";
const TAG: &str = "Signature: 8a477f597d28d172789f06886806bc55\n\
                   # This folder is barometer's build cache: safe to delete.\n";

/// What kind of work an entry holds: each kind has its subfolder.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Kind {
    Figure,
    Card,
    Pdf,
    /// A web font cut to the site's characters.
    Font,
    /// A page's body: its prose, Markdown and blocks rendered.
    Page,
    /// A page's HTML, as the theme rendered it around its body.
    Html,
}

impl Kind {
    /// Every kind of entry.
    pub const ALL: [Kind; 6] = [Kind::Figure, Kind::Card, Kind::Pdf, Kind::Font, Kind::Page, Kind::Html];

    fn folder(self) -> &'static str {
        match self {
            Kind::Figure => "figures",
            Kind::Card => "cards",
            Kind::Pdf => "pdf",
            Kind::Font => "fonts",
            Kind::Page => "pages",
            Kind::Html => "html",
        }
    }
}

/// A SHA-256 of everything an entry was made from, and of the program
/// that made it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Key([u8; 32]);

/// A key is kept as its 32 bytes in one piece (a CBOR byte string), not
/// as 32 numbers: a page's entry names a key for each file it shows.
impl serde::Serialize for Key {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_bytes(&self.0)
    }
}

impl<'de> serde::Deserialize<'de> for Key {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Key, D::Error> {
        struct Bytes;
        impl serde::de::Visitor<'_> for Bytes {
            type Value = Key;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("the 32 bytes of a key")
            }
            fn visit_bytes<E: serde::de::Error>(self, bytes: &[u8]) -> Result<Key, E> {
                bytes.try_into().map(Key).map_err(|_| E::invalid_length(bytes.len(), &self))
            }
        }
        deserializer.deserialize_bytes(Bytes)
    }
}

impl Key {
    /// The key of what `parts` hashes; two programs (another version, or
    /// the same version built again) never share a key.
    pub fn of(parts: impl Hash) -> Key {
        let mut h = Sha(Sha256::new());
        program().hash(&mut h);
        parts.hash(&mut h);
        Key(h.0.finalize().into())
    }

    fn file_name(&self) -> String {
        const HEX: &[u8; 16] = b"0123456789abcdef";
        self.0
            .iter()
            .flat_map(|b| [HEX[usize::from(b >> 4)], HEX[usize::from(b & 15)]])
            .map(char::from)
            .collect()
    }

    /// The key an entry's file is named by; `None` if `name` names none.
    pub fn from_file_name(name: &str) -> Option<Key> {
        let digits = name.as_bytes();
        if digits.len() != 64 || !digits.iter().all(|b| b.is_ascii_hexdigit() && !b.is_ascii_uppercase()) {
            return None;
        }
        let mut key = [0; 32];
        for (byte, pair) in key.iter_mut().zip(digits.chunks(2)) {
            *byte = u8::from_str_radix(std::str::from_utf8(pair).ok()?, 16).ok()?;
        }
        Some(Key(key))
    }
}

/// A [`Hasher`] that feeds SHA-256, so a key is 256 bits, not the 64 of
/// the standard library's hasher, and the same from one run to the next.
struct Sha(Sha256);

impl Hasher for Sha {
    fn write(&mut self, bytes: &[u8]) {
        self.0.update(bytes);
    }

    fn finish(&self) -> u64 {
        let digest = self.0.clone().finalize();
        u64::from_le_bytes(digest[..8].try_into().unwrap_or_default())
    }
}

/// A program's version, and the size and time of its executable.
type Program = (String, u64, Option<std::time::SystemTime>);

/// What tells this program apart from other builds of it.
fn program() -> &'static Program {
    static PROGRAM: OnceLock<Program> = OnceLock::new();
    PROGRAM.get_or_init(|| {
        let exe = std::env::current_exe().and_then(fs::metadata).ok();
        (
            env!("CARGO_PKG_VERSION").to_string(),
            exe.as_ref().map_or(0, fs::Metadata::len),
            exe.and_then(|m| m.modified().ok()),
        )
    })
}

/// The cache of one build: where it is, and which entries the build used.
#[derive(Debug, Default)]
pub struct Store {
    /// `None`: no cache (tests, or a folder that is not ours).
    dir: Option<PathBuf>,
    used: Mutex<HashSet<(Kind, Key)>>,
    /// The first problem met, and its fix, told once at the end.
    trouble: Mutex<Option<(String, &'static str)>>,
    /// The cache's lock file, locked shared while the build runs: another
    /// build of the project removes no entry while it is held.
    lock: Option<fs::File>,
    /// The folders inside the cache found to be folders, not links, so
    /// each is looked at once a build rather than once an entry.
    real: Mutex<HashSet<PathBuf>>,
}

impl Store {
    /// The cache in `folder` of the project at `root`, unless that would
    /// write where barometer must not; then why, to say the cache is off.
    pub fn open(root: &Path, folder: &str, output: Option<&Path>) -> Result<Store, String> {
        let dir = root.join(folder);
        let off = "the cache is off, and nothing is written there";
        // A link in the project could send entries, and their removal, anywhere.
        let mut on_the_way = root.to_path_buf();
        for part in Path::new(folder).components() {
            on_the_way.push(part);
            if fs::symlink_metadata(&on_the_way).is_ok_and(|m| m.file_type().is_symlink()) {
                return Err(format!(
                    "the build cache's folder, `{folder}`, goes through a symbolic link (`{}`): {off}",
                    on_the_way.display()
                ));
            }
        }
        // Entries inside the output would be published with the site.
        let (cache, out) = (crate::site::absolute(&dir), output.and_then(crate::site::absolute));
        if let (Some(cache), Some(out)) = (cache, out)
            && (cache.starts_with(&out) || out.starts_with(&cache))
        {
            return Err(format!(
                "the build cache's folder, `{folder}`, and the output folder, `{}`, are one inside the other: {off}",
                out.display()
            ));
        }
        let ours = is_file_not_link(&dir.join(TAG_FILE));
        let empty_or_absent = fs::read_dir(&dir).map_or(true, |mut d| d.next().is_none());
        if ours || empty_or_absent {
            let lock = shared_lock(&dir);
            return Ok(Store { dir: Some(dir), lock, ..Store::default() });
        }
        Err(format!(
            "the build cache's folder, `{folder}`, holds files and was not made by barometer (it has no \
             {TAG_FILE}): {off}"
        ))
    }

    /// No cache: everything is made again.
    pub fn off() -> Store {
        Store::default()
    }

    /// Whether entries are looked for and kept.
    pub fn is_on(&self) -> bool {
        self.dir.is_some()
    }

    /// The entry of `kind` under `key`, if the cache has it.
    pub fn get(&self, kind: Kind, key: Key) -> Option<Vec<u8>> {
        let path = self.path(kind, key)?;
        let bytes = fs::read(path).ok()?;
        self.keep(kind, key);
        Some(bytes)
    }

    /// The header of the entry of `kind` under `key` (see [`frame`]),
    /// without reading its payloads, if the cache has it whole.
    pub fn head<T: serde::de::DeserializeOwned>(&self, kind: Kind, key: Key) -> Option<Head<T>> {
        use std::io::Read;
        let path = self.path(kind, key)?;
        let mut file = fs::File::open(&path).ok()?;
        let size = file.metadata().ok()?.len();
        let mut len = [0; 8];
        file.read_exact(&mut len).ok()?;
        let len = u64::from_le_bytes(len);
        let mut head = vec![0; usize::try_from(len).ok().filter(|&l| l as u64 <= size)?];
        file.read_exact(&mut head).ok()?;
        let header = ciborium::from_reader(head.as_slice()).ok()?;
        self.keep(kind, key);
        Some(Head { header, entry: path, payloads: (8 + len, size) })
    }

    /// The file of the entry of `kind` under `key`, if the cache holds it
    /// with at least `len` bytes; it is marked as used, without being read.
    pub fn entry(&self, kind: Kind, key: Key, len: u64) -> Option<PathBuf> {
        let path = self.path(kind, key)?;
        let meta = fs::metadata(&path).ok()?;
        (meta.is_file() && meta.len() >= len).then(|| {
            self.keep(kind, key);
            path
        })
    }

    /// Marks the entry under `key` as used by this build, so it is not
    /// removed at its end, without reading it.
    pub fn keep(&self, kind: Kind, key: Key) {
        crate::render::relock(&self.used).insert((kind, key));
    }

    /// Keeps `bytes` under `key`, and says where when it could. A cache
    /// that cannot be written is no error: the build goes on, and says so
    /// at its end.
    pub fn put(&self, kind: Kind, key: Key, bytes: &[u8]) -> Option<PathBuf> {
        let path = self.path(kind, key)?;
        self.keep(kind, key);
        self.write_or_tell(&path, bytes).then_some(path)
    }

    /// Writes `bytes` at `path`; if it cannot, keeps why, to tell at the end.
    fn write_or_tell(&self, path: &Path, bytes: &[u8]) -> bool {
        let Err(e) = self.write(path, bytes) else { return true };
        crate::render::relock(&self.trouble).get_or_insert_with(|| {
            let why = format!("the build cache could not be written (`{}`: {e})", path.display());
            (why, "check the folder's permissions and free space, or set `cache:` in report.yaml to another folder")
        });
        false
    }

    /// The stamps of the files the last write into `output` took from the
    /// cache (see [`crate::site::Stamps`]); none when it has none.
    pub fn stamps(&self, output: &Path) -> crate::site::Stamps {
        let text = self.stamps_file(output).and_then(|p| fs::read_to_string(p).ok());
        crate::site::Stamps::parse(&text.unwrap_or_default())
    }

    /// Keeps the stamps of a write into `output`, for the next one.
    pub fn keep_stamps(&self, output: &Path, stamps: &crate::site::Stamps) {
        if let Some(path) = self.stamps_file(output) {
            self.write_or_tell(&path, stamps.text().as_bytes());
        }
    }

    /// Where the stamps of `output` are kept: a file per output folder.
    fn stamps_file(&self, output: &Path) -> Option<PathBuf> {
        let output = crate::site::absolute(output)?;
        let digest = Sha256::digest(output.to_string_lossy().as_bytes());
        let name: String = digest.iter().take(8).map(|b| format!("{b:02x}")).collect();
        self.unlinked(self.dir.as_ref()?.join("outputs").join(name))
    }

    /// An entry's file: in its kind's folder, in a subfolder named by the
    /// key's first two digits. Making a file locks its folder, so with
    /// one folder a kind the cores writing ten thousand entries of a cold
    /// build queued on that lock (a third of the build, in `perf`).
    fn path(&self, kind: Kind, key: Key) -> Option<PathBuf> {
        let name = key.file_name();
        self.unlinked(self.dir.as_ref()?.join(kind.folder()).join(&name[..2]).join(name))
    }

    /// `path`, unless it or a folder between the cache's and it is a
    /// symbolic link: one planted in the cache would have entries read,
    /// written or removed wherever it points, and an entry read is
    /// published with the site.
    fn unlinked(&self, path: PathBuf) -> Option<PathBuf> {
        let dir = self.dir.as_ref()?;
        let link = fs::symlink_metadata(&path).is_ok_and(|m| m.file_type().is_symlink()).then_some(&*path);
        let link = link.or_else(|| {
            let mut real = crate::render::relock(&self.real);
            let mut folders = path.ancestors().skip(1).take_while(|f| f != dir);
            // A folder not made yet is no link; one made is looked at once.
            folders.find(|&folder| {
                !real.contains(folder)
                    && match fs::symlink_metadata(folder) {
                        Ok(m) if m.is_dir() => !real.insert(folder.to_path_buf()),
                        Ok(_) => true,
                        Err(_) => false,
                    }
            })
        });
        let Some(link) = link else { return Some(path) };
        crate::render::relock(&self.trouble).get_or_insert_with(|| {
            let why = format!(
                "the build cache holds `{}`, which barometer did not make (a link, or a file where its folder \
                 goes): nothing is read from, written to or removed through it",
                link.display()
            );
            (why, "delete the cache folder; the next build makes a new one")
        });
        None
    }

    /// Writes an entry whole or not at all: into a file of its own, then
    /// renamed, so a build killed halfway leaves no half entry.
    fn write(&self, path: &Path, bytes: &[u8]) -> io::Result<()> {
        let (Some(dir), Some(folder)) = (&self.dir, path.parent()) else { return Ok(()) };
        mark(dir)?;
        let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
        // Two pages may make the same entry at once (two cards alike): each
        // writes its own part.
        static PARTS: AtomicUsize = AtomicUsize::new(0);
        let n = PARTS.fetch_add(1, Ordering::Relaxed);
        let part = folder.join(format!(".{name}.{}.{n}.part", std::process::id()));
        // The folder is made when missing only: asking for it every time
        // would lock its parent every time.
        match write_new(&part, bytes) {
            Err(e) if e.kind() == io::ErrorKind::NotFound => {
                fs::create_dir_all(folder)?;
                write_new(&part, bytes)?;
            }
            written => written?,
        }
        fs::rename(&part, path).inspect_err(|_| {
            let _ = fs::remove_file(&part);
        })
    }

    /// After a successful build: removes the entries of `kinds` this build
    /// did not use, so the cache holds one build's work, not every
    /// build's. Returns what went wrong, and its fix, if anything did.
    ///
    /// Another build of the project using the cache at the same time may
    /// need entries this one did not use: then nothing is removed, and the
    /// next build alone removes what it does not use.
    pub fn finish(&self, kinds: &[Kind]) -> Option<(String, &'static str)> {
        // Released, then taken alone: a shared lock is not made exclusive
        // in place everywhere (Windows refuses it to its own holder).
        let alone = self.lock.as_ref().is_none_or(|l| l.unlock().is_ok() && l.try_lock().is_ok());
        if let Some(dir) = self.dir.as_ref().filter(|_| alone) {
            let used = crate::render::relock(&self.used);
            for kind in kinds {
                let kept: HashSet<String> =
                    used.iter().filter(|(k, _)| k == kind).map(|(_, key)| key.file_name()).collect();
                prune(&dir.join(kind.folder()), &|name| !kept.contains(name), true);
            }
        }
        if let Some(lock) = &self.lock {
            let _ = lock.unlock();
        }
        crate::render::relock(&self.trouble).take()
    }
}

/// The header of an entry, and where its payloads are.
pub struct Head<T> {
    pub header: T,
    pub entry: PathBuf,
    /// Where the payloads start in the entry's file, and its size.
    pub payloads: (u64, u64),
}

impl<T> Head<T> {
    /// The header, and the payloads of these lengths as parts left in the
    /// entry's file; `None` unless they fill it to its end, as [`frame`]
    /// wrote it (an entry cut short is not taken).
    pub fn into_parts(self, lens: &[usize]) -> Option<(T, Vec<crate::content::Stored>)> {
        let (start, size) = self.payloads;
        let total = lens.iter().try_fold(start, |sum, &l| sum.checked_add(l as u64))?;
        (total == size).then(|| (self.header, crate::content::parts(self.entry, start, lens)))
    }
}

/// An entry of a header and payloads: the header's length, the header in
/// CBOR, then the payloads' bytes as they are, so a PNG or a PDF is copied,
/// not encoded number by number.
pub fn frame(header: &impl serde::Serialize, payloads: &[&[u8]]) -> Option<Vec<u8>> {
    let mut head = Vec::new();
    ciborium::into_writer(header, &mut head).ok()?;
    let mut out = (head.len() as u64).to_le_bytes().to_vec();
    out.extend_from_slice(&head);
    payloads.iter().for_each(|p| out.extend_from_slice(p));
    Some(out)
}

/// The header and the payloads' bytes of an entry [`frame`] made; `None`
/// if `bytes` are not one.
pub fn unframe<T: serde::de::DeserializeOwned>(bytes: &[u8]) -> Option<(T, &[u8])> {
    let (len, rest) = bytes.split_first_chunk::<8>()?;
    let (head, payloads) = rest.split_at_checked(usize::try_from(u64::from_le_bytes(*len)).ok()?)?;
    Some((ciborium::from_reader(head).ok()?, payloads))
}

/// The lock file of the cache at `dir`, made with the folder and its mark
/// when missing, and locked shared (waiting while another build removes
/// entries); `None` if it cannot be, and then the build locks nothing.
fn shared_lock(dir: &Path) -> Option<fs::File> {
    mark(dir).ok()?;
    let path = dir.join(LOCK_FILE);
    // A link there could make the file elsewhere.
    if fs::symlink_metadata(&path).is_ok_and(|m| !m.is_file()) {
        return None;
    }
    let file = fs::OpenOptions::new().create(true).truncate(false).write(true).open(path).ok()?;
    file.lock_shared().ok()?;
    Some(file)
}

/// Makes the cache folder at `dir` with its mark, unless it has it.
fn mark(dir: &Path) -> io::Result<()> {
    let tag = dir.join(TAG_FILE);
    if !is_file_not_link(&tag) {
        fs::create_dir_all(dir)?;
        match write_new(&tag, TAG.as_bytes()) {
            // Another build marked it first.
            Err(e) if e.kind() == io::ErrorKind::AlreadyExists && is_file_not_link(&tag) => {}
            written => written?,
        }
    }
    Ok(())
}

/// Whether `path` is a file, and not a link to one.
fn is_file_not_link(path: &Path) -> bool {
    fs::symlink_metadata(path).is_ok_and(|m| m.is_file())
}

/// Writes `bytes` into a new file at `path`; fails if anything is there,
/// a link included, rather than write where it points.
fn write_new(path: &Path, bytes: &[u8]) -> io::Result<()> {
    use std::io::Write;
    fs::OpenOptions::new().write(true).create_new(true).open(path)?.write_all(bytes)
}

/// Removes the entries in `folder` (files named by 64 hexadecimal digits)
/// for which `stale` holds, and with `shards` those of its subfolders
/// named by two hexadecimal digits; nothing else.
fn prune(folder: &Path, stale: &dyn Fn(&str) -> bool, shards: bool) {
    // A kind's folder planted as a link is not followed (a shard's never
    // is: `file_type` tells a link from a folder).
    if !fs::symlink_metadata(folder).is_ok_and(|m| m.is_dir()) {
        return;
    }
    let Ok(entries) = fs::read_dir(folder) else { return };
    for entry in entries.filter_map(Result::ok) {
        let name = entry.file_name().to_string_lossy().into_owned();
        let Ok(kind) = entry.file_type() else { continue };
        if shards && kind.is_dir() && is_shard(&name) {
            prune(&entry.path(), stale, false);
        } else if kind.is_file() && Key::from_file_name(&name).is_some() && stale(&name) {
            let _ = fs::remove_file(entry.path());
        }
    }
}

/// Whether `name` names a subfolder of entries: two lowercase hexadecimal digits.
fn is_shard(name: &str) -> bool {
    name.len() == 2 && name.bytes().all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_key_reads_back_from_its_bytes_and_its_file_name() {
        let key = Key::of("a page");
        let mut bytes = Vec::new();
        ciborium::into_writer(&key, &mut bytes).unwrap();
        assert_eq!(bytes.len(), 2 + 32, "one byte string, not 32 numbers");
        assert_eq!(ciborium::from_reader::<Key, _>(bytes.as_slice()).unwrap(), key);
        assert!(ciborium::from_reader::<Key, _>(&bytes[..bytes.len() - 1]).is_err());
        assert_eq!(Key::from_file_name(&key.file_name()), Some(key));
        assert_eq!(Key::from_file_name(&key.file_name().to_uppercase()), None);
        assert_eq!(Key::from_file_name("notes.txt"), None);
    }

    #[test]
    fn the_same_entry_made_at_once_twice_is_no_trouble() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(dir.path(), "cache", None).unwrap();
        let key = Key::of("two cards alike");
        std::thread::scope(|s| {
            for _ in 0..8 {
                s.spawn(|| (0..50).for_each(|_| assert!(store.put(Kind::Card, key, b"png").is_some())));
            }
        });
        assert_eq!(store.get(Kind::Card, key).as_deref(), Some(&b"png"[..]));
        assert_eq!(store.finish(&Kind::ALL), None, "no write failed");
        let files = walkdir::WalkDir::new(dir.path().join("cache/cards")).into_iter().filter_map(Result::ok);
        let left: Vec<_> = files.filter(|e| e.file_type().is_file()).collect();
        assert_eq!(left.len(), 1, "one entry, no part left behind");
    }

    #[test]
    fn a_build_removes_nothing_while_another_build_uses_the_cache() {
        let dir = tempfile::tempdir().unwrap();
        let (old, theirs) = (Key::of("old"), Key::of("theirs"));
        Store::open(dir.path(), "cache", None).unwrap().put(Kind::Figure, old, b"a");
        let mine = Store::open(dir.path(), "cache", None).unwrap();
        let other = Store::open(dir.path(), "cache", None).unwrap();
        other.put(Kind::Figure, theirs, b"b");
        assert_eq!(mine.finish(&[Kind::Figure]), None);
        assert!(other.get(Kind::Figure, theirs).is_some(), "the other build's entry stays while it runs");
        assert!(other.get(Kind::Figure, old).is_some(), "so does every other: it may need them");
        drop(other);
        let alone = Store::open(dir.path(), "cache", None).unwrap();
        assert!(alone.get(Kind::Figure, theirs).is_some());
        assert_eq!(alone.finish(&[Kind::Figure]), None);
        assert!(alone.get(Kind::Figure, old).is_none(), "removed by the next build alone");
        assert!(Store::open(dir.path(), "cache", None).unwrap().get(Kind::Figure, theirs).is_some());
    }

    #[cfg(unix)]
    #[test]
    fn a_lock_file_planted_as_a_link_makes_no_file_where_it_points() {
        let dir = tempfile::tempdir().unwrap();
        Store::open(dir.path(), "cache", None).unwrap();
        let (lock, target) = (dir.path().join("cache").join(LOCK_FILE), dir.path().join("elsewhere"));
        fs::remove_file(&lock).unwrap();
        std::os::unix::fs::symlink(&target, &lock).unwrap();
        let store = Store::open(dir.path(), "cache", None).unwrap();
        assert!(store.is_on() && store.lock.is_none(), "the cache works, unlocked");
        assert!(!target.exists());
    }

    #[test]
    fn a_build_removes_only_the_entries_it_did_not_use_and_never_writes_into_a_foreign_folder() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().join("cache");
        let first = Store::open(dir.path(), "cache", None).unwrap();
        let (old, kept) = (Key::of("old"), Key::of("kept"));
        first.put(Kind::Figure, old, b"a");
        first.put(Kind::Figure, kept, b"b");
        first.put(Kind::Pdf, old, b"%PDF-");
        fs::write(root.join("figures/notes.txt"), "mine").unwrap();
        let shard = root.join("figures").join(&old.file_name()[..2]);
        fs::write(shard.join("notes.txt"), "mine").unwrap();
        // An entry where an older barometer filed it, straight in its kind's folder.
        let flat = root.join("figures").join(Key::of("flat").file_name());
        fs::write(&flat, "c").unwrap();
        drop(first);
        let second = Store::open(dir.path(), "cache", None).unwrap();
        assert!(second.get(Kind::Figure, kept).is_some());
        assert_eq!(second.finish(&[Kind::Figure]), None);
        assert!(second.get(Kind::Figure, old).is_none(), "unused: removed");
        assert!(second.get(Kind::Figure, kept).is_some(), "used: kept");
        assert!(second.get(Kind::Pdf, old).is_some(), "a kind not finished is left");
        assert!(root.join("figures/notes.txt").is_file(), "not an entry: never removed");
        assert!(shard.join("notes.txt").is_file(), "not an entry: never removed");
        assert!(!flat.exists(), "unused, where an older build filed it: removed");
        assert!(root.join("figures").join(&kept.file_name()[..2]).join(kept.file_name()).is_file());

        let foreign = dir.path().join("notes");
        fs::create_dir(&foreign).unwrap();
        fs::write(foreign.join("plan.md"), "mine").unwrap();
        assert!(Store::open(dir.path(), "notes", None).unwrap_err().contains("not made by barometer"));
        assert!(Store::open(dir.path(), "absent", None).is_ok());
    }

    #[test]
    fn no_cache_through_a_link_or_inside_the_output() {
        let dir = tempfile::tempdir().unwrap();
        let elsewhere = tempfile::tempdir().unwrap();
        #[cfg(unix)]
        {
            std::os::unix::fs::symlink(elsewhere.path(), dir.path().join(".barometer")).unwrap();
            let why = Store::open(dir.path(), ".barometer/cache", None).unwrap_err();
            assert!(why.contains("symbolic link"), "{why}");
        }
        let public = dir.path().join("public");
        for (folder, output) in [("public/cache", &public), ("site", &dir.path().join("site/x"))] {
            let why = Store::open(dir.path(), folder, Some(output)).unwrap_err();
            assert!(why.contains("one inside the other"), "{folder}: {why}");
        }
        assert!(Store::open(dir.path(), ".cache", Some(&public)).is_ok());
        assert_eq!(fs::read_dir(elsewhere.path()).unwrap().count(), 0, "nothing written through the link");
    }

    #[cfg(unix)]
    #[test]
    fn no_entry_is_read_written_or_removed_through_a_link_planted_in_the_cache() {
        use std::os::unix::fs::symlink;
        let (dir, elsewhere) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
        let root = dir.path().join("cache");
        Store::open(dir.path(), "cache", None).unwrap().put(Kind::Figure, Key::of("made"), b"svg");
        let (key, secret) = (Key::of("a chart"), Key::of("a pdf"));
        let in_shard =
            |kind: &str, key: Key| root.join(kind).join(&key.file_name()[..2]).join(key.file_name());
        // What the links point to: a file named as an entry, and a private one.
        let theirs = elsewhere.path().join(&key.file_name()[..2]);
        fs::create_dir(&theirs).unwrap();
        fs::write(theirs.join(key.file_name()), "theirs").unwrap();
        fs::write(elsewhere.path().join("id"), "private").unwrap();
        symlink(elsewhere.path(), root.join("cards")).unwrap();
        symlink(&theirs, in_shard("figures", key).parent().unwrap()).unwrap();
        fs::create_dir_all(in_shard("pdf", secret).parent().unwrap()).unwrap();
        symlink(elsewhere.path().join("id"), in_shard("pdf", secret)).unwrap();
        symlink(elsewhere.path(), root.join("outputs")).unwrap();
        let before = walkdir::WalkDir::new(elsewhere.path()).into_iter().count();

        let store = Store::open(dir.path(), "cache", None).unwrap();
        assert!(store.get(Kind::Card, key).is_none(), "not read through a kind's folder that is a link");
        assert!(store.head::<u8>(Kind::Figure, key).is_none(), "nor through a subfolder that is one");
        assert!(store.get(Kind::Pdf, secret).is_none() && store.entry(Kind::Pdf, secret, 0).is_none());
        assert!(store.put(Kind::Card, Key::of("new"), b"png").is_none());
        assert!(store.put(Kind::Figure, key, b"svg").is_none());
        assert!(store.put(Kind::Pdf, secret, b"%PDF-").is_none());
        store.keep_stamps(dir.path(), &crate::site::Stamps::parse(""));
        let (why, fix) = store.finish(&Kind::ALL).expect("the build says so");
        assert!(
            why.contains("barometer did not make (a link") && fix.contains("delete the cache folder"),
            "{why}"
        );

        assert_eq!(walkdir::WalkDir::new(elsewhere.path()).into_iter().count(), before, "nothing made there");
        assert_eq!(fs::read_to_string(theirs.join(key.file_name())).unwrap(), "theirs", "nor removed");
        assert_eq!(fs::read_to_string(elsewhere.path().join("id")).unwrap(), "private");
        assert!(
            store.get(Kind::Figure, Key::of("made")).is_none(),
            "the cache's own entries are still pruned"
        );
    }
}
