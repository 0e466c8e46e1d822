//! A media server that accepts MIKEY in SDP (RFC 4567): the offer carries a PSK I_MESSAGE
//! asking for verification (RFC 3830 §3.1), the answer carries the verification message,
//! and both ends hold the same SRTP keys. Written from the crate documentation alone, as a
//! user would: the system clock, the OS random source, one `a=key-mgmt` line each way.
//!
//! `cargo run --example mikey_sdp_server`

use std::error::Error;

use mikey_core::keying_crypto::{OsRng, rustcrypto::RustCrypto};
use mikey_core::sdp::{sdp_mikey_for_media, write_sdp_attribute};
use mikey_core::{Offer, Policy, PskInitiator, PskResponder, SrtpCs, SrtpSas, StaticPsk, Time};
use mikey_core::{Timestamp, TsType};

const PSK: &[u8] = b"a pre-shared key of 20 bytes";

/// The server: the SDP answer for `offer`, and the SRTP keys of its first media section.
fn answer(
    server: &mut PskResponder<RustCrypto>,
    offer: &str,
) -> Result<(String, SrtpSas), Box<dyn Error>> {
    let attr = sdp_mikey_for_media(offer, 0).ok_or("the offer has no a=key-mgmt:mikey")?;
    let mut msg = [0u8; 2048];
    let msg = attr.decode(&mut msg)?;
    let mut reply = [0u8; 2048];
    let accepted = server.handle(Time::now(), msg, &StaticPsk::new(PSK)?, &mut reply)?;
    let n = accepted.reply_len.ok_or("no verification message")?;
    let mut line = [0u8; 4096];
    let len = write_sdp_attribute(reply.get(..n).ok_or("reply")?, &mut line)?;
    let line = std::str::from_utf8(line.get(..len).ok_or("line")?)?;
    let sdp = format!("v=0\r\ns=-\r\nt=0 0\r\nm=audio 49170 RTP/SAVP 0\r\n{line}\r\n");
    Ok((sdp, accepted.sas.clone()))
}

/// The client: an SDP offer keying one audio stream.
fn offer(client: &mut PskInitiator<RustCrypto>) -> Result<String, Box<dyn Error>> {
    let streams = [SrtpCs {
        policy_no: 0,
        ssrc: 0x1234_5678,
        roc: 0,
    }];
    let t = Timestamp {
        ts_type: TsType::NtpUtc,
        value: 0,
    }; // stamped from `now`
    let offer = Offer {
        verification: true,
        ..Offer::new(0xc0ff_ee00, &streams, t)
    };
    let mut msg = [0u8; 2048];
    let n = client.start(Time::now(), &offer, PSK, &mut OsRng, &mut msg)?;
    let mut line = [0u8; 4096];
    let len = write_sdp_attribute(msg.get(..n).ok_or("message")?, &mut line)?;
    let line = std::str::from_utf8(line.get(..len).ok_or("line")?)?;
    Ok(format!(
        "v=0\r\ns=-\r\nt=0 0\r\nm=audio 5004 RTP/SAVP 0\r\n{line}\r\n"
    ))
}

fn main() -> Result<(), Box<dyn Error>> {
    let mut client = PskInitiator::new(RustCrypto, Policy::default());
    let mut server = PskResponder::new(RustCrypto, Policy::default());

    let sdp_offer = offer(&mut client)?;
    println!("offer:\n{sdp_offer}");
    let (sdp_answer, server_keys) = answer(&mut server, &sdp_offer)?;
    println!("answer:\n{sdp_answer}");

    let attr = sdp_mikey_for_media(&sdp_answer, 0).ok_or("the answer has no MIKEY")?;
    let mut msg = [0u8; 2048];
    client.handle_response(Time::now(), attr.decode(&mut msg)?)?;
    let client_keys = client.poll_keys().ok_or("exchange not complete")?;
    let same = client_keys.len() == server_keys.len()
        && client_keys
            .iter()
            .zip(&server_keys)
            .all(|(c, s)| c.same_keys(s));
    let ssrc = server_keys.first().map_or(0, |sa| sa.ssrc);
    println!("SRTP keys for SSRC 0x{ssrc:08x}: equal on both ends: {same}");
    if same {
        Ok(())
    } else {
        Err("the two ends derived different keys".into())
    }
}
