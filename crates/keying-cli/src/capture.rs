//! `keying decode CAPTURE`: every MIKEY, GDOI / ISAKMP, ND / FMIPv6 and Mobility Header
//! message of a pcap or pcapng capture.
//!
//! The capture file is read by `pcap-parser` (legacy pcap in either byte order and
//! microsecond or nanosecond resolution, and pcapng with per-interface link types and
//! timestamp resolutions); the link layer (Ethernet, raw IP, Linux cooked capture v1 / v2,
//! BSD loopback, ...) is stripped by `pcap-parser`, and the IPv4 / IPv6 (with extension
//! headers), UDP and TCP headers are parsed by `etherparse`. What is found:
//!
//! - MIKEY: a UDP datagram to or from port 2269 (the IANA-registered MIKEY port); an SDP
//!   `a=key-mgmt:mikey` attribute (RFC 4567 §3.1) or an RTSP `KeyMgmt` header (RFC 4567
//!   §3.2) in any UDP datagram or TCP stream (a SIP or RTSP message). TCP is read line by
//!   line per flow: a line split across in-order segments is joined and reported at the
//!   frame that completes it; a lost or reordered segment starts the line afresh (no full
//!   stream reassembly), a retransmission is skipped.
//! - GDOI / ISAKMP: a UDP datagram to or from port 848 (RFC 6407 §2.2), or to or from port
//!   4500 after the four-octet zero non-ESP marker (RFC 3948 §2.2).
//! - ND / SEND / FMIPv6: ICMPv6 types 133 to 137 and 154 (RFC 4861 §4, RFC 5568 §6.1), with
//!   the packet's IPv6 source and destination (so the checksum, CGA and SEND signature are
//!   checked).
//! - Mobility Header: IPv6 next header 135 (RFC 6275 §6.1) carrying an FBU or FBack (MH
//!   types 8, 9: RFC 5568 §6.2), likewise with its addresses.
//!
//! IP fragments are not reassembled (a fragmented datagram is skipped).

use std::io::Write;
use std::net::{IpAddr, Ipv6Addr};

use etherparse::{EtherType, NetSlice, SlicedPacket, TransportSlice};
use pcap_parser::data::{PacketData, get_packetdata};
use pcap_parser::pcapng::Block;
use pcap_parser::{Linktype, PcapBlockOwned, PcapError, create_reader};

use crate::cli::CaptureArgs;
use crate::value::{Obj, Value};
use crate::{CliError, EXIT_FAILED, EXIT_OK, Report, gdoi, mikey, nd};

/// The IANA-registered port of MIKEY over UDP.
const PORT_MIKEY: u16 = 2269;
/// The IANA-assigned port of GDOI (RFC 6407 §2.2).
const PORT_GDOI: u16 = 848;
/// IKE / ISAKMP NAT traversal port (RFC 3947 §4, RFC 3948 §2.2).
const PORT_NAT_T: u16 = 4500;
/// IPv6 next header of the Mobility Header (RFC 6275 §6.1).
const NEXT_HEADER_MOBILITY: u8 = 135;
/// The read buffer starts at this size and doubles up to [`MAX_BLOCK`] for a large block.
const BUFFER: usize = 1 << 16;
/// The largest capture block read (a pcapng block or legacy record).
const MAX_BLOCK: usize = 1 << 26;

/// The keys the decoders use.
struct Keys {
    psk: Option<Vec<u8>>,
    kek: Option<Vec<u8>>,
    gcks: Option<gdoi::GcksKey>,
}

/// A message found in the capture, before decoding.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Found<'a> {
    /// A MIKEY message (the bytes) and where it was carried.
    Mikey(&'a str, Vec<u8>),
    /// A GDOI / ISAKMP message and where it was carried.
    Gdoi(&'a str, &'a [u8]),
    /// An ICMPv6 ND message or a Mobility Header, with the IPv6 addresses.
    Nd(&'a str, &'a [u8], Ipv6Addr, Ipv6Addr),
    /// A MIKEY attribute or header that does not decode (its carrier and why).
    BadMikey(&'a str, String),
}

/// Where a frame was captured: its number (1-based) and time.
#[derive(Debug, Clone, Copy)]
struct Frame {
    number: u64,
    /// Seconds and nanoseconds since 1970-01-01T00:00:00Z; none for a pcapng Simple Packet
    /// Block or an interface with an invalid resolution.
    time: Option<(u64, u32)>,
}

/// A TCP flow: source address and port, destination address and port.
type FlowKey = (IpAddr, u16, IpAddr, u16);

/// What a TCP flow holds between segments.
#[derive(Debug)]
struct Flow {
    /// The sequence number the next in-order segment starts at.
    next_seq: u32,
    /// The bytes after the last complete line.
    pending: Vec<u8>,
    /// The frame of the last segment.
    frame: Frame,
}

/// The most TCP flows followed at once; past it the flows are flushed and forgotten.
const MAX_FLOWS: usize = 4096;
/// The longest unterminated line kept for a flow; a longer one is dropped.
const MAX_PENDING: usize = 1 << 20;

/// One pcapng interface: its link type, timestamp units per second and offset (seconds).
#[derive(Debug, Clone, Copy)]
struct Interface {
    linktype: Linktype,
    resolution: Option<u64>,
    offset: i64,
}

/// What the capture gave so far; each message is written out as soon as it is decoded, so
/// memory does not grow with the capture.
struct State<'w> {
    keys: Keys,
    frames: u64,
    /// The legacy pcap link type and whether its timestamps are in nanoseconds.
    legacy: Option<(Linktype, bool)>,
    interfaces: Vec<Interface>,
    flows: std::collections::HashMap<FlowKey, Flow>,
    out: Output<'w>,
    problems: Vec<String>,
}

/// Where the messages go: one JSON array, or one text list item each.
struct Output<'w> {
    w: &'w mut dyn Write,
    json: bool,
    written: u64,
}

impl Output<'_> {
    fn item(&mut self, v: &Value) {
        let mut s = String::new();
        if self.json {
            s.push(if self.written == 0 { '[' } else { ',' });
            v.write_json(&mut s);
        } else {
            Value::List(vec![v.clone()]).write_text(&mut s);
        }
        self.written += 1;
        let _ = self.w.write_all(s.as_bytes());
    }

    fn finish(&mut self) {
        if self.json {
            let end = if self.written == 0 { "[]\n" } else { "]\n" };
            let _ = self.w.write_all(end.as_bytes());
        }
    }
}

/// Runs `keying decode`; returns the exit status.
pub fn run(a: &CaptureArgs, stdout: &mut dyn Write, stderr: &mut dyn Write) -> i32 {
    let keys = match keys(a) {
        Ok(k) => k,
        Err(e) => {
            let _ = writeln!(stderr, "keying: {}", e.message);
            return e.code;
        }
    };
    let mut st = State {
        keys,
        frames: 0,
        legacy: None,
        interfaces: Vec::new(),
        flows: std::collections::HashMap::new(),
        out: Output {
            w: stdout,
            json: a.json,
            written: 0,
        },
        problems: Vec::new(),
    };
    let read = read_capture(&a.capture, &mut st);
    st.flush();
    st.out.finish();
    for p in &st.problems {
        let _ = writeln!(stderr, "keying: {p}");
    }
    if let Err(e) = read {
        let _ = writeln!(stderr, "keying: {}", e.message);
        return e.code;
    }
    if st.out.written == 0 {
        let _ = writeln!(
            stderr,
            "keying: no MIKEY, GDOI / ISAKMP, ND / FMIPv6 or Mobility Header message in {} \
             frames",
            st.frames
        );
    }
    if st.problems.is_empty() {
        EXIT_OK
    } else {
        EXIT_FAILED
    }
}

/// The keys of the command line, checked as the per-protocol subcommands check them.
fn keys(a: &CaptureArgs) -> Result<Keys, CliError> {
    let kek = a.kek.as_ref().map(|k| k.0.clone());
    if let Some(k) = &kek {
        gdoi::check_kek(k)?;
    }
    Ok(Keys {
        psk: a.psk.as_ref().map(|k| k.0.clone()),
        kek,
        gcks: a.gcks_key.as_deref().map(gdoi::GcksKey::load).transpose()?,
    })
}

/// Reads every block of the capture at `path` into `st`.
fn read_capture(path: &std::path::Path, st: &mut State<'_>) -> Result<(), CliError> {
    let file = std::fs::File::open(path)
        .map_err(|e| CliError::io(format!("cannot open {}: {e}", path.display())))?;
    let bad = |e: &dyn std::fmt::Debug| {
        CliError::io(format!(
            "{}: not a readable pcap or pcapng capture ({e:?})",
            path.display()
        ))
    };
    let mut reader = create_reader(BUFFER, file).map_err(|e| bad(&e))?;
    let mut capacity = BUFFER;
    // Incomplete reads in a row: a refill that cannot make progress must not loop.
    let mut stalls = 0u32;
    loop {
        match reader.next() {
            Ok((offset, block)) => {
                stalls = 0;
                st.block(&block);
                reader.consume(offset);
            }
            Err(PcapError::Eof) => return Ok(()),
            Err(PcapError::Incomplete(_)) if stalls < 2 => {
                stalls += 1;
                reader.refill().map_err(|e| bad(&e))?;
            }
            Err(PcapError::Incomplete(_) | PcapError::BufferTooSmall) if capacity < MAX_BLOCK => {
                stalls = 0;
                capacity *= 2;
                if !reader.grow(capacity) {
                    return Err(bad(&"cannot grow the read buffer"));
                }
                reader.refill().map_err(|e| bad(&e))?;
            }
            Err(PcapError::UnexpectedEof) => {
                return Err(CliError::io(format!(
                    "{}: truncated after frame {}",
                    path.display(),
                    st.frames
                )));
            }
            Err(e) => return Err(bad(&e)),
        }
    }
}

/// Seconds and nanoseconds of a pcapng timestamp in `resolution` units per second, with
/// the interface's offset in seconds; none when out of range.
fn ng_time(ts: u64, resolution: Option<u64>, offset: i64) -> Option<(u64, u32)> {
    let res = resolution.filter(|r| *r > 0)?;
    let secs = (ts / res).checked_add_signed(offset)?;
    let nanos = u128::from(ts % res) * 1_000_000_000 / u128::from(res);
    Some((secs, u32::try_from(nanos).ok()?))
}

impl State<'_> {
    /// Takes one capture block: a header, an interface, or a packet.
    fn block(&mut self, block: &PcapBlockOwned<'_>) {
        match block {
            PcapBlockOwned::LegacyHeader(h) => {
                self.legacy = Some((h.network, h.is_nanosecond_precision()));
            }
            PcapBlockOwned::Legacy(b) => {
                let (linktype, nanos) = self.legacy.unwrap_or((Linktype::ETHERNET, false));
                let sub = if nanos {
                    b.ts_usec
                } else {
                    b.ts_usec.saturating_mul(1000)
                };
                let time = Some((u64::from(b.ts_sec), sub));
                self.packet(linktype, time, b.data, b.caplen);
            }
            PcapBlockOwned::NG(Block::SectionHeader(_)) => self.interfaces.clear(),
            PcapBlockOwned::NG(Block::InterfaceDescription(i)) => self.interfaces.push(Interface {
                linktype: i.linktype,
                resolution: i.ts_resolution(),
                offset: i.ts_offset(),
            }),
            PcapBlockOwned::NG(Block::EnhancedPacket(p)) => {
                let iface = usize::try_from(p.if_id)
                    .ok()
                    .and_then(|i| self.interfaces.get(i).copied());
                let ts = (u64::from(p.ts_high) << 32) | u64::from(p.ts_low);
                let time = iface.and_then(|i| ng_time(ts, i.resolution, i.offset));
                let linktype = iface.map_or(Linktype(-1), |i| i.linktype);
                self.packet(linktype, time, p.data, p.caplen);
            }
            PcapBlockOwned::NG(Block::SimplePacket(p)) => {
                let linktype = self.interfaces.first().map_or(Linktype(-1), |i| i.linktype);
                let caplen = u32::try_from(p.data.len())
                    .unwrap_or(u32::MAX)
                    .min(p.origlen);
                self.packet(linktype, None, p.data, caplen);
            }
            PcapBlockOwned::NG(_) => {}
        }
    }

    /// One captured frame: numbered, stripped of its link layer, searched for messages.
    fn packet(&mut self, linktype: Linktype, time: Option<(u64, u32)>, data: &[u8], caplen: u32) {
        self.frames += 1;
        let frame = Frame {
            number: self.frames,
            time,
        };
        let caplen = usize::try_from(caplen)
            .unwrap_or(usize::MAX)
            .min(data.len());
        let sliced = match get_packetdata(data, linktype, caplen) {
            Some(PacketData::L2(eth)) => SlicedPacket::from_ethernet(eth),
            Some(PacketData::L3(ethertype, ip)) => {
                SlicedPacket::from_ether_type(EtherType(ethertype), ip)
            }
            _ => return,
        };
        let Ok(p) = sliced else {
            return;
        };
        let addrs = addresses(&p);
        let found = match (&p.transport, addrs) {
            (Some(TransportSlice::Tcp(t)), (Some(s), Some(d))) => {
                let key = (s, t.source_port(), d, t.destination_port());
                self.tcp(key, frame, t.sequence_number(), t.payload(), t.fin())
            }
            _ => find(&p),
        };
        for f in found {
            self.decode(frame, addrs, f);
        }
    }

    /// A TCP segment of flow `key`: the lines it completes are searched (a line split
    /// across in-order segments is joined; a gap, reordering or overlap starts afresh, and
    /// a retransmission of bytes already seen is skipped). The incomplete last line waits
    /// for the next segment, or for the end of the capture.
    fn tcp(
        &mut self,
        key: FlowKey,
        frame: Frame,
        seq: u32,
        payload: &[u8],
        fin: bool,
    ) -> Vec<Found<'static>> {
        let len = u32::try_from(payload.len()).unwrap_or(u32::MAX);
        let end = seq.wrapping_add(len);
        let mut data = match self.flows.remove(&key) {
            Some(f) if f.next_seq == seq => f.pending,
            // Bytes already seen (end at or before next_seq, modulo 2^32): skip.
            Some(f) if f.next_seq.wrapping_sub(end) < 1 << 31 => {
                self.flows.insert(key, f);
                return Vec::new();
            }
            _ => Vec::new(),
        };
        data.extend_from_slice(payload);
        let cut = if fin {
            data.len()
        } else {
            data.iter().rposition(|&b| b == b'\n').map_or(0, |i| i + 1)
        };
        let rest = data.split_off(cut);
        if !fin && rest.len() <= MAX_PENDING {
            if self.flows.len() >= MAX_FLOWS {
                self.flush();
            }
            self.flows.insert(
                key,
                Flow {
                    next_seq: end,
                    pending: rest,
                    frame,
                },
            );
        }
        text("tcp", &data)
    }

    /// Searches what every TCP flow still holds (an unterminated last line), reported at
    /// the flow's last frame, and forgets the flows.
    fn flush(&mut self) {
        let mut flows: Vec<_> = std::mem::take(&mut self.flows).into_iter().collect();
        flows.sort_by_key(|(_, f)| f.frame.number);
        for ((s, _, d, _), f) in flows {
            for found in text("tcp", &f.pending) {
                self.decode(f.frame, (Some(s), Some(d)), found);
            }
        }
    }

    /// Decodes one message found in `frame` and keeps its entry.
    fn decode(&mut self, frame: Frame, addrs: (Option<IpAddr>, Option<IpAddr>), found: Found<'_>) {
        let (protocol, carrier, report) = match found {
            Found::Mikey(c, bytes) => ("mikey", c, decode_mikey(&bytes, &self.keys)),
            Found::Gdoi(c, bytes) => (
                "gdoi",
                c,
                gdoi::decode_with(bytes, self.keys.kek.as_deref(), self.keys.gcks.as_ref()),
            ),
            Found::Nd(c, bytes, s, d) => ("nd", c, nd::decode(bytes, Some(s), Some(d))),
            Found::BadMikey(c, why) => ("mikey", c, Err(CliError::input(why))),
        };
        let (src, dst) = (
            addrs.0.map(|a| a.to_string()),
            addrs.1.map(|a| a.to_string()),
        );
        let mut o = Obj::new()
            .with("frame", frame.number)
            .with("time", frame.time.map(|(s, n)| format!("{s}.{n:09}")))
            .with("utc", frame.time.map(utc))
            .with("protocol", protocol)
            .with("src", src)
            .with("dst", dst)
            .with("carrier", carrier);
        match report {
            Ok(r) => {
                if let Some(e) = &r.error {
                    self.problems
                        .push(format!("frame {}: malformed input {e}", frame.number));
                }
                for f in &r.failed {
                    self.problems
                        .push(format!("frame {}: check failed: {f}", frame.number));
                }
                o.set("decode", r.value);
            }
            Err(e) => {
                self.problems
                    .push(format!("frame {}: {}", frame.number, e.message));
                o.set("decode", Value::Null);
            }
        }
        self.out.item(&o.into());
    }
}

/// A MIKEY decode with `--psk` where it applies: a message `--psk` cannot check (a
/// response, an Error message) is decoded without it, and says so in its `warnings`.
fn decode_mikey(bytes: &[u8], keys: &Keys) -> Result<Report, CliError> {
    match (mikey::decode(bytes, keys.psk.as_deref()), &keys.psk) {
        (Err(e), Some(_)) => {
            let mut r = mikey::decode(bytes, None)?;
            let note = Value::from(format!("--psk not applied: {}", e.message));
            if let Some((_, Value::List(w))) = r.value.0.iter_mut().find(|(k, _)| *k == "warnings")
            {
                w.push(note);
            }
            Ok(r)
        }
        (r, _) => r,
    }
}

/// A capture time as ISO 8601 UTC with nanoseconds.
fn utc((secs, nanos): (u64, u32)) -> String {
    let whole = crate::mikey::unix_to_utc(i64::try_from(secs).unwrap_or(i64::MAX));
    match whole.strip_suffix('Z') {
        Some(w) => format!("{w}.{nanos:09}Z"),
        None => whole,
    }
}

/// The packet's IP source and destination.
fn addresses(p: &SlicedPacket<'_>) -> (Option<IpAddr>, Option<IpAddr>) {
    let ip = |a: IpAddr| Some(a);
    match &p.net {
        Some(NetSlice::Ipv4(v4)) => (
            ip(v4.header().source_addr().into()),
            ip(v4.header().destination_addr().into()),
        ),
        Some(NetSlice::Ipv6(v6)) => (
            ip(v6.header().source_addr().into()),
            ip(v6.header().destination_addr().into()),
        ),
        _ => (None, None),
    }
}

/// The messages a packet carries.
fn find<'a>(p: &'a SlicedPacket<'a>) -> Vec<Found<'a>> {
    let v6 = match &p.net {
        Some(NetSlice::Ipv6(v6)) => Some(v6),
        _ => None,
    };
    match (&p.transport, v6) {
        (Some(TransportSlice::Udp(u)), _) => {
            udp(u.source_port(), u.destination_port(), u.payload())
        }
        (Some(TransportSlice::Icmpv6(i)), Some(ip)) => {
            let h = ip.header();
            let bytes = i.slice();
            match bytes.first() {
                Some(133..=137 | 154) => vec![Found::Nd(
                    "icmpv6",
                    bytes,
                    h.source_addr(),
                    h.destination_addr(),
                )],
                _ => Vec::new(),
            }
        }
        (None, Some(ip)) => {
            let pl = ip.payload();
            let h = ip.header();
            let fbu_or_fback =
                pl.payload.first() == Some(&59) && matches!(pl.payload.get(2), Some(8 | 9));
            if pl.ip_number.0 == NEXT_HEADER_MOBILITY && !pl.fragmented && fbu_or_fback {
                vec![Found::Nd(
                    "mobility-header",
                    pl.payload,
                    h.source_addr(),
                    h.destination_addr(),
                )]
            } else {
                Vec::new()
            }
        }
        _ => Vec::new(),
    }
}

/// What a UDP datagram between `sp` and `dp` carries.
fn udp(sp: u16, dp: u16, payload: &[u8]) -> Vec<Found<'_>> {
    let port = |n: u16| sp == n || dp == n;
    if port(PORT_MIKEY) {
        vec![Found::Mikey("udp/2269", payload.to_vec())]
    } else if port(PORT_GDOI) {
        vec![Found::Gdoi("udp/848", payload)]
    } else if port(PORT_NAT_T) {
        match payload.split_first_chunk::<4>() {
            Some(([0, 0, 0, 0], isakmp)) => vec![Found::Gdoi("udp/4500 non-ESP", isakmp)],
            _ => Vec::new(),
        }
    } else {
        text("udp", payload)
    }
}

/// The MIKEY messages of SDP `a=key-mgmt:mikey` attributes and RTSP `KeyMgmt` headers in
/// a SIP or RTSP message (`transport` "udp" or "tcp").
fn text<'a>(transport: &str, payload: &[u8]) -> Vec<Found<'a>> {
    // Only text: a MIKEY line is ASCII, whatever else the message holds.
    let t = String::from_utf8_lossy(payload);
    let mut out = Vec::new();
    for line in t.lines() {
        let line = line.trim();
        let (carrier, bytes) = if line
            .get(..11)
            .is_some_and(|p| p.eq_ignore_ascii_case("a=key-mgmt:"))
        {
            (sdp_carrier(transport), crate::input::sdp(line))
        } else if line
            .get(..8)
            .is_some_and(|p| p.eq_ignore_ascii_case("KeyMgmt:"))
        {
            (rtsp_carrier(transport), crate::input::rtsp(line))
        } else {
            continue;
        };
        // An attribute for another protocol (not prot=mikey) is not an error.
        if let Ok(b) = bytes {
            out.push(Found::Mikey(carrier, b));
        } else if let Err(e) = bytes
            && line.to_ascii_lowercase().contains("mikey")
        {
            out.push(Found::BadMikey(carrier, e.message));
        }
    }
    out
}

fn sdp_carrier(transport: &str) -> &'static str {
    if transport == "tcp" {
        "sdp a=key-mgmt/tcp"
    } else {
        "sdp a=key-mgmt/udp"
    }
}

fn rtsp_carrier(transport: &str) -> &'static str {
    if transport == "tcp" {
        "rtsp KeyMgmt/tcp"
    } else {
        "rtsp KeyMgmt/udp"
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn pcapng_times() {
        assert_eq!(
            ng_time(1_700_000_000_123_456, Some(1_000_000), 0),
            Some((1_700_000_000, 123_456_000))
        );
        assert_eq!(
            ng_time(3 << 10 | 512, Some(1024), 10),
            Some((13, 500_000_000))
        );
        assert_eq!(ng_time(5, Some(0), 0), None);
        assert_eq!(ng_time(5, Some(1), -10), None);
    }

    #[test]
    fn nat_t_needs_the_non_esp_marker() {
        assert_eq!(
            udp(4500, 4500, &[0, 0, 0, 0, 1, 2]),
            vec![Found::Gdoi("udp/4500 non-ESP", &[1, 2])]
        );
        assert!(udp(4500, 4500, &[0, 0, 0, 1, 1, 2]).is_empty());
        assert!(udp(4500, 4500, &[0xff]).is_empty());
    }
}
