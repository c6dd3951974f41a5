"""Real-browser tests: Debian's chromium driven by Playwright (its own browser download cannot work here).

`requires_chromium` skips cleanly where chromium is missing; `chromium_page()` yields a page and
the console errors it collected, with the flags this closed network needs.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from contextlib import contextmanager

import pytest

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
requires_chromium = [
    pytest.mark.browser,
    pytest.mark.skipif(not os.path.exists(CHROMIUM), reason="Debian chromium is not installed (make test installs it)"),
]


@contextmanager
def chromium_page(cookies: list[dict] | None = None, width: int = 1280, height: int = 1000) -> Iterator[tuple]:
    """(page, errors): console errors and uncaught exceptions land in `errors`."""
    # Playwright's sync API runs an event loop in this thread; Django's ORM refuses to run
    # beside one unless told that this test thread is not serving async code.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    from playwright.sync_api import sync_playwright

    try:
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
            context = browser.new_context(viewport={"width": width, "height": height})
            if cookies:
                context.add_cookies(cookies)
            page = context.new_page()
            errors: list[str] = []
            page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
            page.on("pageerror", lambda exc: errors.append(str(exc)))
            try:
                yield page, errors
            finally:
                browser.close()
    finally:
        os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
