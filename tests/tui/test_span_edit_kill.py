"""Kill -9 a review session while it changes quotes' words and adds quotes: every fix it showed is in the store.

The session is ``tests/support/review_driver.py`` with its ``fixes`` round.
"""

from __future__ import annotations

import pytest

from tests.support.review_driver import run_until_killed

FIXES = 12


@pytest.mark.slow  # a real review process, killed and reopened
def test_sigkill_loses_no_added_quote_and_no_changed_words(tmp_path):
    from quotetrack.store import Store
    from tests.support import review_data

    db = tmp_path / "review.db"
    review_data.build_many(db, 10)
    reported = run_until_killed(db, tmp_path / "progress.jsonl", "fixes", FIXES)
    assert {"span", "add"} <= {action for _, _, action, _ in reported}
    store = Store(db, create=False)
    assert store.conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    for action_id, quote_id, action, words in reported:
        stored = store.conn.execute("SELECT quote_id, action FROM review_actions WHERE id = ?", (action_id,)).fetchone()
        assert stored is not None and tuple(stored) == (quote_id, action), f"{action} {action_id} shown but not stored"
        q = store.quote(quote_id)
        assert q is not None and q.quote.text == words == q.doc_text[q.quote.start:q.quote.end]
        if action == "add":
            assert q.quote.method == "reviewer" and store.review_state(quote_id).status == "confirmed"
            assert store.is_added(quote_id)
        else:
            assert store.span_edit(quote_id).text == words and store.review_state(quote_id).status == "corrected"
    store.close()

