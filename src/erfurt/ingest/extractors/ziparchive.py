"""Zip archives: members become child files, within limits on count, size and ratio.

A member's declared size is not trusted: members are read with a byte budget, so a zip
bomb stops at the limit instead of filling the disk or memory. Members whose names could
escape a folder (``../``, absolute paths, drive letters) are refused with a warning.
"""

from __future__ import annotations

import zipfile
from pathlib import Path, PurePosixPath

from erfurt.ingest.extractors.result import Child, Extraction, ExtractOptions, Page, failed

__all__ = ["extract_zip"]

NAME = "zip"
VERSION = "1 (python zipfile)"
MEDIA_TYPE = "application/zip"
_CHUNK = 1024 * 1024
# Ordinary files compress by up to a few hundred times; the ratio limit only applies
# once expansion is large enough to matter.
_RATIO_FLOOR_BYTES = 16 * 1024 * 1024


class _Bomb(Exception):
    pass


def extract_zip(path: Path, options: ExtractOptions) -> Extraction:
    """List a zip's members as the text and return them as children.

    Fails (without raising) when the archive exceeds the member count, expanded size or
    compression ratio limits, or is not a readable zip.
    """
    try:
        with zipfile.ZipFile(path) as archive:
            members = [m for m in archive.infolist() if not m.is_dir()]
            if len(members) > options.zip_max_members:
                return _too_big(
                    f"{len(members)} members, over the limit of {options.zip_max_members}"
                )
            children, warnings = _read_members(archive, members, path.stat().st_size, options)
    except _Bomb as exc:
        return _too_big(str(exc))
    except (zipfile.BadZipFile, zipfile.LargeZipFile, NotImplementedError, EOFError) as exc:
        return failed(
            NAME,
            VERSION,
            MEDIA_TYPE,
            f"not a readable zip: {exc}",
            "the file is corrupt, truncated or uses an unsupported compression; "
            "its original is preserved as it is",
        )
    except RuntimeError as exc:  # zipfile's error for encrypted members
        return failed(
            NAME,
            VERSION,
            MEDIA_TYPE,
            f"encrypted zip: {exc}",
            "decrypt it with its password and add the result",
        )
    listing = "\n".join(child.name for child in children)
    return Extraction(
        NAME,
        VERSION,
        MEDIA_TYPE,
        pages=(Page(listing),),
        children=tuple(children),
        warnings=warnings,
    )


def _read_members(
    archive: zipfile.ZipFile, members: list[zipfile.ZipInfo], packed: int, options: ExtractOptions
) -> tuple[list[Child], tuple[str, ...]]:
    children: list[Child] = []
    warnings: list[str] = []
    expanded = 0
    for member in members:
        if not _is_safe(member.filename):
            warnings.append(
                f"member {member.filename!r} refused: its name leaves the archive's folder"
            )
            continue
        chunks: list[bytes] = []
        with archive.open(member) as stream:
            while chunk := stream.read(_CHUNK):
                expanded += len(chunk)
                if expanded > options.zip_max_expanded_bytes:
                    raise _Bomb(
                        f"expands to more than {options.zip_max_expanded_bytes} bytes (the limit)"
                    )
                if expanded > _RATIO_FLOOR_BYTES and expanded > options.zip_max_ratio * max(
                    packed, 1
                ):
                    raise _Bomb(
                        f"expands more than {options.zip_max_ratio} times its size (the limit)"
                    )
                chunks.append(chunk)
        children.append(Child(member.filename, b"".join(chunks)))
    return children, tuple(warnings)


def _is_safe(name: str) -> bool:
    normal = name.replace("\\", "/")
    pure = PurePosixPath(normal)
    return not (pure.is_absolute() or ".." in pure.parts or (len(normal) > 1 and normal[1] == ":"))


def _too_big(reason: str) -> Extraction:
    return failed(
        NAME,
        VERSION,
        MEDIA_TYPE,
        f"zip refused as a possible zip bomb: {reason}",
        "if the archive is genuine, unpack it yourself and add its folder",
    )
