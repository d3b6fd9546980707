"""Outreach for volunteers: log a call (the number kept only as a keyed hash), see outcomes.

The number typed is normalised and hashed with the registry secret in memory; only the
hash reaches the log and the views, and no page or answer repeats the number. The server
reads the secret from the file ``erfurt serve --secret-file`` names; without one these
routes answer 503 saying so.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Form, HTTPException, Request, Response
from pydantic import BaseModel, ConfigDict, Field

from erfurt.archive import MAX_REQUEST_KEY, RequestTag
from erfurt.outreach import OUTCOMES, LoggedCall, OutcomeStats, log_call, read_stats
from erfurt.web.api import ERRORS
from erfurt.web.calls_chart import CallsChart, CallsCharts
from erfurt.web.idempotency import IDEMPOTENT, form_request_tag, new_form_key, request_tag
from erfurt.web.render import language_of, render
from erfurt.web.security import Caller, check_csrf, registry_secret, require, service_of

router = APIRouter(tags=["outreach"])


class CallIn(BaseModel):
    """A call's outcome; the number is hashed at once and never stored or echoed."""

    model_config = ConfigDict(extra="forbid")
    number: str = Field(min_length=1, max_length=64)
    outcome: str = Field(min_length=1, max_length=20)
    region: str | None = Field(default=None, min_length=2, max_length=2)


class CallForm(CallIn):
    """The call page's form: a call, the form's CSRF token and its key (a form sent twice
    logs once: :mod:`erfurt.web.idempotency`)."""

    csrf: str | None = None
    request_key: str | None = Field(default=None, max_length=MAX_REQUEST_KEY)


def _log(request: Request, who: Caller, call: CallIn, tag: RequestTag | None = None) -> LoggedCall:
    return log_call(
        service_of(request).archive,
        registry_secret(request),
        number=call.number,
        outcome=call.outcome,
        volunteer=who.principal.name,
        region=call.region,
        request=tag,
    )


def _weeks(request: Request) -> OutcomeStats:
    return read_stats(service_of(request).archive, "week")


def _chart(request: Request) -> CallsChart | None:
    charts: CallsCharts = request.app.state.calls_charts
    return charts.get(service_of(request).archive, language_of(request))


def _page(request: Request, logged: LoggedCall | None = None) -> Response:
    data = {"outcomes": OUTCOMES, "stats": _weeks(request), "logged": logged}
    data["request_key"] = new_form_key()
    return render(request, "calls.html", {**data, "chart": _chart(request)})


@router.get("/calls", include_in_schema=False)
def calls_page(request: Request) -> Response:
    """The call form and the outcomes of each week."""
    require(request, "call")
    registry_secret(request)
    return _page(request)


@router.get("/calls/chart.svg", include_in_schema=False)
def calls_chart(request: Request) -> Response:
    """The weekly outcomes as stacked shares, each week's calls counted on its bar."""
    require(request, "call")
    chart = _chart(request)
    if chart is None:
        raise HTTPException(404, "no calls to chart yet")
    return Response(chart.svg, media_type="image/svg+xml", headers={"cache-control": "no-cache"})


@router.post("/calls", include_in_schema=False)
def calls_submit(request: Request, form: Annotated[CallForm, Form()]) -> Response:
    """Log the call and show the record it appended, with earlier calls to that number."""
    who = require(request, "call")
    check_csrf(request, form.csrf, who)
    sent = form.model_dump(mode="json", include=set(CallIn.model_fields))
    tag = form_request_tag(request, who, form.request_key, sent)
    return _page(request, _log(request, who, form, tag))


@router.post("/api/v1/calls", responses=ERRORS, status_code=201, openapi_extra=IDEMPOTENT)
def post_call(request: Request, call: CallIn) -> dict[str, Any]:
    """Log a call: ``{number, outcome, region?}`` → the record, and earlier calls' outcomes.
    Sent again with the same ``Idempotency-Key`` header, it gets the first answer."""
    who = require(request, "call")
    check_csrf(request, None, who)
    logged = _log(request, who, call, request_tag(request, who, call))
    earlier = [{"time": c.time, "outcome": c.outcome} for c in logged.earlier.calls]
    return {"record": logged.log_index, "time": logged.time, "outcome": logged.outcome,
            "earlier": earlier}  # fmt: skip


@router.get("/api/v1/calls/weeks", responses=ERRORS)
def call_weeks(request: Request) -> dict[str, Any]:
    """Calls per week by outcome."""
    require(request, "call")
    rows = [{"week": r.period, "calls": r.calls, "outcomes": dict(r.outcomes)}
            for r in _weeks(request).rows]  # fmt: skip
    return {"weeks": rows}
