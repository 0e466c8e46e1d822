//! Reading the RID envelope with quick-xml: events only, namespaces resolved, no DTD.

use quick_xml::NsReader;
use quick_xml::XmlVersion;
use quick_xml::events::{BytesStart, Event};
use quick_xml::name::{Namespace, ResolveResult};

use crate::error::Improper;
use crate::limits::{Limits, is_rid_media_type};
use crate::message::{AuthorizationStatus, MsgType, RID_NAMESPACE, RidMessage};

/// What a classification cost, for checking that it is linear in the body.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct ScanStats {
    /// XML events read (each consumes at least one octet, except the final end of input).
    pub events: usize,
    /// Octets of the body the reader consumed.
    pub consumed: usize,
}

/// Classifies a RID message from its Content-Type and body (RFC 6546 §3, RFC 6545 §5).
///
/// Checks, in order: the media type is `text/xml`; the body is at most
/// [`Limits::max_body`]; it is well-formed XML without a document type declaration; the
/// root is `RID` in the namespace [`RID_NAMESPACE`] (whatever its prefix); exactly one
/// `RIDPolicy` child carries a known `MsgType`. The included document
/// (`RIDPolicy/ReportSchema/XMLDocument`) is located, not read.
pub fn classify(
    content_type: Option<&str>,
    body: &[u8],
    limits: &Limits,
) -> Result<RidMessage, Improper> {
    if !content_type.is_some_and(is_rid_media_type) {
        return Err(Improper::MediaType);
    }
    classify_body(body, limits)
}

/// [`classify`] without the media type check.
pub fn classify_body(body: &[u8], limits: &Limits) -> Result<RidMessage, Improper> {
    scan(body, limits).0
}

/// [`classify_body`], also reporting what the reading cost.
pub fn scan(body: &[u8], limits: &Limits) -> (Result<RidMessage, Improper>, ScanStats) {
    let mut stats = ScanStats::default();
    let r = scan_inner(body, limits, &mut stats);
    (r, stats)
}

fn to_usize(v: u64) -> usize {
    usize::try_from(v).unwrap_or(usize::MAX)
}

fn scan_inner(body: &[u8], limits: &Limits, stats: &mut ScanStats) -> Result<RidMessage, Improper> {
    if body.len() > limits.max_body {
        return Err(Improper::Oversize {
            limit: limits.max_body,
        });
    }
    let mut reader = NsReader::from_reader(body);
    {
        let c = reader.config_mut();
        c.check_end_names = true;
        c.check_comments = true;
        c.expand_empty_elements = false;
        c.trim_text_start = false;
        c.trim_text_end = false;
        c.allow_unmatched_ends = false;
    }
    reader
        .resolver_mut()
        .set_max_namespace_bindings(limits.max_namespace_bindings);

    let mut env = Envelope::default();
    loop {
        let before = to_usize(reader.buffer_position());
        let read = reader.read_resolved_event().map(|(ns, event)| {
            let ns = match ns {
                ResolveResult::Bound(Namespace(n)) => Ns::Bound(n == RID_NAMESPACE),
                ResolveResult::Unbound => Ns::Bound(false),
                ResolveResult::Unknown(_) => Ns::Unknown,
            };
            (ns, event)
        });
        stats.consumed = to_usize(reader.buffer_position());
        let (ns, event) = match read {
            Ok(x) => x,
            Err(quick_xml::Error::Namespace(quick_xml::name::NamespaceError::TooManyBindings(
                _,
            ))) => return Err(Improper::TooManyAttributes),
            Err(_) => {
                return Err(Improper::Malformed {
                    offset: to_usize(reader.error_position()),
                });
            }
        };
        stats.events += 1;
        let at = Position {
            before,
            after: stats.consumed,
            first_event: stats.events == 1,
        };
        if env.event(&event, ns, limits, at)? {
            break;
        }
    }
    env.finish(body.len())
}

/// Where an event lies in the body.
#[derive(Clone, Copy)]
struct Position {
    /// Offset of the event's first octet.
    before: usize,
    /// Offset just after the event.
    after: usize,
    /// Whether it is the body's first event.
    first_event: bool,
}

/// What the reading has found so far: the element depth and the envelope's parts.
#[derive(Default)]
struct Envelope {
    depth: usize,
    root_seen: bool,
    root_closed: bool,
    /// Depth of the open `RIDPolicy`, `ReportSchema` and `XMLDocument` (with its start).
    policy_at: Option<usize>,
    schema_at: Option<usize>,
    doc_at: Option<(usize, usize)>,
    msg_type: Option<Result<MsgType, Improper>>,
    policies: usize,
    status: Option<AuthorizationStatus>,
    document: Option<core::ops::Range<usize>>,
}

impl Envelope {
    /// Takes one event; `Ok(true)` at the end of input.
    fn event(
        &mut self,
        event: &Event<'_>,
        ns: Ns,
        limits: &Limits,
        at: Position,
    ) -> Result<bool, Improper> {
        let malformed = Improper::Malformed { offset: at.before };
        match event {
            Event::Eof => return Ok(true),
            Event::DocType(_) => return Err(Improper::Dtd),
            // The XML declaration only opens the document (XML 1.0 §2.8).
            Event::Decl(_) if !at.first_event => return Err(malformed),
            Event::Decl(_) | Event::PI(_) | Event::Comment(_) => {}
            Event::Text(t) => {
                if self.depth == 0 && !t.bytes().all(|b| b.is_ascii_whitespace()) {
                    return Err(malformed);
                }
            }
            Event::CData(_) => {
                if self.depth == 0 {
                    return Err(malformed);
                }
            }
            // Without a DTD only the predefined entities and character references exist;
            // any other reference is not well-formed (XML 1.0 §4.1 WFC: Entity Declared).
            Event::GeneralRef(r) => {
                let predefined = matches!(&**r, "lt" | "gt" | "amp" | "apos" | "quot");
                if self.depth == 0 || !(predefined || r.is_char_ref()) {
                    return Err(malformed);
                }
            }
            Event::Start(_) | Event::Empty(_) if self.root_closed => return Err(malformed),
            Event::Start(e) => self.element(e, true, ns, limits, at)?,
            Event::Empty(e) => self.element(e, false, ns, limits, at)?,
            Event::End(_) => self.end(at)?,
        }
        Ok(false)
    }

    /// A start tag (`is_start`) or an empty-element tag.
    fn element(
        &mut self,
        e: &BytesStart<'_>,
        is_start: bool,
        ns: Ns,
        limits: &Limits,
        pos: Position,
    ) -> Result<(), Improper> {
        let at = self.depth + 1;
        if at > limits.max_depth {
            return Err(Improper::TooDeep {
                limit: limits.max_depth,
            });
        }
        let in_rid = match ns {
            Ns::Bound(rid) => rid,
            Ns::Unknown => return Err(Improper::Malformed { offset: pos.before }),
        };
        let local = e.local_name();
        let local = local.as_ref();
        let attrs = Attrs::read(e, limits, pos.before)?;
        if at == 1 {
            if !(in_rid && local == "RID") {
                return Err(Improper::NotRid);
            }
            self.root_seen = true;
        } else if at == 2 && in_rid && local == "RIDPolicy" {
            self.policies += 1;
            self.msg_type = Some(match attrs.msg_type {
                Some(v) => MsgType::from_value(v.trim().as_bytes()).ok_or(Improper::UnknownMsgType),
                None => Err(Improper::MissingMsgType),
            });
            if is_start {
                self.policy_at = Some(at);
            }
        } else if at == 2 && in_rid && local == "RequestStatus" {
            self.status = attrs
                .authorization_status
                .map(|v| AuthorizationStatus::from_value(v.trim().as_bytes()));
        } else if at == 3 && self.policy_at.is_some() && in_rid && local == "ReportSchema" {
            if is_start {
                self.schema_at = Some(at);
            }
        } else if at == 4
            && self.schema_at.is_some()
            && in_rid
            && local == "XMLDocument"
            && self.document.is_none()
        {
            self.document = Some(if is_start {
                self.doc_at = Some((at, pos.after));
                0..0
            } else {
                pos.after..pos.after
            });
        }
        if is_start {
            self.depth = at;
        } else if at == 1 {
            self.root_closed = true;
        }
        Ok(())
    }

    /// An end tag.
    fn end(&mut self, pos: Position) -> Result<(), Improper> {
        if self.doc_at.is_some_and(|(d, _)| d == self.depth) {
            self.document = self.doc_at.map(|(_, start)| start..pos.before);
            self.doc_at = None;
        }
        if self.schema_at == Some(self.depth) {
            self.schema_at = None;
        }
        if self.policy_at == Some(self.depth) {
            self.policy_at = None;
        }
        self.depth = self
            .depth
            .checked_sub(1)
            .ok_or(Improper::Malformed { offset: pos.before })?;
        if self.depth == 0 {
            self.root_closed = true;
        }
        Ok(())
    }

    /// The message, once the whole body has been read.
    fn finish(self, body_len: usize) -> Result<RidMessage, Improper> {
        if !self.root_seen || !self.root_closed || self.depth != 0 {
            return Err(Improper::Malformed { offset: body_len });
        }
        if self.policies != 1 {
            return Err(Improper::MissingMsgType);
        }
        let msg_type = self.msg_type.unwrap_or(Err(Improper::MissingMsgType))?;
        Ok(RidMessage {
            msg_type,
            status: self.status,
            document: self.document,
        })
    }
}

/// The namespace of an element: the RID namespace or not, or an unbound prefix.
#[derive(Clone, Copy)]
enum Ns {
    Bound(bool),
    Unknown,
}

/// The attributes this crate reads, after the per-element bound and well-formedness checks.
struct Attrs {
    msg_type: Option<alloc::string::String>,
    authorization_status: Option<alloc::string::String>,
}

impl Attrs {
    fn read(e: &BytesStart<'_>, limits: &Limits, offset: usize) -> Result<Attrs, Improper> {
        let mut out = Attrs {
            msg_type: None,
            authorization_status: None,
        };
        // Duplicate checking costs O(n) for the n-th attribute: bounded by max_attributes.
        for (n, a) in e.attributes().with_checks(true).enumerate() {
            if n >= limits.max_attributes {
                return Err(Improper::TooManyAttributes);
            }
            let a = a.map_err(|_| Improper::Malformed { offset })?;
            let slot = match a.key.as_ref() {
                "MsgType" => &mut out.msg_type,
                "AuthorizationStatus" => &mut out.authorization_status,
                _ => continue,
            };
            // Predefined entities and character references only: no DTD, no other entity.
            let v = a
                .normalized_value(XmlVersion::Implicit1_0)
                .map_err(|_| Improper::Malformed { offset })?;
            *slot = Some(v.into_owned());
        }
        Ok(out)
    }
}
