"""Debian's libtesseract 5, called in this process through its C API (``ctypes``).

A tesseract process per page cost about 0.3 s to start and load its model; here each
language's model is loaded once per worker (:func:`tesseract`) and pages are handed over
as pixels. The C API is the library's stable interface (``capi.h``): no headers, no
compiler and no Python package are needed, only the ``libtesseract5`` Debian package
that the tesseract program already depends on.

OpenMP: ``OMP_THREAD_LIMIT=1`` is set before the library (and its OpenMP runtime) is
loaded: parallelism comes from one worker per core, and tesseract's own threads make it
slower here.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import functools
import os
import threading
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from erfurt.errors import IngestError
from erfurt.extractors.result import TIME_LIMIT_HINT

__all__ = ["Orientation", "Tesseract", "library_version", "tesseract"]

_INSTALL_HINT = (
    "install it with: sudo bash scripts/system-packages.sh "
    "(tesseract-ocr, its libtesseract5 and its language packs)"
)
_PSM_OSD_ONLY = 0
_LEPTONICA_SILENT = 6  # L_SEVERITY_NONE


@dataclass(frozen=True, slots=True)
class Orientation:
    """What tesseract's orientation and script detection found on a page: the quarter
    turns (``degrees``, counter-clockwise, 0/90/180/270) its text is turned by, the
    confidence in that, the script's name (``Latin``, ``Han``, ...) and its confidence."""

    degrees: int
    confidence: float
    script: str
    script_confidence: float


@functools.cache
def _library() -> ctypes.CDLL:
    os.environ["OMP_THREAD_LIMIT"] = "1"  # read by libgomp when it loads, just below
    path = ctypes.util.find_library("tesseract") or "libtesseract.so.5"
    try:
        lib = ctypes.CDLL(path)
    except OSError as exc:
        raise IngestError(
            f"OCR needs libtesseract, which could not be loaded: {exc}", _INSTALL_HINT
        ) from exc
    leptonica = ctypes.util.find_library("lept")
    if leptonica:  # its messages ("Error in boxClipToRectangle") would go to stderr too
        ctypes.CDLL(leptonica).setMsgSeverity(_LEPTONICA_SILENT)
    handle, text, c_int, c_float = ctypes.c_void_p, ctypes.c_char_p, ctypes.c_int, ctypes.c_float
    for name, result, arguments in (
        ("TessVersion", text, []),
        ("TessBaseAPICreate", handle, []),
        ("TessBaseAPIInit3", c_int, [handle, text, text]),
        ("TessBaseAPISetPageSegMode", None, [handle, c_int]),
        ("TessBaseAPISetVariable", c_int, [handle, text, text]),
        ("TessBaseAPISetImage", None, [handle, handle, c_int, c_int, c_int, c_int]),
        ("TessBaseAPISetSourceResolution", None, [handle, c_int]),
        ("TessBaseAPIRecognize", c_int, [handle, handle]),
        ("TessBaseAPIGetTsvText", handle, [handle, c_int]),
        ("TessBaseAPIIsValidWord", c_int, [handle, text]),
        ("TessBaseAPIClear", None, [handle]),
        (
            "TessBaseAPIDetectOrientationScript",
            c_int,
            [
                handle,
                ctypes.POINTER(c_int),
                ctypes.POINTER(c_float),
                ctypes.POINTER(text),
                ctypes.POINTER(c_float),
            ],
        ),
        ("TessDeleteText", None, [handle]),
        ("TessMonitorCreate", handle, []),
        ("TessMonitorDelete", None, [handle]),
        ("TessMonitorSetDeadlineMSecs", None, [handle, c_int]),
    ):
        function = getattr(lib, name)
        function.restype, function.argtypes = result, arguments
    return lib


def library_version() -> str:
    """The loaded libtesseract's version, e.g. ``5.3.0``. Raises IngestError."""
    return str(_library().TessVersion().decode())


class Tesseract:
    """One tesseract engine with a language pack loaded; get it with :func:`tesseract`.
    Threads that share it take turns (a tesseract engine holds one page at a time)."""

    def __init__(self, language: str) -> None:
        self._lib = _library()
        self._api = self._lib.TessBaseAPICreate()
        # its warnings ("Invalid resolution 0 dpi") would go to the worker's stderr
        self.set_variable("debug_file", os.devnull)
        if self._lib.TessBaseAPIInit3(self._api, None, language.encode()) != 0:
            raise IngestError(
                f"tesseract could not load its {language!r} language pack", _INSTALL_HINT
            )
        self.language = language
        self._turn = threading.Lock()

    def set_variable(self, name: str, value: str) -> None:
        """Set one of tesseract's parameters (``tesseract --print-parameters``)."""
        self._lib.TessBaseAPISetVariable(self._api, name.encode(), value.encode())

    def tsv(
        self, grey: NDArray[np.uint8], psm: int, time_limit_s: int, dpi: int | None = None
    ) -> str:
        """Tesseract's reading of the grey image, as the ``tsv`` table the program
        prints (with page segmentation mode ``psm``; ``dpi``: the image's resolution if
        known). Raises IngestError when it runs past ``time_limit_s``."""
        with self._turn:
            return self._tsv(grey, psm, time_limit_s, dpi)

    def _tsv(self, grey: NDArray[np.uint8], psm: int, time_limit_s: int, dpi: int | None) -> str:
        self._lib.TessBaseAPISetPageSegMode(self._api, psm)
        pixels = self._set_image(grey, dpi)
        monitor = self._lib.TessMonitorCreate()
        try:
            self._lib.TessMonitorSetDeadlineMSecs(monitor, max(1, time_limit_s) * 1000)
            if self._lib.TessBaseAPIRecognize(self._api, monitor) != 0:
                raise IngestError(
                    f"OCR took longer than the limit of {time_limit_s} s and was stopped",
                    TIME_LIMIT_HINT,
                )
            text = self._lib.TessBaseAPIGetTsvText(self._api, 0)
            try:
                return ctypes.string_at(text).decode("utf-8", "replace") if text else ""
            finally:
                self._lib.TessDeleteText(text)
        finally:
            self._lib.TessMonitorDelete(monitor)
            self._lib.TessBaseAPIClear(self._api)
            del pixels

    def orientation(self, grey: NDArray[np.uint8], dpi: int) -> Orientation | None:
        """Orientation and script detection (needs the ``osd`` pack) on the grey image;
        None when too few characters were found to tell."""
        with self._turn:
            return self._orientation(grey, dpi)

    def _orientation(self, grey: NDArray[np.uint8], dpi: int) -> Orientation | None:
        self._lib.TessBaseAPISetPageSegMode(self._api, _PSM_OSD_ONLY)
        pixels = self._set_image(grey, dpi)
        degrees, confidence, script_confidence = (
            ctypes.c_int(),
            ctypes.c_float(),
            ctypes.c_float(),
        )
        script = ctypes.c_char_p()
        try:
            found = self._lib.TessBaseAPIDetectOrientationScript(
                self._api,
                ctypes.byref(degrees),
                ctypes.byref(confidence),
                ctypes.byref(script),
                ctypes.byref(script_confidence),
            )
        finally:
            self._lib.TessBaseAPIClear(self._api)
            del pixels
        if not found:
            return None
        name = (script.value or b"").decode("utf-8", "replace")
        return Orientation(degrees.value, confidence.value, name, script_confidence.value)

    def is_word(self, word: str) -> bool:
        """Whether ``word`` is in the language pack's dictionary."""
        with self._turn:
            return bool(self._lib.TessBaseAPIIsValidWord(self._api, word.encode()))

    def _set_image(self, grey: NDArray[np.uint8], dpi: int | None) -> NDArray[np.uint8]:
        """Hand ``grey`` to tesseract; the array returned must live until it is done."""
        pixels = np.ascontiguousarray(grey, dtype=np.uint8)
        height, width = pixels.shape
        self._lib.TessBaseAPISetImage(self._api, pixels.ctypes.data, width, height, 1, width)
        if dpi is not None:
            self._lib.TessBaseAPISetSourceResolution(self._api, dpi)
        return pixels


@functools.cache
def tesseract(language: str) -> Tesseract:
    """This process's tesseract engine for ``language`` (e.g. ``chi_tra``, ``osd``),
    loaded on first use. Raises IngestError when the library or the pack is missing."""
    return Tesseract(language)
