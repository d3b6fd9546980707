"""The local cluster `--engine dask` starts is closed to everyone but its driver: its
scheduler and its 2 worker processes speak TLS only and ask for the certificate made for
the run, so a client without it (another user of the machine) is refused before it can
submit code; its HTTP servers answer health checks only. Work still runs, and equals
the local engine's."""

from __future__ import annotations

import asyncio
import socket
import ssl
import urllib.error
import urllib.request
from urllib.parse import urlsplit

import pytest

from benches import load_bench
from erfurt.engine import Engine
from erfurt.names import Matcher, Query, ScreenResult, read_ofac_sdn, screen

OFAC = load_bench("bench_engine").OFAC  # the shared 2021 list, read in place


def _listeners(engine: Engine) -> list[str]:
    """The scheduler's and every worker's address (a worker runs what it is sent too)."""
    workers: dict[str, int] = engine.client.nthreads()
    return [engine.client.scheduler.address, *workers]


def _first_byte(address: str, context: ssl.SSLContext) -> bytes:
    """Connect to ``address`` over TLS with ``context`` and read what the server sends
    first (a Dask server greets a client it accepted with its handshake)."""
    parts = urlsplit(address)
    with (
        socket.create_connection((parts.hostname or "", parts.port or 0), timeout=60) as raw,
        context.wrap_socket(raw) as tls,
    ):
        return tls.recv(1)


def _anonymous() -> ssl.SSLContext:
    """A TLS client with no certificate that trusts any server (the attacker's side)."""
    context = ssl.create_default_context()
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    return context


def test_the_local_cluster_listens_with_tls_on_loopback_only(engine: Engine) -> None:
    addresses = _listeners(engine)
    assert len(addresses) == 3
    assert all(a.startswith("tls://127.0.0.1:") for a in addresses), addresses


def test_a_client_without_the_runs_certificate_is_refused(engine: Engine) -> None:
    own = engine.client.security.get_connection_args("client")["ssl_context"]
    for address in _listeners(engine):
        assert _first_byte(address, own)  # the driver's own certificate: greeted
        try:
            greeting = _first_byte(address, _anonymous())
        except (ssl.SSLError, ConnectionError) as exc:
            greeting, refusal = b"", str(exc)
        assert greeting == b"", address  # refused, or closed without a word
        assert "certificate required" in refusal or "reset" in refusal, refusal


def test_dask_clients_with_another_certificate_or_none_are_refused(engine: Engine) -> None:
    from distributed import Security
    from distributed.comm import connect

    stranger = Security.temporary().get_connection_args("client")
    # Dask's connect retries a refused handshake until its timeout, then raises OSError,
    # so the timeout only bounds how long refusals are retried: a loaded machine cannot
    # make this test fail. (A client wrongly let in is caught when its handshake ends
    # within those 5 s, as it does on loopback; the driver's own is greeted at once above.)
    for address in _listeners(engine):
        plain = "tcp://" + address.removeprefix("tls://")
        with pytest.raises(OSError):  # Dask's own client, plain TCP
            asyncio.run(connect(plain, timeout=5))
        with pytest.raises(OSError):  # a certificate of its own making
            asyncio.run(connect(address, timeout=5, **stranger))


def test_the_http_servers_answer_only_health_checks(engine: Engine) -> None:
    scheduler = engine.client.scheduler_info()
    ports = [scheduler["services"]["dashboard"]]
    # A lambda travels by value (the workers cannot import this test module).
    ports += engine.client.run(lambda dask_worker: dask_worker.http_server.port).values()
    for port in ports:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/health", timeout=60) as ok:
            assert ok.read() == b"ok"
        for page in ("info/main/workers.html", "json/identity.json", "metrics"):
            with pytest.raises(urllib.error.HTTPError) as refused:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/{page}", timeout=60)
            refused.value.close()  # its response still holds the connection
            assert refused.value.code == 404, page


def test_screening_on_the_secured_cluster_equals_the_local_engine(engine: Engine) -> None:
    listed = read_ofac_sdn(OFAC).entities[::20]
    matcher = Matcher.from_bytes(Matcher.build(listed).to_bytes())
    names = [n for e in listed[::3] for n in e.names[:1]] + ["Nobody Listed"]
    rows = [ScreenResult(line, str(line), Query(name)) for line, name in enumerate(names, 2)]
    local = list(screen(matcher, iter(rows), workers=1))
    on_engine = list(screen(matcher, iter(rows), engine=engine))
    assert on_engine == local
    assert sum(bool(r.matches) for r in local) >= len(names) - 1
