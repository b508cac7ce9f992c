"""Headless Chromium, offline: a page as the browser built it (its DOM) and as a picture.

Debian's ``chromium`` package (``apt-get install -y chromium``). The browser
runs in a network namespace of its own (``unshare -n``), so neither the page
nor the browser's own background services can reach any other machine.

As a script, it takes the screenshot in docs/::

    .venv/bin/python -m tests.support.browser report.html docs/report.png 1100x1900
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

NAMES = ("chromium", "chromium-browser")
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync", "--disable-breakpad"]


def chromium() -> str | None:
    return next((path for path in map(shutil.which, NAMES) if path), None)


def offline() -> list[str] | None:
    """A command prefix that runs a program without a network (root, or user namespaces), else None."""
    for prefix in (["unshare", "-n"], ["unshare", "-rn"]):
        try:
            if subprocess.run([*prefix, "true"], capture_output=True, timeout=10).returncode == 0:
                return prefix
        except (OSError, subprocess.TimeoutExpired):
            continue
    return None


def why_not() -> str | None:
    """Why the browser cannot be used here (None when it can)."""
    if chromium() is None:
        return "headless Chromium is not installed (apt-get install -y chromium)"
    if offline() is None:
        return "no network namespace to keep the browser offline (needs root or user namespaces for unshare -n)"
    return None


def _run(page: Path, *args: str, size: tuple[int, int]) -> subprocess.CompletedProcess:
    with tempfile.TemporaryDirectory(prefix="quotetrack-chromium-") as profile:
        command = [*offline(), chromium(), *FLAGS, f"--user-data-dir={profile}", f"--window-size={size[0]},{size[1]}",
                   *args, page.resolve().as_uri()]
        return subprocess.run(command, capture_output=True, text=True, timeout=120, check=True)


def dom(page: Path, size: tuple[int, int] = (1100, 1900)) -> str:
    """The page's DOM after the browser parsed and laid it out (``--dump-dom``)."""
    return _run(page, "--dump-dom", size=size).stdout


def screenshot(page: Path, png: Path, size: tuple[int, int] = (1100, 1900)) -> Path:
    """A PNG of the page's first ``size`` pixels."""
    _run(page, f"--screenshot={png.resolve()}", size=size)
    return png


if __name__ == "__main__":
    reason = why_not()
    if reason:
        sys.exit(reason)
    width, height = (int(n) for n in (sys.argv[3] if len(sys.argv) > 3 else "1100x1900").split("x"))
    print(screenshot(Path(sys.argv[1]), Path(sys.argv[2]), (width, height)))
