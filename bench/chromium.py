"""Debian's Chromium as the browser tests and benchmarks launch it (through Playwright).

Playwright drives the system's ``/usr/bin/chromium`` (installed by
``scripts/system-packages.sh``), never a browser build of its own, with no sandbox (root
in a container), no GPU, and none of Chromium's background traffic.
"""

from __future__ import annotations

from playwright.sync_api import Browser, Playwright

__all__ = ["launch_chromium"]

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def launch_chromium(playwright: Playwright) -> Browser:
    """Debian's Chromium, launched headless by ``playwright``."""
    return playwright.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
