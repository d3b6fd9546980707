"""The whole journey in a real Chromium against `erfurt serve`, then a byte search for traces.

A source sends two files and a message and gets a codename; staff export, open offline,
ingest and reply; the source reads the reply with the codename. Afterwards nothing the
source sent or was (file contents, message, codename, address, user agent) is found in any
byte of the server's archive folder or in what the server printed, access log included.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser

from erfurt.archive import Archive
from erfurt.cli.options import all_views
from erfurt.intake import verify_intake_custody

from .conftest import Setup, run

ARTEFACTS = Path(os.environ.get("ERFURT_ARTEFACTS") or tempfile.gettempdir()) / "erfurt-web"
SERVER_HOST = "127.0.0.2"  # the browser connects from 127.0.0.1: one is not the other
CLIENT_ADDRESS = b"127.0.0.1"
USER_AGENT = "SourceBrowser/9.41 (intake journey)"
FIRST = "Payroll of unit 7, with the names of the guards on duty that night.\n"
SECOND = "Transcript: the commander orders the files burnt before the inspection.\n"
MESSAGE = "I worked in the records office until last spring; ask me about page two."
REPLY = "Thank you, we have read both files. Can you tell us who signed the order?"


@pytest.fixture
def served(setup: Setup) -> Iterator[tuple[str, Path]]:
    """`erfurt serve` in its own process (info-level logs captured); its URL and log."""
    with socket.socket() as probe:
        probe.bind((SERVER_HOST, 0))
        port = probe.getsockname()[1]
    log = setup.root / "server.log"
    with log.open("wb") as out:
        process = subprocess.Popen(
            [str(Path(sys.executable).parent / "erfurt"), "serve", "--archive", str(setup.server),
             "--host", SERVER_HOST, "--port", str(port)],
            stdout=out, stderr=subprocess.STDOUT,
        )  # fmt: skip
    try:
        # Wait for the server to listen, however loaded the machine: only its exit (or a
        # generous half hour, against a hang) ends the wait.
        deadline = time.monotonic() + 1800
        while True:
            try:
                socket.create_connection((SERVER_HOST, port), timeout=5).close()
                break
            except OSError:
                assert process.poll() is None, log.read_text()
                assert time.monotonic() < deadline, "the server never listened"
                time.sleep(0.1)
        yield f"http://{SERVER_HOST}:{port}", log
    finally:
        process.terminate()
        process.wait(timeout=120)


def test_source_to_staff_and_back_leaves_no_trace_on_the_server(
    setup: Setup, served: tuple[str, Path], browser: Browser
) -> None:
    url, log = served
    first, second = setup.root / "payroll.txt", setup.root / "transcript.txt"
    first.write_text(FIRST)
    second.write_text(SECOND)
    context = browser.new_context(user_agent=USER_AGENT, java_script_enabled=False)
    page = context.new_page()
    page.goto(f"{url}/intake")
    page.fill("#intake-message", MESSAGE)
    page.set_input_files("#intake-files", [str(first), str(second)])
    page.click("#intake-form button[type=submit]")
    codename = page.inner_text("#codename").strip()
    ARTEFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTEFACTS / "intake-codename.png"), full_page=True)
    assert len(codename.split()) == 7

    # Staff: export to removable media, open on the offline machine, reply.
    usb = setup.root / "usb"
    usb.mkdir()
    assert run("intake", "export", "--archive", setup.server, usb).exit_code == 0
    opened = run("intake", "open", usb, "--key-file", setup.key, "--into", setup.offline, "--json")
    [submission] = json.loads(opened.stdout)["submissions"]
    assert submission["added"] == 3
    message_file, reply_file = setup.root / "reply.txt", setup.root / "reply.signed"
    message_file.write_text(REPLY)
    written = run(
        "intake", "reply", "--key-file", setup.key, "--to", submission["source"],
        "--reply-key", submission["reply_key"], "--message-file", message_file,
        "--out", reply_file,
    )  # fmt: skip
    assert written.exit_code == 0, written.output
    delivered = run("intake", "deliver", "--archive", setup.server, reply_file)
    assert delivered.exit_code == 0, delivered.output
    message_file.unlink()
    reply_file.unlink()

    # The custody of an ingested document reaches back to the server's log and verifies.
    with Archive.open(setup.server) as server:
        vkey = server.vkey
        [(received, _)] = list(server.records(kinds={"intake.received"}))
    with Archive.open(setup.offline, views=all_views()) as offline:
        documents = {str(r["name"]): i for i, r in offline.records(kinds={"document.added"})}
        texts = {offline.read_blob(str(offline.record(i)["blob"])) for i in documents.values()}
        assert {FIRST.encode(), SECOND.encode(), MESSAGE.encode()} <= texts
        document = documents["submission-1/01-payroll.txt"]
        assert verify_intake_custody(offline, document, vkey=vkey).received == received

    # The source comes back with the codename and reads the reply.
    page.goto(f"{url}/intake/return")
    page.fill("#codename", codename)
    page.click("#return-form button[type=submit]")
    assert REPLY in page.inner_text("#replies")
    page.screenshot(path=str(ARTEFACTS / "intake-reply.png"), full_page=True)
    page.click("#replies form button[type=submit]")
    assert REPLY not in page.inner_text("#replies")

    # Every byte the server keeps, and everything it printed.
    kept = [p.read_bytes() for p in setup.server.rglob("*") if p.is_file()]
    kept.append(log.read_bytes())
    needles = [FIRST, SECOND, MESSAGE, REPLY, codename, USER_AGENT]
    for needle in [n.encode() for n in needles] + [CLIENT_ADDRESS]:
        assert not any(needle in data for data in kept), needle
    # The check can fail: the same server logs other routes with the client's address.
    page.goto(f"{url}/log/checkpoint")
    context.close()
    # The access log line comes after the response: wait for it however loaded the machine
    # (a half hour only guards against a hang).
    deadline = time.monotonic() + 1800
    while CLIENT_ADDRESS not in log.read_bytes():
        assert time.monotonic() < deadline, "the server never logged the request"
        time.sleep(0.1)


def test_a_reloaded_answer_shows_the_same_codename_and_going_back_draws_a_new_form(
    setup: Setup, served: tuple[str, Path], browser: Browser
) -> None:
    url, _ = served
    page = browser.new_context(java_script_enabled=False).new_page()
    page.goto(f"{url}/intake")
    key = page.get_attribute("input[name=form_key]", "value")
    page.fill("#intake-message", MESSAGE)
    page.click("#intake-form button[type=submit]")
    codename = page.inner_text("#codename").strip()
    # A reload of the answer sends the same form again, as after an answer that was lost.
    page.reload()
    assert page.inner_text("#codename").strip() == codename
    with Archive.open(setup.server) as server:
        assert len(list(server.records(kinds={"intake.received"}))) == 2
    # The pages are not kept: going back draws the form again, with a new key.
    page.go_back()
    assert page.get_attribute("input[name=form_key]", "value") not in (None, key)
