"""What an extractor returns: text per page, word boxes, child files, or why it failed."""

from __future__ import annotations

from dataclasses import dataclass, field

__all__ = ["Child", "ExtractOptions", "Extraction", "Page", "WordBox", "engines_of", "failed"]

MiB = 1024 * 1024
TIME_LIMIT_HINT = "raise extract_time_limit in erfurt.toml, then run: erfurt add --retry-failed"


@dataclass(frozen=True, slots=True)
class ExtractOptions:
    """Limits and inputs that bound one file's extraction.

    ``time_limit_s`` is enforced by the worker pool (the worker is killed), the others
    by the extractors themselves. ``pdf_passwords`` are tried in order on encrypted PDFs.
    """

    max_file_bytes: int = 512 * MiB
    time_limit_s: int = 300
    zip_max_members: int = 10_000
    zip_max_expanded_bytes: int = 1024 * MiB
    zip_max_ratio: int = 100
    max_pages: int = 5_000
    ocr_dpi: int = 300
    ocr_languages: tuple[str, ...] = ("eng", "chi_sim", "chi_tra")
    pdf_passwords: tuple[str, ...] = field(default=(), repr=False)


@dataclass(frozen=True, slots=True)
class WordBox:
    """One word or line that OCR found, in pixels of the page image, with confidence 0-100."""

    text: str
    left: int
    top: int
    width: int
    height: int
    confidence: int


@dataclass(frozen=True, slots=True)
class Page:
    """The text of one page (or sheet, or the whole of a one-page format).

    For OCR pages only (empty or None otherwise): ``words`` the boxes of the words or
    lines read; ``language`` the script found (``zh-Hans``, ``zh-Hant``, ``en``,
    ``zh-Hans+en``, ...); ``width``/``height`` the size in pixels of the image the boxes
    refer to, after turning it by ``rotation`` degrees clockwise to read it;
    ``confidence`` 0-100; ``engines`` the OCR engines and versions that read it,
    ``models`` their models.
    """

    text: str
    words: tuple[WordBox, ...] = ()
    language: str = ""
    width: int = 0
    height: int = 0
    confidence: int | None = None
    rotation: int = 0
    engines: tuple[str, ...] = ()
    models: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Child:
    """A file found inside another (an e-mail attachment, a zip member)."""

    name: str
    data: bytes


@dataclass(frozen=True, slots=True)
class Extraction:
    """The outcome of extracting one file.

    ``failure`` is empty on success; otherwise it says why nothing could be extracted and
    ``hint`` what to do. ``warnings`` are problems that did not stop extraction (bytes
    invalid in the declared charset, zip members refused).
    """

    extractor: str
    version: str
    media_type: str
    pages: tuple[Page, ...] = ()
    children: tuple[Child, ...] = ()
    warnings: tuple[str, ...] = ()
    failure: str = ""
    hint: str = ""

    @property
    def text(self) -> str:
        """All pages, separated by form feeds (the text blob's format)."""
        return "\f".join(page.text for page in self.pages)

    @property
    def ok(self) -> bool:
        """True when extraction did not fail (the text may still be empty)."""
        return not self.failure


def engines_of(pages: list[Page] | tuple[Page, ...]) -> str:
    """The OCR engines that read ``pages``, with their versions, ``; ``-separated."""
    return "; ".join(dict.fromkeys(e for page in pages for e in page.engines))


def failed(extractor: str, version: str, media_type: str, reason: str, hint: str) -> Extraction:
    """A failed extraction with its reason and what to do about it."""
    return Extraction(extractor, version, media_type, failure=reason, hint=hint)
