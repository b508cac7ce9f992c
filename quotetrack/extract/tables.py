"""The learned tables quote finding reads, as one object the spaCy component owns and saves.

The files are written by ``benchmarks/learn_cues.py``, ``benchmarks/fit_confidence.py``
(through the ``format_*`` functions here) and ``benchmarks/train_spans.py`` (the span
model, :mod:`quotetrack.extract.span_model`), and ship in ``quotetrack/extract/data/``.
"""

from __future__ import annotations

import csv
import io
import json
import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING

from spacy import util

from .cues import smoothed_prior
from .span_model import SpanModel

if TYPE_CHECKING:  # pragma: no cover
    from importlib.resources.abc import Traversable  # Python 3.11+, for the annotations only

CUE_FRAMES = "cue_frames.tsv"
FRAME_MODEL = "frame_model.json"
CONFIDENCE = "confidence.tsv"
SPAN_MODEL = "span_model.npz"
FILES = (CUE_FRAMES, FRAME_MODEL, CONFIDENCE)  # text files
BINARY_FILES = (SPAN_MODEL,)
CONFIDENCE_COLUMNS = ("kind", "construction", "method", "band")
# Frame priors remembered per Tables; past this many (cue, construction) pairs the memory starts over.
PRIOR_MEMO_SIZE = 8192


@dataclass(eq=False)
class Tables:
    """The cue table, the frame classifier and the confidence cells; read-only once built.

    ``cue_frames``: (cue key, construction) → (proposed, agreed) on annotated news;
    ``frame_model``: the classifier's JSON document (``bias``, ``weights`` by feature
    name, and what fitted it), or ``None``; ``confidence``: cells of every level of
    :func:`quotetrack.extract.confidence.features` → (quotes, right); ``span_model``: the
    learned span model, or ``None`` (quotes then come from the rule frames alone).
    """

    cue_frames: dict[tuple[str, str], tuple[int, int]] = field(default_factory=dict)
    frame_model: dict | None = None
    confidence: dict[tuple[str, ...], tuple[int, int]] = field(default_factory=dict)
    span_model: SpanModel | None = None

    def __post_init__(self) -> None:
        self.base_rates = base_rates(self.cue_frames)
        model = self.frame_model
        self._weights = None if model is None else _weights(model)
        self._priors: dict[tuple[str, str], float] = {}

    @classmethod
    def shipped(cls) -> Tables:
        """The tables in the package's ``data`` folder."""
        return cls.read(resources.files("quotetrack.extract") / "data")

    @classmethod
    def read(cls, folder: Path | Traversable) -> Tables:
        """The tables in ``folder``; a missing file gives an empty table (or no model)."""
        texts: dict[str, str | bytes] = {name: _read(folder / name) for name in FILES}
        texts.update({name: _read_bytes(folder / name) for name in BINARY_FILES})
        return cls.from_texts(texts)

    @classmethod
    def from_texts(cls, texts: Mapping[str, str | bytes], base: Tables | None = None) -> Tables:
        """Tables parsed from file contents by file name; a name not given keeps ``base``'s table."""
        base = base if base is not None else cls()
        return cls(
            cue_frames=parse_cue_frames(texts[CUE_FRAMES]) if CUE_FRAMES in texts else base.cue_frames,
            frame_model=parse_frame_model(texts[FRAME_MODEL]) if FRAME_MODEL in texts else base.frame_model,
            confidence=parse_confidence(texts[CONFIDENCE]) if CONFIDENCE in texts else base.confidence,
            span_model=parse_span_model(texts[SPAN_MODEL]) if SPAN_MODEL in texts else base.span_model,
        )

    def texts(self) -> dict[str, str]:
        """The file contents by file name, as the benchmarks write them."""
        return {
            CUE_FRAMES: format_cue_frames(self.cue_frames),
            FRAME_MODEL: format_frame_model(self.frame_model),
            CONFIDENCE: format_confidence(self.confidence),
        }

    def contents(self) -> dict[str, str | bytes]:
        """Every file's contents by name: the texts, and the span model's bytes when there is one."""
        out: dict[str, str | bytes] = dict(self.texts())
        if self.span_model is not None:
            out[SPAN_MODEL] = self.span_model.to_bytes()
        return out

    # spaCy's serialisation protocol, for the component's to_disk / from_disk / to_bytes / from_bytes.

    def to_disk(self, path: str | Path, exclude: Iterable[str] = ()) -> None:
        util.to_disk(path, {name: _writer(data) for name, data in self.contents().items()}, exclude)

    def from_disk(self, path: str | Path, exclude: Iterable[str] = ()) -> Tables:
        texts: dict[str, str | bytes] = {}
        readers = {name: _reader(texts, name, _read) for name in FILES}
        readers.update({name: _reader(texts, name, _read_bytes) for name in BINARY_FILES})
        util.from_disk(path, readers, exclude)  # a missing file gives an empty table, or no model
        return Tables.from_texts(texts, base=self)

    def to_bytes(self, exclude: Iterable[str] = ()) -> bytes:
        return util.to_bytes({name: (lambda data=data: data) for name, data in self.contents().items()}, exclude)

    def from_bytes(self, data: bytes, exclude: Iterable[str] = ()) -> Tables:
        texts: dict[str, str | bytes] = {}
        util.from_bytes(data, {name: _setter(texts, name) for name in FILES + BINARY_FILES}, exclude)
        return Tables.from_texts(texts, base=self)

    # --- what quote finding asks ---------------------------------------------

    def frame_prior(self, key: str, construction: str) -> float:
        """How often a (cue, construction) frame attributes its content, 0..1.

        The learned row, smoothed toward the hand prior (for a listed speech
        verb) or the construction's base rate; the hand prior alone when the
        table has no row.
        """
        memo = self._priors
        prior = memo.get((key, construction))
        if prior is None:
            if len(memo) >= PRIOR_MEMO_SIZE:
                memo.clear()
            prior = memo[(key, construction)] = smoothed_prior(
                key, construction, self.cue_frames.get((key, construction)), self.base_rates
            )
        return prior

    def frame_probability(self, features: dict[str, float]) -> float | None:
        """P(the frame is an attribution annotators would mark, with this content); None without a model."""
        if self._weights is None:
            return None
        bias, weights = self._weights
        z = bias + sum(weights.get(name, 0.0) * value for name, value in features.items())
        z = max(-30.0, min(30.0, z))
        return 1.0 / (1.0 + math.exp(-z))


def base_rates(cue_frames: Mapping[tuple[str, str], tuple[int, int]]) -> dict[str, float]:
    """Agreed / proposed per construction, over the whole table."""
    totals: dict[str, list[int]] = {}
    for (_, construction), (n, k) in cue_frames.items():
        t = totals.setdefault(construction, [0, 0])
        t[0] += n
        t[1] += k
    return {c: (k / n if n else 0.0) for c, (n, k) in totals.items()}


# --- the file formats ----------------------------------------------------------------
# A table that cannot be read is empty (a model that cannot be read is None), so
# extraction runs with the hand-set priors and confidences rather than not at all.


def _rows(text: str) -> csv.DictReader:
    return csv.DictReader(io.StringIO(text), delimiter="\t")


def parse_cue_frames(text: str) -> dict[tuple[str, str], tuple[int, int]]:
    try:
        return {(row["cue"], row["construction"]): (int(row["proposed"]), int(row["agreed"])) for row in _rows(text)}
    except (KeyError, ValueError):
        return {}


def format_cue_frames(cue_frames: Mapping[tuple[str, str], tuple[int, int]]) -> str:
    """In the table's own order, which :func:`parse_cue_frames` keeps."""
    lines = ["cue\tconstruction\tproposed\tagreed\tprecision"]
    lines += [f"{key}\t{construction}\t{n}\t{k}\t{k / n:.3f}" for (key, construction), (n, k) in cue_frames.items()]
    return "\n".join(lines) + "\n"


def parse_frame_model(text: str) -> dict | None:
    try:
        model = json.loads(text)
        _weights(model)
    except (KeyError, ValueError, TypeError, AttributeError):
        return None
    return model


def _weights(model: dict) -> tuple[float, dict[str, float]]:
    """The classifier's bias and weights, as numbers."""
    return float(model["bias"]), {k: float(v) for k, v in model["weights"].items()}


def format_frame_model(model: dict | None) -> str:
    return json.dumps(model, indent=1) + "\n"


def parse_confidence(text: str) -> dict[tuple[str, ...], tuple[int, int]]:
    """Cells by their key without the ``*`` of the levels they leave open."""
    try:
        return {
            tuple(row[c] for c in CONFIDENCE_COLUMNS if row[c] != "*"): (int(row["n"]), int(row["right"]))
            for row in _rows(text)
        }
    except (KeyError, ValueError):
        return {}


def format_confidence(cells: Mapping[tuple[str, ...], tuple[int, int]]) -> str:
    """Coarse levels first, each sorted by its key."""
    lines = ["\t".join(CONFIDENCE_COLUMNS) + "\tn\tright\taccuracy"]
    for key in sorted(cells, key=lambda k: (len(k), k)):
        n, k = cells[key]
        cols = list(key) + ["*"] * (len(CONFIDENCE_COLUMNS) - len(key))
        lines.append("\t".join(cols) + f"\t{n}\t{k}\t{k / n:.3f}")
    return "\n".join(lines) + "\n"


def parse_span_model(data: bytes) -> SpanModel | None:
    """The span model in ``data``; None when there is none or it cannot be read."""
    if not data:
        return None
    try:
        return SpanModel.from_bytes(data)
    except (KeyError, ValueError, TypeError, OSError, EOFError):
        return None


def _read(path: Path | Traversable) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except OSError:
        return ""


def _read_bytes(path: Path | Traversable) -> bytes:
    try:
        return path.read_bytes()
    except OSError:
        return b""


def _writer(data: str | bytes):
    def write(path: Path) -> None:
        if isinstance(data, bytes):
            path.write_bytes(data)
        else:
            path.write_text(data, encoding="utf-8")

    return write


def _reader(texts: dict[str, str | bytes], name: str, read_file):
    def read(path: Path) -> None:
        texts[name] = read_file(path)

    return read


def _setter(texts: dict[str, str], name: str):
    def store(text: str) -> None:
        texts[name] = text

    return store
