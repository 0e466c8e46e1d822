#!/usr/bin/env bash
# Builds the GStreamer MIKEY timing harness: `build.sh OUT_PATH`. Installs Debian's
# libgstreamer-plugins-base1.0-dev (headers + pkg-config file for gstreamer-sdp-1.0) when
# missing. Called by benches/mikey.rs at start-up; skips the rebuild when OUT_PATH is newer
# than the source. Exit status non-zero when it cannot build (the bench then skips the
# GStreamer rows and says why).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
out="${1:?usage: build.sh OUT_PATH}"
src="$here/gst_mikey_harness.c"
if ! pkg-config --exists gstreamer-sdp-1.0 2>/dev/null; then
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
        echo "gst-harness: installing libgstreamer-plugins-base1.0-dev" >&2
        apt-get install -y -q libgstreamer-plugins-base1.0-dev >/dev/null 2>&1 ||
            { apt-get update -q >/dev/null 2>&1 &&
              DEBIAN_FRONTEND=noninteractive apt-get install -y -q libgstreamer-plugins-base1.0-dev >/dev/null; }
    else
        echo "gst-harness: gstreamer-sdp-1.0 development files missing (apt-get install libgstreamer-plugins-base1.0-dev)" >&2
        exit 1
    fi
fi
if [ -x "$out" ] && [ "$out" -nt "$src" ] && [ "$out" -nt "$0" ]; then
    exit 0
fi
mkdir -p "$(dirname "$out")"
# shellcheck disable=SC2046
gcc -O2 -Wall -Wextra -o "$out" "$src" $(pkg-config --cflags --libs gstreamer-sdp-1.0)
