"""What the browser tests share: Debian's chromium (Playwright never downloads one), a static
server on 127.0.0.1 for a built site, a tab that fails the test when a page fetches anything from
another host or a script fails, search, screenshots, and axe-core injected into a page. The
fixtures built on them (``browser``, ``page``) are in conftest.py.

axe-core comes from npm at test time: ``npm install --no-save --no-package-lock --prefix tests
axe-core@4.14.1`` puts it in ``tests/node_modules/`` (git-ignored).
"""

from __future__ import annotations

import contextlib
import functools
import http.server
import threading
from collections.abc import Collection, Iterator, Mapping
from pathlib import Path
from typing import Any

CHROMIUM = Path("/usr/bin/chromium")
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
VIEWPORTS = {"desktop": {"width": 1280, "height": 900}, "phone": {"width": 390, "height": 844}}
FIXTURE_VIEWPORTS = {"desktop": {"width": 1400, "height": 1000}, "phone": VIEWPORTS["phone"]}
"""Where test_browser*.py look at the fixture sites: a wider desktop than the a11y checks'."""
SCHEMES = ("light", "dark")
AXE = Path(__file__).parent / "node_modules" / "axe-core" / "axe.min.js"
SCREENSHOTS = Path(__file__).parent.parent / "screenshots"
BLOCKING = ("serious", "critical")
"""axe-core impacts a page may not have."""


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


@contextlib.contextmanager
def serve(directory: Path) -> Iterator[str]:
    """Serve ``directory`` on 127.0.0.1; yields the base URL (ending in ``/``)."""
    handler = functools.partial(QuietHandler, directory=str(directory))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()


def axe(page: Any) -> list[dict[str, Any]]:
    """axe-core's violations on the page as loaded: ``{id, impact, nodes: [selector…]}``."""
    page.add_script_tag(path=str(AXE))
    result: list[dict[str, Any]] = page.evaluate(
        """async () => (await axe.run(document, {resultTypes: ["violations"]})).violations
             .map(v => ({id: v.id, impact: v.impact,
                         nodes: v.nodes.map(n => n.target.join(" "))}))"""
    )
    return result


def blocking(violations: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [v for v in violations if v["impact"] in BLOCKING]


def page_height(page: Any) -> int:
    height: int = page.evaluate("document.documentElement.scrollHeight")
    return height


def screenshot(page: Any, name: str, full_page: bool = True) -> None:
    SCREENSHOTS.mkdir(exist_ok=True)
    page.screenshot(path=SCREENSHOTS / f"{name}.png", full_page=full_page)


@contextlib.contextmanager
def chromium() -> Iterator[Any]:
    """Debian's chromium under Playwright. One at a time: Playwright's sync API refuses to start
    while another instance runs in the same thread."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        try:
            yield launched
        finally:
            launched.close()


@contextlib.contextmanager
def watched_tab(browser: Any, base_url: str, viewport: Mapping[str, int],
                allowed_errors: Collection[str] = (), **options: Any) -> Iterator[Any]:
    """A tab in a fresh context (``options``: more of ``new_context``'s, e.g. ``color_scheme``);
    when the test is done with it, fails if any request left ``base_url``'s host or a script
    on a page failed (but with one of ``allowed_errors``)."""
    context = browser.new_context(viewport=dict(viewport), **options)
    tab = context.new_page()
    requests: list[str] = []
    tab.on("request", lambda request: requests.append(request.url))
    errors: list[str] = []
    tab.on("pageerror", lambda error: errors.append(str(error)))
    try:
        yield tab
    finally:
        context.close()
    foreign = [url for url in requests if not url.startswith((base_url, "data:", "blob:"))]
    assert not foreign, f"requests left the host: {foreign}"
    failed = [error for error in errors if error not in allowed_errors]
    assert not failed, f"script errors: {failed}"


def search(page: Any, words: str) -> Any:
    """Open Material's search on the page and type ``words`` as a person would; returns the
    search box."""
    page.locator("label.md-search__icon, .md-search__input").first.click()
    box = page.locator("input.md-search__input")
    box.press_sequentially(words, delay=60)
    return box


def shoot_pages(browser: Any, base_url: str, pages: Mapping[str, str], device: str,
                scheme: str, prefix: str = "") -> None:
    """Open each of ``pages`` (``{name: url}``) at the size of ``device`` (of
    :data:`FIXTURE_VIEWPORTS`) in the colour ``scheme``; check that it follows the scheme and
    does not scroll sideways, and save it as ``screenshots/<prefix><name>-<device>-<scheme>.png``.
    """
    viewport = FIXTURE_VIEWPORTS[device]
    expected = "slate" if scheme == "dark" else "default"
    SCREENSHOTS.mkdir(exist_ok=True)
    with watched_tab(browser, base_url, viewport, color_scheme=scheme) as tab:
        for name, url in pages.items():
            tab.goto(base_url + url)
            tab.wait_for_load_state("networkidle")
            assert tab.locator("body").get_attribute("data-md-color-scheme") == expected, name
            width = tab.evaluate("document.documentElement.scrollWidth")
            assert width <= viewport["width"], f"{name} scrolls sideways on a {device}"
            tab.screenshot(path=SCREENSHOTS / f"{prefix}{name}-{device}-{scheme}.png",
                           full_page=True)
