"""A served archive for the web tests: documents in three collections, users, a list.

Built once per session with the real pipeline (add, extract, import) and served both
in-process (FastAPI's TestClient, over https so Secure cookies flow) and by uvicorn on a
loopback port (for the browser and the yente client).
"""

from __future__ import annotations

import html
import json
import re
import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import pytest
import uvicorn
from argon2 import PasswordHasher, profiles
from fastapi import FastAPI
from fastapi.testclient import TestClient

from erfurt.archive import Accounts, Archive, ArchivePaths, load_registry_secret
from erfurt.cli.options import all_views
from erfurt.ingest import ExtractOptions, add_paths, extract_pending
from erfurt.names import import_list
from erfurt.web import create_app

PASSWORD = "a long test password"
# Tests hash with argon2id at its cheapest; a stored hash is checked with its own parameters.
CHEAP = PasswordHasher.from_parameters(profiles.CHEAPEST)
USERS = {"root": "admin", "ana": "archivist", "rita": "reviewer", "vic": "volunteer"}
RESTRICTED = "witnesses"
XSS_NAME = "<img src=x onerror=alert(2)>.txt"
XSS = '<script>alert("x")</script><img src=x onerror=alert(1)>'
_LINK = re.compile(rb'(?:href|src|action)="([^"#]+)"')

ORDER = "The 1973 border shooting order was signed by the minister.\n"
FILES = {
    "public/國安部報告.txt": "國家安全部的內部報告：邊境射擊命令於一九七三年下達。\n",
    "public/border-order.txt": ORDER,
    "public/xss.html": f"<html><body><p>Words {html.escape(XSS)} quisling</p></body></html>",
    "witnesses/secret-copy-of-order.txt": ORDER,
    "witnesses/witness-statement.txt": "Witness statement about the shooting order: 國家安全部.\n",
}
LIST = [
    {"id": "erf-test-wang", "schema": "Person",
     "properties": {"name": ["王毅", "Wang Yi"], "birthDate": ["1953-10-08"]}},
    {"id": "erf-test-lam", "schema": "Person",
     "properties": {"name": ["LAM Cheng Yuet-ngor", "林鄭月娥"], "country": ["hk"]}},
]  # fmt: skip


@dataclass(frozen=True)
class Built:
    path: Path
    documents: dict[str, int]  # file name, and "collection/name" -> document record


@pytest.fixture(scope="session")
def built(tmp_path_factory: pytest.TempPathFactory) -> Built:
    root = tmp_path_factory.mktemp("web")
    source = root / "source"
    for rel, text in FILES.items():
        (source / rel).parent.mkdir(parents=True, exist_ok=True)
        (source / rel).write_text(text, encoding="utf-8")
    (source / XSS_NAME).write_text("a file whose name is a script\n", encoding="utf-8")
    lists = root / "list.jsonl"
    lists.write_text("".join(json.dumps(e) + "\n" for e in LIST), encoding="utf-8")
    path = root / "archive"
    with Archive.init(path, origin="example.org/web-test", who="setup", views=all_views()) as a:
        # Restricted before anything is added to it, so its documents are logged sealed.
        with Accounts.open(a.paths, hasher=CHEAP) as accounts:
            for name, role in USERS.items():
                accounts.add_user(name, role, PASSWORD)
            accounts.restrict(RESTRICTED, ["ana"])
        add_paths(a, [source / "public", source / XSS_NAME], collection="public", who="ana")
        add_paths(a, [source / "witnesses"], collection=RESTRICTED, who="ana")
        extract_pending(a, ExtractOptions(), who="setup", workers=1)
        import_list(a, "ftm", lists, who="rita", name="test-list")
        documents: dict[str, int] = {}
        for i, r in a.records(kinds={"document.added"}):
            # names are relative to the folder given: known by "collection/name" as well
            documents[str(r["name"])] = documents[f"{r['collection']}/{r['name']}"] = i
    return Built(path, documents)


def archive_with_limit(path: Path, limit: int, users: dict[str, str]) -> dict[str, str]:
    """A new empty archive at ``path`` whose ``max_file_size`` is ``limit``, with ``users``
    (name -> role); returns each user's ``Bearer`` API token.
    """
    Archive.init(path, origin=f"example.org/{path.parent.name}", who="t").close()
    config = ArchivePaths(path).config
    text = config.read_text().replace("max_file_size = 2147483648", f"max_file_size = {limit}")
    config.write_text(text)
    with Accounts.open(ArchivePaths(path), hasher=CHEAP) as accounts:
        for name, role in users.items():
            accounts.add_user(name, role, PASSWORD)
        return {name: f"Bearer {accounts.new_token(name, 't')}" for name in users}


@pytest.fixture(scope="session")
def client(built: Built) -> Iterator[TestClient]:
    app = create_app(built.path, views=all_views(), login_burst=10_000)
    with TestClient(app, base_url="https://testserver") as test_client:
        yield test_client


def csrf_of(page: str) -> str:
    found = re.search(r'name="csrf" value="([^"]+)"', page)
    assert found, "the page has no CSRF field"
    return found.group(1)


def log_in(client: TestClient, name: str) -> None:
    """Log ``name`` in on ``client`` through the login form."""
    client.cookies.clear()
    form = client.get("/login")
    response = client.post(
        "/login",
        data={"username": name, "password": PASSWORD, "csrf": csrf_of(form.text)},
        follow_redirects=False,
    )
    assert response.status_code == 303, response.text


def log_urls(archive: Path) -> list[str]:
    """The URL of every file of the published log of the archive at ``archive``."""
    folder = archive / "log"
    return sorted(
        f"/log/{p.relative_to(folder).as_posix()}"
        for p in folder.rglob("*")
        if p.is_file() and not p.name.startswith(".")
    )


def crawl(client: TestClient, seeds: list[str]) -> dict[str, bytes]:
    """Every same-site URL reachable from ``seeds`` by links, fetched as ``client`` is
    logged in (or not): each answer's body and headers."""
    fetched: dict[str, bytes] = {}
    todo = list(seeds)
    while todo:
        url = todo.pop()
        if url in fetched:
            continue
        answer = client.get(url, follow_redirects=True)
        fetched[url] = answer.content + json.dumps(dict(answer.headers)).encode()
        if "html" in answer.headers.get("content-type", ""):
            for link in _LINK.findall(answer.content):
                target = urljoin(url, link.decode())
                if not urlsplit(target).netloc and target not in fetched:
                    todo.append(target)
    return fetched


@contextmanager
def serving(app: FastAPI) -> Iterator[str]:
    """``app`` served by uvicorn on a free loopback port; yields its base URL."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    config = uvicorn.Config(app, host="127.0.0.1", port=port, log_level="error")
    running = uvicorn.Server(config)
    thread = threading.Thread(target=running.run, daemon=True)
    thread.start()
    while not running.started:
        if not thread.is_alive():
            raise RuntimeError("uvicorn did not start")
        threading.Event().wait(0.05)
    yield f"http://127.0.0.1:{port}"
    running.should_exit = True
    thread.join()


@pytest.fixture(scope="session")
def server(built: Built, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The app (with a registry secret) served by uvicorn on a free loopback port; its URL."""
    secret = tmp_path_factory.mktemp("served-secret") / "registry-secret"
    load_registry_secret(secret, archive_root=built.path, create=True)
    with serving(create_app(built.path, views=all_views(), secret_file=secret)) as url:
        yield url
