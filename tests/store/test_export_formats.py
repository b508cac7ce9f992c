"""CSV rows, exports to a stream, the 'reviewed' status and the filters a Selection refuses."""

from __future__ import annotations

import csv
import io

import orjson
import pytest

from quotetrack.domain import Document, Quote, TextSpan
from quotetrack.store import Selection, Store, export

TEXT = 'Ann Lee said “we will win, “truly”, tonight\nno doubt” and left. Bo Ray said that “prices, he said, will fall”.'


@pytest.fixture()
def db(tmp_path):
    db = Store(tmp_path / "q.db")
    doc = Document(id="d1", text=TEXT, source="d1.txt")
    quotes = []
    for fragment, speaker, kind, conf in (("we will win, “truly”, tonight\nno doubt", "Ann Lee", "direct", 0.9),
                                          ("prices, he said, will fall", "Bo Ray", "indirect", 0.4)):
        s = TEXT.index(fragment)
        quotes.append(Quote(kind=kind, content=TextSpan(s, s + len(fragment), fragment), speaker=speaker,
                            speaker_kind="person", method="syntax", confidence=conf))
    ids = db.save_document(doc, quotes, "test")
    db.refresh_speakers()
    db.conn.execute("INSERT INTO reviews(quote_id, status, by, at) VALUES (?, 'rejected', 'ann', 'x')", (ids[1],))
    return db


def test_csv_is_one_row_per_quote_with_its_document_speaker_kind_confidence_status_text_and_offsets(db, tmp_path):
    path = tmp_path / "q.csv"
    assert db.write_export(path, "csv") == 2
    raw = path.read_bytes()
    rows = list(csv.DictReader(io.StringIO(raw.decode("utf-8"), newline="")))
    assert list(rows[0]) == list(export.CSV_COLUMNS)
    assert [(r["document"], r["speaker"], r["kind"], r["status"]) for r in rows] == [
        ("d1", "Ann Lee", "direct", "pending"), ("d1", "Bo Ray", "indirect", "rejected")]
    for row in rows:  # commas, quotation marks and a line break inside the text survive the round trip
        assert TEXT[int(row["start"]):int(row["end"])] == row["text"]
        assert 0 < float(row["confidence"]) <= 1 and row["speaker_id"].startswith("sp_") and row["quote_id"].startswith("q_")
    assert raw.count(b"\r\n") == 3  # RFC 4180 line ends; the line break inside a quote stays a bare \n


def test_csv_of_no_quotes_is_the_header_alone(db, tmp_path):
    path = tmp_path / "none.csv"
    assert db.write_export(path, "csv", Selection(statuses=["confirmed"])) == 0
    assert path.read_bytes() == (",".join(export.CSV_COLUMNS) + "\r\n").encode()


@pytest.mark.parametrize("fmt", export.FORMATS)
def test_a_stream_gets_the_same_bytes_as_a_file(db, tmp_path, monkeypatch, fmt):
    monkeypatch.setattr(export, "utc_now", lambda: "2026-01-01T00:00:00Z")
    stream = io.BytesIO()
    assert db.write_export(stream, fmt) == db.write_export(tmp_path / "file", fmt) == 2
    assert stream.getvalue() == (tmp_path / "file").read_bytes()


def test_reviewed_is_every_status_but_pending_as_in_the_review_app(db, tmp_path):
    assert export.parse_statuses("reviewed") == ["confirmed", "corrected", "rejected"]
    assert export.parse_statuses("Reviewed, pending") == ["confirmed", "corrected", "pending", "rejected"]
    path = tmp_path / "r.jsonl"
    assert db.write_export(path, "jsonl", Selection(statuses=export.parse_statuses("reviewed"))) == 1
    assert orjson.loads(path.read_bytes())["speaker"]["name"] == "Bo Ray"


@pytest.mark.parametrize("value", ["", " , ", []])
def test_a_status_filter_naming_no_status_is_refused_not_taken_for_everything(value):
    with pytest.raises(ValueError, match="no status given"):
        export.parse_statuses(value)


@pytest.mark.parametrize("options, message", [
    ({"kind": "quoted"}, "unknown kind"),
    ({"min_confidence": 1.5}, "between 0 and 1"),
    ({"min_confidence": -0.1}, "between 0 and 1"),
    ({"min_confidence": float("nan")}, "between 0 and 1"),
])
def test_a_selection_that_could_only_match_by_mistake_is_refused(options, message):
    with pytest.raises(ValueError, match=message):
        Selection(**options)


def test_unknown_format_is_refused_naming_the_formats(db, tmp_path):
    with pytest.raises(ValueError, match="json, jsonl, csv"):
        db.write_export(tmp_path / "x", "xml")
