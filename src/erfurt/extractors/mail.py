"""E-mail (.eml): headers, bodies in any charset, attachments returned as child files."""

from __future__ import annotations

import email
import email.policy
import re
from email.errors import HeaderParseError
from email.header import decode_header, make_header
from email.message import EmailMessage, Message
from pathlib import Path
from typing import Any

from erfurt.errors import IngestError
from erfurt.extractors.html import html_to_text
from erfurt.extractors.result import Child, Extraction, ExtractOptions, Page
from erfurt.extractors.text import decode_text

__all__ = ["extract_email"]

NAME = "email"
VERSION = "3 (python email)"
MEDIA_TYPE = "message/rfc822"
_HEADERS = ("From", "To", "Cc", "Date", "Subject", "Message-ID")
# Python's parser of structured headers takes time quadratic in a header's length: a
# message to 16,000 addresses took 2.7 s and one to 64,000 about a minute. A longer header
# is shown with its encoded words decoded, without parsing its addresses.
_STRUCTURED_CHARS = 8_192
_FOLD = re.compile(r"\r?\n[ \t]")
# Its parser of parameters is as slow (a 470 KB Content-Type took 22 s), and these two
# are read for every part, by the parser itself too (is the part multipart?).
_PARAMETERISED = frozenset({"content-type", "content-disposition"})


class _BoundedPolicy(email.policy.EmailPolicy):
    """``email.policy.default``, except that a Content-Type or Content-Disposition
    longer than :data:`_STRUCTURED_CHARS` is read up to its last parameter within them."""

    def header_fetch_parse(self, name: str, value: str) -> Any:
        if _cut_short(name, value):
            value = _first_parameters(value)
        return super().header_fetch_parse(name, value)


_POLICY = _BoundedPolicy()


def _cut_short(name: str, value: str) -> bool:
    """Whether the header ``name: value`` is parsed only up to :data:`_STRUCTURED_CHARS`."""
    return len(value) > _STRUCTURED_CHARS and name.lower() in _PARAMETERISED


def _first_parameters(value: str) -> str:
    """``value`` cut to :data:`_STRUCTURED_CHARS`, at the end of a parameter if one ends there."""
    head = value[:_STRUCTURED_CHARS]
    cut = head.rfind(";")
    return head[:cut] if cut > 0 else head


def extract_email(path: Path, options: ExtractOptions) -> Extraction:
    """Extract an e-mail's headers and text; attachments become children.

    Bodies are decoded in their declared charset (invalid bytes replaced, with a warning).
    Every text body is kept, except an HTML body that is only an alternative of a plain
    one (``multipart/alternative``). Raises OSError if unreadable.
    """
    try:
        message = email.message_from_bytes(path.read_bytes(), policy=_POLICY)
        assert isinstance(message, EmailMessage)  # an EmailPolicy always builds EmailMessage
        body = _Body(warnings=[f"header defect: {type(d).__name__}" for d in message.defects])
        body.read(message)
    except RecursionError as exc:  # the parser, and our walk, go one call deeper a level
        raise IngestError(
            "its parts are nested inside each other deeper than Python's e-mail parser "
            "can follow (some 900 levels; no real message comes near)",
            "its original is preserved as it is; to search its text, open it in a mail "
            "program, save the parts that hold text and add those",
        ) from exc
    lines = [f"{name}: {text}" for name in _HEADERS if (text := _header(message, name)) is not None]
    if body.children:
        lines.append("Attachments: " + ", ".join(child.name for child in body.children))
    text = "\n".join(lines) + "\n\n" + "\n\n".join(body.texts)
    return Extraction(
        NAME,
        VERSION,
        MEDIA_TYPE,
        pages=(Page(text),),
        children=tuple(body.children),
        warnings=tuple(body.warnings),
    )


def _header(message: EmailMessage, name: str) -> str | None:
    """The first ``name`` header as text: parsed as its kind (addresses, a date...), or,
    when longer than :data:`_STRUCTURED_CHARS`, with only its encoded words decoded."""
    raw = next((v for k, v in message.raw_items() if k.lower() == name.lower()), None)
    if raw is None:
        return None
    if len(raw) <= _STRUCTURED_CHARS:
        return str(message[name])
    unfolded = _FOLD.sub(" ", raw).strip()
    try:
        return str(make_header(decode_header(unfolded)))
    except (HeaderParseError, LookupError, UnicodeError, ValueError):
        return unfolded


class _Body:
    """The texts, attachments and warnings found walking a message's parts."""

    def __init__(self, warnings: list[str]) -> None:
        self.texts: list[str] = []
        self.children: list[Child] = []
        self.warnings = warnings
        self._number = 0

    def read(self, part: Message) -> None:
        number = self._number
        self._number += 1
        for name, value in part.raw_items():
            if _cut_short(name, value):
                self.warnings.append(
                    f"part {number}: its {name} header is {len(value):,} characters long: "
                    f"only its first {_STRUCTURED_CHARS:,} were read"
                )
        if part.is_multipart():
            payload = part.get_payload()
            subparts = (
                [p for p in payload if isinstance(p, Message)] if isinstance(payload, list) else []
            )
            if part.get_content_subtype() == "alternative":
                subparts = _preferred_alternative(subparts)
            for subpart in subparts:
                self.read(subpart)
            return
        filename = part.get_filename()
        content_type = part.get_content_type()
        if (
            filename
            or part.get_content_disposition() == "attachment"
            or (not content_type.startswith("text/"))
        ):
            payload = part.get_payload(decode=True)
            if isinstance(payload, bytes):
                self.children.append(Child(filename or f"part-{number}", payload))
            return
        payload = part.get_payload(decode=True)
        data = payload if isinstance(payload, bytes) else b""
        charset = _charset(part)
        if content_type == "text/html":
            text, warnings = html_to_text(data, charset)
        else:
            text, _, warnings = decode_text(data, charset)
        self.texts.append(text)
        self.warnings += [f"part {number}: {w}" for w in warnings]


def _preferred_alternative(parts: list[Message]) -> list[Message]:
    """Of the versions of one body, the plain text one when there is one."""
    plain = [p for p in parts if p.get_content_type() == "text/plain"]
    return plain[:1] or parts[-1:]


def _charset(part: Message) -> str | None:
    try:
        return part.get_content_charset()
    except (ValueError, LookupError):  # a malformed parameter: detect instead
        return None
