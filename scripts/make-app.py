#!/usr/bin/env python3
"""Write a signed HarmonyOS .app test package of an exact size, for the shell tests
(tests/cli.sh, tests/action/run_test.sh), `make demo` and `make bench`.

    scripts/make-app.py PATH [--size BYTES] [--bundle NAME] [--version-code N]
                             [--type app|atomicService] [--fill random|zero]

The layout is tests/common/app.rs's (and tests/c/app.h's): a stored ZIP holding `pack.info`
(one entry module) and a padding module `entry-default.hap`, with a HAP signing block head
right before the central directory, so that the preflight's inspection accepts it. The padding
is streamed (a 1 GiB package takes no memory), its CRC patched into the local header after.
The whole file is exactly --size bytes (below 4 GiB: no zip64 here).
"""
import argparse
import json
import os
import struct
import sys
import zlib

PAD_NAME = b"entry-default.hap"
SIGN_BODY = 64
CHUNK = 1 << 20


def pack_info(bundle: str, code: int, bundle_type: str) -> bytes:
    info = {"summary": {
        "app": {"bundleName": bundle, "bundleType": bundle_type,
                "version": {"code": code, "name": "1.0.%d" % (code % 1000), "minCompatibleVersionCode": 1}},
        "modules": [{"deviceType": ["phone"],
                     "distro": {"moduleName": "entry", "moduleType": "entry",
                                "installationFree": bundle_type == "atomicService"}}]}}
    return json.dumps(info, separators=(",", ":")).encode()


def header(central: bool, crc: int, size: int, name: bytes, offset: int) -> bytes:
    if central:
        return (struct.pack("<IHHHHIIIIHHHHHII", 0x02014B50, 20, 20, 0, 0, 0, crc, size, size,
                            len(name), 0, 0, 0, 0, 0, offset) + name)
    return struct.pack("<IHHHIIIIHH", 0x04034B50, 20, 0, 0, 0, crc, size, size, len(name), 0) + name


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("path")
    ap.add_argument("--size", type=int, default=200000, help="the file's exact size in bytes")
    ap.add_argument("--bundle", default="com.example.agcmock")
    ap.add_argument("--version-code", type=int, default=1000012)
    ap.add_argument("--type", choices=["app", "atomicService"], default="app")
    ap.add_argument("--fill", choices=["random", "zero"], default="random",
                    help="the padding module's bytes (zero: quick to write, compresses)")
    a = ap.parse_args()
    info = pack_info(a.bundle, a.version_code, a.type)
    names = len(b"pack.info") + len(PAD_NAME)
    overhead = 2 * 30 + names + len(info) + SIGN_BODY + 32 + 2 * 46 + names + 22
    pad = a.size - overhead
    if pad < 0 or a.size >= 1 << 32:
        print(f"make-app: --size must be at least {overhead} and below 4 GiB", file=sys.stderr)
        return 2
    with open(a.path, "wb") as f:
        info_crc = zlib.crc32(info)
        f.write(header(False, info_crc, len(info), b"pack.info", 0))
        f.write(info)
        pad_offset = f.tell()
        f.write(header(False, 0, pad, PAD_NAME, pad_offset))
        crc, left = 0, pad
        zeros = bytes(CHUNK)
        while left:
            n = min(left, CHUNK)
            chunk = os.urandom(n) if a.fill == "random" else zeros[:n]
            crc = zlib.crc32(chunk, crc)
            f.write(chunk)
            left -= n
        block = b"\x5a" * SIGN_BODY + struct.pack("<IQ", 1, SIGN_BODY + 32) + b"<hap sign block>" + struct.pack("<I", 3)
        f.write(block)
        cd_offset = f.tell()
        central = (header(True, info_crc, len(info), b"pack.info", 0)
                   + header(True, crc, pad, PAD_NAME, pad_offset))
        f.write(central)
        f.write(struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, 2, 2, len(central), cd_offset, 0))
        end = f.tell()
        f.seek(pad_offset + 14)
        f.write(struct.pack("<I", crc))
    if end != a.size:
        print(f"make-app: wrote {end} bytes, not {a.size}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
