#!/usr/bin/env python3
"""Write a store listing folder that passes every listing rule, for the shell tests
(tests/action/run_test.sh) and `make demo`:

    scripts/make-listing.py DIR [--lang en-US] [--tag TEXT]

DIR/<lang>/ gets name.txt, description.txt, brief.txt and release_notes.txt (four different
texts, `--tag` in each so that two calls differ), icon.png (1024x1024) and
screenshots/phone/01.png to 03.png (1080x1920, portrait): real PNGs of one colour each,
compressed with zlib (a few KB), which any viewer opens.
"""
import argparse
import os
import struct
import zlib


def png(width: int, height: int, rgb: tuple) -> bytes:
    """A PNG of `width`x`height` pixels of colour `rgb` (8-bit RGB, no interlace)."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    row = b"\x00" + bytes(rgb) * width  # filter type 0, then the pixels
    raw = zlib.compress(row * height, 9)
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", raw) + chunk(b"IEND", b"")


def write(path: str, data: bytes) -> None:
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "wb") as f:
        f.write(data)


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("dir")
    p.add_argument("--lang", default="en-US")
    p.add_argument("--tag", default="demo")
    a = p.parse_args()
    lang = os.path.join(a.dir, a.lang)
    texts = {
        "name.txt": "Demo %s\n" % a.tag,
        "description.txt": "A demo app, published by agcupload.\nIts listing lives in the repository (%s).\n" % a.tag,
        "brief.txt": "The demo app (%s)\n" % a.tag,
        "release_notes.txt": "Dark mode and faster start-up (%s).\n" % a.tag,
    }
    for name, text in texts.items():
        write(os.path.join(lang, name), text.encode("utf-8"))
    shade = sum(a.tag.encode()) % 200
    write(os.path.join(lang, "icon.png"), png(1024, 1024, (shade, 120, 200)))
    for n in range(1, 4):
        write(os.path.join(lang, "screenshots", "phone", "%02d.png" % n), png(1080, 1920, (40 * n, shade, 90)))


if __name__ == "__main__":
    main()
