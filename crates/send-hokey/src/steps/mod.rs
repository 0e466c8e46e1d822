//! Steps both roles share.

pub mod timestamp_cache;
