"""What an extractor returns: text per page, word boxes, child files, or why it failed."""

from __future__ import annotations

from dataclasses import dataclass, field

from erfurt.config import ArchiveConfig

__all__ = [
    "Child",
    "ExpansionBudget",
    "ExtractOptions",
    "Extraction",
    "Page",
    "WordBox",
    "engines_of",
    "failed",
]

MiB = 1024 * 1024
_RATIO_FLOOR_BYTES = 16 * MiB
TIME_LIMIT_HINT = "raise extract_time_limit in erfurt.toml, then run: erfurt add --retry-failed"
MEMORY_REASON = "extraction needed more memory than the limit allows and was stopped"
MEMORY_HINT = (
    "raise extract_memory_limit in erfurt.toml (if the machine has the memory), then run: "
    "erfurt add --retry-failed"
)
BUDGET_HINT = (
    "if the file is genuine, raise the extract_expand_* limits in erfurt.toml and run "
    "`erfurt add --retry-failed`, or unpack it yourself and add its folder"
)


@dataclass(frozen=True, slots=True)
class ExpansionBudget:
    """What the files inside one top-level file may still add, across all nesting levels.

    ``bytes`` and ``members`` are what is left for all of them together; ``depth`` how
    many more levels of containers may be unpacked (0: this file's members are not).
    """

    bytes: int
    members: int
    depth: int


@dataclass(frozen=True, slots=True)
class ExtractOptions:
    """Limits and inputs that bound one file's extraction.

    ``time_limit_s`` and ``memory_limit_bytes`` are enforced by the worker pool (the
    worker is stopped), the others by the extractors themselves. ``expand_*`` bound what
    one top-level file may unpack into, all nesting levels together (see
    :meth:`budget_for`); ``budget`` is what is left of it for the file being extracted
    (None: a top-level file). ``pdf_passwords`` are tried in order on encrypted PDFs.
    """

    max_file_bytes: int = 512 * MiB
    time_limit_s: int = 300
    memory_limit_bytes: int = 2048 * MiB
    expand_max_bytes: int = 256 * MiB
    expand_max_members: int = 1_000
    expand_max_depth: int = 5
    expand_max_ratio: int = 100
    budget: ExpansionBudget | None = None
    max_pages: int = 5_000
    max_page_pixels: int = 50_000_000
    ocr_dpi: int = 300
    ocr_languages: tuple[str, ...] = ("eng", "chi_sim", "chi_tra")
    pdf_passwords: tuple[str, ...] = field(default=(), repr=False)

    @classmethod
    def from_config(
        cls, config: ArchiveConfig, pdf_passwords: tuple[str, ...] = ()
    ) -> ExtractOptions:
        """The limits an archive's settings (``erfurt.toml``) set, for every extraction of it."""
        return cls(
            max_file_bytes=config.extract_max_size,
            time_limit_s=config.extract_time_limit,
            memory_limit_bytes=config.extract_memory_limit,
            expand_max_bytes=config.extract_expand_bytes,
            expand_max_members=config.extract_expand_members,
            expand_max_depth=config.extract_expand_depth,
            expand_max_ratio=config.extract_expand_ratio,
            max_page_pixels=config.extract_max_page_pixels,
            pdf_passwords=pdf_passwords,
        )

    def budget_left(self, size: int) -> ExpansionBudget:
        """What the file being extracted (of ``size`` bytes) may still unpack: the budget
        handed down with it (:attr:`budget`), else the whole of a top-level file's."""
        return self.budget or self.budget_for(size)

    def budget_for(self, size: int) -> ExpansionBudget:
        """The whole budget of a top-level file of ``size`` bytes.

        Its contents may expand to ``expand_max_ratio`` times its size, but never past
        ``expand_max_bytes``; small files always get the ratio floor of 16 MiB, since
        ordinary files compress by up to a few hundred times.
        """
        by_ratio = max(_RATIO_FLOOR_BYTES, self.expand_max_ratio * size)
        return ExpansionBudget(
            min(self.expand_max_bytes, by_ratio), self.expand_max_members, self.expand_max_depth
        )


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
    """A file found inside another (an e-mail attachment, a zip member).

    ``name_fields`` are optional ``document.added`` fields that keep the name as it was
    when ``name`` could not be it: its bytes when not UTF-8, or a name that could escape
    a folder (``../x``, ``/etc/x``).
    """

    name: str
    data: bytes
    name_fields: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True, slots=True)
class Extraction:
    """The outcome of extracting one file.

    ``failure`` is empty on success; otherwise it says why nothing (or, for a container
    over its expansion budget, not everything) could be extracted and ``hint`` what to
    do; ``children`` then holds what was within the budget. ``warnings`` are problems
    that did not stop extraction (bytes invalid in the declared charset).
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
