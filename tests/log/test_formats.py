"""Byte-exact round trips and strict parsing of every wire format."""

from __future__ import annotations

import base64

import pytest
from hypothesis import given
from hypothesis import strategies as st

from erfurt.log import (
    Checkpoint,
    FormatError,
    Hash,
    SignatureError,
    Signer,
    TlogProof,
    Verifier,
    format_proof,
    open_checkpoint,
    open_note,
    parse_proof,
    sign_note,
)
from erfurt.log.tiles import encode_bundle, parse_bundle

ROOT = Hash(bytes(range(32)))
names = st.text(
    st.characters(min_codepoint=0x21, max_codepoint=0x2FF, exclude_characters="+"), min_size=1
).filter(lambda name: not any(c.isspace() for c in name))
lines = st.text(st.characters(min_codepoint=0x20, max_codepoint=0x2FF), min_size=1)


@given(
    origin=lines,
    size=st.integers(0, 2**63),
    root=st.binary(min_size=32, max_size=32),
    extensions=st.lists(lines, max_size=3),
)
def test_checkpoint_round_trip(origin: str, size: int, root: bytes, extensions: list[str]) -> None:
    checkpoint = Checkpoint(origin, size, Hash(root), tuple(extensions))
    text = checkpoint.to_text()
    assert Checkpoint.from_text(text) == checkpoint
    assert Checkpoint.from_text(text).to_text() == text


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("a\n1\n", "at least 3"),
        ("a\n01\n" + base64.b64encode(ROOT).decode() + "\n", "line 2"),
        ("a\n-1\n" + base64.b64encode(ROOT).decode() + "\n", "line 2"),
        ("a\n1\nAAAA\n", "line 3: root hash is 3 bytes"),
        ("a\n1\n" + base64.b64encode(ROOT).decode(), "end with a newline"),
        ("a\n1\n" + base64.b64encode(ROOT).decode() + "\n\n", "line 4: empty"),
        ("\n1\n" + base64.b64encode(ROOT).decode() + "\n", "line 1: empty"),
        ("a\n1\n" + base64.b64encode(ROOT).decode().rstrip("=") + "\n", "line 3"),
    ],
)
def test_checkpoint_parse_is_strict(text: str, message: str) -> None:
    with pytest.raises(FormatError, match=message):
        Checkpoint.from_text(text)


@given(name=names, text=st.lists(lines, min_size=1, max_size=4))
def test_note_round_trip(name: str, text: list[str]) -> None:
    signer = Signer.generate(name)
    body = "".join(line + "\n" for line in text)
    note = sign_note(body, [signer])
    opened = open_note(note, [signer.verifier])
    assert opened.text == body
    assert sign_note(opened.text, [signer]) == note  # Ed25519 is deterministic
    assert Verifier.from_vkey(signer.verifier.vkey) == signer.verifier
    assert Signer.from_skey(signer.skey).skey == signer.skey


def test_note_signers_keep_their_order_and_unknown_ones_are_ignored() -> None:
    a, b, c = Signer.generate("a.example"), Signer.generate("b.example"), Signer.generate("c")
    note = sign_note("hello\n", [a, b, c])
    assert open_note(note, [c.verifier, a.verifier]).verified_by == ("a.example", "c")
    with pytest.raises(SignatureError, match="not signed by any trusted key"):
        open_note(note, [Signer.generate("a.example").verifier])


@pytest.mark.parametrize(
    ("note", "message"),
    [
        (b"hello\n", "no blank line"),
        (b"hello\n\n", "no signature lines"),
        (b"hello\n\nx\n", "em dash"),
        (b"he\x01llo\n\n\xe2\x80\x94 a AAAAAAA=\n", "control character"),
        (b"hello\n\n\xe2\x80\x94 a AAAAAAA=", "end with a newline"),
        (b"hello\n\n\xe2\x80\x94 a !!!!\n", "not valid base64"),
        (b"\xff\n\n", "UTF-8"),
    ],
)
def test_note_parse_is_strict(note: bytes, message: str) -> None:
    signer = Signer.generate("a")
    with pytest.raises(FormatError, match=message):
        open_note(note, [signer.verifier])


@pytest.mark.parametrize(
    "vkey",
    [
        "a+00000000",
        "a+00000000+AQ==",
        "a+00000000+" + base64.b64encode(b"\x02" + bytes(32)).decode(),
        "a b+00000000+" + base64.b64encode(b"\x01" + bytes(32)).decode(),
    ],
)
def test_bad_vkeys_are_rejected(vkey: str) -> None:
    with pytest.raises(FormatError):
        Verifier.from_vkey(vkey)


def test_vkey_with_wrong_key_id_is_rejected() -> None:
    vkey = Signer.generate("a").verifier.vkey
    name, key_id, key = vkey.split("+", 2)
    with pytest.raises(FormatError, match="does not match"):
        Verifier.from_vkey(f"{name}+{int(key_id, 16) ^ 1:08x}+{key}")


@given(
    index=st.integers(0, 2**63),
    proof=st.lists(st.binary(min_size=32, max_size=32), max_size=64),
    extra=st.none() | st.binary(max_size=100),
)
def test_tlog_proof_round_trip(index: int, proof: list[bytes], extra: bytes | None) -> None:
    note = sign_note(Checkpoint("o", index + 1, ROOT).to_text(), [Signer.generate("o")])
    data = format_proof(index, [Hash(p) for p in proof], note, extra)
    parsed = parse_proof(data)
    assert parsed == TlogProof(index, tuple(Hash(p) for p in proof), note, extra)
    assert format_proof(parsed.index, parsed.proof, parsed.checkpoint_note, parsed.extra) == data


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"c2sp.org/tlog-proof@v2\nindex 0\n\nx", "line 1"),
        (b"c2sp.org/tlog-proof@v1\nindex 01\n\nx", "line 2"),
        (b"c2sp.org/tlog-proof@v1\nextra AA==\n\nx", "line 3"),
        (b"c2sp.org/tlog-proof@v1\nindex 0\nAAAA\n\nx", "line 3: hash is 3 bytes"),
        (b"c2sp.org/tlog-proof@v1\nindex 0\n\n", "checkpoint"),
        (b"c2sp.org/tlog-proof@v1\nindex 0\n", "no blank line"),
    ],
)
def test_tlog_proof_parse_is_strict(data: bytes, message: str) -> None:
    with pytest.raises(FormatError, match=message):
        parse_proof(data)


@given(st.lists(st.binary(max_size=300), max_size=20))
def test_bundle_round_trip(entries: list[bytes]) -> None:
    data = encode_bundle(entries)
    assert parse_bundle(data, len(entries), "b") == entries
    assert encode_bundle(parse_bundle(data, len(entries), "b")) == data


def test_bundle_parse_names_the_position() -> None:
    data = encode_bundle([b"abc", b"defg"])
    with pytest.raises(FormatError, match="bundle: truncated at byte 10: entry 1 needs 4 bytes"):
        parse_bundle(data[:-1], 2, "bundle")
    with pytest.raises(FormatError, match="1 unexpected bytes"):
        parse_bundle(data + b"x", 2, "bundle")


def test_open_checkpoint_checks_key_name_and_origin() -> None:
    signer = Signer.generate("log.example")
    note = sign_note(Checkpoint("log.example", 1, ROOT).to_text(), [signer])
    assert open_checkpoint(note, signer.verifier, "log.example").tree_size == 1
    with pytest.raises(SignatureError, match="expected origin"):
        open_checkpoint(note, signer.verifier, "other.example")
    other = Signer.generate("other.example")
    foreign = sign_note(Checkpoint("log.example", 1, ROOT).to_text(), [other])
    with pytest.raises(SignatureError, match="not the name of the verifier key"):
        open_checkpoint(foreign, other.verifier)
    with pytest.raises(SignatureError, match="not signed by any trusted key"):
        open_checkpoint(foreign, signer.verifier)


def test_a_bad_signature_by_a_known_key_rejects_the_whole_note() -> None:
    known, other = Signer.generate("log.example"), Signer.generate("witness.example")
    note = sign_note("tree 1\n", [known, other])
    forged = note.replace(b"tree 1", b"tree 2")
    with pytest.raises(SignatureError, match=r"line 3: signature by trusted key log\.example"):
        open_note(forged, [known.verifier, other.verifier])
    # A good signature by another trusted key does not rescue it.
    good = sign_note("tree 2\n", [other])
    spliced = good + forged[forged.index("\u2014".encode()) :]
    with pytest.raises(SignatureError, match="does not verify"):
        open_note(spliced, [known.verifier, other.verifier])
