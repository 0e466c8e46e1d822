//! MIKEY keying real SRTP with GStreamer 1.22, both ways (the code is shared with
//! `examples/rtsp_srtp_client.rs`: `examples/common/rtsp_srtp.rs`):
//!
//! - GStreamer's RTSP server announces its SRTP key as `a=key-mgmt:mikey` (RFC 4567
//!   §3.1); mikey-core's PSK Responder refuses that NULL-protected message by default and
//!   takes it under `Policy::insecure_accept_unprotected_kemac`; the SRTP packets received
//!   over RTSP / UDP decrypt (webrtc-srtp) with the SA it returns, payloads byte for byte;
//!   with one key bit flipped none decrypts. The client's SRTCP, keyed by an SA of a
//!   mikey-core PSK exchange sent in a `KeyMgmt` header (RFC 4567 §3.2, NULL-protected as
//!   GStreamer reads it), is taken by the server's RTP session; under a key with one bit
//!   flipped it is not.
//! - A mikey-core PSK exchange (RFC 3830 §3.1) keys SRTP that webrtc-srtp encrypts and
//!   GStreamer's srtpdec decrypts, payloads byte for byte; with one key bit flipped srtpdec
//!   lets nothing through.
//!
//! Needs Debian's python3-gi, gir1.2-gst-rtsp-server-1.0 and the GStreamer base, good and
//! bad plugins (`bash .ci/install-tools`); the tests FAIL when they are missing. Child
//! processes are killed when a test fails (`Gst`'s `Drop`); ports are ephemeral.
#![allow(clippy::unwrap_used, clippy::panic, missing_docs)]

#[path = "../examples/common/rtsp_srtp.rs"]
mod rtsp_srtp;

use rtsp_srtp::*;

#[test]
fn gstreamer_rtsp_server_srtp_decrypts_with_the_sa_from_its_mikey() {
    let got = from_gstreamer(PACKETS, false).unwrap_or_else(|e| panic!("{e}"));
    assert!(got.key_mgmt.starts_with("a=key-mgmt:mikey "));
    assert_eq!(got.sa.ssrc, GST_SSRC);
    assert_eq!(got.packets.len(), PACKETS, "SRTP packets received");
    assert_eq!(check_from_gst(&got, false).unwrap(), PACKETS);
    assert_eq!(check_from_gst(&got, true).unwrap(), 0, "flipped key bit");
    assert!(
        got.rtcp_taken,
        "our SRTCP, keyed by our KeyMgmt header, was not taken"
    );
}

#[test]
fn gstreamer_rtsp_server_refuses_srtcp_under_a_wrong_key_mgmt_key() {
    let got = from_gstreamer(PACKETS, true).unwrap_or_else(|e| panic!("{e}"));
    // The server's stream is unaffected: KeyMgmt keys only what the client sends.
    assert_eq!(check_from_gst(&got, false).unwrap(), PACKETS);
    assert!(
        !got.rtcp_taken,
        "SRTCP taken under a KeyMgmt key with a flipped bit"
    );
}

#[test]
fn mikey_core_sa_keys_gstreamer_srtpdec() {
    let got = to_gstreamer(PACKETS, false).unwrap_or_else(|e| panic!("{e}"));
    check_to_gst(&got, PACKETS).unwrap();
    let wrong = to_gstreamer(PACKETS, true).unwrap_or_else(|e| panic!("{e}"));
    assert!(
        wrong.is_empty(),
        "{} packets passed a wrong key",
        wrong.len()
    );
}
