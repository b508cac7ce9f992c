"""Gold attributions from brat standoff files (the PolNeAR format).

A gold folder holds article texts and brat ``.ann`` files annotated with
``Source`` / ``Cue`` / ``Content`` spans tied together by ``E`` lines.
Two layouts are read:

* PolNeAR: ``DIR/text/NAME.txt`` and ``DIR/attributions/NAME_XXXX.ann``
  (``XXXX`` is the annotator);
* flat: ``DIR/NAME.txt`` next to ``DIR/NAME.ann`` or ``DIR/NAME_XXXX.ann``.

When an article has several annotators we use exactly one, the first
``.ann`` by sorted file name, so results never depend on directory order.

Offsets. quotetrack's offsets index the *normalised* text (BOM dropped,
``\\r\\n``/``\\r`` turned into ``\\n``). brat offsets index the text as the
annotation tool decoded it, which keeps both. We map every raw offset to its
normalised offset; when an ``.ann`` file evidently already indexes the
normalised text (its covered-text column matches that reading better) we
use its offsets as they are.

Kind rule (direct / mixed / indirect). Quotation marks are tracked across
each paragraph with a small state machine (see :func:`quoted_mask`), which
marks every character that sits inside quotation marks. A Content is
``direct`` when all its word characters are quoted, ``mixed`` when some are
and some are not, ``indirect`` when none are. Because the state is computed
over the whole paragraph, marks just outside the annotated span (``said
"`` + span + ``,"``), trailing punctuation, and continuation paragraphs
that open with a mark and never close it are all handled without special
cases; a scare-quoted word inside reported speech makes it ``mixed``.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

from ..extract import marks
from ..text import lines

KINDS = ("direct", "mixed", "indirect")

Fragments = tuple[tuple[int, int], ...]

# Marks of the double-quote family. Straight marks toggle; curly ones say
# which side they are on, so one stray straight mark cannot flip the rest
# of a paragraph that uses curly marks.
_DOUBLE_OPEN = "“„‟«‹"
_DOUBLE_CLOSE = "”»›"
_DOUBLE_TOGGLE = '"'
_SINGLE_OPEN = "‘'"
_SINGLE_CLOSE = "’'"


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
# Quotation marks and the kind rule


def quoted_mask(text: str) -> bytearray:
    """``mask[i] == 1`` when character ``i`` is inside quotation marks.

    Scanned paragraph by paragraph (state resets at every newline, which is
    what journalism's convention of reopening a continued quote on each new
    paragraph needs). Double marks: ``"`` toggles, ``“ „ « ‹`` open,
    ``” » ›`` close, the typewriter pairs ``''`` and ````  `` (NYT style)
    act like ``"``; a curly mark typed on the wrong side (``says, ”Hi``,
    ``end.“ Then``) is read by where it stands, and a paragraph whose first
    curly mark is a closing one is taken to start inside a quote. Single marks ``‘ ’ '`` count only outside double quotes,
    only when they look like marks rather than apostrophes (an opener not
    preceded by a letter and followed by a letter; a closer not followed by
    a letter), and only when a closer is found in the same paragraph.
    """
    mask = bytearray(len(text))
    for start, end in lines(text):
        _mask_paragraph(text, start, end, mask)
    return mask


def _starts_inside(text: str, start: int, end: int) -> bool:
    """A paragraph whose first curly double mark closes began inside a quote.

    That is a quote whose opening mark is missing or sits in an earlier
    paragraph (``compete,” said Paul Lindsay``).
    """
    for i in range(start, end):
        ch = text[i]
        if ch in _DOUBLE_OPEN or ch == _DOUBLE_TOGGLE:
            return False
        if ch in _DOUBLE_CLOSE:
            return not _looks_opening(text, i, start, end)
    return False


def _mask_paragraph(text: str, start: int, end: int, mask: bytearray) -> None:
    inside = _starts_inside(text, start, end)
    i = start
    outside_runs: list[tuple[int, int]] = []
    run_start = start
    while i < end:
        pair = text[i : i + 2]
        step = 1
        was_inside = inside
        if pair in ("''", "``"):
            inside = True if pair == "``" else not inside
            step = 2
        elif text[i] == _DOUBLE_TOGGLE:
            inside = not inside
        elif text[i] in _DOUBLE_OPEN:
            inside = not _looks_closing(text, i, start, end)
        elif text[i] in _DOUBLE_CLOSE:
            inside = _looks_opening(text, i, start, end)
        elif inside:
            mask[i] = 1
        if was_inside != inside:
            if inside:
                outside_runs.append((run_start, i))
            else:
                run_start = i + step
        i += step
    if not inside:
        outside_runs.append((run_start, end))
    for a, b in outside_runs:
        _mask_single_quotes(text, a, b, mask)


def _prev_visible(text: str, i: int, start: int) -> str:
    """The character before ``i`` skipping invisible format marks (U+202A...)."""
    k = i - 1
    while k >= start and unicodedata.category(text[k]) == "Cf":
        k -= 1
    return text[k] if k >= start else ""


def _looks_opening(text: str, i: int, start: int, end: int) -> bool:
    """A closing mark typed where an opening one belongs (``says, ”Hi``)."""
    before = _prev_visible(text, i, start)
    after = text[i + 1] if i + 1 < end else ""
    return (before == "" or before.isspace()) and after != "" and not after.isspace()


def _looks_closing(text: str, i: int, start: int, end: int) -> bool:
    """An opening mark typed where a closing one belongs (``end.“ Then``)."""
    before = _prev_visible(text, i, start)
    after = text[i + 1] if i + 1 < end else ""
    return before != "" and not before.isspace() and (after == "" or after.isspace())


def _is_letter(text: str, i: int) -> bool:
    return 0 <= i < len(text) and text[i].isalnum()


def _mask_single_quotes(text: str, start: int, end: int, mask: bytearray) -> None:
    """Mark ‘…’ / '…' pairs in a stretch that is outside double quotes."""
    i = start
    while i < end:
        ch = text[i]
        if ch in _SINGLE_OPEN and not _is_letter(text, i - 1) and _is_letter(text, i + 1):
            close = _find_single_close(text, i + 1, end)
            if close is not None:
                for k in range(i + 1, close):
                    mask[k] = 1
                i = close + 1
                continue
        i += 1


def _find_single_close(text: str, start: int, end: int) -> int | None:
    for k in range(start, end):
        if text[k] in _SINGLE_CLOSE and k > start and not _is_letter(text, k + 1):
            return k
    return None


def kind_of(text: str, fragments: Fragments, mask: bytearray | None = None) -> str:
    """``direct`` / ``mixed`` / ``indirect`` by how many word chars are quoted (gold's own reading of the marks)."""
    return marks.kind_of(text, fragments, quoted_mask(text) if mask is None else mask)


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
    mask = quoted_mask(text)
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
                kind=kind_of(text, content, mask),
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
