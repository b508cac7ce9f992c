"""Stores for report tests: the newsroom store with reviews, dates and titles, and one full of hostile strings."""

from __future__ import annotations

from pathlib import Path

import orjson

from quotetrack.domain import Document, Quote, TextSpan
from quotetrack.store import Store
from tests.support import review_data

HOSTILE_NAME = 'Carl <script>document.title="pwned"</script><img src=x onerror="document.title=1"> Black\u202eevil\x1b[2J'
HOSTILE_TEXT = "</mark><script>alert(1)</script><img src=x onerror=alert(2)> we will win &amp; more"
HOSTILE_DOC = 'doc"><svg onload=alert(3)>'


def newsroom(path: Path) -> dict[str, str]:
    """The review store (8 quotes), one quote confirmed and one rejected; quote ids by short name."""
    ids = review_data.build(path)
    with Store(path) as db:
        db.conn.execute("INSERT INTO reviews(quote_id, status, by, at) VALUES (?, 'confirmed', 'ann', 'x')", (ids["door"],))
        db.conn.execute("INSERT INTO reviews(quote_id, status, by, at) VALUES (?, 'rejected', 'ann', 'x')", (ids["moscow"],))
    return ids


def set_meta(path: Path, meta: dict[str, dict]) -> None:
    """Give documents metadata, as stores with a ``documents.meta`` column (JSON text) hold it."""
    with Store(path) as db:
        if "meta" not in {row[1] for row in db.conn.execute("PRAGMA table_info(documents)")}:
            db.conn.execute("ALTER TABLE documents ADD COLUMN meta TEXT")
        for doc_id, values in meta.items():
            db.conn.execute("UPDATE documents SET meta = ? WHERE id = ?", (orjson.dumps(values).decode(), doc_id))


def hostile(path: Path) -> None:
    """One document whose id, title, speaker and quote are HTML, script, bidi and escape payloads."""
    text = f"{HOSTILE_NAME} said “{HOSTILE_TEXT}”. Next."
    start = text.index(HOSTILE_TEXT)
    cue = text.index(" said") + 1
    quote = Quote(kind="direct", content=TextSpan(start, start + len(HOSTILE_TEXT), HOSTILE_TEXT),
                  cue=TextSpan(cue, cue + 4, "said"), speaker=HOSTILE_NAME, speaker_kind="person",
                  mention=TextSpan(0, len(HOSTILE_NAME), HOSTILE_NAME), method="syntax", confidence=0.9)
    with Store(path) as db:
        db.save_document(Document(id=HOSTILE_DOC, text=text, source="x.txt"), [quote], "test-1")
        db.refresh_speakers()
    set_meta(path, {HOSTILE_DOC: {"title": "<b onmouseover=alert(4)>Title</b>", "date": "2024-05-01"}})
