"""Articles with their metadata: JSONL fields kept as meta, chosen id/text fields, .jsonl.gz, HTML pages, folders of all."""

from __future__ import annotations

import gzip
import socket
from pathlib import Path

import orjson
import pytest

from quotetrack.domain import Document, Failure
from quotetrack.run import inputs
from quotetrack.run.inputs import InputNote, read_documents

DATA = Path(__file__).parent / "data"
ARTICLE = "“We will win this vote tonight, no doubt,” Ann Lee said."


def read(paths, **kwargs):
    notes: list[InputNote] = []
    items = list(read_documents([*paths], on_note=notes.append, **kwargs))
    return [i for i in items if isinstance(i, Document)], [i for i in items if isinstance(i, Failure)], notes


def jsonl(path: Path, *objects: dict, gz: bool = False) -> Path:
    data = b"".join(orjson.dumps(o) + b"\n" for o in objects)
    path.write_bytes(gzip.compress(data) if gz else data)
    return path


def test_jsonl_fields_besides_id_and_text_are_kept_as_meta(tmp_path):
    line = {"id": "a1", "text": ARTICLE, "url": "https://news.example/a1", "title": "Lee sure of a win",
            "date": "2024-05-02", "outlet": "The Example Times", "author": ["Jo Smith", "Kim Ng"], "words": 11}
    (doc,), errors, _ = read([jsonl(tmp_path / "batch.jsonl", line)])
    assert not errors and (doc.id, doc.text) == ("a1", ARTICLE)
    assert doc.meta == {"url": "https://news.example/a1", "title": "Lee sure of a win", "date": "2024-05-02",
                        "outlet": "The Example Times", "author": ["Jo Smith", "Kim Ng"], "words": 11}


def test_the_id_and_text_fields_can_be_named(tmp_path):
    f = jsonl(tmp_path / "feed.jsonl",
              {"title": "Vote tonight", "body": ARTICLE, "url": "https://news.example/vote"},
              {"title": "No body here", "url": "https://news.example/empty"},
              {"title": "No url", "body": ARTICLE})
    docs, errors, _ = read([f])
    assert [e.reason for e in errors] == ["missing 'id'"] * 3  # the default fields are not there
    docs, errors, _ = read([f], id_field="url", text_field="body")
    assert [(d.id, d.text, d.meta) for d in docs] == [("https://news.example/vote", ARTICLE, {"title": "Vote tonight"})]
    assert [(e.source.rsplit(":", 1)[1], e.reason) for e in errors] == [("2", "missing 'body'"), ("3", "missing 'url'")]
    with pytest.raises(ValueError, match="must differ"):
        list(read_documents([f], id_field="body", text_field="body"))


def test_folders_take_jsonl_gzipped_jsonl_and_html_pages_as_well_as_txt(tmp_path):
    root = tmp_path / "corpus"
    (root / "sub").mkdir(parents=True)
    (root / "a.txt").write_text(ARTICLE, encoding="utf-8")
    jsonl(root / "b.jsonl", {"id": "b1", "text": ARTICLE, "outlet": "B"}, {"id": "b2", "text": ARTICLE})
    jsonl(root / "c.JSONL.gz", {"id": "c1", "text": ARTICLE, "outlet": "C"}, gz=True)
    (root / "d.html").write_bytes((DATA / "harbour.html").read_bytes())
    (root / "sub" / "E.HTM").write_bytes((DATA / "harbour.html").read_bytes())
    (root / "notes.md").write_text("not an article", encoding="utf-8")
    docs, errors, notes = read([root])
    assert not errors and not notes
    assert [(d.id, d.source.replace(str(root), "")) for d in docs] == [
        ("a", "/a.txt"), ("b1", "/b.jsonl:1"), ("b2", "/b.jsonl:2"), ("c1", "/c.JSONL.gz:1"), ("d", "/d.html"),
        ("sub/E", "/sub/E.HTM"),
    ]
    assert [d.meta.get("outlet") for d in docs[1:4]] == ["B", None, "C"]
    assert inputs.count_documents([root]) == len(docs)


def test_a_damaged_gzip_file_is_one_failure_after_its_good_lines(tmp_path):
    whole = gzip.compress(b"".join(orjson.dumps({"id": f"g{i}", "text": ARTICLE * 40}) + b"\n" for i in range(200)))
    f = tmp_path / "cut.jsonl.gz"
    f.write_bytes(whole[: len(whole) // 2])  # cut off in the middle, as by a full disk
    docs, errors, _ = read([f])
    assert docs and len(docs) < 200
    (error,) = errors
    assert error.source == f"{f}:{len(docs) + 1}" and error.reason.startswith("not a valid gzip file")
    assert inputs.count_documents([f]) == len(docs) + 1


def test_an_html_page_gives_the_article_without_menu_cookie_banner_or_comment_form():
    (doc,), errors, _ = read([DATA / "harbour.html"])
    assert not errors and doc.id == "harbour"
    assert "“This is the most important decision this council has taken in a generation,” said Mayor Thomas Berg" in doc.text
    assert "“We were promised a working harbour, and what we get is a car park with a view,” Holm told" in doc.text
    assert doc.text.rstrip().endswith("published last autumn.")
    for page_furniture in ("cookie", "Accept all", "Subscribe today", "Weather", "Leave a comment", "Post comment",
                           "Sign up", "Related stories", "Ferry timetable", "All rights reserved", "Privacy policy",
                           "dataLayer", "Great news for the town"):
        assert page_furniture not in doc.text, page_furniture
    assert doc.meta["title"] == "Council backs harbour plan after long debate"
    assert doc.meta["author"] == "Maria Jensen" and doc.meta["date"] == "2024-03-14"
    assert doc.meta["sitename"] == "The Coastal Herald"


def test_html_is_read_offline(monkeypatch):
    def no_network(*args, **kwargs):
        raise AssertionError("the HTML reader tried to reach the network")

    monkeypatch.setattr(socket.socket, "connect", no_network)
    monkeypatch.setattr(socket, "create_connection", no_network)
    monkeypatch.setattr(socket, "getaddrinfo", no_network)
    (doc,), errors, _ = read([DATA / "harbour.html"])
    assert not errors and "Mayor Thomas Berg" in doc.text and "<p>" not in doc.text and doc.meta["author"]


def test_an_html_page_without_an_article_is_one_failure(tmp_path):
    (tmp_path / "menu.html").write_text("<html><head><script>track()</script></head><body><img src='x.png'></body></html>",
                                        encoding="utf-8")
    (tmp_path / "blob.htm").write_bytes(bytes(range(256)) * 40)
    docs, errors, _ = read([tmp_path])
    assert not docs
    assert [(Path(e.source).name, e.reason) for e in errors] == [
        ("blob.htm", "binary file (not HTML), skipped"),
        ("menu.html", "no article text found in the HTML page"),
    ]
