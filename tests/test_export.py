import os

import jsonschema
import orjson
import pytest

from quotetrack import export, store
from quotetrack.domain import Document, Quote, TextSpan


@pytest.fixture()
def conn(tmp_path):
    conn = store.connect(tmp_path / "q.db")
    doc = Document(id="d1", text="Ann Lee said “we will win the vote tonight” and left.\n[bold]x[/bold] \x1b[31m", source="d1.txt")
    s = doc.text.index("we will")
    e = doc.text.index("” and")
    q = Quote(kind="direct", content=TextSpan(s, e, doc.text[s:e]), cue=TextSpan(8, 12, "said"),
              speaker="Ann Lee", speaker_kind="person", mention=TextSpan(0, 7, "Ann Lee"),
              method="syntax", confidence=0.9)
    ids = store.save_document(conn, doc, [q], "test")
    from quotetrack.speakers import refresh_speakers

    refresh_speakers(conn)
    conn.execute("INSERT INTO reviews(quote_id, status, by, at, note) VALUES (?, 'confirmed', 'ann', '2026-01-01T00:00:00Z', 'ok')", (ids[0],))
    return conn


def test_json_export_validates_and_offsets_hold(conn, tmp_path):
    path = tmp_path / "out" / "quotes.json"
    assert export.write_export(conn, path) == 1
    data = orjson.loads(path.read_bytes())
    jsonschema.validate(data, export.schema())
    text = store.document_text(conn, "d1")
    (q,) = data["quotes"]
    assert text[q["start"] : q["end"]] == q["text"] == "we will win the vote tonight"
    assert q["speaker"]["name"] == "Ann Lee" and q["speaker"]["id"].startswith("sp_")
    assert q["review"] == {"status": "confirmed", "by": "ann", "at": "2026-01-01T00:00:00Z", "note": "ok"}
    (sp,) = data["speakers"]
    assert sp["quote_count"] == 1 and sp["documents"] == ["d1"] and sp["kind"] == "person"


def test_status_filter_and_confirmed_includes_corrected(conn, tmp_path):
    assert export.parse_statuses("confirmed") == ["confirmed", "corrected"]
    assert export.write_export(conn, tmp_path / "p.json", statuses=["pending"]) == 0
    assert export.write_export(conn, tmp_path / "c.json", statuses=export.parse_statuses("confirmed")) == 1
    with pytest.raises(ValueError, match="unknown status"):
        export.parse_statuses("approved")


def test_jsonl_is_one_quote_per_line(conn, tmp_path):
    path = tmp_path / "q.jsonl"
    export.write_export(conn, path, "jsonl")
    lines = path.read_bytes().splitlines()
    assert len(lines) == 1
    record = orjson.loads(lines[0])
    jsonschema.validate(record, {**export.schema()["$defs"]["quote"], "$defs": export.schema()["$defs"]})


def test_failed_write_keeps_previous_export_and_leaves_no_temp_file(conn, tmp_path):
    path = tmp_path / "quotes.json"
    path.write_bytes(b"previous export")

    def boom():
        yield b"partial"
        raise OSError("disk full")

    with pytest.raises(OSError):
        export.atomic_write(path, boom())
    assert path.read_bytes() == b"previous export"
    assert [p for p in os.listdir(tmp_path) if p.endswith(".tmp")] == []
