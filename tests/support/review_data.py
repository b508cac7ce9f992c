"""A small hand-made store for review tests: no spaCy, built in milliseconds.

Quotes are written exactly as extraction would (spans index the text), so
the review, export and detail views see a real store.
"""

from __future__ import annotations

from pathlib import Path

from quotetrack.domain import Document, Quote, TextSpan
from quotetrack.store import Store

NATO = (
    "Jens Stoltenberg said “We will not be intimidated by anyone.” The alliance met in Brussels.\n"
    "“The door remains open,” Stoltenberg told reporters on Monday.\n"
    "According to Sergey Lavrov, the decision was final.\n"
    "He said that Moscow would answer in kind."
)
BUDGET = (
    "The finance minister, Ann Lee, said the budget would balance by 2026.\n"
    "“It is a fair plan for every family,” she said.\n"
    "Critics said the plan was “a fantasy built on hope”."
)
MARKUP = (
    "Mayor Tom Reed said “[bold]Vote[/bold] [@click=app.quit]now[/] [link=https://evil.example]here[/link] "
    "\x1b[31mred\x1b[0m\x07” at noon."
)


def _span(text: str, fragment: str | tuple[str, str]) -> TextSpan:
    """The first occurrence of ``fragment``, or of ``(fragment, after)``: the first after ``after``."""
    fragment, after = fragment if isinstance(fragment, tuple) else (fragment, "")
    start = text.index(fragment, text.index(after) if after else 0)
    return TextSpan(start, start + len(fragment), fragment)


def _quote(text, kind, content, speaker, conf, method="syntax", cue=None, mention=None, resolved=None,
           speaker_kind="person") -> Quote:
    return Quote(
        kind=kind, content=_span(text, content), cue=_span(text, cue) if cue else None, speaker=speaker,
        speaker_kind=speaker_kind, mention=_span(text, mention) if mention else None,
        resolved=_span(text, resolved) if resolved else None, method=method, confidence=conf,
    )


def documents() -> list[tuple[Document, list[Quote]]]:
    nato = Document("nato-1", NATO, "nato-1.txt")
    budget = Document("budget-2", BUDGET, "budget-2.txt")
    markup = Document("markup-3", MARKUP, "markup-3.txt")
    return [
        (nato, [
            _quote(NATO, "direct", "We will not be intimidated by anyone.", "Jens Stoltenberg", 0.92, cue="said"),
            _quote(NATO, "direct", "The door remains open,", "Jens Stoltenberg", 0.64, "continuation", cue="told",
                   mention=("Stoltenberg", "open")),
            _quote(NATO, "indirect", "the decision was final", "Sergey Lavrov", 0.55, "according", cue="According to"),
            _quote(NATO, "indirect", "Moscow would answer in kind", "Sergey Lavrov", 0.31, "coref", cue="said that",
                   mention="He", resolved="Sergey Lavrov"),
        ]),
        (budget, [
            _quote(BUDGET, "indirect", "the budget would balance by 2026", "Ann Lee", 0.77, "apposition", cue="said"),
            _quote(BUDGET, "direct", "It is a fair plan for every family,", "Ann Lee", 0.42, "coref", cue="she said",
                   mention="she", resolved="Ann Lee"),
            _quote(BUDGET, "mixed", "a fantasy built on hope", None, 0.18, "none", cue="Critics said",
                   speaker_kind="other"),
        ]),
        (markup, [
            _quote(MARKUP, "direct", MARKUP[MARKUP.index("“") + 1:MARKUP.index("”")], "Tom Reed", 0.25,
                   cue="said", mention="Mayor Tom Reed"),
        ]),
    ]


def build(path: str | Path) -> dict[str, str]:
    """Write the store at ``path``; returns quote ids by short name."""
    db = Store(path)
    ids: dict[str, str] = {}
    names = {
        "nato-1": ["intimidated", "door", "final", "moscow"],
        "budget-2": ["budget", "fair", "fantasy"],
        "markup-3": ["markup"],
    }
    for doc, quotes in documents():
        stored = db.save_document(doc, quotes, "test-1")
        ordered = sorted(quotes, key=lambda q: (q.start, q.end))
        by_text = {q.text: qid for q, qid in zip(ordered, stored)}
        for short, q in zip(names[doc.id], quotes):
            ids[short] = by_text[q.text]
    db.refresh_speakers()
    db.close()
    return ids


def build_many(path: str | Path, copies: int) -> None:
    """``copies`` copies of the newsroom documents under distinct ids (8 quotes each)."""
    db = Store(path)
    for k in range(copies):
        for doc, quotes in documents():
            db.save_document(Document(f"{doc.id}-{k:03d}", doc.text, doc.source), quotes, "test-1")
    db.refresh_speakers()
    db.close()
