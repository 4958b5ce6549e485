"""A class at once: several browser pages against one Voila server, each drawing its charts,
picking entities and narrowing the months, with no page error.

Bounded: ``KIT_LOAD_USERS`` pages (default 5, at most 12), each step within 180 s, everything
on 127.0.0.1. The server preheats one kernel per page, as ``make app POOL=N`` does for a class
of N. With plotly's anywidget ``FigureWidget`` (the charts before issue 13) every page of four
or more logged ``[anywidget] Failed to initialize model.``: that is what this test catches.
"""

from __future__ import annotations

import os

import pytest
from browser_support import (
    ALLOWED_EXTERNAL,
    VoilaServer,
    run_users,
    skip_without_a_browser,
    write_corpus,
)

pytestmark = pytest.mark.browser

USERS = min(12, int(os.environ.get("KIT_LOAD_USERS") or 5))

skip_without_a_browser("playwright.async_api")


def test_users_at_once_draw_pick_and_narrow_with_no_page_error(tmp_path):
    environment = {
        "KIT_APP_CORPUS": str(write_corpus(tmp_path)),
        "KIT_STORE": str(tmp_path / "store"),
    }
    server = VoilaServer(tmp_path, pool_size=USERS, environment=environment)
    try:
        server.wait_for_pool()
        runs = run_users(server.url, USERS, timeout_s=180)
    finally:
        server.stop()
    report = "\n".join(
        f"user {run.user}: charts {run.charts_s} s, redraws {run.redraws_s}, "
        f"errors {run.errors}, failure {run.failure!r}"
        for run in runs
    )
    assert all(run.charts_s is not None for run in runs), report
    # Two entity picks and one narrowing of the months (the test corpus spans three).
    assert all(len(run.redraws_s) == 3 for run in runs), report
    assert not [error for run in runs for error in run.errors], report
    assert not [run.failure for run in runs if run.failure], report
    outside = {url for run in runs for url in run.external if not url.startswith(ALLOWED_EXTERNAL)}
    assert not outside, f"pages tried to reach outside 127.0.0.1: {sorted(outside)}"
