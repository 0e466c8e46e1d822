//! A firmware-shaped binary: on `target_os = "none"` it is `#![no_std] #![no_main]` with no
//! allocator, so linking proves the selected path needs neither `std` nor a heap, and
//! `size -A` on it gives the flash cost of what the features select. Inputs are read with
//! `read_volatile` and results written with `write_volatile`, so nothing constant-folds.
//! On a host it is an empty program (so the workspace builds everywhere).
//!
//! `cargo build -p footprint --release --target thumbv7em-none-eabihf --features tlv`
#![cfg_attr(target_os = "none", no_std, no_main)]

#[cfg(all(target_os = "none", feature = "crypto-rsa"))]
extern crate alloc;

#[cfg(target_os = "none")]
mod probe {
    use core::ptr::{addr_of, read_volatile};

    /// Where a debugger or the firmware would put the input.
    static mut INPUT: [u8; 256] = [0; 256];

    #[allow(unsafe_code)] // The probe's only unsafe: an opaque read, so nothing constant-folds.
    fn input() -> [u8; 256] {
        // SAFETY: a plain read of a static nobody else touches; single-threaded.
        unsafe { read_volatile(addr_of!(INPUT)) }
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
                len_of,
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
            badf,
            cga::{self, SecPolicy},
            fbu::MobilityMessage,
            hokey::AuthAlgorithm,
            ndiscoption::NdOption,
            rtsolpr::Fmip6Message,
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
        let _ =
            badf::authenticate_in_place(&c, at, key, &src, &dst, &mut mh, auth_at, (&src, &dst));
        sink(&mh);
        let mh_len = (usize::from(msg.get(1).copied().unwrap_or(0)) + 1) * 8;
        if let Ok(m) = MobilityMessage::parse(msg.get(..mh_len).unwrap_or_default(), &src, &dst) {
            let ok = badf::verify(&c, at, key, &src, &dst, &m);
            sink(&[u8::from(ok.is_ok())]);
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
        tlv(&data);
        #[cfg(feature = "crypto-sym")]
        crypto_sym(&data);
        #[cfg(feature = "crypto-ecdsa")]
        crypto_ecdsa(&data);
        #[cfg(feature = "crypto-rsa")]
        crypto_rsa(&data);
        #[cfg(feature = "hokey")]
        hokey(&data);
        sink(&data);
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
