//! The bytes of one file of the site: in memory, or a part of an entry of
//! the build cache on disk.
//!
//! A build that takes 2,000 charts from the cache would otherwise read
//! their 200 MB of PNGs, SVGs and embed pages into memory, hold them until
//! the site is written, and read the same files again in the output to
//! see that they did not change. A stored part is read only when it is
//! written or served, and its [`Stored::id`] lets the write stage tell it
//! is already in the output without reading either (see `site.rs`).

use std::borrow::Cow;
use std::fs;
use std::io::{self, Read, Seek, SeekFrom};
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// The bytes of one file of the site.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Content {
    /// Made or read by this build, in memory.
    Bytes(Vec<u8>),
    /// A figure's file or a page's HTML kept in memory from one build to
    /// the next (`serve`): shared, not copied, by every build that shows
    /// it. The figure or page carries its characters
    /// ([`crate::figures::Figure::chars`]).
    Shared(Arc<[u8]>),
    /// Bytes kept in a build-cache entry, read when needed.
    Stored(Stored),
}

/// A run of bytes in a build-cache entry.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Stored {
    /// The entry's file: entries are written whole and never changed, and
    /// the same name always holds the same bytes.
    pub entry: Arc<PathBuf>,
    pub offset: u64,
    pub len: u64,
    /// The entry's name (its start) and the part's place in it: two parts
    /// with the same id hold the same bytes.
    pub id: String,
}

impl Content {
    /// How many bytes the file has.
    pub fn len(&self) -> u64 {
        match self {
            Content::Bytes(b) => b.len() as u64,
            Content::Shared(b) => b.len() as u64,
            Content::Stored(s) => s.len,
        }
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The bytes, when they are in memory.
    pub fn in_memory(&self) -> Option<&[u8]> {
        match self {
            Content::Bytes(b) => Some(b),
            Content::Shared(b) => Some(b),
            Content::Stored(_) => None,
        }
    }

    /// The bytes of a file whose characters no figure carries: in memory,
    /// and made by this build (see [`crate::webfonts::CharSet::of_site`]).
    pub fn uncounted(&self) -> Option<&[u8]> {
        match self {
            Content::Bytes(b) => Some(b),
            Content::Shared(_) | Content::Stored(_) => None,
        }
    }

    /// The same bytes, shared rather than copied from now on.
    pub fn shared(self) -> Content {
        match self {
            Content::Bytes(b) => Content::Shared(b.into()),
            other => other,
        }
    }

    /// The bytes, read from the cache if they are stored there.
    pub fn read(&self) -> io::Result<Cow<'_, [u8]>> {
        match self {
            Content::Bytes(b) => Ok(Cow::Borrowed(b)),
            Content::Shared(b) => Ok(Cow::Borrowed(b)),
            Content::Stored(s) => s.read().map(Cow::Owned),
        }
    }
}

impl From<Vec<u8>> for Content {
    fn from(bytes: Vec<u8>) -> Content {
        Content::Bytes(bytes)
    }
}

impl From<String> for Content {
    fn from(text: String) -> Content {
        Content::Bytes(text.into_bytes())
    }
}

impl Stored {
    /// The part's bytes. An entry removed or cut short since the build
    /// began (another build of the project pruned it) is an error.
    pub fn read(&self) -> io::Result<Vec<u8>> {
        let mut file = fs::File::open(self.entry.as_path())?;
        file.seek(SeekFrom::Start(self.offset))?;
        let len = usize::try_from(self.len).map_err(io::Error::other)?;
        let mut bytes = vec![0; len];
        file.read_exact(&mut bytes)?;
        Ok(bytes)
    }

    /// Where the part is, for an error message.
    pub fn entry(&self) -> &Path {
        &self.entry
    }
}

/// The parts of an entry whose payloads (of these lengths) start at
/// `start`, each identified by the entry's name and its place.
pub fn parts(entry: PathBuf, start: u64, lens: &[usize]) -> Vec<Stored> {
    // Sixteen hexadecimal digits of the entry's name tell it apart enough:
    // the id is only ever compared for the same file of the site.
    let name: String =
        entry.file_name().map(|n| n.to_string_lossy().chars().take(16).collect()).unwrap_or_default();
    let entry = Arc::new(entry);
    let mut offset = start;
    lens.iter()
        .enumerate()
        .map(|(i, &len)| {
            let part = Stored { entry: entry.clone(), offset, len: len as u64, id: format!("{name}.{i}") };
            offset += len as u64;
            part
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parts_read_back_their_own_bytes_and_a_vanished_entry_is_an_error() {
        let dir = tempfile::tempdir().unwrap();
        let entry = dir.path().join("e");
        fs::write(&entry, b"headAAABBBBB").unwrap();
        let parts = parts(entry.clone(), 4, &[3, 5]);
        assert_eq!(parts[0].read().unwrap(), b"AAA");
        assert_eq!(parts[1].read().unwrap(), b"BBBBB");
        assert_ne!(parts[0].id, parts[1].id);
        assert_eq!(Content::Stored(parts[1].clone()).len(), 5);
        fs::write(&entry, b"head").unwrap();
        assert!(parts[0].read().is_err(), "cut short");
        fs::remove_file(&entry).unwrap();
        assert!(Content::Stored(parts[0].clone()).read().is_err(), "gone");
    }
}
