"""Plain dataclasses for quotetrack's domain: what flows from parse to store.

All offsets are character offsets into the document text *as quotetrack
normalised it* (UTF-8 decoded, BOM dropped, line endings turned into ``\\n``).
For every span, ``text == document_text[start:end]``.
"""

from __future__ import annotations

from dataclasses import dataclass, field

QUOTE_KINDS = ("direct", "indirect", "mixed")
SPEAKER_KINDS = ("person", "organization", "other")
REVIEW_STATUSES = ("pending", "confirmed", "rejected", "corrected")


@dataclass(frozen=True, slots=True)
class TextSpan:
    """A stretch of a document: ``text == doc_text[start:end]``."""

    start: int
    end: int
    text: str

    def as_dict(self) -> dict:
        return {"text": self.text, "start": self.start, "end": self.end}


@dataclass(slots=True)
class Quote:
    """One attributed piece of reported speech in one document.

    ``content`` is what was said (inside the quotation marks for direct
    quotes), ``cue`` the reporting words ("said", "according to"),
    ``mention`` the words naming the speaker at this place ("he") and
    ``resolved`` what they refer to ("Jens Stoltenberg"), when that is
    another place in the document. ``speaker`` is the speaker's name as
    the document gives it in full, or ``None`` when no speaker was found or
    the source is unnamed.
    """

    kind: str
    content: TextSpan
    cue: TextSpan | None = None
    speaker: str | None = None
    speaker_kind: str = "other"
    mention: TextSpan | None = None
    resolved: TextSpan | None = None
    method: str = "none"
    confidence: float = 0.0
    flags: tuple[str, ...] = field(default_factory=tuple)

    @property
    def start(self) -> int:
        return self.content.start

    @property
    def end(self) -> int:
        return self.content.end

    @property
    def text(self) -> str:
        return self.content.text


@dataclass(slots=True)
class Document:
    """An input article, its text normalised.

    ``meta``: what the input said about the article besides its id and text
    (a JSONL line's other fields: url, title, date, outlet, author, …; an HTML
    page's title, date and author), JSON-serialisable; empty for a ``.txt`` file.
    """

    id: str
    text: str
    source: str
    meta: dict = field(default_factory=dict)

    @property
    def sha256(self) -> str:
        import hashlib

        return hashlib.sha256(self.text.encode("utf-8")).hexdigest()


@dataclass(frozen=True, slots=True)
class Failure:
    """An input or a document that could not be done: a failure of the run, which goes on."""

    source: str
    reason: str

    def __str__(self) -> str:
        return f"{self.source}: {self.reason}"
