"""Gold attributions from brat standoff files (PolNeAR format), flat or PolNeAR folder layout.

Offsets are mapped to quotetrack's normalised text; a Content's kind
(direct / mixed / indirect) is read with the extractor's own quotation-mark
reader (:mod:`quotetrack.extract.marks`), so gold and predictions mean the
same thing by "quoted". Rules in docs/evaluate.md.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from ..extract import marks

KINDS = ("direct", "mixed", "indirect")

Fragments = tuple[tuple[int, int], ...]


@dataclass(frozen=True, slots=True)
class GoldAttribution:
    """One attribution relation (an ``E`` line).

    ``content`` is the union of the relation's Content spans (``Content``,
    ``Content2``, ... and each discontinuous piece), sorted. ``source`` is
    ``None`` when the relation has no Source (an implicit source).
    """

    id: str
    kind: str
    content: Fragments
    cue: Fragments | None
    source: Fragments | None


@dataclass(slots=True)
class GoldDocument:
    """An article with its gold attributions; offsets index ``text``."""

    name: str
    text: str
    attributions: list[GoldAttribution]
    ann_path: Path
    annotators: tuple[str, ...] = ()
    warnings: list[str] = field(default_factory=list)


# ----------------------------------------------------------------------
# Text normalisation with an offset map


def normalise_with_map(raw: str) -> tuple[str, list[int]]:
    """quotetrack's normalised text and ``m`` with ``m[raw_offset] == offset``.

    ``m`` has ``len(raw) + 1`` entries so that span ends map too. The same
    rule as quotetrack's input reader: a leading BOM is dropped, ``\\r\\n`` and
    ``\\r`` become ``\\n``.
    """
    out: list[str] = []
    mapping: list[int] = []
    i, n = 0, len(raw)
    if raw.startswith("\ufeff"):
        mapping.append(0)
        i = 1
    while i < n:
        ch = raw[i]
        mapping.append(len(out))
        if ch == "\r":
            out.append("\n")
            if i + 1 < n and raw[i + 1] == "\n":
                mapping.append(len(out))
                i += 1
        else:
            out.append(ch)
        i += 1
    mapping.append(len(out))
    return "".join(out), mapping


# ----------------------------------------------------------------------
# brat parsing


@dataclass(slots=True)
class _TextBound:
    label: str
    fragments: Fragments
    covered: str


_T_LINE = re.compile(r"^(T\d+)\t(\S+) (\d+ \d+(?:;\d+ \d+)*)(?:\t(.*))?$")
_E_LINE = re.compile(r"^(E\d+)\t(.*)$")


def parse_ann(ann: str) -> tuple[dict[str, _TextBound], list[tuple[str, list[tuple[str, str]]]], list[str]]:
    """Text-bound annotations, events and warnings from one ``.ann`` text.

    Lines that are neither ``T`` nor ``E`` (notes, attributes, and the
    continuation lines brat leaves when a covered text contains a newline)
    are skipped.
    """
    bounds: dict[str, _TextBound] = {}
    events: list[tuple[str, list[tuple[str, str]]]] = []
    warnings: list[str] = []
    for line in ann.split("\n"):
        line = line.rstrip("\r")
        m = _T_LINE.match(line)
        if m:
            frs = tuple(
                (int(a), int(b)) for a, b in (piece.split() for piece in m.group(3).split(";"))
            )
            bounds[m.group(1)] = _TextBound(m.group(2), frs, m.group(4) or "")
            continue
        m = _E_LINE.match(line)
        if m:
            args = []
            for part in m.group(2).split():
                role, _, ref = part.partition(":")
                args.append((role, ref))
            events.append((m.group(1), args))
    return bounds, events, warnings


def _role_family(role: str) -> str:
    """``Content2`` -> ``Content``: brat numbers repeated roles."""
    return role.rstrip("0123456789")


def _map_fragments(frs: Fragments, mapping: list[int] | None) -> Fragments:
    if mapping is None:
        return frs
    last = len(mapping) - 1
    return tuple((mapping[min(a, last)], mapping[min(b, last)]) for a, b in frs)


def _squash(s: str) -> str:
    return re.sub(r"\s+", "", s)


def _covered_matches(text: str, tb: _TextBound, frs: Fragments) -> bool:
    got = "".join(text[a:b] for a, b in frs)
    return _squash(got) == _squash(tb.covered)


def build_document(name: str, raw_text: str, ann_text: str, ann_path: Path, annotators: tuple[str, ...] = ()) -> GoldDocument:
    """Turn one text and its ``.ann`` into a :class:`GoldDocument`."""
    text, mapping = normalise_with_map(raw_text)
    bounds, events, warnings = parse_ann(ann_text)
    offset_map = _choose_offset_map(raw_text, text, mapping, bounds)
    mask = marks.quoted_mask(text, marks.find_marked(text))
    attributions: list[GoldAttribution] = []
    referenced: set[str] = set()
    mismatched = 0
    for eid, args in events:
        roles: dict[str, list[tuple[int, int]]] = {"Content": [], "Cue": [], "Source": []}
        for role, ref in args:
            referenced.add(ref)
            family = _role_family(role)
            if family not in roles:
                continue
            tb = bounds.get(ref)
            if tb is None:
                warnings.append(f"{ann_path.name}: {eid} refers to missing {ref}")
                continue
            frs = _map_fragments(tb.fragments, offset_map)
            if any(b > len(text) or a > b for a, b in frs):
                warnings.append(f"{ann_path.name}: {ref} lies outside the text")
                continue
            if tb.covered and not _covered_matches(text, tb, frs):
                mismatched += 1
            roles[family].extend(frs)
        if not roles["Content"]:
            continue
        content = tuple(sorted(set(roles["Content"])))
        attributions.append(
            GoldAttribution(
                id=eid,
                kind=marks.kind_of(text, content, mask),
                content=content,
                cue=tuple(sorted(set(roles["Cue"]))) or None,
                source=tuple(sorted(set(roles["Source"]))) or None,
            )
        )
    orphans = sum(1 for tid, tb in bounds.items() if tb.label == "Content" and tid not in referenced)
    if orphans:
        warnings.append(f"{ann_path.name}: {orphans} Content span(s) in no relation, ignored")
    if mismatched:
        warnings.append(f"{ann_path.name}: {mismatched} span(s) whose covered text differs from the article")
    attributions.sort(key=lambda g: (g.content[0], g.id))
    return GoldDocument(name, text, attributions, ann_path, annotators, warnings)


def _choose_offset_map(raw: str, text: str, mapping: list[int], bounds: dict[str, _TextBound]) -> list[int] | None:
    """The raw->normalised map, or ``None`` when offsets already index ``text``.

    Only matters when normalising changed the text; then we keep whichever
    reading makes more covered-text columns match the article.
    """
    if raw == text:
        return None
    checked = [tb for tb in bounds.values() if tb.covered]
    via_map = sum(_covered_matches(text, tb, _map_fragments(tb.fragments, mapping)) for tb in checked)
    as_is = sum(
        _covered_matches(text, tb, tb.fragments)
        for tb in checked
        if all(b <= len(text) for _, b in tb.fragments)
    )
    return None if as_is > via_map else mapping


# ----------------------------------------------------------------------
# Folder layout


def _layout(folder: Path) -> tuple[Path, Path]:
    text_dir = folder / "text" if (folder / "text").is_dir() else folder
    ann_dir = folder / "attributions" if (folder / "attributions").is_dir() else folder
    return text_dir, ann_dir


def find_ann_files(name: str, ann_dir: Path, text_names: set[str]) -> list[Path]:
    """``NAME.ann`` if present, else every ``NAME_XXXX.ann``, sorted.

    ``XXXX`` must not contain ``_`` and ``NAME_XXXX`` must not itself be an
    article, so ``a.txt`` never steals ``a_b.ann`` from ``a_b.txt``.
    """
    exact = ann_dir / f"{name}.ann"
    if exact.is_file():
        return [exact]
    found = []
    for path in ann_dir.glob(f"{_glob_escape(name)}_*.ann"):
        suffix = path.stem[len(name) + 1 :]
        if suffix and "_" not in suffix and path.stem not in text_names:
            found.append(path)
    return sorted(found, key=lambda p: p.name)


def _glob_escape(s: str) -> str:
    return re.sub(r"([\[\]*?])", r"[\1]", s)


def read_gold(folder: str | Path) -> list[GoldDocument]:
    """Every annotated article under ``folder``, sorted by name.

    Articles without any ``.ann`` are skipped (unannotated is not the same
    as "has no quotes"); an empty ``.ann`` is a document with no quotes.
    """
    folder = Path(folder)
    if not folder.is_dir():
        raise FileNotFoundError(f"gold folder not found: {folder}")
    text_dir, ann_dir = _layout(folder)
    texts = sorted(text_dir.glob("*.txt"), key=lambda p: p.name)
    names = {p.stem for p in texts}
    docs = []
    for txt in texts:
        anns = find_ann_files(txt.stem, ann_dir, names)
        if not anns:
            continue
        raw = txt.read_bytes().decode("utf-8")
        annotators = tuple(_annotator(txt.stem, a) for a in anns)
        chosen = anns[0]
        doc = build_document(txt.stem, raw, chosen.read_text(encoding="utf-8"), chosen, annotators)
        docs.append(doc)
    if not docs:
        raise ValueError(f"no NAME.txt with a NAME.ann or NAME_XXXX.ann in {folder}")
    return docs


def _annotator(name: str, ann: Path) -> str:
    return ann.stem[len(name) + 1 :] if ann.stem != name else ""


def fragments_text(text: str, fragments: Fragments | None, sep: str = " … ") -> str:
    """The words a span covers, discontinuous pieces joined by ``sep``."""
    if not fragments:
        return ""
    return sep.join(text[a:b] for a, b in fragments)
