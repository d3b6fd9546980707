"""A second, deliberately naive implementation confirms what LogWriter writes.

Nothing from erfurt.log is used to *check*: the bundles are parsed by hand, the root is
RFC 6962 §2.1's recursive MTH over the raw entries, the checkpoint signature is checked
with `cryptography` directly against the vkey, and receipts are compared with RFC 6962
§2.1.1's recursive PATH.
"""

from __future__ import annotations

import base64
import hashlib
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from erfurt.log import LogReader, LogWriter, Signer, format_proof

ORIGIN = "independent.example/log"


def mth(entries: list[bytes]) -> bytes:
    if not entries:
        return hashlib.sha256(b"").digest()
    if len(entries) == 1:
        return hashlib.sha256(b"\x00" + entries[0]).digest()
    k = 1
    while k * 2 < len(entries):
        k *= 2
    return hashlib.sha256(b"\x01" + mth(entries[:k]) + mth(entries[k:])).digest()


def path(m: int, entries: list[bytes]) -> list[bytes]:
    if len(entries) == 1:
        return []
    k = 1
    while k * 2 < len(entries):
        k *= 2
    if m < k:
        return [*path(m, entries[:k]), mth(entries[k:])]
    return [*path(m - k, entries[k:]), mth(entries[:k])]


def read_entries(directory: Path, size: int) -> list[bytes]:
    entries: list[bytes] = []
    for n in range((size + 255) // 256):
        width = min(256, size - n * 256)
        digits = f"{n:03d}"  # fine below 1000 bundles
        name = digits if width == 256 else f"{digits}.p/{width}"
        data = (directory / "tile" / "entries" / name).read_bytes()
        pos = 0
        while pos < len(data):
            length = int.from_bytes(data[pos : pos + 2], "big")
            entries.append(data[pos + 2 : pos + 2 + length])
            pos += 2 + length
    return entries


def check_signed_checkpoint(note: bytes, vkey: str) -> tuple[str, int, bytes]:
    name, key_id, key = vkey.split("+", 2)
    raw_key = base64.b64decode(key)
    assert raw_key[0] == 1
    assert hashlib.sha256(name.encode() + b"\n" + raw_key).digest()[:4].hex() == key_id
    text, signatures = note.decode().rsplit("\n\n", 1)
    text += "\n"
    line = next(s for s in signatures.splitlines() if s.startswith(f"\u2014 {name} "))
    signature = base64.b64decode(line.split(" ")[2])
    assert signature[:4].hex() == key_id
    Ed25519PublicKey.from_public_bytes(raw_key[1:]).verify(signature[4:], text.encode())
    origin, size, root = text.splitlines()[:3]
    return origin, int(size), base64.b64decode(root)


def test_an_independent_verifier_agrees(tmp_path: Path) -> None:
    directory = tmp_path / "log"
    signer = Signer.generate(ORIGIN)
    written = [f"record {i}: {'x' * (i % 13)}".encode() for i in range(1000)]
    with LogWriter.open(directory, signer, ORIGIN) as writer:
        for start in range(0, 1000, 333):
            writer.append(written[start : start + 333])
        note = writer.checkpoint
    origin, size, root = check_signed_checkpoint(note, signer.verifier.vkey)
    assert (origin, size) == (ORIGIN, 1000)
    entries = read_entries(directory, size)
    assert entries == written
    assert mth(entries) == root
    reader = LogReader(directory)
    for index in (0, 1, 255, 256, 511, 700, 999):
        receipt = format_proof(index, reader.inclusion_proof(index, size), note).decode()
        head, _, embedded = receipt.partition("\n\n")
        lines = head.splitlines()
        assert lines[:2] == ["c2sp.org/tlog-proof@v1", f"index {index}"]
        assert [base64.b64decode(h) for h in lines[2:]] == path(index, entries)
        assert check_signed_checkpoint(embedded.encode(), signer.verifier.vkey)[2] == root
