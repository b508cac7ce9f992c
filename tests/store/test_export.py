import os

import jsonschema
import orjson
import pytest

from quotetrack.domain import Document, Quote, TextSpan
from quotetrack.store import Selection, Store, export


@pytest.fixture()
def db(tmp_path):
    db = Store(tmp_path / "q.db")
    doc = Document(id="d1", text="Ann Lee said “we will win the vote tonight” and left.\n[bold]x[/bold] \x1b[31m", source="d1.txt")
    s = doc.text.index("we will")
    e = doc.text.index("” and")
    q = Quote(kind="direct", content=TextSpan(s, e, doc.text[s:e]), cue=TextSpan(8, 12, "said"),
              speaker="Ann Lee", speaker_kind="person", mention=TextSpan(0, 7, "Ann Lee"),
              method="syntax", confidence=0.9)
    ids = db.save_document(doc, [q], "test")
    db.refresh_speakers()
    db.conn.execute("INSERT INTO reviews(quote_id, status, by, at, note) VALUES (?, 'confirmed', 'ann', '2026-01-01T00:00:00Z', 'ok')", (ids[0],))
    return db


def test_json_export_validates_and_offsets_hold(db, tmp_path):
    path = tmp_path / "out" / "quotes.json"
    assert db.write_export(path) == 1
    data = orjson.loads(path.read_bytes())
    jsonschema.validate(data, export.schema())
    text = db.document_text("d1")
    (q,) = data["quotes"]
    assert text[q["start"] : q["end"]] == q["text"] == "we will win the vote tonight"
    assert q["speaker"]["name"] == "Ann Lee" and q["speaker"]["id"].startswith("sp_")
    assert q["review"] == {"status": "confirmed", "by": "ann", "at": "2026-01-01T00:00:00Z", "note": "ok"}
    (sp,) = data["speakers"]
    assert sp["quote_count"] == 1 and sp["documents"] == ["d1"] and sp["kind"] == "person"


def test_status_filter_and_confirmed_includes_corrected(db, tmp_path):
    assert export.parse_statuses("confirmed") == ["confirmed", "corrected"]
    assert db.write_export(tmp_path / "p.json", selection=Selection(statuses=["pending"])) == 0
    assert db.write_export(tmp_path / "c.json", selection=Selection(statuses=export.parse_statuses("confirmed"))) == 1
    with pytest.raises(ValueError, match="unknown status"):
        export.parse_statuses("approved")


def test_jsonl_is_one_quote_per_line(db, tmp_path):
    path = tmp_path / "q.jsonl"
    db.write_export(path, "jsonl")
    lines = path.read_bytes().splitlines()
    assert len(lines) == 1
    record = orjson.loads(lines[0])
    jsonschema.validate(record, {**export.schema()["$defs"]["quote"], "$defs": export.schema()["$defs"]})


def test_failed_write_keeps_previous_export_and_leaves_no_temp_file(db, tmp_path):
    path = tmp_path / "quotes.json"
    path.write_bytes(b"previous export")

    def boom():
        yield b"partial"
        raise OSError("disk full")

    with pytest.raises(OSError):
        export.atomic_write(path, boom())
    assert path.read_bytes() == b"previous export"
    assert [p for p in os.listdir(tmp_path) if p.endswith(".tmp")] == []


def test_streamed_json_is_byte_for_byte_the_built_object(db, tmp_path, monkeypatch):
    # The export is written piece by piece (memory flat on big stores): the file must be exactly
    # what orjson writes for the whole object, speakers counted over the filtered quotes included.
    monkeypatch.setattr(export, "utc_now", lambda: "2026-01-01T00:00:00Z")
    doc = Document(id="d2", text="“No,” Bo Ray said. “Yes,” said Ann Lee. “Maybe,” someone said.", source="d2.txt")
    quotes = []
    for word, speaker in (("No", "Bo Ray"), ("Yes", "Ann Lee"), ("Maybe", None)):
        s = doc.text.index(word)
        quotes.append(Quote(kind="direct", content=TextSpan(s, s + len(word), word), speaker=speaker,
                            speaker_kind="person" if speaker else "other", method="syntax", confidence=0.8))
    ids = db.save_document(doc, quotes, "test")
    db.refresh_speakers()
    db.conn.execute("INSERT INTO reviews(quote_id, status, by, at, speaker_name) VALUES (?, 'corrected', 'ann', 'x', NULL)", (ids[0],))
    db.conn.execute("INSERT INTO reviews(quote_id, status, by, at) VALUES (?, 'rejected', 'ann', 'x')", (ids[1],))
    for statuses in (None, ["confirmed", "corrected"], ["rejected"], ["pending"]):
        built = db.build_export(Selection(statuses=statuses))
        expected = orjson.dumps(built, option=orjson.OPT_INDENT_2) + b"\n"
        path = tmp_path / "s.json"
        count = db.write_export(path, "json", Selection(statuses=statuses))
        assert path.read_bytes() == expected
        assert count == len(orjson.loads(expected)["quotes"])
        # the speakers are exactly those the exported quotes name, counted over those quotes
        named: dict[str, list[str]] = {}
        for q in built["quotes"]:
            if q["speaker"]["id"] is not None:
                named.setdefault(q["speaker"]["id"], []).append(q["doc_id"])
        assert {s["id"]: (s["quote_count"], s["documents"]) for s in built["speakers"]} == {
            sid: (len(docs), sorted(set(docs))) for sid, docs in named.items()}
        assert [s["name"] for s in built["speakers"]] == sorted(s["name"] for s in built["speakers"])
    empty = Store(tmp_path / "empty.db")
    empty.write_export(tmp_path / "e.json")
    assert (tmp_path / "e.json").read_bytes() == orjson.dumps(empty.build_export(), option=orjson.OPT_INDENT_2) + b"\n"
