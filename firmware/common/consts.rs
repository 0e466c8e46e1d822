//! Fixed inputs shared by the host program and the emulated firmware (the clock, seeds and
//! identities of each path). Everything else the firmware gets is a file the host writes.

/// MIKEY: the caller's clock, NTP-UTC (RFC 3830 §6.6), 2025-11-23T00:00:00Z.
pub const MIKEY_NOW_SECS: u32 = 3_972_844_800;
/// MIKEY: the PSK shared by Initiator and Responder.
pub const MIKEY_PSK: &[u8] = b"a pre-shared key of 20 bytes";
/// MIKEY: the CSB ID and the SSRC of the one SRTP stream offered.
pub const MIKEY_CSB_ID: u32 = 0x1234_5678;
/// The SSRC of the stream.
pub const MIKEY_SSRC: u32 = 0xdead_beef;
/// MIKEY: seed of the Initiator's `HashDrbg` (TGK and RAND).
pub const MIKEY_DRBG_SEED: &[u8] = b"firmware harness: mikey initiator";

/// GDOI: the group member's clock when the PUSH arrives, seconds.
pub const GDOI_NOW_SECS: u64 = 100;
/// GDOI: seed of the group member's RNG (ACK jitter; unused for a unicast PUSH).
pub const GDOI_DRBG_SEED: &[u8] = b"gm";

/// Handover key: 2025-01-01T00:00:00Z, and ten seconds later for the FBU / FBack.
pub const HOKEY_T0: u64 = 1_735_689_600;
/// The FBU / FBack time.
pub const HOKEY_T1: u64 = HOKEY_T0 + 10;
/// Handover key: seed of the mobile node's `HashDrbg` (RtSolPr nonce and identifier, RSA
/// blinding).
pub const HOKEY_MN_DRBG_SEED: &[u8] = b"firmware harness: mobile node";
/// The FBU's sequence number and lifetime.
pub const HOKEY_FBU_SEQ: u16 = 7;
/// The FBU's lifetime, seconds.
pub const HOKEY_FBU_LIFETIME: u16 = 60;
/// The MN's link-layer address.
pub const HOKEY_MN_MAC: [u8; 6] = [2, 0, 0, 0, 0, 1];
/// The AR's link-layer address.
pub const HOKEY_AR_MAC: [u8; 6] = [2, 0, 0, 0, 0, 0xfe];
/// The new access point's link-layer address.
pub const HOKEY_NEW_AP: [u8; 6] = [2, 0, 0, 0, 0, 0xaa];
/// The MN's CGA on the PAR link (PCoA): 2003::3049:deeb:fd31:70b0.
pub const HOKEY_PCOA: [u16; 8] = [0x2003, 0, 0, 0, 0x3049, 0xdeeb, 0xfd31, 0x70b0];
/// The AR's link-local CGA: fe80::20a7:895c:2302:73f1.
pub const HOKEY_AR_LL: [u16; 8] = [0xfe80, 0, 0, 0, 0x20a7, 0x895c, 0x2302, 0x73f1];
/// The AR's global address (FBU destination): 2003::1.
pub const HOKEY_PAR: [u16; 8] = [0x2003, 0, 0, 0, 0, 0, 0, 1];
/// The MN's address on the NAR link: 2004::3049:deeb:fd31:70b0.
pub const HOKEY_NCOA: [u16; 8] = [0x2004, 0, 0, 0, 0x3049, 0xdeeb, 0xfd31, 0x70b0];
