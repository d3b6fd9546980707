"""E-mail (.eml): headers, bodies in any charset, attachments returned as child files."""

from __future__ import annotations

import email
import email.policy
from email.message import EmailMessage, Message
from pathlib import Path

from erfurt.ingest.extractors.html import html_to_text
from erfurt.ingest.extractors.result import Child, Extraction, ExtractOptions, Page
from erfurt.ingest.extractors.text import decode_text

__all__ = ["extract_email"]

NAME = "email"
VERSION = "1 (python email)"
MEDIA_TYPE = "message/rfc822"
_HEADERS = ("From", "To", "Cc", "Date", "Subject", "Message-ID")


def extract_email(path: Path, options: ExtractOptions) -> Extraction:
    """Extract an e-mail's headers and text; attachments become children.

    Bodies are decoded in their declared charset (invalid bytes replaced, with a warning);
    an HTML body is used only when there is no plain-text one. Raises OSError if unreadable.
    """
    message = email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
    assert isinstance(message, EmailMessage)  # policy.default always builds EmailMessage
    lines = [f"{name}: {message[name]}" for name in _HEADERS if message[name] is not None]
    warnings: list[str] = list(_header_defects(message))
    plain: list[str] = []
    html: list[str] = []
    children: list[Child] = []
    for number, part in enumerate(message.walk()):
        if part.is_multipart():
            continue
        filename = part.get_filename()
        disposition = part.get_content_disposition()
        content_type = part.get_content_type()
        if filename or disposition == "attachment" or not content_type.startswith("text/"):
            payload = part.get_payload(decode=True)
            if isinstance(payload, bytes):
                children.append(Child(filename or f"part-{number}", payload))
            continue
        text, part_warnings = _part_text(part, number)
        warnings += part_warnings
        (html if content_type == "text/html" else plain).append(text)
    body = "\n\n".join(plain or html)
    if children:
        lines.append("Attachments: " + ", ".join(child.name for child in children))
    text = "\n".join(lines) + "\n\n" + body
    return Extraction(
        NAME,
        VERSION,
        MEDIA_TYPE,
        pages=(Page(text),),
        children=tuple(children),
        warnings=tuple(warnings),
    )


def _part_text(part: Message, number: int) -> tuple[str, tuple[str, ...]]:
    payload = part.get_payload(decode=True)
    data = payload if isinstance(payload, bytes) else b""
    charset = part.get_content_charset()
    if part.get_content_type() == "text/html":
        text, warnings = html_to_text(data, charset)
    else:
        text, _, warnings = decode_text(data, charset)
    return text, tuple(f"part {number}: {w}" for w in warnings)


def _header_defects(message: EmailMessage) -> tuple[str, ...]:
    return tuple(f"header defect: {type(d).__name__}" for d in message.defects)
