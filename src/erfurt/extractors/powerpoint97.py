"""PowerPoint 97-2003 presentations (.ppt): one page per slide, its notes after it ([MS-PPT]).

A .ppt is a compound file whose ``PowerPoint Document`` stream is a sequence of records
(a type, a length, and for a container, more records inside). Saving appends: the
``Current User`` stream points at the last edit, each edit at the one before, and each
edit's persist directory says where, in the stream, the objects it wrote lie. Only the
objects the last edit reaches are read, so text deleted by a later save, still in the
file, is not taken for the presentation's text.

A slide's text is the placeholders' text kept in the document's list of slides, then the
text of the slide's other shapes (text boxes, tables), then its speaker notes. Masters
and layouts are not read. Objects embedded in the presentation (a workbook, a file
dropped in as a package) are compound files of their own, kept zlib-compressed in
ExOleObjStg records: :func:`presentation_objects` gives them, inflated within a limit,
as children. Hostile input fails with a reason: a record longer than what holds it, a
chain of edits that loops, an object outside the stream; containers are followed 32
levels deep at most, and each object is read once.
"""

from __future__ import annotations

import struct
import zlib
from collections.abc import Iterator
from dataclasses import dataclass

from erfurt.errors import IngestError
from erfurt.extractors.result import Child, Page

__all__ = ["presentation_objects", "presentation_pages"]


_HEADER = struct.Struct("<HHI")  # recVer and recInstance, recType, recLen
_CONTAINER = 0xF  # the recVer of a container
_DEEPEST = 32
_CURRENT_USER, _USER_EDIT, _PERSIST_DIRECTORY = 0x0FF6, 0x0FF5, 0x1772
_DOCUMENT, _SLIDE_LIST, _SLIDE_PERSIST, _SLIDE, _SLIDE_ATOM = 0x03E8, 0x0FF0, 0x03F3, 0x03EE, 0x03EF
_TEXT_CHARS, _TEXT_BYTES = 0x0FA0, 0x0FA8
_OBJECT_LIST, _EMBEDDED, _OBJECT_ATOM, _OBJECT_STORAGE = 0x0409, 0x0FCC, 0x0FC3, 0x1011
_COMPRESSED = 1  # the recInstance of an ExOleObjStg kept zlib-compressed
_SLIDES, _NOTES = 0, 2  # the recInstance of a list of slides, of notes
_ENCRYPTED_TOKEN = 0xF3D1C4DF
_MARKS = str.maketrans({"\r": "\n", "\x0b": "\n"})


@dataclass(frozen=True, slots=True)
class _Record:
    kind: int
    instance: int
    start: int  # of its data
    end: int
    container: bool


def presentation_pages(document: bytes, current_user: bytes) -> tuple[Page, ...]:
    """The pages of a presentation, from its ``PowerPoint Document`` and ``Current User``
    streams. Raises :class:`IngestError` for an encrypted or damaged presentation."""
    persist, top = _last_edit(document, current_user)
    slides: list[tuple[int, list[str]]] = []  # a slide's object and its placeholders' text
    notes: dict[int, int] = {}  # a notes page's id -> its object
    for listed in _children(document, top, 1):
        if listed.kind != _SLIDE_LIST or listed.instance not in (_SLIDES, _NOTES):
            continue
        for record in _children(document, listed, 2):
            if record.kind == _SLIDE_PERSIST:
                if record.end - record.start < 16:
                    raise _damaged("a slide's persist record is cut short")
                reference, _, _, page_id = struct.unpack_from("<IIiI", document, record.start)
                if listed.instance == _SLIDES:
                    slides.append((reference, []))
                else:
                    notes[page_id] = reference
            elif (
                listed.instance == _SLIDES and slides and record.kind in (_TEXT_CHARS, _TEXT_BYTES)
            ):
                slides[-1][1].append(_text(document, record))
    read: set[int] = set()  # each object once, however many slides name it
    pages = []
    for reference, placeholders in slides:
        lines = [*placeholders]
        if reference not in read:
            read.add(reference)
            slide = _object(document, persist, reference)
            lines += [text for text in _texts(document, slide, 1) if text not in placeholders]
            notes_id = _notes_id(document, slide)
            if notes_id in notes and notes[notes_id] not in read:
                read.add(notes[notes_id])
                lines += _texts(document, _object(document, persist, notes[notes_id]), 1)
        pages.append(Page("\n".join(line.translate(_MARKS) for line in lines if line.strip())))
    return tuple(pages)


def presentation_objects(
    document: bytes, current_user: bytes, most: int
) -> tuple[tuple[Child, ...], tuple[str, ...]]:
    """The OLE objects embedded in a presentation, each a compound file named
    ``oleObject<id>.bin`` (as a pptx names them), inflated to ``most`` bytes in all at
    most; and a warning for each that could not be read (the slides' text does not
    depend on them). Linked objects hold no data and are not listed."""
    persist, top = _last_edit(document, current_user)
    children: list[Child] = []
    warnings: list[str] = []
    for listed in _children(document, top, 1):
        if listed.kind != _OBJECT_LIST:
            continue
        for embedded in _children(document, listed, 2):
            atoms = [
                r
                for r in (_children(document, embedded, 3) if embedded.container else ())
                if r.kind == _OBJECT_ATOM and r.end - r.start >= 24
            ]
            if embedded.kind != _EMBEDDED or not atoms:
                continue
            # ExOleObjAtom: drawAspect, type, exObjId, subType, persistIdRef, unused
            object_id, reference = struct.unpack_from("<I4xI", document, atoms[0].start + 8)
            try:
                data = _inflated(document, _object(document, persist, reference), most)
            except IngestError as exc:
                warnings.append(f"embedded object {object_id} could not be read: {exc.message}")
                continue
            most -= len(data)
            children.append(Child(f"oleObject{object_id}.bin", data))
    return tuple(children), tuple(warnings)


def _inflated(document: bytes, storage: _Record, most: int) -> bytes:
    """The compound file an ExOleObjStg record holds, inflated if compressed; no more
    than ``most`` bytes (a small record can inflate to gigabytes)."""
    if storage.kind != _OBJECT_STORAGE:
        raise IngestError("its storage is not where the presentation says")
    data = document[storage.start : storage.end]
    if storage.instance != _COMPRESSED:
        if len(data) > most:
            raise IngestError(f"{len(data):,} bytes, more than the {most:,} left of the limit")
        return data
    if len(data) < 4:
        raise IngestError("its compressed storage is cut short")
    (declared,) = struct.unpack_from("<I", data)
    if declared > most:
        raise IngestError(
            f"it inflates to {declared:,} bytes, more than the {most:,} left of the limit "
            "(extract_expand_bytes)"
        )
    inflater = zlib.decompressobj()
    try:
        inflated = inflater.decompress(data[4:], declared + 1)
    except zlib.error as exc:
        raise IngestError(f"its compressed storage is damaged ({exc})") from exc
    if len(inflated) != declared:
        raise IngestError(f"it inflates to other than the {declared:,} bytes it declares")
    return inflated


def _last_edit(document: bytes, current_user: bytes) -> tuple[dict[int, int], _Record]:
    """The persist directory as the last edit left it, and the document record."""
    edit = _current_edit(current_user, document)
    persist = _persist_directory(document, edit)
    (reference,) = struct.unpack_from("<I", document, _record_at(document, edit).start + 16)
    top = _object(document, persist, reference)  # the edit's docPersistIdRef
    if top.kind != _DOCUMENT:
        raise _damaged("its document record is not where its last edit says")
    return persist, top


def _current_edit(current_user: bytes, document: bytes) -> int:
    """Where in ``document`` the last edit's UserEditAtom lies."""
    if len(current_user) < 20:
        raise _damaged("its Current User stream is cut short")
    _, kind, _ = _HEADER.unpack_from(current_user, 0)
    _, token, offset = struct.unpack_from("<III", current_user, 8)
    if kind != _CURRENT_USER:
        raise _damaged("its Current User stream does not start as PowerPoint's does")
    if token == _ENCRYPTED_TOKEN:
        raise _encrypted()
    if offset + _HEADER.size > len(document):
        raise _damaged("its last edit lies outside the document stream")
    return int(offset)


def _persist_directory(document: bytes, edit: int) -> dict[int, int]:
    """Where each object lies, by its persist id: the last edit's directory first, then
    each earlier edit's for the ids no later one wrote."""
    directory: dict[int, int] = {}
    seen: set[int] = set()
    while edit and edit not in seen:
        seen.add(edit)
        record = _record_at(document, edit)
        if record.kind != _USER_EDIT or record.end - record.start < 28:
            raise _damaged("an edit record is not where the one after it says")
        previous, at = struct.unpack_from("<II", document, record.start + 8)
        entries = _record_at(document, at)
        if entries.kind != _PERSIST_DIRECTORY:
            raise _damaged("an edit's persist directory is not where the edit says")
        position = entries.start
        while position + 4 <= entries.end:
            (packed,) = struct.unpack_from("<I", document, position)
            first, count = packed & 0xFFFFF, packed >> 20
            position += 4
            if position + 4 * count > entries.end:
                raise _damaged("a persist directory entry runs past its record")
            for n, offset in enumerate(struct.unpack_from(f"<{count}I", document, position)):
                directory.setdefault(first + n, offset)
            position += 4 * count
        edit = previous
    if edit:
        raise _damaged("its chain of edits loops")
    return directory


def _object(document: bytes, persist: dict[int, int], reference: int) -> _Record:
    if reference not in persist:
        raise _damaged(f"object {reference} is named but not in any persist directory")
    return _record_at(document, persist[reference])


def _record_at(document: bytes, offset: int, limit: int | None = None) -> _Record:
    """The record whose header is at ``offset``; its data must end by ``limit`` (the
    stream's end if None)."""
    limit = len(document) if limit is None else limit
    if offset + _HEADER.size > limit:
        raise _damaged("a record lies outside what holds it")
    version, kind, length = _HEADER.unpack_from(document, offset)
    start = offset + _HEADER.size
    if start + length > limit:
        raise _damaged("a record is longer than what holds it")
    return _Record(kind, version >> 4, start, start + length, version & 0xF == _CONTAINER)


def _children(document: bytes, parent: _Record, depth: int) -> Iterator[_Record]:
    """The records directly inside the container ``parent``, ``depth`` levels down."""
    if depth > _DEEPEST:
        raise _damaged(f"its records nest more than {_DEEPEST} levels deep")
    position = parent.start
    while position + _HEADER.size <= parent.end:
        record = _record_at(document, position, parent.end)
        yield record
        position = record.end


def _texts(document: bytes, parent: _Record, depth: int) -> list[str]:
    """Every text record inside ``parent``, at any depth, in the order stored."""
    found: list[str] = []
    for record in _children(document, parent, depth):
        if record.kind in (_TEXT_CHARS, _TEXT_BYTES):
            found.append(_text(document, record))
        elif record.container:
            found += _texts(document, record, depth + 1)
    return found


def _text(document: bytes, record: _Record) -> str:
    data = document[record.start : record.end]
    if record.kind == _TEXT_CHARS:
        return data.decode("utf-16-le", errors="replace")
    return data.decode("latin-1")  # each byte the low byte of a UTF-16 code unit


def _notes_id(document: bytes, slide: _Record) -> int | None:
    """The id of the slide's notes page (its SlideAtom's notesIdRef), if it has one."""
    if slide.kind != _SLIDE:
        raise _damaged("a slide's object is not a slide")
    for record in _children(document, slide, 1):
        if record.kind == _SLIDE_ATOM and record.end - record.start >= 20:
            (notes_id,) = struct.unpack_from("<I", document, record.start + 16)
            return int(notes_id) or None
    return None


def _encrypted() -> IngestError:
    return IngestError(
        "an encrypted (password-protected) PowerPoint presentation; preserved without text",
        "nothing is lost; to search its text, open it with its password, save an "
        "unprotected copy as pptx or PDF and add that too",
    )


def _damaged(why: str) -> IngestError:
    return IngestError(
        f"a damaged PowerPoint 97-2003 presentation: {why}; preserved without text",
        "nothing is lost; if PowerPoint opens it, save it as pptx or PDF and add that too",
    )
