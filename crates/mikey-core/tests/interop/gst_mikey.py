#!/usr/bin/python3
"""GStreamer GstSdp MIKEY oracle for crates/mikey-core/tests/interop_gstreamer.rs.

Debian packages: python3-gi gir1.2-gst-plugins-base-1.0 libgstreamer-plugins-base1.0-0
(Debian 12 / GStreamer 1.22). Parsing goes through ctypes (GI cannot pass a NULL MIKEYDecryptInfo);
building goes through GI.

  gst_mikey.py parse   < lines "name hex"  -> "name OK n_payloads n_cs hex" | "name NULL"
  gst_mikey.py build                       -> "name base64" lines of GStreamer-built messages
"""
import base64
import ctypes
import sys


def parse():
    gst = ctypes.CDLL("libgstreamer-1.0.so.0")
    sdp = ctypes.CDLL("libgstsdp-1.0.so.0")
    glib = ctypes.CDLL("libglib-2.0.so.0")
    gst.gst_init(None, None)
    new = sdp.gst_mikey_message_new_from_data
    new.restype = ctypes.c_void_p
    new.argtypes = [ctypes.c_char_p, ctypes.c_size_t, ctypes.c_void_p, ctypes.c_void_p]
    to_bytes = sdp.gst_mikey_message_to_bytes
    to_bytes.restype = ctypes.c_void_p
    to_bytes.argtypes = [ctypes.c_void_p, ctypes.c_void_p, ctypes.c_void_p]
    n_payloads = sdp.gst_mikey_message_get_n_payloads
    n_payloads.restype = ctypes.c_uint
    n_payloads.argtypes = [ctypes.c_void_p]
    n_cs = sdp.gst_mikey_message_get_n_cs
    n_cs.restype = ctypes.c_uint
    n_cs.argtypes = [ctypes.c_void_p]
    get_data = glib.g_bytes_get_data
    get_data.restype = ctypes.c_void_p
    get_data.argtypes = [ctypes.c_void_p, ctypes.POINTER(ctypes.c_size_t)]
    for line in sys.stdin:
        line = line.strip()
        if not line:
            continue
        name, hexs = line.split()
        raw = bytes.fromhex(hexs)
        msg = new(raw, len(raw), None, None)
        if not msg:
            print(name, "NULL", flush=True)
            continue
        gb = to_bytes(msg, None, None)
        size = ctypes.c_size_t()
        ptr = get_data(gb, ctypes.byref(size))
        out = ctypes.string_at(ptr, size.value)
        print(name, "OK", n_payloads(msg), n_cs(msg), out.hex(), flush=True)


def build():
    import gi

    gi.require_version("Gst", "1.0")
    gi.require_version("GstSdp", "1.0")
    from gi.repository import GLib, Gst, GstSdp

    Gst.init(None)
    # The shape of tests/vectors/mikey/g1_gst_psk_null.hex, with fixed values.
    m = GstSdp.MIKEYMessage.new()
    m.set_info(1, GstSdp.MIKEYType.PSK_INIT, False, GstSdp.MIKEYPRFFunc.MIKEY_PRF_MIKEY_1,
               0x12345678, GstSdp.MIKEYMapType.MIKEY_MAP_TYPE_SRTP)
    m.add_cs_srtp(0, 0xDEADBEEF, 0)
    m.add_cs_srtp(1, 0x01020304, 7)
    m.add_t(GstSdp.MIKEYTSType.NTP_UTC, bytes.fromhex("e6a1b2c300000000"))
    m.add_rand(bytes(range(16)))
    sp = GstSdp.MIKEYPayload.new(GstSdp.MIKEYPayloadType.SP)
    sp.sp_set(0, GstSdp.MIKEYSecProto.MIKEY_SEC_PROTO_SRTP)
    for t, v in [(0, 1), (1, 16), (2, 1), (3, 20), (4, 14), (7, 1), (8, 1), (10, 1), (11, 10)]:
        sp.sp_add_param(t, bytes([v]))
    m.add_payload(sp)
    kemac = GstSdp.MIKEYPayload.new(GstSdp.MIKEYPayloadType.KEMAC)
    kemac.kemac_set(GstSdp.MIKEYEncAlg.NULL, GstSdp.MIKEYMacAlg.NULL)
    kd = GstSdp.MIKEYPayload.new(GstSdp.MIKEYPayloadType.KEY_DATA)
    kd.key_data_set_key(GstSdp.MIKEYKeyDataType.TEK, bytes(range(0x20, 0x30)))
    kd.key_data_set_salt(bytes(range(0x40, 0x4E)))
    kd.key_data_set_spi(bytes.fromhex("00000001"))
    kemac.kemac_add_sub(kd)
    m.add_payload(kemac)
    print("gst_built_psk", base64.b64decode(m.base64_encode()).hex(), flush=True)

    # The de-facto RTSPS camera encoding (rtsp-server): new_from_caps.
    caps = Gst.Caps.from_string(
        "application/x-srtp, srtp-key=(buffer)" + bytes(range(30)).hex()
        + ", srtp-cipher=(string)aes-128-icm, srtp-auth=(string)hmac-sha1-80,"
        " srtcp-cipher=(string)aes-128-icm, srtcp-auth=(string)hmac-sha1-80")
    m2 = GstSdp.MIKEYMessage.new_from_caps(caps)
    m2.add_cs_srtp(0, 0x11223344, 0)
    print("gst_from_caps", base64.b64decode(m2.base64_encode()).hex(), flush=True)


if __name__ == "__main__":
    {"parse": parse, "build": build}[sys.argv[1]]()
