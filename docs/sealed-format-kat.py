#!/usr/bin/env python3
"""Independent reproduction of the libagcupload sealed-format known-answer vectors.

Implements the sealed format of docs/sealed-format.md from scratch: HChaCha20 in pure Python,
and ChaCha20-Poly1305 (RFC 8439) from the `cryptography` package, combined into
XChaCha20-Poly1305 (draft-irtf-cfrg-xchacha-03) and the STREAM chunking. Shares no code with
the Rust implementation.

    pip install cryptography
    python3 docs/sealed-format-kat.py          # checks the vectors, prints them, exits 0 if all match

It also opens what it sealed, checking the reader side of the format.
"""

import hashlib
import struct
import sys

from cryptography.hazmat.primitives.ciphers.aead import ChaCha20Poly1305

MASK = 0xFFFFFFFF


def _rotl(v, c):
    return ((v << c) & MASK) | (v >> (32 - c))


def _quarter_round(s, a, b, c, d):
    s[a] = (s[a] + s[b]) & MASK; s[d] = _rotl(s[d] ^ s[a], 16)
    s[c] = (s[c] + s[d]) & MASK; s[b] = _rotl(s[b] ^ s[c], 12)
    s[a] = (s[a] + s[b]) & MASK; s[d] = _rotl(s[d] ^ s[a], 8)
    s[c] = (s[c] + s[d]) & MASK; s[b] = _rotl(s[b] ^ s[c], 7)


def hchacha20(key: bytes, nonce16: bytes) -> bytes:
    """HChaCha20 (draft-irtf-cfrg-xchacha-03, section 2.2): 32-byte key, 16-byte nonce -> subkey."""
    assert len(key) == 32 and len(nonce16) == 16
    s = [0x61707865, 0x3320646E, 0x79622D32, 0x6B206574]
    s += list(struct.unpack("<8I", key)) + list(struct.unpack("<4I", nonce16))
    for _ in range(10):
        _quarter_round(s, 0, 4, 8, 12); _quarter_round(s, 1, 5, 9, 13)
        _quarter_round(s, 2, 6, 10, 14); _quarter_round(s, 3, 7, 11, 15)
        _quarter_round(s, 0, 5, 10, 15); _quarter_round(s, 1, 6, 11, 12)
        _quarter_round(s, 2, 7, 8, 13); _quarter_round(s, 3, 4, 9, 14)
    return struct.pack("<8I", *(s[0:4] + s[12:16]))


def _xchacha(key: bytes, nonce24: bytes):
    assert len(nonce24) == 24
    return ChaCha20Poly1305(hchacha20(key, nonce24[:16])), b"\0\0\0\0" + nonce24[16:]


def xchacha20poly1305_encrypt(key, nonce24, plaintext, aad):
    aead, nonce12 = _xchacha(key, nonce24)
    return aead.encrypt(nonce12, plaintext, aad)  # ciphertext || 16-byte tag


def xchacha20poly1305_decrypt(key, nonce24, sealed, aad):
    aead, nonce12 = _xchacha(key, nonce24)
    return aead.decrypt(nonce12, sealed, aad)  # raises InvalidTag


# --- The sealed format -------------------------------------------------------------------------

MAGIC = b"AGCSEAL"
VERSION = 1
ALG_XCHACHA20POLY1305_STREAM = 1
HEADER_LEN = 32
TAG_LEN = 16
DEFAULT_CHUNK_SIZE = 65536


def header(chunk_size: int, prefix: bytes) -> bytes:
    assert len(prefix) == 19
    return MAGIC + bytes([VERSION, ALG_XCHACHA20POLY1305_STREAM]) + struct.pack(">I", chunk_size) + prefix


def chunk_nonce(prefix: bytes, index: int, last: bool) -> bytes:
    return prefix + struct.pack(">I", index) + (b"\x01" if last else b"\x00")


def seal(key: bytes, prefix: bytes, plaintext: bytes, chunk_size: int = DEFAULT_CHUNK_SIZE) -> bytes:
    h = header(chunk_size, prefix)
    out = [h]
    # Full chunks are never final; the final chunk holds the remaining 0..chunk_size-1 bytes.
    full = len(plaintext) // chunk_size
    for i in range(full + 1):
        last = i == full
        piece = plaintext[i * chunk_size:(i + 1) * chunk_size] if not last else plaintext[full * chunk_size:]
        out.append(xchacha20poly1305_encrypt(key, chunk_nonce(prefix, i, last), piece, h))
    return b"".join(out)


def open_sealed(key: bytes, sealed: bytes) -> bytes:
    h = sealed[:HEADER_LEN]
    if len(h) < HEADER_LEN or h[:7] != MAGIC or h[7] != VERSION or h[8] != ALG_XCHACHA20POLY1305_STREAM:
        raise ValueError("bad header")
    (chunk_size,) = struct.unpack(">I", h[9:13])
    if not 1024 <= chunk_size <= 1024 * 1024:
        raise ValueError("bad chunk size")
    prefix = h[13:]
    pos, index, out = HEADER_LEN, 0, []
    while True:
        piece = sealed[pos:pos + chunk_size + TAG_LEN]
        if len(piece) < TAG_LEN:
            raise ValueError("truncated")
        last = len(piece) < chunk_size + TAG_LEN
        out.append(xchacha20poly1305_decrypt(key, chunk_nonce(prefix, index, last), piece, h))
        pos += len(piece)
        index += 1
        if last:
            if pos != len(sealed):
                raise ValueError("trailing data")
            return b"".join(out)


# --- Self-tests of the primitives against the XChaCha draft --------------------------------------

def _self_test():
    # draft-irtf-cfrg-xchacha-03, 2.2.1: HChaCha20 test vector.
    k = bytes(range(32))
    n = bytes.fromhex("000000090000004a0000000031415927")
    assert hchacha20(k, n).hex() == "82413b4227b27bfed30e42508a877d73a0f9e4d58a74a853c12ec41326d3ecdc"
    # draft-irtf-cfrg-xchacha-03, A.3.1: AEAD_XChaCha20_Poly1305 test vector.
    pt = (b"Ladies and Gentlemen of the class of '99: If I could offer you only one tip for "
          b"the future, sunscreen would be it.")
    ct = xchacha20poly1305_encrypt(bytes(range(0x80, 0xA0)), bytes(range(0x40, 0x58)), pt,
                                   bytes.fromhex("50515253c0c1c2c3c4c5c6c7"))
    assert ct.hex() == (
        "bd6d179d3e83d43b9576579493c0e939572a1700252bfaccbed2902c21396cbb"
        "731c7f1b0b4aa6440bf3a82f4eda7e39ae64c6708c54c216cb96b72e1213b452"
        "2f8c9ba40db5d945b11b69b982c1bb9e3f3fac2bc369488f76b2383565d3fff9"
        "21f9664c97637da9768812f615c68b13b52e"
        "c0875924c1c7987947deafd8780acf49")


# --- The known-answer vectors of docs/sealed-format.md -------------------------------------------

KEY = bytes(range(32))                 # 00 01 02 ... 1f
PREFIX = bytes(range(0xA0, 0xB3))      # a0 a1 ... b2 (19 bytes)

EXPECTED_EMPTY = (
    "4147435345414c010100010000a0a1a2a3a4a5a6a7a8a9aaabacadaeafb0b1b2"
    "5d77f03051152f667a1210f85468ad3f")
EXPECTED_PROFILE = (
    "4147435345414c010100010000a0a1a2a3a4a5a6a7a8a9aaabacadaeafb0b1b2"
    "d0a46897b5e70cfe68a4d53e40509183d181bb38"
    "be93ddaa0cab6faa718c4ccd6a201956")
EXPECTED_65537_SHA256 = "3eb0f3b2d97c6b36d02184577e7b47adc92b34f9c17dc9e76b8ade077d35732a"
EXPECTED_65537_FINAL_CHUNK = "946641136ea193dbac78236ee419d6dd84"


def main():
    _self_test()
    ok = True

    empty = seal(KEY, PREFIX, b"")
    profile = seal(KEY, PREFIX, b"AGC profile picture\n")
    big_pt = bytes(i % 251 for i in range(65537))
    big = seal(KEY, PREFIX, big_pt)

    for sealed, pt in ((empty, b""), (profile, b"AGC profile picture\n"), (big, big_pt)):
        assert open_sealed(KEY, sealed) == pt

    print("vector 1 (empty plaintext), %d bytes:\n%s" % (len(empty), empty.hex()))
    print("vector 2 ('AGC profile picture\\n'), %d bytes:\n%s" % (len(profile), profile.hex()))
    print("vector 3 (65537 bytes, byte i = i mod 251), %d bytes" % len(big))
    print("  sha256: %s" % hashlib.sha256(big).hexdigest())
    print("  final chunk (sealed[%d:]): %s" % (HEADER_LEN + 65536 + TAG_LEN, big[HEADER_LEN + 65536 + TAG_LEN:].hex()))

    for name, got, want in (("vector 1", empty.hex(), EXPECTED_EMPTY),
                            ("vector 2", profile.hex(), EXPECTED_PROFILE),
                            ("vector 3", hashlib.sha256(big).hexdigest(), EXPECTED_65537_SHA256),
                            ("vector 3 final chunk", big[HEADER_LEN + 65536 + TAG_LEN:].hex(),
                             EXPECTED_65537_FINAL_CHUNK)):
        if want is None:
            print("%s: no expected value recorded" % name)
            ok = False
        elif got != want:
            print("%s: MISMATCH with docs/sealed-format.md" % name)
            ok = False
        else:
            print("%s: matches docs/sealed-format.md" % name)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
