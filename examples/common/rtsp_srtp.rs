// MIKEY keying real SRTP with GStreamer, both ways; shared by examples/rtsp_srtp_client.rs
// and tests/rtsp_srtp.rs (included with `#[path]`). The GStreamer side is
// tests/interop/gstreamer/rtsp_srtp.py; the SRTP on this side is webrtc-srtp (RFC 3711),
// an implementation independent of this workspace.
//
// 1. GStreamer's RTSP server (GstRtspServer, profile SAVP) keys its stream with a random
//    SRTP key that it announces as `a=key-mgmt:mikey` in the DESCRIBE answer (RFC 4567
//    §3.1): a NULL-protected PSK I_MESSAGE. This client takes it with mikey-core's PSK
//    Responder under `Policy::insecure_accept_unprotected_kemac`, SETUPs and PLAYs over
//    RTSP, and decrypts the SRTP packets with the SA mikey-core returned. For its own
//    RTCP it sends the server an SA of a mikey-core PSK exchange in a `KeyMgmt` header
//    (RFC 4567 §3.2), in the only form GStreamer reads (NULL-protected, one TEK = key ||
//    salt); the server's RTP session must then learn the client's SSRC from its SRTCP.
// 2. A PSK exchange between mikey-core's Initiator and Responder derives the SA (RFC 3830
//    §4.1.3); the Initiator's side encrypts RTP with it, GStreamer's srtpdec (libsrtp)
//    decrypts with the Responder's key given as caps.
// Either way the payloads are compared byte for byte, and a key with one bit flipped must
// decrypt nothing.
#![allow(dead_code)]

use std::error::Error;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpStream, UdpSocket};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::mpsc::{Receiver, channel};
use std::time::{Duration, Instant};

use mikey_core::keying_crypto::OsRng;
use mikey_core::keying_crypto::Rng as _;
use mikey_core::keying_crypto::rustcrypto::RustCrypto;
use mikey_core::sdp::sdp_mikey_for_media;
use mikey_core::sdp::write_rtsp_header;
use mikey_core::srtp::SrtpPolicy;
use mikey_core::{CommonHeader, CsIdMap, DataType, EncrAlg, Kemac, KeyData, KeyType};
use mikey_core::{KeyResolver, Offer, Policy, PskInitiator, PskResponder, SrtpCs, SrtpSa};
use mikey_core::{KeyValidity, List, MacAlg, MessageWriter, Payload, PrfFunc, Rand};
use mikey_core::{SrtpAuthAlg, SrtpEncrAlg, StaticPsk, Time, Timestamp, TsType};
use webrtc_srtp::context::Context;
use webrtc_srtp::protection_profile::ProtectionProfile;

/// A result with any error.
pub type Res<T> = Result<T, Box<dyn Error>>;

/// The GStreamer side.
pub const SCRIPT: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/tests/interop/gstreamer/rtsp_srtp.py"
);
/// The Python with Debian's python3-gi.
pub const PYTHON: &str = "/usr/bin/python3";
/// Packets sent each way.
pub const PACKETS: usize = 50;
/// The SSRC of GStreamer's stream (rtp_srtp.py).
pub const GST_SSRC: u32 = 0x5EED_1234;
/// The SSRC of our stream to GStreamer.
pub const OUR_SSRC: u32 = 0x0BAD_CAFE;
/// The SSRC of the RTSP client's RTCP.
pub const CLIENT_SSRC: u32 = 0x0C11_E475;
/// RTP payload type (L16/8000) both ways.
pub const PT: u8 = 96;
/// First RTP sequence number of our stream.
const OUR_SEQ0: u16 = 4000;
const TIMEOUT: Duration = Duration::from_secs(15);
const INSTALL: &str = "it needs Debian's python3-gi gir1.2-gst-rtsp-server-1.0 \
    gstreamer1.0-plugins-base gstreamer1.0-plugins-good gstreamer1.0-plugins-bad \
    (bash .ci/install-tools)";

/// Payload of packet `i` (both ways; rtsp_srtp.py has the same formula): 160 bytes,
/// byte j = (7i + 13j + 1) mod 256.
pub fn payload(i: usize) -> Vec<u8> {
    (0..160)
        .map(|j| u8::try_from((i * 7 + j * 13 + 1) % 256).unwrap_or_default())
        .collect()
}

/// The rtsp_srtp.py process; killed when dropped (also on a failed check).
pub struct Gst {
    child: Child,
    stdin: Option<ChildStdin>,
    lines: Receiver<String>,
}

impl Gst {
    /// Starts rtsp_srtp.py with `args` and waits for its "PORT n" line.
    pub fn spawn(args: &[&str]) -> Res<(Self, u16)> {
        let mut child = Command::new(PYTHON)
            .arg(SCRIPT)
            .args(args)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .spawn()
            .map_err(|e| format!("cannot run {PYTHON} {SCRIPT}: {e}; {INSTALL}"))?;
        let stdin = child.stdin.take();
        let stdout = child.stdout.take().ok_or("no stdout")?;
        let (tx, lines) = channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines().map_while(Result::ok) {
                if tx.send(line).is_err() {
                    break;
                }
            }
        });
        let gst = Self {
            child,
            stdin,
            lines,
        };
        let first = gst
            .line()
            .map_err(|e| format!("rtsp_srtp.py did not start ({e}); {INSTALL}"))?;
        let port = first
            .strip_prefix("PORT ")
            .ok_or_else(|| format!("rtsp_srtp.py said {first:?}"))?
            .parse()?;
        Ok((gst, port))
    }

    /// The next line the script prints.
    pub fn line(&self) -> Res<String> {
        Ok(self.lines.recv_timeout(TIMEOUT)?)
    }

    /// Whether the script prints `want` within `within`.
    pub fn says(&self, want: &str, within: Duration) -> bool {
        let deadline = Instant::now() + within;
        while let Some(left) = deadline.checked_duration_since(Instant::now()) {
            match self.lines.recv_timeout(left) {
                Ok(line) if line == want => return true,
                Ok(_) => {}
                Err(_) => return false,
            }
        }
        false
    }
}

impl Drop for Gst {
    fn drop(&mut self) {
        drop(self.stdin.take());
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// An RTSP response (RFC 2326 §7).
struct Response {
    status: u16,
    headers: Vec<(String, String)>,
    body: String,
}

impl Response {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

/// A minimal RTSP/1.0 client over TCP.
struct Rtsp {
    writer: TcpStream,
    reader: BufReader<TcpStream>,
    cseq: u32,
}

impl Rtsp {
    fn connect(port: u16) -> Res<Self> {
        let writer = TcpStream::connect(("127.0.0.1", port))?;
        writer.set_read_timeout(Some(TIMEOUT))?;
        let reader = BufReader::new(writer.try_clone()?);
        Ok(Self {
            writer,
            reader,
            cseq: 0,
        })
    }

    fn request(&mut self, method: &str, url: &str, headers: &[(&str, &str)]) -> Res<Response> {
        self.cseq += 1;
        let mut req = format!("{method} {url} RTSP/1.0\r\nCSeq: {}\r\n", self.cseq);
        for (n, v) in headers {
            req.push_str(&format!("{n}: {v}\r\n"));
        }
        req.push_str("User-Agent: keying rtsp_srtp_client\r\n\r\n");
        self.writer.write_all(req.as_bytes())?;
        let mut status_line = String::new();
        self.reader.read_line(&mut status_line)?;
        let status = status_line
            .split_whitespace()
            .nth(1)
            .ok_or_else(|| format!("bad status line {status_line:?}"))?
            .parse()?;
        let mut headers = Vec::new();
        loop {
            let mut line = String::new();
            self.reader.read_line(&mut line)?;
            let line = line.trim_end();
            if line.is_empty() {
                break;
            }
            let (n, v) = line.split_once(':').ok_or("bad header")?;
            headers.push((n.trim().to_owned(), v.trim().to_owned()));
        }
        let mut r = Response {
            status,
            headers,
            body: String::new(),
        };
        let len: usize = r.header("Content-Length").unwrap_or("0").parse()?;
        let mut body = vec![0u8; len];
        self.reader.read_exact(&mut body)?;
        r.body = String::from_utf8(body)?;
        if r.status != 200 {
            return Err(format!("{method}: RTSP {status_line}").into());
        }
        Ok(r)
    }
}

/// No PSK: GStreamer's MIKEY carries none.
struct NoPsk;

impl KeyResolver for NoPsk {
    fn psk(&self, _id_i: Option<&[u8]>, _id_r: Option<&[u8]>) -> Option<&[u8]> {
        None
    }
}

/// What [`from_gstreamer`] got: the SA mikey-core derived from GStreamer's SDP, the SRTP
/// packets as received, and the first RTP sequence number (PLAY's RTP-Info).
pub struct FromGst {
    /// The SRTP SA of the stream.
    pub sa: SrtpSa,
    /// The SRTP packets.
    pub packets: Vec<Vec<u8>>,
    /// RTP-Info seq of the PLAY answer.
    pub seq0: u16,
    /// The `a=key-mgmt` line.
    pub key_mgmt: String,
    /// Whether GStreamer's RTP session learnt [`CLIENT_SSRC`] from our SRTCP, keyed by
    /// our `KeyMgmt` header.
    pub rtcp_taken: bool,
}

/// An RTP and RTCP port pair on loopback (RTP even, RFC 3550 §11).
fn port_pair() -> Res<(UdpSocket, UdpSocket, u16)> {
    for _ in 0..50 {
        let rtp = UdpSocket::bind("127.0.0.1:0")?;
        let p = rtp.local_addr()?.port();
        if p % 2 != 0 || p == u16::MAX {
            continue;
        }
        if let Ok(rtcp) = UdpSocket::bind(("127.0.0.1", p + 1)) {
            return Ok((rtp, rtcp, p));
        }
    }
    Err("no free RTP / RTCP port pair".into())
}

/// The SA of media 0 of `sdp`: its `a=key-mgmt:mikey` through mikey-core's PSK Responder.
fn sa_from_sdp(sdp: &str) -> Res<(SrtpSa, String)> {
    let attr = sdp_mikey_for_media(sdp, 0).ok_or("GStreamer's SDP has no a=key-mgmt:mikey")?;
    let line = sdp
        .lines()
        .find(|l| l.starts_with("a=key-mgmt:mikey"))
        .unwrap_or_default()
        .to_owned();
    let mut buf = [0u8; 2048];
    let msg = attr.decode(&mut buf)?;
    // Default policy: refused (a NULL MAC authenticates nothing).
    let mut out = [0u8; 1024];
    let mut strict = PskResponder::new(RustCrypto, Policy::default());
    if strict.handle(Time::now(), msg, &NoPsk, &mut out).is_ok() {
        return Err("the default policy accepted a NULL-protected I_MESSAGE".into());
    }
    let insecure = Policy {
        insecure_accept_unprotected_kemac: true,
        ..Policy::default()
    };
    let mut responder = PskResponder::new(RustCrypto, insecure);
    let accepted = responder
        .handle(Time::now(), msg, &NoPsk, &mut out)
        .map_err(|e| format!("mikey-core refused GStreamer's MIKEY: {e}"))?;
    let sa = accepted.sas.first().ok_or("no SA")?.clone();
    Ok((sa, line))
}

/// Direction 1: DESCRIBE / SETUP / PLAY against GStreamer's RTSP server, `n` SRTP packets;
/// the `KeyMgmt` of the SETUP carries the client's RTCP key (one bit flipped when
/// `flip_key_mgmt`).
pub fn from_gstreamer(n: usize, flip_key_mgmt: bool) -> Res<FromGst> {
    let count = n.to_string();
    let (gst, port) = Gst::spawn(&["serve", &count])?;
    let url = format!("rtsp://127.0.0.1:{port}/stream");
    let mut rtsp = Rtsp::connect(port)?;
    let describe = rtsp.request("DESCRIBE", &url, &[("Accept", "application/sdp")])?;
    let (sa, key_mgmt) = sa_from_sdp(&describe.body)?;
    let base = describe.header("Content-Base").unwrap_or(&url).to_owned();
    let control = describe
        .body
        .lines()
        .find_map(|l| l.trim().strip_prefix("a=control:stream"))
        .map_or_else(|| base.clone(), |s| format!("{base}stream{s}"));
    let (rtp, rtcp, p) = port_pair()?;
    let transport = format!("RTP/SAVP;unicast;client_port={p}-{}", p + 1);
    let (_, client) = exchange(CLIENT_SSRC)?;
    let key_mgmt_header = key_mgmt_for(&url, &client, flip_key_mgmt)?;
    let setup = rtsp.request(
        "SETUP",
        &control,
        &[("Transport", &transport), ("KeyMgmt", &key_mgmt_header)],
    )?;
    let server_rtcp: u16 = setup
        .header("Transport")
        .and_then(|t| t.split(';').find_map(|f| f.strip_prefix("server_port=")))
        .and_then(|ports| ports.split('-').nth(1))
        .ok_or("SETUP has no server_port")?
        .parse()?;
    let session = setup
        .header("Session")
        .ok_or("no Session")?
        .split(';')
        .next()
        .unwrap_or_default()
        .to_owned();
    let play = rtsp.request("PLAY", &url, &[("Session", &session), ("Range", "npt=0-")])?;
    let seq0 = play
        .header("RTP-Info")
        .and_then(|v| v.split(';').find_map(|f| f.trim().strip_prefix("seq=")))
        .ok_or("PLAY has no RTP-Info seq")?
        .parse()?;
    let packets = receive(&rtp, n)?;
    // An SRTCP receiver report (RFC 3550 §6.4.2, RFC 3711 §3.4) under our KeyMgmt's key.
    let mut ctx = context(&client, false)?;
    let mut rr = vec![0x80, 201, 0, 1];
    rr.extend_from_slice(&CLIENT_SSRC.to_be_bytes());
    for _ in 0..3 {
        rtcp.send_to(&ctx.encrypt_rtcp(&rr)?, ("127.0.0.1", server_rtcp))?;
    }
    let rtcp_taken = gst.says(&format!("SSRC {CLIENT_SSRC}"), Duration::from_secs(2));
    let _ = rtsp.request("TEARDOWN", &url, &[("Session", &session)]);
    drop(gst);
    Ok(FromGst {
        sa,
        packets,
        seq0,
        key_mgmt,
        rtcp_taken,
    })
}

/// A PSK exchange between mikey-core's Initiator and Responder (RFC 3830 §3.1) for one
/// stream of SSRC `ssrc`: the Initiator's and the Responder's SA, checked equal.
fn exchange(ssrc: u32) -> Res<(SrtpSa, SrtpSa)> {
    let psk = b"rtsp_srtp example pre-shared key";
    let streams = [SrtpCs {
        policy_no: 0,
        ssrc,
        roc: 0,
    }];
    let t = Timestamp {
        ts_type: TsType::NtpUtc,
        value: 0,
    };
    let offer = Offer::new(ssrc ^ 0x5eed_0000, &streams, t);
    let mut initiator = PskInitiator::new(RustCrypto, Policy::default());
    let mut msg = [0u8; 2048];
    let len = initiator.start(Time::now(), &offer, psk, &mut OsRng, &mut msg)?;
    let mut responder = PskResponder::new(RustCrypto, Policy::default());
    let mut out = [0u8; 1024];
    let i_msg = msg.get(..len).ok_or("I_MESSAGE")?;
    let accepted = responder.handle(Time::now(), i_msg, &StaticPsk::new(psk)?, &mut out)?;
    let theirs = accepted.sas.first().ok_or("no SA")?.clone();
    let ours = initiator
        .poll_keys()
        .and_then(|s| s.first())
        .ok_or("no SA")?;
    if !ours.same_keys(&theirs) {
        return Err("Initiator and Responder derived different SAs".into());
    }
    Ok((ours.clone(), theirs))
}

/// `sa` as GStreamer's RTSP server reads MIKEY from a `KeyMgmt` header: a NULL-protected
/// PSK I_MESSAGE (KEMAC Encr alg and MAC alg NULL, RFC 3830 §6.2) whose one TEK is the
/// master key || master salt (one key bit flipped when `flip`), built with mikey-core's
/// emitters and checked to give `sa` back through mikey-core's (insecure) Responder. The
/// header value (after `KeyMgmt: `) for `url`.
fn key_mgmt_for(url: &str, sa: &SrtpSa, flip: bool) -> Res<String> {
    let mut tek = sa.master_key.expose().to_vec();
    tek.extend_from_slice(sa.master_salt.expose());
    if flip && let Some(b) = tek.first_mut() {
        *b ^= 1;
    }
    let mut kd = [0u8; 128];
    let kd_len = mikey_core::wire::emit_sub_payloads(
        &[Payload::KeyData(KeyData {
            key_type: KeyType::Tek,
            key: &tek,
            salt: None,
            kv: KeyValidity::Null,
        })],
        &mut kd,
    )?;
    tek.fill(0);
    let cs = [SrtpCs {
        policy_no: 0,
        ssrc: sa.ssrc,
        roc: sa.roc,
    }];
    let header = CommonHeader {
        data_type: DataType::PskInit,
        v: false,
        prf_func: PrfFunc::Mikey1,
        csb_id: sa.ssrc,
        cs_id_map: CsIdMap::SrtpId(List::Items(&cs)),
    };
    let sp_wire = sa.policy.sp_wire();
    let mut rand = [0u8; 16];
    OsRng.fill_bytes(&mut rand)?;
    let mut msg = [0u8; 1024];
    let mut w = MessageWriter::new(&mut msg, &header);
    w.push(&Payload::Timestamp(Timestamp {
        ts_type: TsType::NtpUtc,
        value: Time::now().to_ntp(),
    }));
    w.push(&Payload::Rand(Rand { rand: &rand }));
    w.push(&Payload::Sp(SrtpPolicy::to_sp(0, &sp_wire)));
    w.push(&Payload::Kemac(Kemac {
        encr_alg: EncrAlg::Null,
        encr_data: kd.get(..kd_len).ok_or("key data")?,
        mac_alg: MacAlg::Null,
        mac: &[],
    }));
    let len = w.finish()?;
    let msg = msg.get(..len).ok_or("message")?;
    let insecure = Policy {
        insecure_accept_unprotected_kemac: true,
        ..Policy::default()
    };
    let mut out = [0u8; 1024];
    let mut responder = PskResponder::new(RustCrypto, insecure);
    let back = responder.handle(Time::now(), msg, &NoPsk, &mut out)?;
    let same = back.sas.first().is_some_and(|b| b.same_keys(sa));
    if same == flip {
        return Err("the KeyMgmt message does not carry the SA".into());
    }
    let mut line = [0u8; 2048];
    let n = write_rtsp_header(Some(url), msg, &mut line)?;
    let line = std::str::from_utf8(line.get(..n).ok_or("header")?)?;
    Ok(line.strip_prefix("KeyMgmt: ").unwrap_or(line).to_owned())
}

/// `n` datagrams from `sock`, or what came before the timeout.
fn receive(sock: &UdpSocket, n: usize) -> Res<Vec<Vec<u8>>> {
    sock.set_read_timeout(Some(Duration::from_millis(500)))?;
    let deadline = Instant::now() + TIMEOUT;
    let mut packets = Vec::new();
    let mut buf = [0u8; 2048];
    while packets.len() < n && Instant::now() < deadline {
        if let Ok(len) = sock.recv(&mut buf) {
            packets.push(buf.get(..len).ok_or("datagram")?.to_vec());
        }
    }
    Ok(packets)
}

/// The webrtc-srtp profile of `sa` (RFC 3711 AES-CM with HMAC-SHA1-80 or -32).
fn profile(sa: &SrtpSa) -> Res<ProtectionProfile> {
    let p = &sa.policy;
    match (p.encr_alg, p.encr_key_len, p.auth_alg, p.auth_tag_len) {
        (SrtpEncrAlg::AesCm, 16, SrtpAuthAlg::HmacSha1, 10) => {
            Ok(ProtectionProfile::Aes128CmHmacSha1_80)
        }
        (SrtpEncrAlg::AesCm, 16, SrtpAuthAlg::HmacSha1, 4) => {
            Ok(ProtectionProfile::Aes128CmHmacSha1_32)
        }
        (SrtpEncrAlg::AesCm, 32, SrtpAuthAlg::HmacSha1, 10) => {
            Ok(ProtectionProfile::Aes256CmHmacSha1_80)
        }
        _ => Err(format!("no webrtc-srtp profile for {p:?}").into()),
    }
}

/// A webrtc-srtp context with the SA's master key (one bit flipped when `flip`) and salt.
fn context(sa: &SrtpSa, flip: bool) -> Res<Context> {
    let mut key = sa.master_key.expose().to_vec();
    if flip && let Some(b) = key.first_mut() {
        *b ^= 1;
    }
    let ctx = Context::new(&key, sa.master_salt.expose(), profile(sa)?, None, None)?;
    key.fill(0);
    Ok(ctx)
}

/// RTP sequence number and payload of a plain RTP packet (RFC 3550 §5.1).
fn rtp_seq_payload(pkt: &[u8]) -> Res<(u16, &[u8])> {
    let head = pkt.get(..12).ok_or("short RTP")?;
    let (first, seq) = (head.first().copied(), head.get(2..4));
    let cc = usize::from(first.ok_or("RTP")? & 0x0f);
    let x = first.ok_or("RTP")? & 0x10 != 0;
    let seq = u16::from_be_bytes(seq.ok_or("RTP")?.try_into()?);
    let mut off = 12 + 4 * cc;
    if x {
        let ext = pkt.get(off + 2..off + 4).ok_or("RTP extension")?;
        off += 4 + 4 * usize::from(u16::from_be_bytes(ext.try_into()?));
    }
    Ok((seq, pkt.get(off..).ok_or("RTP payload")?))
}

/// Decrypts GStreamer's packets with the SA (a flipped key bit when `flip`) and checks
/// every payload against [`payload`]; the number of packets that decrypted and matched.
pub fn check_from_gst(r: &FromGst, flip: bool) -> Res<usize> {
    let mut ctx = context(&r.sa, flip)?;
    let mut ok = 0;
    for pkt in &r.packets {
        let Ok(plain) = ctx.decrypt_rtp(pkt) else {
            continue;
        };
        let (seq, data) = rtp_seq_payload(&plain)?;
        let i = usize::from(seq.wrapping_sub(r.seq0));
        if data != payload(i) {
            return Err(format!("packet {i} (seq {seq}): payload differs").into());
        }
        ok += 1;
    }
    Ok(ok)
}

/// Direction 2: a PSK exchange with mikey-core on both ends (RFC 3830 §3.1); the
/// Initiator's SA encrypts `n` RTP packets (webrtc-srtp), GStreamer's srtpdec decrypts
/// them with the Responder's SA (one key bit flipped when `flip`). The (seq index,
/// payload) pairs srtpdec let through.
pub fn to_gstreamer(n: usize, flip: bool) -> Res<Vec<(usize, Vec<u8>)>> {
    let (ours, theirs) = exchange(OUR_SSRC)?;
    let mut key = theirs.master_key.expose().to_vec();
    key.extend_from_slice(theirs.master_salt.expose());
    if flip && let Some(b) = key.first_mut() {
        *b ^= 1;
    }
    let key_hex: String = key.iter().map(|b| format!("{b:02x}")).collect();
    key.fill(0);
    let (cipher, auth) = gst_names(&theirs)?;
    let (count, ssrc) = (n.to_string(), theirs.ssrc.to_string());
    let (gst, port) = Gst::spawn(&["decrypt", &count, &ssrc, &key_hex, cipher, auth])?;
    let mut ctx = context(&ours, false)?;
    let sock = UdpSocket::bind("127.0.0.1:0")?;
    for i in 0..n {
        let seq = OUR_SEQ0.wrapping_add(u16::try_from(i)?);
        let ts = u32::try_from(i * 80)?;
        let mut rtp = vec![0x80, PT];
        rtp.extend_from_slice(&seq.to_be_bytes());
        rtp.extend_from_slice(&ts.to_be_bytes());
        rtp.extend_from_slice(&ours.ssrc.to_be_bytes());
        rtp.extend_from_slice(&payload(i));
        sock.send_to(&ctx.encrypt_rtp(&rtp)?, ("127.0.0.1", port))?;
        std::thread::sleep(Duration::from_millis(2));
    }
    let mut got = Vec::new();
    loop {
        let line = gst.line()?;
        let mut f = line.split_whitespace();
        match (f.next(), f.next(), f.next()) {
            (Some("PKT"), Some(seq), Some(hex)) => {
                let i = usize::from(seq.parse::<u16>()?.wrapping_sub(OUR_SEQ0));
                got.push((i, unhex(hex)?));
            }
            (Some("PKT"), Some(seq), None) => {
                let i = usize::from(seq.parse::<u16>()?.wrapping_sub(OUR_SEQ0));
                got.push((i, Vec::new()));
            }
            (Some("DONE"), ..) => break,
            _ => return Err(format!("rtsp_srtp.py said {line:?}").into()),
        }
    }
    Ok(got)
}

/// GStreamer's srtp-cipher / srtp-auth names for the SA's policy.
fn gst_names(sa: &SrtpSa) -> Res<(&'static str, &'static str)> {
    let cipher = match (sa.policy.encr_alg, sa.policy.encr_key_len) {
        (SrtpEncrAlg::AesCm, 16) => "aes-128-icm",
        (SrtpEncrAlg::AesCm, 32) => "aes-256-icm",
        other => return Err(format!("no GStreamer cipher for {other:?}").into()),
    };
    let auth = match (sa.policy.auth_alg, sa.policy.auth_tag_len) {
        (SrtpAuthAlg::HmacSha1, 10) => "hmac-sha1-80",
        (SrtpAuthAlg::HmacSha1, 4) => "hmac-sha1-32",
        other => return Err(format!("no GStreamer auth for {other:?}").into()),
    };
    Ok((cipher, auth))
}

fn unhex(s: &str) -> Res<Vec<u8>> {
    (0..s.len())
        .step_by(2)
        .map(|i| Ok(u8::from_str_radix(s.get(i..i + 2).ok_or("odd hex")?, 16)?))
        .collect()
}

/// Checks what srtpdec let through: `n` packets, each payload byte for byte.
pub fn check_to_gst(got: &[(usize, Vec<u8>)], n: usize) -> Res<()> {
    if got.len() != n {
        return Err(format!("srtpdec let {} of {n} packets through", got.len()).into());
    }
    for (i, data) in got {
        if *data != payload(*i) {
            return Err(format!("packet {i}: payload differs after srtpdec").into());
        }
    }
    Ok(())
}
