"""The second hardening round's input shapes for ``fuzz_quotes.py``: strategies and the invariants they must keep.

- ``input_trees``: a folder of hostile inputs (``.txt`` of any bytes, JSONL lines of any
  JSON or none, blank and over-long lines, ``.jsonl.gz`` whole or cut, HTML pages of
  random markup, named pipes, links to ``/dev/zero``, broken links, loops, nesting),
  read with chosen id/text fields. ``check_inputs``: reading never raises and never
  blocks, documents have text, a string id (unique) and a JSON-serialisable ``meta``,
  and ``count_documents`` equals what reading accounts for.
- ``long_texts``: news text repeated and glued, cut with small limits.
  ``check_pieces``: pieces cover the text in order, within their characters and
  (unless one character long) their token budget.
- ``edited_articles``: an article of quotes, some reviewed, then edited at random
  (words inserted, deleted, paragraphs moved) and stored again. ``check_carry_over``:
  no review is lost (each is on a quote with its words, or listed unplaced), and a
  quote whose words are all still there keeps its review.
"""

from __future__ import annotations

import gzip
import os
import re
import tempfile
import threading
from pathlib import Path

import orjson
from hypothesis import strategies as st

from tests.support.strategies import WORDS, any_text, news_text

LINE_LIMIT = 3000  # the document size limit while fuzzing: over-long lines come cheap

json_values = st.recursive(
    st.none() | st.booleans() | st.integers(-(2**63), 2**63 - 1) | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3),
    max_leaves=8,
)
FIELDS = [("id", "text"), ("url", "body")]


@st.composite
def jsonl_bytes(draw) -> bytes:
    lines = []
    for _ in range(draw(st.integers(0, 6))):
        kind = draw(st.integers(0, 5))
        if kind == 0:
            lines.append(draw(st.binary(max_size=40)))
        elif kind == 1:
            lines.append(b" " * draw(st.integers(0, 3)))
        elif kind == 2:
            lines.append(b'{"id": "long", "text": "' + b"x" * draw(st.integers(LINE_LIMIT - 30, LINE_LIMIT + 50)) + b'"}')
        else:
            obj = draw(st.dictionaries(st.sampled_from(["id", "text", "url", "body", "title", "date", "x"]), json_values,
                                       max_size=5))
            if draw(st.booleans()):
                obj[draw(st.sampled_from(["id", "url"]))] = draw(st.text(min_size=1, max_size=6))
                obj[draw(st.sampled_from(["text", "body"]))] = draw(news_text())
            lines.append(orjson.dumps(obj))
    ending = draw(st.sampled_from([b"\n", b"\r\n", b""]))
    data = b"\n".join(lines) + (ending if lines else b"")
    return (b"\xef\xbb\xbf" + data) if draw(st.booleans()) and data else data


@st.composite
def html_bytes(draw) -> bytes:
    if draw(st.integers(0, 5)) == 0:
        return draw(st.binary(max_size=300))
    tags = ["p", "div", "nav", "article", "footer", "script", "h1", "form", "span", "li"]
    parts = [f"<{t}>{draw(any_text)}</{t}>" for t in draw(st.lists(st.sampled_from(tags), max_size=6))]
    head = draw(st.sampled_from(["", "<meta charset='utf-8'>", "<title>T</title><meta name='author' content='A B'>"]))
    return f"<html><head>{head}</head><body>{''.join(parts)}</body></html>".encode("utf-8", "surrogatepass")


@st.composite
def input_trees(draw) -> list[tuple[str, str, bytes]]:
    """(relative path, what, content) entries; what: file, fifo, zero-link, broken-link, loop-link."""
    entries = []
    for n in range(draw(st.integers(1, 8))):
        folder = draw(st.sampled_from(["", "a/", "a/b/", "c/"]))
        what = draw(st.sampled_from(["file"] * 6 + ["fifo", "zero-link", "broken-link", "loop-link"]))
        suffix = draw(st.sampled_from([".txt", ".TXT", ".jsonl", ".jsonl.gz", ".html", ".htm", ".md"]))
        if suffix in (".jsonl", ".jsonl.gz"):
            content = draw(jsonl_bytes())
            if suffix == ".jsonl.gz":
                content = gzip.compress(content)
                if draw(st.booleans()):
                    content = content[: draw(st.integers(0, len(content)))]
        elif suffix in (".html", ".htm"):
            content = draw(html_bytes())
        else:
            content = draw(st.binary(max_size=200) | any_text.map(lambda t: t.encode("utf-8", "surrogatepass")))
        entries.append((f"{folder}f{n}{suffix}", what, content))
    return entries


def _make_tree(root: Path, entries) -> None:
    for rel, what, content in entries:
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        if what == "file":
            path.write_bytes(content)
        elif what == "fifo":
            os.mkfifo(path)
        elif what == "zero-link":
            os.symlink("/dev/zero", path)
        elif what == "broken-link":
            os.symlink("nowhere", path)
        else:  # a link back up, never above the tree: to its own folder at the top
            os.symlink(".." if path.parent != root else ".", path.with_name(path.name + ".d"))


def check_inputs(entries) -> None:
    from quotetrack.run import inputs

    inputs.MAX_FILE_BYTES = LINE_LIMIT
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        _make_tree(root, entries)
        for id_field, text_field in FIELDS:
            notes: list = []
            box: list = []

            def read() -> None:
                box.append(list(inputs.read_documents([root], on_note=notes.append, id_field=id_field,
                                                      text_field=text_field)))

            worker = threading.Thread(target=read, daemon=True)
            worker.start()
            worker.join(30)
            assert box, "reading blocked (a pipe or a device was opened?)"
            items = box[0]
            docs = [i for i in items if isinstance(i, inputs.Document)]
            assert len({d.id for d in docs}) == len(docs), "duplicate ids"
            for d in docs:
                assert isinstance(d.id, str) and d.text.strip() and "\r" not in d.text
                assert isinstance(d.meta, dict) and orjson.loads(orjson.dumps(d.meta)) is not None
                assert id_field not in d.meta and text_field not in d.meta
            skipped = sum(1 for n in notes if n.skipped)
            assert inputs.count_documents([root]) == len(items) + skipped, "the progress total differs from what was read"


@st.composite
def long_texts(draw) -> tuple[str, int, int]:
    text = draw(news_text() | any_text) * draw(st.integers(1, 40))
    return text, draw(st.integers(1, 3000)), draw(st.integers(1, 600))


def check_pieces(case) -> None:
    from quotetrack.run.chunks import estimate_tokens, split_pieces

    text, limit, tokens = case
    pieces = split_pieces(text, limit, tokens)
    assert pieces[0][0] == 0 and pieces[-1][1] == len(text)
    for (s, e, n), nxt in zip(pieces, pieces[1:] + [None]):
        assert 0 <= s <= e and e - s <= limit and n == estimate_tokens(text, s, e)
        assert n <= tokens or e - s <= 1 or limit == 0, (s, e, n)
        assert nxt is None or nxt[0] == e
    assert len(pieces) == 1 or all(e > s for s, e, _ in pieces)


def _sentence(words: list[str]) -> str:
    return " ".join(words)


@st.composite
def edited_articles(draw):
    """(quotes' words, the article, its reviews as (quote index, status, note), the edited article)."""
    quotes = draw(st.lists(st.lists(st.sampled_from(WORDS), min_size=2, max_size=6).map(_sentence), min_size=1, max_size=8))
    paras = [f"“{q},” {draw(st.sampled_from(['Ann Lee', 'he', 'the mayor']))} said." for q in quotes]
    text = "\n".join(paras) + "\n"
    reviews = draw(st.lists(st.tuples(st.integers(0, len(quotes) - 1), st.sampled_from(["confirmed", "rejected"]),
                                      st.none() | st.text(max_size=5)), max_size=len(quotes), unique_by=lambda r: r[0]))
    edited = text
    for _ in range(draw(st.integers(0, 4))):
        edit = draw(st.integers(0, 2))
        at = draw(st.integers(0, len(edited)))
        if edit == 0:
            edited = edited[:at] + draw(st.sampled_from(["\n", " update ", "Breaking: ", "x"])) + edited[at:]
        elif edit == 1:
            edited = edited[:at] + edited[at + draw(st.integers(1, 8)):]
        else:
            lines = edited.split("\n")
            lines.insert(draw(st.integers(0, len(lines))), lines.pop(draw(st.integers(0, len(lines) - 1))))
            edited = "\n".join(lines)
    return quotes, text, reviews, edited


def _quotes_in(text: str, fragments: list[str]):
    from quotetrack.domain import Quote, TextSpan

    found = []
    for fragment in dict.fromkeys(fragments):
        for m in re.finditer(re.escape(fragment), text):
            found.append(Quote("direct", TextSpan(m.start(), m.end(), fragment), speaker="Ann Lee"))
    return found


def check_carry_over(case) -> None:
    from quotetrack import review
    from quotetrack.domain import Document
    from quotetrack.store import Store
    from quotetrack.store.carryover import words

    quotes, text, reviews, edited = case
    with tempfile.TemporaryDirectory() as tmp:
        db = Store(Path(tmp) / "q.db")
        ids = db.save_document(Document("d", text, "d.txt"), _quotes_in(text, quotes), "x1")
        stored = {r[0]: r[1] for r in db.conn.execute("SELECT id, text FROM quotes")}
        by_index = [next(qid for qid in ids if stored[qid] == q) for q in quotes]
        reviewed = {}
        for index, status, note in reviews:
            qid = by_index[index]
            if qid in reviewed:
                continue
            (review.confirm if status == "confirmed" else review.reject)(db, qid, "fuzz")
            if note:
                review.set_note(db, qid, note, "fuzz")
            reviewed[qid] = stored[qid]
        if edited.strip():
            saved = db.save_document(Document("d", edited, "d.txt"), _quotes_in(edited, quotes), "x1")
            placed = db.conn.execute("SELECT q.text FROM reviews r JOIN quotes q ON q.id = r.quote_id").fetchall()
            unplaced = db.unplaced_reviews()
            assert len(placed) + len(unplaced) == len(reviewed), "a review was lost"
            assert saved.unplaced == len(unplaced) or unplaced, (saved.unplaced, unplaced)
            kept = sorted(words(t) for (t,) in placed)
            assert all(k in {words(t) for t in reviewed.values()} for k in kept), "a review moved to other words"
            for u in unplaced:
                occurrences = sum(1 for q in _quotes_in(edited, quotes) if words(q.text) == words(u.text))
                wanted = sum(1 for t in reviewed.values() if words(t) == words(u.text))
                assert occurrences < wanted, f"{u.text!r} is still there but its review was not placed"
        db.close()
