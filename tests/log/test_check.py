"""check_log recomputes everything and names the file when anything is wrong."""

from __future__ import annotations

import random
import shutil
from pathlib import Path

import pytest

from erfurt.log import LogError, Signer, check_log, leaf_hash, open_checkpoint, root_hash

from .conftest import make_log

ENTRIES = [f"entry {i}".encode() * (i % 7) for i in range(700)]


@pytest.fixture(scope="module")
def pristine(tmp_path_factory: pytest.TempPathFactory, signer: Signer) -> Path:
    directory = tmp_path_factory.mktemp("pristine") / "log"
    make_log(directory, signer, [ENTRIES[:300], ENTRIES[300:301], ENTRIES[301:]])
    return directory


def _published(directory: Path) -> list[str]:
    return sorted(
        str(p.relative_to(directory))
        for p in directory.rglob("*")
        if p.is_file() and ".state" not in p.parts
    )


@pytest.fixture()
def log_copy(pristine: Path, tmp_path: Path) -> Path:
    copy = tmp_path / "log"
    shutil.copytree(pristine, copy)
    return copy


def test_a_good_log_checks_out(pristine: Path, signer: Signer) -> None:
    result = check_log(pristine, signer.verifier)
    assert (result.tree_size, result.entries) == (700, 700)
    assert result.root_hash == root_hash([leaf_hash(e) for e in ENTRIES])
    note = (pristine / "checkpoint").read_bytes()
    assert result.root_hash == open_checkpoint(note, signer.verifier).root_hash
    assert result.tiles == len(_published(pristine)) - 1


def test_the_published_files_are_the_tlog_tiles_layout(pristine: Path) -> None:
    # Partial tiles stay while their tile is not full (an older checkpoint needs them);
    # tile/0/001.p/* went when tile/0/001 became full.
    assert _published(pristine) == [
        "checkpoint",
        "tile/0/000",
        "tile/0/001",
        "tile/0/002.p/188",
        "tile/1/000.p/1",
        "tile/1/000.p/2",
        "tile/entries/000",
        "tile/entries/001",
        "tile/entries/002.p/188",
    ]


@pytest.mark.parametrize("seed", range(3))
@pytest.mark.parametrize(
    "name",
    [
        "checkpoint",
        "tile/0/000",
        "tile/0/001",
        "tile/0/002.p/188",
        "tile/1/000.p/1",
        "tile/1/000.p/1",
        "tile/1/000.p/2",
        "tile/entries/000",
        "tile/entries/001",
        "tile/entries/002.p/188",
    ],
)
def test_one_changed_byte_anywhere_is_caught(
    log_copy: Path, signer: Signer, name: str, seed: int
) -> None:
    path = log_copy / name
    data = bytearray(path.read_bytes())
    rng = random.Random(f"{name}{seed}")
    data[rng.randrange(len(data))] ^= 1 << rng.randrange(8)
    path.write_bytes(bytes(data))
    with pytest.raises(LogError) as caught:
        check_log(log_copy, signer.verifier)
    assert name in str(caught.value)


@pytest.mark.parametrize("name", ["tile/0/001", "tile/1/000.p/2", "tile/entries/000", "checkpoint"])
def test_a_missing_file_is_caught(log_copy: Path, signer: Signer, name: str) -> None:
    (log_copy / name).unlink()
    with pytest.raises(LogError, match=f"{name}: missing"):
        check_log(log_copy, signer.verifier)


def test_a_truncated_bundle_is_caught(log_copy: Path, signer: Signer) -> None:
    path = log_copy / "tile/entries/001"
    path.write_bytes(path.read_bytes()[:-3])
    with pytest.raises(LogError, match="tile/entries/001: truncated at byte"):
        check_log(log_copy, signer.verifier)


def test_a_checkpoint_signed_by_another_key_is_caught(log_copy: Path, signer: Signer) -> None:
    with pytest.raises(LogError, match=r"checkpoint: .*not signed by any trusted key"):
        check_log(log_copy, Signer.generate(signer.name).verifier)
