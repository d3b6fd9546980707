"""Rendering pages: one Jinja2 environment (autoescape on) and the context every page gets."""

from __future__ import annotations

from pathlib import Path
from typing import Any
from urllib.parse import quote

from fastapi import Request, Response
from fastapi.responses import HTMLResponse
from jinja2 import Environment, FileSystemLoader, select_autoescape

from erfurt.archive import ANONYMOUS, Principal
from erfurt.errors import ConfigError
from erfurt.web.i18n import LANGUAGE_NAMES, LANGUAGES, choose_language, translate
from erfurt.web.security import caller, csrf_token, set_csrf_cookie

TEMPLATES = Path(__file__).parent / "templates"
LANG_COOKIE = "erfurt_lang"

# The explicit bidi embeddings, overrides and isolates: in a name from outside, U+202E
# shows "report\u202efdp.exe" as "reportexe.pdf". Every value a page shows has them made
# visible as the code points they are (the marks that only nudge direction, and the
# joiners scripts need, are left alone).
_BIDI_CONTROLS = {
    code: f"[U+{code:04X}]" for code in (*range(0x202A, 0x202F), *range(0x2066, 0x206A))
}


def visible_bidi(value: Any) -> Any:
    """``value`` (what a template prints) with its bidi embedding, override and isolate
    controls written out as ``[U+202E]``; anything but a string as it is."""
    if not isinstance(value, str) or value.isascii():
        return value
    shown = value.translate(_BIDI_CONTROLS)
    # Markup the page built (already escaped) stays markup: the code points written out
    # hold no "<" or "&" to escape.
    return type(value)(shown) if hasattr(value, "__html__") else shown


_env = Environment(
    loader=FileSystemLoader(TEMPLATES),
    autoescape=select_autoescape(["html"], default=True),
    trim_blocks=True,
    lstrip_blocks=True,
    finalize=visible_bidi,
)


def path_segment(value: object) -> str:
    """``value`` quoted whole as one segment of a URL's path: a "/", "?" or "#" in an
    entity id is escaped too (Jinja's ``urlencode`` keeps "/")."""
    return quote(str(value), safe="")


_env.filters["path_segment"] = path_segment


def language_of(request: Request) -> str:
    """The language this request is answered in."""
    return choose_language(
        request.query_params.get("lang"),
        request.cookies.get(LANG_COOKIE),
        request.headers.get("accept-language", ""),
    )


def _shown_user(request: Request) -> Principal:
    """Whom the page's menu is for: the caller, or the anonymous public when the accounts
    cannot be asked (a joined worker whose writer does not answer), so that the page
    saying so still renders. What the page shows was authorised before it was built."""
    try:
        return caller(request).principal
    except ConfigError:
        return ANONYMOUS


def render(request: Request, template: str, data: dict[str, Any], status: int = 200) -> Response:
    """Render ``template`` over ``data`` (the API's JSON for the same page)."""
    language = language_of(request)
    html = _env.get_template(template).render(
        data=data,
        t=lambda key: translate(key, language),
        lang=language,
        languages=[(code, LANGUAGE_NAMES[code]) for code in LANGUAGES],
        user=_shown_user(request),
        csrf=csrf_token(request),
        path=request.url.path,
        query=request.url.query,
    )
    response = HTMLResponse(html, status_code=status)
    set_csrf_cookie(request, response)
    if request.query_params.get("lang") in LANGUAGES:
        response.set_cookie(
            LANG_COOKIE, language, httponly=True, secure=True, samesite="lax", path="/"
        )
    return response
