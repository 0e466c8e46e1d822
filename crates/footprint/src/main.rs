//! A firmware-shaped binary: on `target_os = "none"` it is `#![no_std] #![no_main]` with no
//! allocator, so linking proves the selected path needs neither `std` nor a heap, and
//! `size -A` on it gives the flash cost of what the features select. Inputs are read from
//! statics behind `black_box`ed pointers and results go to `black_box`, so nothing
//! constant-folds. Role state lives in statics (`.bss`), as in firmware, so the stack that
//! `measure` reports is what handling one message needs. On a host it is an empty program
//! (so the workspace builds everywhere).
//!
//! `cargo build -p footprint --release --target thumbv7em-none-eabihf --features tlv`
#![cfg_attr(target_os = "none", no_std, no_main)]

#[cfg(all(target_os = "none", feature = "crypto-rsa"))]
extern crate alloc;

#[cfg(target_os = "none")]
mod probe {
    use core::ptr::addr_of;
    #[cfg(any(
        feature = "gdoi-gm-rustcrypto",
        feature = "gdoi-gm",
        feature = "gdoi-gm-hw-ecdsa",
        feature = "mikey-psk-mandatory",
        feature = "mikey-psk-init"
    ))]
    use core::ptr::addr_of_mut;

    /// Where a debugger or the firmware would put the input.
    static mut INPUT: [u8; 256] = [0; 256];

    /// The input, behind an opaque pointer so nothing constant-folds (no copy: a copy
    /// would put 256 octets of the probe's own into the stack it measures).
    #[allow(unsafe_code)]
    fn input() -> &'static [u8; 256] {
        // SAFETY: nobody writes INPUT (the probe is single-threaded); `black_box` only
        // hides the pointer's provenance from the optimiser.
        unsafe { &*core::hint::black_box(addr_of!(INPUT)) }
    }

    fn sink(b: &[u8]) {
        core::hint::black_box(b);
    }

    #[cfg(feature = "tlv")]
    fn tlv(data: &[u8]) {
        use keying_tlv::{Chain, ChainWriter, ErrorKind, Isakmp, Mikey, NdOptions, Reader, Writer};
        fn len_of(kind: u8, mut r: Reader<'_>) -> keying_tlv::Result<usize> {
            r.u8("next")?;
            match kind {
                1..=30 => Ok(2 + usize::from(r.u8("len")?)),
                _ => Err(r.error("type", ErrorKind::UnknownType { value: kind.into() })),
            }
        }
        let (first, rest) = data.split_first().map_or((0, data), |(f, r)| (*f, r));
        let m = Chain::new(
            Mikey {
                payloads: len_of as keying_tlv::MikeyLenFn,
                terminal: Some(4),
            },
            first,
            Reader::new(rest),
        )
        .count();
        let i = Chain::new(Isakmp, first, Reader::new(rest)).count();
        let n = Chain::new(NdOptions, 0, Reader::new(rest)).count();
        let mut out = [0u8; 64];
        let mut w = Writer::new(&mut out);
        let mut c = ChainWriter::new(w.next_payload());
        let p = c.begin_isakmp(&mut w, first);
        w.uint(m + i + n, 2, "count");
        c.end_isakmp(&mut w, p);
        let o = w.begin_nd_option(14);
        w.bytes(rest.get(..3).unwrap_or_default());
        w.end_nd_option(o);
        let len = w.finish().unwrap_or(0);
        sink(out.get(..len).unwrap_or_default());
    }

    #[cfg(feature = "crypto-sym")]
    fn crypto_sym(data: &[u8]) {
        use keying_crypto::{HashAlg, Symmetric, rustcrypto::RustCrypto};
        let c = RustCrypto;
        sink(c.hash(HashAlg::Sha1, &[data]).as_ref());
        sink(c.hash(HashAlg::Sha256, &[data]).as_ref());
        sink(
            c.hmac(HashAlg::Sha1, data.get(..20).unwrap_or_default(), &[data])
                .as_ref(),
        );
        sink(
            c.hmac(HashAlg::Sha256, data.get(..32).unwrap_or_default(), &[data])
                .as_ref(),
        );
        let mut buf = [0u8; 64];
        buf.copy_from_slice(data.get(..64).unwrap_or(&[0; 64]));
        let iv = [7u8; 16];
        let key = data.get(64..80).unwrap_or_default();
        let _ = c.aes_ctr(key, &iv, &mut buf);
        let _ = c.aes_cbc_encrypt(key, &iv, &mut buf);
        let _ = c.aes_cbc_decrypt(key, &iv, &mut buf);
        let mut wrapped = [0u8; 40];
        let _ = c.aes_kw_wrap(key, data.get(..32).unwrap_or_default(), &mut wrapped);
        let mut unwrapped = [0u8; 32];
        let _ = c.aes_kw_unwrap(key, &wrapped, &mut unwrapped);
        sink(&buf);
        sink(&unwrapped);
    }

    #[cfg(feature = "crypto-ecdsa")]
    fn crypto_ecdsa(data: &[u8]) {
        use keying_crypto::rustcrypto::{P256SigningKey, P256VerifyingKey};
        use keying_crypto::{EcdsaP256Signer, EcdsaP256Verifier};
        if let Ok(sig) = P256SigningKey::from_scalar_bytes(data.get(..32).unwrap_or_default())
            .and_then(|sk| sk.sign(&[data]))
        {
            sink(&sig);
        }
        if let Ok(vk) = P256VerifyingKey::from_sec1_bytes(data.get(..65).unwrap_or_default()) {
            sink(&[u8::from(
                vk.verify(&[data], data.get(65..129).unwrap_or_default())
                    .is_ok(),
            )]);
        }
    }

    #[cfg(feature = "crypto-rsa")]
    fn crypto_rsa(data: &[u8]) {
        use keying_crypto::rustcrypto::{HashDrbg, RsaPrivate};
        use keying_crypto::{
            HashAlg, RsaEncryptionPadding, RsaPrivateKeyOps, RsaPublicKeyOps, RsaSignatureScheme,
        };
        let mut rng = HashDrbg::new(data.get(..32).unwrap_or_default());
        let Ok(key) = RsaPrivate::from_pkcs1_der(data) else {
            return;
        };
        let mut out = [0u8; 256];
        let scheme = RsaSignatureScheme::Pkcs1v15(HashAlg::Sha256);
        if let Ok(n) = key.sign(&mut rng, scheme, &[data], &mut out) {
            let ok = key
                .public_key()
                .verify(scheme, &[data], out.get(..n).unwrap_or_default());
            sink(&[u8::from(ok.is_ok())]);
        }
        let ct = out;
        let _ = key.decrypt(&mut rng, RsaEncryptionPadding::Pkcs1v15, &ct, &mut out);
        sink(&out);
    }

    #[cfg(feature = "hokey")]
    fn hokey(data: &[u8]) {
        use core::net::Ipv6Addr;
        use keying_crypto::rustcrypto::RustCrypto;
        use send_hokey::{
            badf::{self, BadfKey},
            cga::{self, SecPolicy},
            wire::AuthAlgorithm,
            wire::NdOption,
            wire::fbu::MobilityMessage,
            wire::rtsolpr::Fmip6Message,
        };
        let c = RustCrypto;
        let addr = |at: usize| {
            data.get(at..at + 16)
                .and_then(|b| <[u8; 16]>::try_from(b).ok())
                .map_or(Ipv6Addr::UNSPECIFIED, Ipv6Addr::from)
        };
        let (src, dst) = (addr(0), addr(16));
        let msg = data.get(32..).unwrap_or_default();
        // The MN's receive path up to the RSA step: an RtSolPr / PrRtAdv with its checksum,
        // every option decoded, the sender's CGA verified.
        if let Ok(m) = Fmip6Message::parse(msg, &src, &dst) {
            for o in m.send_options() {
                match o.option {
                    NdOption::Cga(g) => {
                        let ok = cga::verify(&c, g.parameters, &src, SecPolicy::default());
                        sink(&[u8::from(ok.is_ok())]);
                    }
                    NdOption::Nonce(n) => sink(n.nonce),
                    NdOption::HandoverKeyReply(r) => sink(r.encrypted_key),
                    NdOption::RsaSignature(r) => sink(&r.key_hash),
                    _ => sink(o.raw),
                }
            }
        }
        let ok = cga::verify(&c, msg, &src, SecPolicy::Rfc3972);
        sink(&[u8::from(ok.is_ok())]);
        // The BADF: authenticate an FBU-shaped header in place, then verify a received one.
        let key = data.get(..20).unwrap_or_default();
        let at = AuthAlgorithm::DEFAULT;
        let mut mh = [0u8; 56];
        mh.copy_from_slice(msg.get(..56).unwrap_or(&[0; 56]));
        let auth_at = usize::from(data.first().copied().unwrap_or(0) & 63);
        let k = BadfKey {
            at,
            key,
            coa: &src,
            par: &dst,
        };
        let _ = badf::authenticate_in_place(&c, k, &mut mh, auth_at, (&src, &dst));
        sink(&mh);
        let mh_len = (usize::from(msg.get(1).copied().unwrap_or(0)) + 1) * 8;
        if let Ok(m) = MobilityMessage::parse(msg.get(..mh_len).unwrap_or_default(), &src, &dst) {
            let ok = badf::verify(&c, k, &m);
            sink(&[u8::from(ok.is_ok())]);
        }
    }

    /// Where the firmware's network driver would put a received datagram (a GROUPKEY-PUSH,
    /// a MIKEY I_MESSAGE or R_MESSAGE).
    #[cfg(any(
        feature = "gdoi-gm-rustcrypto",
        feature = "gdoi-gm",
        feature = "gdoi-gm-hw-ecdsa",
        feature = "mikey-psk-mandatory",
        feature = "mikey-psk-init"
    ))]
    static mut DATAGRAM: [u8; 512] = [0; 512];

    /// The datagram buffer, behind an opaque pointer (no copy: a 512-octet volatile read
    /// would add its own code to the measurement).
    #[cfg(any(
        feature = "gdoi-gm-rustcrypto",
        feature = "gdoi-gm",
        feature = "gdoi-gm-hw-ecdsa",
        feature = "mikey-psk-mandatory",
        feature = "mikey-psk-init"
    ))]
    #[allow(unsafe_code)]
    fn datagram() -> &'static [u8; 512] {
        // SAFETY: nobody writes DATAGRAM (the probe is single-threaded); `black_box` only
        // hides the pointer's provenance from the optimiser.
        unsafe { &*core::hint::black_box(addr_of!(DATAGRAM)) }
    }

    /// The role objects hold state that must outlive one message (a replay cache, a KEK
    /// table, an exchange in progress), so firmware keeps them in static memory: the probe
    /// does the same (they show in `.bss`, not in the stack of the message path).
    #[cfg(any(
        feature = "gdoi-gm-rustcrypto",
        feature = "gdoi-gm",
        feature = "gdoi-gm-hw-ecdsa",
        feature = "mikey-psk-mandatory",
        feature = "mikey-psk-init"
    ))]
    struct Slot<T> {
        init: bool,
        value: core::mem::MaybeUninit<T>,
    }

    #[cfg(any(
        feature = "gdoi-gm-rustcrypto",
        feature = "gdoi-gm",
        feature = "gdoi-gm-hw-ecdsa",
        feature = "mikey-psk-mandatory",
        feature = "mikey-psk-init"
    ))]
    impl<T> Slot<T> {
        /// All zero: `.bss`, not `.data`.
        const EMPTY: Self = Self {
            init: false,
            value: core::mem::MaybeUninit::uninit(),
        };
    }

    /// The state in `slot`, made by `init` on first use.
    #[cfg(any(
        feature = "gdoi-gm-rustcrypto",
        feature = "gdoi-gm",
        feature = "gdoi-gm-hw-ecdsa",
        feature = "mikey-psk-mandatory",
        feature = "mikey-psk-init"
    ))]
    #[allow(unsafe_code)]
    fn state<T>(slot: *mut Slot<T>, init: impl FnOnce() -> T) -> &'static mut T {
        /// Firmware builds its role objects once, at start-up, in a function of its own:
        /// the value `init` returns (a role is about 1 KiB) then takes stack only while it
        /// is built, not in the frame of the message path, and the stack analysis counts
        /// it as its own call chain.
        #[inline(never)]
        fn first_use<T>(slot: &mut Slot<T>, init: impl FnOnce() -> T) {
            slot.value.write(init());
            slot.init = true;
        }
        // SAFETY: `slot` points to a `static mut` of this module that only this function
        // touches, and each is passed once per run of the single-threaded probe; `value`
        // is read only once `init` says it was written.
        unsafe {
            let slot = &mut *slot;
            if !slot.init {
                first_use(slot, init);
            }
            slot.value.assume_init_mut()
        }
    }

    /// The firmware's entropy source (a TRNG register); here bytes of the input.
    #[cfg(any(
        feature = "gdoi-gm-rustcrypto",
        feature = "gdoi-gm",
        feature = "gdoi-gm-hw-ecdsa",
        feature = "mikey-psk-init"
    ))]
    struct Trng<'a>(&'a [u8]);

    #[cfg(any(
        feature = "gdoi-gm-rustcrypto",
        feature = "gdoi-gm",
        feature = "gdoi-gm-hw-ecdsa",
        feature = "mikey-psk-init"
    ))]
    impl keying_crypto::Rng for Trng<'_> {
        fn fill_bytes(&mut self, dest: &mut [u8]) -> Result<(), keying_crypto::CryptoError> {
            for (d, s) in dest.iter_mut().zip(self.0.iter().cycle()) {
                *d = *s;
            }
            Ok(())
        }
    }

    /// The GCKS's ECDSA P-256 key on RustCrypto's verifier (`gdoi-gm-rustcrypto`).
    #[cfg(feature = "gdoi-gm-rustcrypto")]
    type GcksKey = keying_crypto::rustcrypto::P256VerifyingKey;

    #[cfg(feature = "gdoi-gm-rustcrypto")]
    fn gcks_key(sec1: &[u8]) -> Option<GcksKey> {
        GcksKey::from_sec1_bytes(sec1).ok()
    }

    /// The GCKS's ECDSA P-256 key as the firmware member holds it (`gdoi-gm`): on the
    /// `p256-cm4` assembly, behind the same trait as RustCrypto's verifier, so the member
    /// code is the same.
    #[cfg(all(feature = "gdoi-gm", not(feature = "gdoi-gm-rustcrypto")))]
    type GcksKey = keying_crypto::p256cm4::P256VerifyingKey;

    #[cfg(all(feature = "gdoi-gm", not(feature = "gdoi-gm-rustcrypto")))]
    fn gcks_key(sec1: &[u8]) -> Option<GcksKey> {
        GcksKey::from_sec1_bytes(sec1).ok()
    }

    /// The GCKS's key in an ECDSA accelerator (`gdoi-gm-hw-ecdsa`): the message is hashed
    /// with SHA-256 in software and the digest, signature and key go to the peripheral
    /// (here `black_box`, whose verdict the optimiser cannot know), as on a
    /// microcontroller with a public-key engine.
    #[cfg(all(
        feature = "gdoi-gm-hw-ecdsa",
        not(any(feature = "gdoi-gm-rustcrypto", feature = "gdoi-gm"))
    ))]
    #[derive(Clone)]
    struct GcksKey([u8; 65]);

    #[cfg(all(
        feature = "gdoi-gm-hw-ecdsa",
        not(any(feature = "gdoi-gm-rustcrypto", feature = "gdoi-gm"))
    ))]
    impl keying_crypto::EcdsaP256Verifier for GcksKey {
        fn verify(&self, parts: &[&[u8]], sig: &[u8]) -> Result<(), keying_crypto::CryptoError> {
            use keying_crypto::{HashAlg, Symmetric};
            let d = keying_crypto::rustcrypto::RustCrypto
                .hash(HashAlg::Sha256, parts)
                .checked(HashAlg::Sha256)?;
            core::hint::black_box((&self.0, d.as_bytes(), sig));
            if core::hint::black_box(true) {
                Ok(())
            } else {
                Err(keying_crypto::CryptoError::VerifyFailed)
            }
        }
    }

    #[cfg(all(
        feature = "gdoi-gm-hw-ecdsa",
        not(any(feature = "gdoi-gm-rustcrypto", feature = "gdoi-gm"))
    ))]
    fn gcks_key(sec1: &[u8]) -> Option<GcksKey> {
        <[u8; 65]>::try_from(sec1).ok().map(GcksKey)
    }

    /// The group member's state: its KEK table and pending ACKs.
    #[cfg(any(
        feature = "gdoi-gm-rustcrypto",
        feature = "gdoi-gm",
        feature = "gdoi-gm-hw-ecdsa"
    ))]
    static mut GM: Slot<
        gdoi_ack::GroupMember<
            keying_crypto::rustcrypto::RustCrypto,
            gdoi_ack::EcdsaP256<GcksKey>,
            2,
        >,
    > = Slot::EMPTY;

    /// The group member's receive path: a KEK installed from the PULL (key and GCKS P-256
    /// key from the input), one PUSH decrypted (AES-CBC), parsed, SEQ-checked, ECDSA-verified
    /// and applied, then its HMAC-SHA-256 ACK written by `handle_timeout`.
    #[cfg(any(
        feature = "gdoi-gm-rustcrypto",
        feature = "gdoi-gm",
        feature = "gdoi-gm-hw-ecdsa"
    ))]
    fn gdoi_gm(data: &[u8]) {
        use gdoi_ack::{
            Delivery, EcdsaP256, GmConfig, GmIdentity, GroupMember, KekAckRequested, KekInstall,
            Outcome, Time,
        };
        let crypto = keying_crypto::rustcrypto::RustCrypto;

        let Some(vk) = gcks_key(data.get(..65).unwrap_or_default()) else {
            return;
        };
        let gm = state(addr_of_mut!(GM), || {
            GroupMember::with_capacity(crypto, GmConfig::new(GmIdentity::Ipv4([192, 0, 2, 100])))
        });
        let mut spi = [0u8; 16];
        spi.copy_from_slice(data.get(65..81).unwrap_or(&[0; 16]));
        let installed = gm.install_kek(KekInstall {
            spi,
            algorithm_key: data.get(81..113).unwrap_or_default(),
            last_seq: 1,
            ack_requested: Some(KekAckRequested::KekSha256),
            verifier: EcdsaP256(vk),
        });
        if installed.is_err() {
            return;
        }
        let dg = datagram();
        let len = usize::from(u16::from_be_bytes([
            data.get(113).copied().unwrap_or(0),
            data.get(114).copied().unwrap_or(0),
        ]));
        let now = Time::from_unix_millis(u64::from(data.get(115).copied().unwrap_or(0)));
        let mut scratch = [0u8; 512];
        let r = gm.handle_push(
            now,
            dg.get(..len).unwrap_or_default(),
            if data.get(116).is_some_and(|&b| b & 1 != 0) {
                Delivery::Unicast
            } else {
                Delivery::Multicast
            },
            &mut Trng(data.get(117..).unwrap_or_default()),
            &mut scratch,
        );
        if let Ok(Outcome::Accepted(a)) = r {
            sink(&a.seq.to_be_bytes());
            if let Some(kd) = a.kd
                && let Some(p) = kd.packets.iter().next()
            {
                sink(p.tek_algorithm_key().unwrap_or_default());
            }
        }
        if let Some(at) = gm.poll_timeout() {
            let mut ack = [0u8; 256];
            while let Ok(Some(n)) = gm.handle_timeout(at, &mut ack) {
                sink(ack.get(..n).unwrap_or_default());
            }
        }
        // Key material in scratch: the firmware zeroizes it.
        scratch.fill(0);
        sink(&scratch);
    }

    /// A big-endian integer from `data[at..at + N]` (zero when out of range).
    #[cfg(any(feature = "mikey-psk-mandatory", feature = "mikey-psk-init"))]
    fn be<const N: usize>(data: &[u8], at: usize) -> [u8; N] {
        data.get(at..at + N)
            .and_then(|b| <[u8; N]>::try_from(b).ok())
            .unwrap_or([0; N])
    }

    /// Hands the derived SRTP master keys and salts to the (absent) SRTP stack.
    #[cfg(any(feature = "mikey-psk-mandatory", feature = "mikey-psk-init"))]
    fn sink_sas(sas: &mikey_core::srtp::SrtpSas) {
        for sa in sas {
            sink(sa.master_key.expose());
            sink(sa.master_salt.expose());
            sink(&sa.roc.to_be_bytes());
        }
    }

    /// The PSK Responder's state: its replay cache (32 messages, 16 peer counters).
    #[cfg(feature = "mikey-psk-mandatory")]
    static mut PSK_RESPONDER: Slot<
        mikey_core::psk::PskResponder<keying_crypto::rustcrypto::RustCrypto>,
    > = Slot::EMPTY;

    /// The PSK Responder's key store (one PSK, from the input).
    #[cfg(feature = "mikey-psk-mandatory")]
    static mut PSK_STORE: Slot<mikey_core::hooks::StaticPsk> = Slot::EMPTY;

    /// The PSK Responder's receive path: the I_MESSAGE in the datagram buffer (its length
    /// and the clock from the input) handled under a PSK from the input, the R_MESSAGE or
    /// Error message written to `out`, the SRTP keys handed on. With `mikey-psk`, the
    /// default policy (every PRF, Encr and MAC alg the crate accepts stays reachable);
    /// with `mikey-psk-mandatory` alone, RFC 3830's mandatory algorithms only.
    #[cfg(feature = "mikey-psk-mandatory")]
    fn mikey_psk(data: &[u8]) {
        use keying_crypto::SecretBuf;
        use keying_crypto::rustcrypto::RustCrypto;
        use mikey_core::Time;
        use mikey_core::hooks::StaticPsk;
        use mikey_core::policy::Policy;
        use mikey_core::psk::PskResponder;

        let psk = state(addr_of_mut!(PSK_STORE), || {
            StaticPsk(SecretBuf::from_slice(data.get(..20).unwrap_or_default()).unwrap_or_default())
        });
        #[cfg(feature = "mikey-psk")]
        let policy = Policy::default();
        #[cfg(not(feature = "mikey-psk"))]
        let policy = Policy::default().mandatory_algorithms_only();
        let r = state(addr_of_mut!(PSK_RESPONDER), || {
            PskResponder::new(RustCrypto, policy)
        });
        let len = usize::from(u16::from_be_bytes(be(data, 20)));
        let now = Time::from_unix_nanos(u64::from_be_bytes(be(data, 22)));
        let mut out = [0u8; 256];
        let result = r.handle(
            now,
            datagram().get(..len).unwrap_or_default(),
            psk,
            &mut out,
        );
        let reply = match &result {
            Ok(a) => {
                sink_sas(a.sas);
                a.reply_len
            }
            Err(e) => e.reply_len,
        };
        sink(out.get(..reply.unwrap_or(0)).unwrap_or_default());
    }

    /// The PSK Initiator's state: the exchange in progress and its SRTP SAs.
    #[cfg(feature = "mikey-psk-init")]
    static mut PSK_INITIATOR: Slot<
        mikey_core::psk::PskInitiator<keying_crypto::rustcrypto::RustCrypto>,
    > = Slot::EMPTY;

    /// The PSK Initiator: an I_MESSAGE for one SRTP stream (SSRC, CSB ID, clock and PSK
    /// from the input; otherwise `Offer::new`'s fixed MIKEY-1 / AES-CM-128 /
    /// HMAC-SHA-1-160, as a firmware would configure it) with V set, then the R_MESSAGE
    /// in the datagram buffer checked and the SRTP keys handed on.
    #[cfg(feature = "mikey-psk-init")]
    fn mikey_psk_init(data: &[u8]) {
        use keying_crypto::rustcrypto::RustCrypto;
        use mikey_core::Time;
        use mikey_core::offer::Offer;
        use mikey_core::policy::Policy;
        use mikey_core::psk::PskInitiator;
        use mikey_core::{SrtpCs, Timestamp, TsType};

        let streams = [SrtpCs {
            policy_no: 0,
            ssrc: u32::from_be_bytes(be(data, 30)),
            roc: 0,
        }];
        let now = Time::from_unix_nanos(u64::from_be_bytes(be(data, 22)));
        let offer = Offer {
            verification: true,
            ..Offer::new(
                u32::from_be_bytes(be(data, 34)),
                &streams,
                Timestamp {
                    ts_type: TsType::NtpUtc,
                    // Taken from `now` by `start`.
                    value: 0,
                },
            )
        };
        let i = state(addr_of_mut!(PSK_INITIATOR), || {
            PskInitiator::new(RustCrypto, Policy::default())
        });
        let mut msg = [0u8; 256];
        let psk = data.get(..20).unwrap_or_default();
        let Ok(n) = i.start(
            now,
            &offer,
            psk,
            &mut Trng(data.get(38..).unwrap_or_default()),
            &mut msg,
        ) else {
            return;
        };
        sink(msg.get(..n).unwrap_or_default());
        let len = usize::from(u16::from_be_bytes(be(data, 20)));
        let _ = i.handle_response(now, datagram().get(..len).unwrap_or_default());
        if let Some(sas) = i.poll_keys() {
            sink_sas(sas);
        }
    }

    /// A bump heap for the RSA probe (the rsa crate allocates its big integers).
    #[cfg(feature = "crypto-rsa")]
    mod heap {
        use core::alloc::{GlobalAlloc, Layout};
        use core::sync::atomic::{AtomicUsize, Ordering};

        const SIZE: usize = 64 * 1024;
        struct Bump {
            next: AtomicUsize,
        }
        static mut ARENA: [u8; SIZE] = [0; SIZE];

        #[allow(unsafe_code)] // GlobalAlloc is an unsafe trait.
        // SAFETY: hands out disjoint, aligned ranges of ARENA; never frees.
        unsafe impl GlobalAlloc for Bump {
            unsafe fn alloc(&self, l: Layout) -> *mut u8 {
                let base = core::ptr::addr_of_mut!(ARENA).cast::<u8>();
                let start = self
                    .next
                    .load(Ordering::Relaxed)
                    .next_multiple_of(l.align());
                match start.checked_add(l.size()) {
                    Some(end) if end <= SIZE => {
                        self.next.store(end, Ordering::Relaxed);
                        // SAFETY: start + size <= SIZE, inside ARENA.
                        unsafe { base.add(start) }
                    }
                    _ => core::ptr::null_mut(),
                }
            }
            unsafe fn dealloc(&self, _: *mut u8, _: Layout) {}
        }

        #[global_allocator]
        static HEAP: Bump = Bump {
            next: AtomicUsize::new(0),
        };
    }

    #[allow(unsafe_code)] // The entry symbol must not be mangled.
    #[unsafe(no_mangle)]
    extern "C" fn _start() -> ! {
        let data = input();
        #[cfg(feature = "tlv")]
        tlv(data);
        #[cfg(feature = "crypto-sym")]
        crypto_sym(data);
        #[cfg(feature = "crypto-ecdsa")]
        crypto_ecdsa(data);
        #[cfg(feature = "crypto-rsa")]
        crypto_rsa(data);
        #[cfg(feature = "hokey")]
        hokey(data);
        #[cfg(any(
            feature = "gdoi-gm-rustcrypto",
            feature = "gdoi-gm",
            feature = "gdoi-gm-hw-ecdsa"
        ))]
        gdoi_gm(data);
        #[cfg(feature = "mikey-psk-mandatory")]
        mikey_psk(data);
        #[cfg(feature = "mikey-psk-init")]
        mikey_psk_init(data);
        sink(data);
        loop {
            core::hint::spin_loop();
        }
    }

    #[panic_handler]
    fn panic(_: &core::panic::PanicInfo<'_>) -> ! {
        loop {
            core::hint::spin_loop();
        }
    }
}

#[cfg(not(target_os = "none"))]
fn main() {}
