#!/usr/bin/python3
"""GStreamer side of the RTSP + SRTP + MIKEY interop (examples/rtsp_srtp_client.rs,
tests/rtsp_srtp.rs).

Debian packages (bash .ci/install-tools installs them): python3-gi, gir1.2-gst-rtsp-server-1.0,
gir1.2-gst-plugins-base-1.0, gstreamer1.0-plugins-base (appsrc), gstreamer1.0-plugins-good
(rtpL16pay, udpsrc), gstreamer1.0-plugins-bad (srtpenc / srtpdec).

  rtsp_srtp.py serve N
      An RTSP server (GstRtspServer) on 127.0.0.1, an ephemeral port, mount /stream, RTP
      profile SAVP only: GStreamer's srtpenc with a random key, announced in the SDP as
      a=key-mgmt:mikey (NULL-protected PSK I_MESSAGE). The stream: N RTP packets, payload
      type 96 (L16/8000 mono), SSRC 0x5EED1234, payload of packet i = payload(i) below.
      Prints "PORT <port>" once listening, then "SSRC <ssrc>" for each source the RTP
      session learns (the server's own, and a client's once an SRTCP packet of it passed
      srtpdec, keyed by the client's KeyMgmt header); runs until stdin closes (or 60 s).

  rtsp_srtp.py decrypt N SSRC KEYHEX CIPHER AUTH
      udpsrc on 127.0.0.1 (ephemeral port) ! srtpdec ! appsink, the SRTP parameters of SSRC
      given as caps (srtp-key = master key || master salt). Prints "PORT <port>", then
      "PKT <seq> <payload hex>" per packet srtpdec lets through, and "DONE <count>" after N
      packets or 3 s without one.
"""
import socket
import sys

import gi

gi.require_version("Gst", "1.0")
gi.require_version("GstRtsp", "1.0")
gi.require_version("GstRtspServer", "1.0")
from gi.repository import GLib, Gst, GstRtsp, GstRtspServer  # noqa: E402

SSRC = 0x5EED1234
PT = 96
SAMPLES = 80  # 10 ms at 8 kHz
PAYLOAD_LEN = 2 * SAMPLES


def payload(i):
    """Payload of packet i: 160 bytes, byte j = (i * 7 + j * 13 + 1) mod 256."""
    return bytes((i * 7 + j * 13 + 1) & 0xFF for j in range(PAYLOAD_LEN))


def serve(n):
    launch = (
        "( appsrc name=src format=time "
        "caps=audio/x-raw,format=S16BE,rate=8000,channels=1,layout=interleaved "
        f"! rtpL16pay name=pay0 pt={PT} ssrc={SSRC} min-ptime=10000000 max-ptime=10000000 )"
    )
    factory = GstRtspServer.RTSPMediaFactory()
    factory.set_launch(launch)
    factory.set_profiles(GstRtsp.RTSPProfile.SAVP)
    factory.set_protocols(GstRtsp.RTSPLowerTrans.UDP)

    def on_configure(_factory, media):
        src = media.get_element().get_by_name("src")
        state = {"i": 0}

        def need_data(appsrc, _length):
            i = state["i"]
            if i >= n:
                appsrc.emit("end-of-stream")
                return
            buf = Gst.Buffer.new_wrapped(payload(i))
            buf.pts = i * 10 * Gst.MSECOND
            buf.duration = 10 * Gst.MSECOND
            state["i"] = i + 1
            appsrc.emit("push-buffer", buf)

        src.connect("need-data", need_data)

        def on_new_ssrc(_session, source):
            print("SSRC", source.get_property("ssrc"), flush=True)

        def on_prepared(m):
            m.get_stream(0).get_rtpsession().connect("on-new-ssrc", on_new_ssrc)

        media.connect("prepared", on_prepared)

    factory.connect("media-configure", on_configure)
    server = GstRtspServer.RTSPServer()
    server.set_address("127.0.0.1")
    server.set_service("0")
    server.get_mount_points().add_factory("/stream", factory)
    server.attach(None)
    print("PORT", server.get_bound_port(), flush=True)
    loop = GLib.MainLoop()
    GLib.io_add_watch(
        GLib.IOChannel.unix_new(sys.stdin.fileno()),
        GLib.PRIORITY_DEFAULT,
        GLib.IOCondition.IN | GLib.IOCondition.HUP,
        lambda *_: (loop.quit(), False)[1],
    )
    GLib.timeout_add_seconds(60, lambda: (loop.quit(), False)[1])
    loop.run()


def rtp_seq_payload(pkt):
    """Sequence number and payload of an RTP packet (RFC 3550 section 5.1)."""
    cc, ext = pkt[0] & 0x0F, pkt[0] & 0x10
    off = 12 + 4 * cc
    if ext:
        off += 4 + 4 * int.from_bytes(pkt[off + 2 : off + 4], "big")
    return int.from_bytes(pkt[2:4], "big"), pkt[off:]


def decrypt(n, ssrc, key_hex, cipher, auth):
    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    from gi.repository import Gio

    gsock = Gio.Socket.new_from_fd(sock.detach())
    caps = (
        f"application/x-srtp,media=audio,clock-rate=8000,encoding-name=L16,payload={PT},"
        f"ssrc=(uint){ssrc},srtp-key=(buffer){key_hex},"
        f"srtp-cipher={cipher},srtp-auth={auth},srtcp-cipher={cipher},srtcp-auth={auth}"
    )
    pipeline = Gst.parse_launch(
        f'udpsrc name=src caps="{caps}" ! srtpdec ! appsink name=sink emit-signals=true sync=false'
    )
    pipeline.get_by_name("src").set_property("socket", gsock)
    sink = pipeline.get_by_name("sink")
    loop = GLib.MainLoop()
    state = {"count": 0, "idle": 0}

    def on_sample(appsink):
        sample = appsink.emit("pull-sample")
        buf = sample.get_buffer()
        pkt = buf.extract_dup(0, buf.get_size())
        seq, data = rtp_seq_payload(pkt)
        print("PKT", seq, data.hex(), flush=True)
        state["count"] += 1
        state["idle"] = 0
        if state["count"] >= n:
            GLib.idle_add(lambda: (loop.quit(), False)[1])
        return Gst.FlowReturn.OK

    def tick():
        state["idle"] += 1
        if state["idle"] > 30:
            loop.quit()
            return False
        return True

    sink.connect("new-sample", on_sample)
    pipeline.set_state(Gst.State.PLAYING)
    print("PORT", port, flush=True)
    GLib.timeout_add(100, tick)
    loop.run()
    pipeline.set_state(Gst.State.NULL)
    print("DONE", state["count"], flush=True)


def main():
    Gst.init(None)
    mode = sys.argv[1]
    if mode == "serve":
        serve(int(sys.argv[2]))
    elif mode == "decrypt":
        n, ssrc, key_hex, cipher, auth = sys.argv[2:7]
        decrypt(int(n), int(ssrc, 0), key_hex, cipher, auth)
    else:
        sys.exit(f"unknown mode {mode}")


if __name__ == "__main__":
    main()
