"""The server's side of intake: receive submissions, deliver and show replies.

A submission is encrypted chunk by chunk as it arrives (:class:`Submission`): its plaintext
is never written anywhere. The envelope becomes a blob, and an ``intake.received`` record
(the blob, its size, the day) starts its custody in the log. Times are kept to the day only.
"""

from __future__ import annotations

import base64
import os
import tempfile
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from erfurt.archive import Archive, Record
from erfurt.errors import ConfigError, InputError
from erfurt.intake.bundle import BundleWriter, EntryKind
from erfurt.intake.codename import form_codename, new_codename, source_id, source_key
from erfurt.intake.envelope import CHUNK, EnvelopeWriter, key_id, sealed_size
from erfurt.intake.keys import IntakePublicKey, read_public_key
from erfurt.intake.replies import open_reply, parse_reply
from erfurt.intake.store import IntakeStore

__all__ = ["IntakeDesk", "ShownReply", "Submission", "TooLarge", "public_key_path"]


def public_key_path(archive: Archive) -> Path:
    """Where an archive keeps the intake public key (``erfurt intake enable`` puts it there)."""
    return archive.paths.private / "intake-public.key"


class TooLarge(InputError):
    """A submission went over the size limit: nothing of it is kept."""


@dataclass(frozen=True, slots=True)
class ShownReply:
    """A reply as its source sees it."""

    id: str
    day: str
    message: str


class Submission:
    """One submission being received: entries are encrypted into a temporary envelope.

    Call :meth:`keep` when everything arrived, or :meth:`discard`; nothing half-received
    stays on disk.
    """

    def __init__(self, desk: IntakeDesk, codename: str) -> None:
        self.codename = codename
        self._desk = desk
        self.limit = desk.plain_limit
        desk.archive.paths.tmp.mkdir(exist_ok=True)
        fd, name = tempfile.mkstemp(prefix="intake-", dir=desk.archive.paths.tmp)
        self._path = Path(name)
        self._file = os.fdopen(fd, "wb")
        self._envelope = EnvelopeWriter(desk.public.encrypt, self._file)
        self._bundle = BundleWriter(self)
        self.files = 0
        self.has_message = False
        source = source_id(desk.store.hash_key(), codename)
        reply_key = source_key(codename).public_key().public_bytes_raw()
        self._source = (source, reply_key)
        self._bundle.manifest(
            {"v": "1", "source": source, "reply_key": base64.b64encode(reply_key).decode()}
        )

    def write(self, data: bytes) -> None:
        """Encrypt bytes of the bundle; TooLarge past the limit."""
        if self._envelope.plain_size + len(data) > self.limit:
            raise TooLarge(
                f"the submission is larger than this server's limit of {self.limit:,} bytes",
                "send fewer or smaller files at a time (you can add more with your codename)",
            )
        self._envelope.write(data)

    def begin(self, kind: EntryKind, name: str) -> None:
        """Start a file (``F``) or the message (``T``)."""
        self._bundle.begin(kind, name)
        if kind == "F":
            self.files += 1
        self.has_message |= kind == "T"

    def data(self, data: bytes) -> None:
        """Content of the entry begun."""
        self._bundle.data(data)

    def end(self) -> None:
        """End the entry begun."""
        self._bundle.end()

    def keep(self) -> int:
        """Seal the envelope, preserve it and log its arrival; the record's index."""
        if not self.files and not self.has_message:
            self.discard()
            raise InputError("nothing was sent", "choose a file or write a message")
        try:
            self._envelope.finish()
            self._file.close()
            archive = self._desk.archive
            blob = archive.put_file(self._path)
            self._desk.store.add_source(*self._source)
            day = archive.now()[:10]
            _coarsen_mtime(archive.blob_path(blob.sha256), day)
            fields = {"blob": blob.sha256, "size": blob.size, "time": day}
            fields["key"] = key_id(self._desk.public.encrypt).hex()
            [index] = archive.append([Record("intake.received", fields)])
            return index
        finally:
            self.discard()

    def discard(self) -> None:
        """Throw away the temporary envelope."""
        self._file.close()
        self._path.unlink(missing_ok=True)


def _coarsen_mtime(path: Path, day: str) -> None:
    """Set a file's times to the start of ``day``, so that they tell no more than the record."""
    midnight = datetime.fromisoformat(day).replace(tzinfo=UTC).timestamp()
    os.utime(path, (midnight, midnight))


class IntakeDesk:
    """Intake for the served ``archive``; ConfigError if no intake key was enabled."""

    def __init__(self, archive: Archive) -> None:
        path = public_key_path(archive)
        if not path.exists():
            raise ConfigError(
                "this archive takes no submissions: it has no intake public key",
                "create a key offline with `erfurt intake keygen`, then run "
                "`erfurt intake enable` with its .pub file",
            )
        self.archive = archive
        self.public: IntakePublicKey = read_public_key(path)
        self.store = IntakeStore(archive.paths)
        limit = archive.config.max_file_size
        # The plaintext allowed, so that its envelope stays within the blob limit.
        self.plain_limit = (limit - sealed_size(0)) * CHUNK // (CHUNK + 16) - CHUNK

    def close(self) -> None:
        """Close the intake database."""
        self.store.close()

    def submission(self, codename: str | None = None, *, form_key: str = "") -> Submission:
        """Begin a submission by the source holding ``codename``, else by a new source:
        the one the new-source form's ``form_key`` stands for (the same codename each
        time that form is sent, see :func:`~erfurt.intake.codename.form_codename`), else
        one with a fresh codename. InputError for a ``form_key`` no form gave."""
        if codename is None and form_key:
            try:
                codename = form_codename(self.store.hash_key(), form_key, time.time())
            except ValueError as exc:
                raise InputError(
                    "this form is damaged: its key is not one this server gave",
                    "reload the page and send again",
                ) from exc
        return Submission(self, codename or new_codename())

    def deliver(self, data: bytes) -> str:
        """Keep a signed reply file for its source; its id. InputError if refused."""
        reply = parse_reply(data, self.public.verify)
        if self.store.reply_key(reply.source) is None:
            raise InputError(
                "no source with this reply's source id has submitted here",
                "check the source id, from the submission's manifest",
            )
        if not self.store.deliver(reply.id, reply.source, self.archive.now()[:10], data):
            raise InputError(
                f"reply {reply.id} was delivered before: a reply is delivered once",
                "write a new reply with `erfurt intake reply`",
            )
        return reply.id

    def replies(self, codename: str) -> list[ShownReply]:
        """The replies the source holding ``codename`` can read (none for an unknown one)."""
        source = source_id(self.store.hash_key(), codename)
        key = source_key(codename)
        shown = []
        for reply_id, day, body in self.store.replies(source):
            try:
                reply = parse_reply(body, self.public.verify)
            except InputError:
                continue
            message = open_reply(reply, key)
            if message is not None and reply.id == reply_id and reply.source == source:
                shown.append(ShownReply(reply_id, day, message))
        return shown

    def delete_reply(self, codename: str, reply: str) -> bool:
        """Delete a reply of the source holding ``codename``."""
        return self.store.delete_reply(source_id(self.store.hash_key(), codename), reply)
