//! Steps both roles share.

pub(crate) mod key_table;
pub mod timestamp_cache;
