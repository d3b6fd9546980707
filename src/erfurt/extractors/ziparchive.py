"""Zip archives: members become child files, within the file's expansion budget.

A member's declared size is not trusted: members are read with a byte budget, so a zip
bomb stops at the limit instead of filling the disk or memory, and what was read within
the budget is kept. A member whose name could escape a folder (``../``, absolute paths,
drive letters) is kept under a safe name, its name as given recorded beside it; a name
that is not UTF-8 is read in the likeliest legacy encoding, its bytes kept.
"""

from __future__ import annotations

import zipfile
import zlib
from pathlib import Path

from erfurt.extractors.filenames import decode_name, safe_relative_name
from erfurt.extractors.result import (
    BUDGET_HINT,
    Child,
    ExpansionBudget,
    Extraction,
    ExtractOptions,
    Page,
    failed,
)

__all__ = ["extract_zip", "nested_too_deep", "over_budget", "read_members"]

NAME = "zip"
VERSION = "2 (python zipfile)"
MEDIA_TYPE = "application/zip"
_CHUNK = 1024 * 1024
_UTF8_FLAG = 0x800


def extract_zip(path: Path, options: ExtractOptions) -> Extraction:
    """List a zip's members as the text and return them as children.

    Fails (without raising) when the archive is not a readable zip, and when its members
    go over the expansion budget; then the members read within it are still returned.
    """
    budget = options.budget_left(path.stat().st_size)
    if budget.depth <= 0:
        return over_budget(NAME, VERSION, MEDIA_TYPE, (), nested_too_deep(options))
    children: list[Child] = []
    try:
        with zipfile.ZipFile(path) as archive:
            members = [m for m in archive.infolist() if not m.is_dir()]
            problem = read_members(archive, members, budget, children)
    except _UNREADABLE as exc:
        return _unreadable(f"not a readable zip: {exc}", children)
    except RuntimeError as exc:  # zipfile's error for encrypted members
        return failed(
            NAME,
            VERSION,
            MEDIA_TYPE,
            f"encrypted zip: {exc}",
            "decrypt it with its password and add the result",
        )
    if problem:
        return over_budget(NAME, VERSION, MEDIA_TYPE, children, problem)
    listing = "\n".join(child.name for child in children)
    return Extraction(NAME, VERSION, MEDIA_TYPE, pages=(Page(listing),), children=tuple(children))


# What zipfile raises for a damaged or hostile zip besides BadZipFile: a later "version"
# (NotImplementedError), a corrupt deflate stream (zlib.error), offsets and sizes past the
# end (OSError, ValueError, OverflowError), a member cut short (EOFError).
_UNREADABLE = (
    zipfile.BadZipFile,
    zipfile.LargeZipFile,
    NotImplementedError,
    zlib.error,
    OSError,
    ValueError,
    OverflowError,
    EOFError,
)


def over_budget(
    extractor: str,
    version: str,
    media_type: str,
    children: tuple[Child, ...] | list[Child],
    reason: str,
) -> Extraction:
    """A container that went over its expansion budget, with what was within it."""
    return Extraction(
        extractor,
        version,
        media_type,
        children=tuple(children),
        failure=f"{reason}; the {len(children)} files within the limit are kept",
        hint=BUDGET_HINT,
    )


def nested_too_deep(options: ExtractOptions) -> str:
    """The reason a container nested past ``expand_max_depth`` is not unpacked."""
    return f"containers nested deeper than {options.expand_max_depth} levels are not unpacked"


def read_members(
    archive: zipfile.ZipFile,
    members: list[zipfile.ZipInfo],
    budget: ExpansionBudget,
    children: list[Child],
) -> str:
    """Read members into ``children`` (under safe names, see :func:`_child`) until the
    budget runs out; return why, or ''."""
    expanded = 0
    for member in members:
        if len(children) >= budget.members:
            return (
                f"{len(members)} members, more than the {budget.members} files left "
                "of the limit (extract_expand_members)"
            )
        chunks: list[bytes] = []
        with archive.open(member) as stream:
            while chunk := stream.read(_CHUNK):
                expanded += len(chunk)
                if expanded > budget.bytes:
                    return (
                        f"expands to more than the {budget.bytes} bytes left of the limit "
                        "(extract_expand_bytes, or extract_expand_ratio times the added file)"
                    )
                chunks.append(chunk)
        children.append(_child(member, b"".join(chunks)))
    return ""


def _child(member: zipfile.ZipInfo, data: bytes) -> Child:
    if member.flag_bits & _UTF8_FLAG:
        raw = member.orig_filename.encode("utf-8", errors="surrogateescape")
    else:
        raw = member.orig_filename.encode("cp437")  # zipfile read the bytes as CP437
    decoded = decode_name(raw)
    fields = dict(decoded.record_fields())
    name = decoded.text
    safe = safe_relative_name(name)
    if safe != name:
        fields["unsafe_name"] = name
    return Child(safe, data, tuple(fields.items()))


def _unreadable(reason: str, children: list[Child]) -> Extraction:
    return Extraction(
        NAME,
        VERSION,
        MEDIA_TYPE,
        children=tuple(children),
        failure=reason,
        hint="the file is corrupt, truncated or uses an unsupported compression; "
        "its original is preserved as it is",
    )
