//! [`List`]: a sequence of fixed-layout items that is either borrowed from the wire
//! (validated once) or supplied by the caller for emitting, compared by content.

use core::fmt;
use keying_tlv::{Reader, Result, Writer};

/// An item of a [`List`]: something with a self-delimiting wire layout.
pub trait WireItem<'a>: Sized + Copy + PartialEq + fmt::Debug {
    /// Reads one item from the front of `r`.
    fn read(r: &mut Reader<'a>) -> Result<Self>;
    /// Writes the item.
    fn write(&self, w: &mut Writer<'_>);
}

/// A list of items: on the parse side the validated wire bytes (zero-copy), on the emit side
/// a caller slice. Two lists are equal when they hold the same items, whichever side they
/// came from, so `parse(emit(x)) == x` holds for values built either way.
#[derive(Clone, Copy)]
pub enum List<'a, T> {
    /// Items supplied by the caller.
    Items(&'a [T]),
    /// Wire bytes already validated to hold a whole number of items (what a parse
    /// yields); a writer writes them as they are.
    Wire(&'a [u8]),
}

impl<'a, T: WireItem<'a>> List<'a, T> {
    /// Reads exactly `count` items (or, with `None`, items until `r` is empty) and returns
    /// the list borrowing their bytes.
    #[cfg_attr(not(target_os = "none"), inline(always))]
    pub(crate) fn read(r: &mut Reader<'a>, count: Option<usize>) -> Result<Self> {
        let start = r.rest();
        let before = r.remaining();
        match count {
            Some(n) => {
                for _ in 0..n {
                    T::read(r)?;
                }
            }
            None => {
                while !r.is_empty() {
                    T::read(r)?;
                }
            }
        }
        let used = before - r.remaining();
        Ok(Self::Wire(start.get(..used).unwrap_or_default()))
    }

    /// The items, in order.
    pub fn iter(&self) -> ListIter<'a, T> {
        match *self {
            Self::Items(items) => ListIter::Items(items.iter()),
            Self::Wire(bytes) => ListIter::Wire(Reader::new(bytes)),
        }
    }

    /// Number of items.
    pub fn len(&self) -> usize {
        match *self {
            Self::Items(items) => items.len(),
            Self::Wire(_) => self.iter().count(),
        }
    }

    /// Whether the list is empty.
    pub fn is_empty(&self) -> bool {
        self.iter().next().is_none()
    }

    /// The `i`-th item.
    pub fn get(&self, i: usize) -> Option<T> {
        self.iter().nth(i)
    }

    /// Writes every item. Wire bytes are written as they are: they were validated to hold
    /// whole items, and each item type writes back the bytes it read.
    pub fn write(&self, w: &mut Writer<'_>) {
        match self {
            Self::Items(items) => {
                for item in *items {
                    item.write(w);
                }
            }
            Self::Wire(bytes) => w.bytes(bytes),
        }
    }
}

impl<'a, T: WireItem<'a>> PartialEq for List<'a, T> {
    fn eq(&self, other: &Self) -> bool {
        self.iter().eq(other.iter())
    }
}

impl<'a, T: WireItem<'a>> Eq for List<'a, T> where T: Eq {}

impl<'a, T: WireItem<'a>> fmt::Debug for List<'a, T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list().entries(self.iter()).finish()
    }
}

impl<'a, T: WireItem<'a>> IntoIterator for List<'a, T> {
    type Item = T;
    type IntoIter = ListIter<'a, T>;
    fn into_iter(self) -> Self::IntoIter {
        self.iter()
    }
}

/// Iterator over a [`List`].
#[derive(Debug, Clone)]
pub enum ListIter<'a, T> {
    /// Over caller items.
    Items(core::slice::Iter<'a, T>),
    /// Over validated wire bytes.
    Wire(Reader<'a>),
}

impl<'a, T: WireItem<'a>> Iterator for ListIter<'a, T> {
    type Item = T;
    fn next(&mut self) -> Option<T> {
        match self {
            Self::Items(it) => it.next().copied(),
            Self::Wire(r) => {
                if r.is_empty() {
                    return None;
                }
                match T::read(r) {
                    Ok(item) => Some(item),
                    // Unreachable for a validated list; end the iteration rather than panic.
                    Err(_) => {
                        r.take_rest();
                        None
                    }
                }
            }
        }
    }
}
