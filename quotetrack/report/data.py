"""What the report shows, gathered from a :class:`~quotetrack.Corpus` in one pass over its quotes.

Rejected quotes are wrong attributions: they count in "by kind and review
status" (a reviewer rejected them) and nowhere else.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from itertools import groupby

from ..domain import QUOTE_KINDS, REVIEW_STATUSES
from .sentences import Sentence, sentence_around

KEPT = ("pending", "confirmed")  # with corrected (a confirmed quote with changes): all but rejected
QUOTES_PER_SPEAKER = 25  # shown under each speaker; the rest are one export away


@dataclass(slots=True)
class QuoteLine:
    doc_id: str
    title: str | None  # the document's title, when its metadata has one
    day: date | None
    kind: str
    status: str
    confidence: float
    sentence: Sentence


@dataclass(slots=True)
class SpeakerSection:
    id: str | None  # None: a name the store gave no speaker id (listed under the name alone)
    name: str
    kind: str
    aliases: list[str]
    quote_count: int = 0
    documents: set[str] = field(default_factory=set)
    quotes: list[QuoteLine] = field(default_factory=list)

    @property
    def more(self) -> int:
        return self.quote_count - len(self.quotes)


@dataclass(slots=True)
class ReportData:
    store: str
    version: str
    models: str
    documents: int
    quotes: int  # all but rejected
    unattributed: int  # of those, quotes with no speaker
    by_kind_status: dict[tuple[str, str], int]
    speakers: list[SpeakerSection]  # most quoted first
    by_day: Counter  # date → quotes (all but rejected) in documents of that date
    undated: int  # quotes in documents without a date

    @property
    def rejected(self) -> int:
        return sum(n for (_, status), n in self.by_kind_status.items() if status == "rejected")

    def kinds(self) -> list[str]:
        seen = {kind for kind, _ in self.by_kind_status}
        return [k for k in QUOTE_KINDS if k in seen] + sorted(seen - set(QUOTE_KINDS))

    def statuses(self) -> list[str]:
        seen = {status for _, status in self.by_kind_status}
        return [s for s in REVIEW_STATUSES if s in seen] + sorted(seen - set(REVIEW_STATUSES))


def collect(corpus, per_speaker: int = QUOTES_PER_SPEAKER) -> ReportData:
    """Everything the page shows, read through the corpus and its store (speakers refreshed first)."""
    store = corpus.store
    sections = {s.id: SpeakerSection(s.id, s.name, s.kind, s.aliases) for s in corpus.speakers()}
    meta = store.documents_meta()
    days = {doc_id: _day(m.get("date")) for doc_id, m in meta.items()}
    by_day: Counter = Counter()
    quotes = unattributed = undated = 0
    for doc_id, records in groupby(corpus.quotes(status=KEPT), key=lambda r: r["doc_id"]):
        text = store.document_text(doc_id) or ""
        title, day = _title(meta.get(doc_id)), days.get(doc_id)
        for record in records:
            quotes += 1
            if day is None:
                undated += 1
            else:
                by_day[day] += 1
            section = _section(sections, record["speaker"])
            if section is None:
                unattributed += 1
                continue
            section.quote_count += 1
            section.documents.add(doc_id)
            if len(section.quotes) < per_speaker:
                section.quotes.append(_line(record, text, title, day))
    info = store.tool_info()
    return ReportData(
        store=store.path.name, version=info["version"],
        models=", ".join(m for m in (info["spacy_model"], info["coref_model"]) if m) or "unknown models",
        documents=store.counts()["documents"], quotes=quotes, unattributed=unattributed,
        by_kind_status=store.quote_counts(),
        speakers=sorted((s for s in sections.values() if s.quote_count), key=lambda s: (-s.quote_count, s.name, s.id or "")),
        by_day=by_day, undated=undated,
    )


def _section(sections: dict[str, SpeakerSection], speaker: dict) -> SpeakerSection | None:
    """The speaker's section: by id, else (a name without an id) by name, made on first use; None: no speaker."""
    if speaker["id"] is not None:
        return sections.get(speaker["id"])
    if speaker["name"] is None:
        return None
    key = "\x00name:" + speaker["name"]
    if key not in sections:
        sections[key] = SpeakerSection(None, speaker["name"], "unknown", [speaker["name"]])
    return sections[key]


def _line(record: dict, text: str, title: str | None, day: date | None) -> QuoteLine:
    spans = [s for s in (record["cue"], record["speaker"]["mention"]) if s]
    context = (min(s["start"] for s in spans), max(s["end"] for s in spans)) if spans else None
    return QuoteLine(
        doc_id=record["doc_id"], title=title, day=day, kind=record["kind"], status=record["review"]["status"],
        confidence=record["confidence"], sentence=sentence_around(text, record["start"], record["end"], context),
    )


def _day(value) -> date | None:
    """The calendar day an ISO date or date-time (``2024-05-01``, ``2024-05-01T09:30:00Z``) names."""
    if not isinstance(value, str) or len(value) < 10:
        return None
    try:
        return date.fromisoformat(value[:10])
    except ValueError:
        return None


def _title(meta: dict | None) -> str | None:
    title = (meta or {}).get("title")
    return title.strip() or None if isinstance(title, str) else None
