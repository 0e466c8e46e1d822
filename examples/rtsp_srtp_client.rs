//! MIKEY in the media stack, both ways, against GStreamer 1.22 on loopback:
//!
//! 1. An RTSP client (DESCRIBE / SETUP / PLAY over TCP, RTP over UDP) of GStreamer's RTSP
//!    server serving SRTP (profile SAVP): the SRTP key comes from the server's
//!    `a=key-mgmt:mikey` (RFC 4567), taken by mikey-core's PSK Responder — GStreamer sends
//!    the NULL-protected form (keys in the clear, no MAC), which mikey-core takes only
//!    under the explicitly insecure `Policy::insecure_accept_unprotected_kemac`. The SRTP
//!    packets are decrypted with webrtc-srtp and compared byte for byte. The client's own
//!    RTCP is keyed by an SA of a mikey-core PSK exchange, sent to the server in a
//!    `KeyMgmt` header (RFC 4567 §3.2) in the form GStreamer reads (NULL-protected, one
//!    TEK = key || salt); the server's RTP session must learn the client from its SRTCP.
//! 2. A PSK exchange between mikey-core's Initiator and Responder (RFC 3830 §3.1) keys an
//!    SRTP stream that webrtc-srtp encrypts and GStreamer's srtpdec decrypts.
//!
//! Either way a key with one bit flipped must decrypt nothing. Starts
//! `tests/interop/gstreamer/rtsp_srtp.py` itself (Debian's python3-gi and GStreamer
//! plugins: `bash .ci/install-tools`).
//!
//! `cargo run --example rtsp_srtp_client`

#[path = "common/rtsp_srtp.rs"]
mod rtsp_srtp;

use rtsp_srtp::{PACKETS, Res, check_from_gst, check_to_gst, from_gstreamer, to_gstreamer};

fn main() -> Res<()> {
    let got = from_gstreamer(PACKETS, false)?;
    println!("GStreamer's SDP: {}", got.key_mgmt);
    println!(
        "SA from mikey-core: SSRC 0x{:08x}, {:?} / {:?}, {} SRTP packets received",
        got.sa.ssrc,
        got.sa.policy.encr_alg,
        got.sa.policy.auth_alg,
        got.packets.len()
    );
    let ok = check_from_gst(&got, false)?;
    if ok != PACKETS {
        return Err(format!("GStreamer -> us: {ok} of {PACKETS} packets decrypted").into());
    }
    if check_from_gst(&got, true)? != 0 {
        return Err("GStreamer -> us: a flipped key bit still decrypted".into());
    }
    println!("GStreamer -> us: {ok} packets decrypted, payloads equal; flipped key: none");
    if !got.rtcp_taken {
        return Err("us -> GStreamer: our SRTCP under our KeyMgmt key was not taken".into());
    }
    if from_gstreamer(PACKETS, true)?.rtcp_taken {
        return Err("us -> GStreamer: SRTCP taken under a KeyMgmt key with a flipped bit".into());
    }
    println!("us -> GStreamer (KeyMgmt, SRTCP): taken; flipped key: not taken");

    let through = to_gstreamer(PACKETS, false)?;
    check_to_gst(&through, PACKETS)?;
    let wrong = to_gstreamer(PACKETS, true)?;
    if !wrong.is_empty() {
        return Err(format!(
            "us -> GStreamer: {} packets passed a wrong key",
            wrong.len()
        )
        .into());
    }
    println!(
        "us -> GStreamer srtpdec: {PACKETS} packets decrypted, payloads equal; flipped key: none"
    );
    Ok(())
}
