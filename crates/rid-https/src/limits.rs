//! Resource limits and the media type check.

/// The media type of RID messages (RFC 6546 §3: the Content-Type of requests and responses
/// MUST be `text/xml`).
pub const MEDIA_TYPE: &str = "text/xml";

/// The TCP port assigned to RID over HTTP/TLS (RFC 6546 §3, §5).
pub const PORT: u16 = 4590;

/// Bounds on what one message may cost. Every bound is checked while streaming, so a
/// hostile body costs time linear in its length with a constant set by these numbers.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Limits {
    /// Longest body, in octets (default 1 MiB). The agent should stop reading a body at
    /// this length too (answering `413`).
    pub max_body: usize,
    /// Deepest element nesting (default 64; the RFC 6545 examples nest 12 deep).
    pub max_depth: usize,
    /// Most attributes on one element (default 64); duplicate checking is quadratic in
    /// this number, per element.
    pub max_attributes: usize,
    /// Most namespace bindings in scope at once (default 64); prefix resolution scans them.
    pub max_namespace_bindings: usize,
}

impl Limits {
    /// The defaults listed on each field.
    pub const DEFAULT: Limits = Limits {
        max_body: 1 << 20,
        max_depth: 64,
        max_attributes: 64,
        max_namespace_bindings: 64,
    };
}

impl Default for Limits {
    fn default() -> Self {
        Limits::DEFAULT
    }
}

/// Whether a Content-Type field value is `text/xml` (RFC 6546 §3). Type and subtype are
/// case-insensitive and may be surrounded by whitespace; parameters (`; charset=UTF-8`)
/// are tolerated and not interpreted (RFC 6545 §5.5 makes UTF-8 the only encoding).
pub fn is_rid_media_type(content_type: &str) -> bool {
    let essence = content_type.split(';').next().unwrap_or("");
    essence
        .trim_matches([' ', '\t'])
        .eq_ignore_ascii_case(MEDIA_TYPE)
}
