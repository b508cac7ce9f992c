"""Speaker names: within an article and across the corpus.

First cut: a surname alone joins the one full name in the article that
ends with it; across articles, names that are equal after case and accent
folding share a speaker id.
"""

from __future__ import annotations

import hashlib
import unicodedata
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field


@dataclass(frozen=True)
class NameOccurrence:
    name: str
    kind: str
    doc_id: str
    count: int = 1


@dataclass
class SpeakerCluster:
    id: str
    name: str
    kind: str
    aliases: list[str]
    documents: list[str]
    quote_count: int
    flags: list[str] = field(default_factory=list)


def fold(name: str) -> str:
    """Case- and accent-insensitive form of a name, apostrophes and dots dropped."""
    decomposed = unicodedata.normalize("NFKD", name)
    ascii_ = "".join(c for c in decomposed if not unicodedata.combining(c))
    ascii_ = ascii_.replace("’", "'").replace("´", "'")
    if ascii_.endswith("'s"):
        ascii_ = ascii_[:-2]
    return " ".join(ascii_.replace(".", " ").replace("'", "").casefold().split())


def speaker_id_for(key_name: str, kind: str) -> str:
    digest = hashlib.sha256(f"{kind}\x1f{fold(key_name)}".encode("utf-8")).hexdigest()
    return "sp_" + digest[:12]


def resolve_in_document(names: list[str], kinds: dict[str, str] | None = None) -> dict[str, str | None]:
    """Map each name to the full name it stands for in one article.

    A one-word name joins the unique longer name ending with it; when two
    people share that surname it maps to ``None`` (ambiguous: not guessed).
    """
    full = sorted({n for n in names if len(n.split()) > 1})
    out: dict[str, str | None] = {}
    for n in set(names):
        if len(n.split()) > 1:
            out[n] = n
            continue
        matches = {f for f in full if fold(f).split()[-1] == fold(n)}
        if len({fold(m) for m in matches}) == 1:
            out[n] = max(matches, key=lambda m: (names.count(m), m))
        elif matches:
            out[n] = None
        else:
            out[n] = n
    return out


@dataclass
class Overrides:
    """Decisions that beat the rules: from an aliases file or a reviewer."""

    merges: list[tuple[str, str]] = field(default_factory=list)
    forbids: list[tuple[str, str]] = field(default_factory=list)
    renames: dict[str, str] = field(default_factory=dict)
    splits: list[str] = field(default_factory=list)


class Normaliser:
    def __init__(self, overrides: Overrides | None = None):
        self.overrides = overrides or Overrides()

    def cluster(self, occurrences: Iterable[NameOccurrence]) -> list[SpeakerCluster]:
        ov = self.overrides
        split = {fold(n) for n in ov.splits}
        groups: dict[tuple[str, str], list[NameOccurrence]] = defaultdict(list)
        for occ in occurrences:
            key = fold(occ.name)
            groups[(occ.kind, "=" + occ.name if key in split else key)].append(occ)
        keys = sorted(groups)
        parent = {k: k for k in keys}

        def find(k):
            while parent[k] != k:
                k = parent[k]
            return k

        by_name: dict[str, list[tuple[str, str]]] = defaultdict(list)
        for k in keys:
            for o in groups[k]:
                by_name[fold(o.name)].append(k)
        forbidden = {frozenset((fold(a), fold(b))) for a, b in ov.forbids}
        for a, b in ov.merges:
            if frozenset((fold(a), fold(b))) in forbidden:
                continue
            for ka in by_name.get(fold(a), []):
                for kb in by_name.get(fold(b), []):
                    ra, rb = find(ka), find(kb)
                    if ra != rb:
                        parent[max(ra, rb)] = min(ra, rb)
        merged: dict[tuple[str, str], list[NameOccurrence]] = defaultdict(list)
        for k in keys:
            merged[find(k)].extend(groups[k])
        renames = {fold(k): v for k, v in ov.renames.items()}
        out = []
        for (kind, key), occs in sorted(merged.items()):
            freq: dict[str, int] = defaultdict(int)
            for o in occs:
                freq[o.name] += o.count
            name = max(freq, key=lambda n: (freq[n], len(n), n))
            name = next((renames[fold(n)] for n in sorted(freq) if fold(n) in renames), name)
            out.append(
                SpeakerCluster(
                    id=speaker_id_for(key, kind),
                    name=name,
                    kind=kind,
                    aliases=sorted(freq),
                    documents=sorted({o.doc_id for o in occs}),
                    quote_count=sum(freq.values()),
                )
            )
        return out
