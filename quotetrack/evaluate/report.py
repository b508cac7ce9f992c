"""The report of ``quotetrack evaluate``: Rich tables for the terminal, plain data for ``--json``."""

from __future__ import annotations

from typing import Any

from .errors import Example
from .gold import KINDS
from .matching import JACCARD_THRESHOLD, MODES
from .scoring import ModeScore, Report

ERROR_LISTS = (
    ("false negatives (gold missed)", "false_negatives"),
    ("false positives (not in gold)", "false_positives"),
    ("wrong speaker", "speaker_errors"),
)


def spread(items: list, n: int) -> list:
    """``n`` items evenly spaced through ``items``: deterministic, not clustered."""
    if n <= 0 or not items:
        return []
    if n >= len(items):
        return list(items)
    step = len(items) / n
    return [items[int(i * step)] for i in range(n)]


def error_breakdown(report: Report) -> dict[str, dict[str, int]]:
    """How many false positives / negatives fall under each diagnosis."""
    out = {}
    for label, items in (("false_positives", report.false_positives), ("false_negatives", report.false_negatives)):
        counts: dict[str, int] = {}
        for ex in items:
            counts[ex.why or "?"] = counts.get(ex.why or "?", 0) + 1
        out[label] = dict(sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])))
    return out


def report_to_dict(report: Report, errors: int = 0) -> dict:
    """Everything in the report as plain JSON-able data (for ``--json``)."""
    out: dict[str, Any] = {"documents": report.n_docs}
    for mode, ms in report.modes.items():
        out[mode] = {
            "kinds": {k: ks.as_dict() for k, ks in ms.kinds.items()},
            "kind_confusion": [
                {"gold": g, "predicted": p, "count": c} for (g, p), c in sorted(ms.confusion.items())
            ],
            "speaker_by_source_type": {
                t: {"right": r, "judged": n, "accuracy": r / n if n else 0.0}
                for t, (r, n) in ms.speaker_by_source.items()
            },
        }
    out["calibration"] = {
        "buckets": [b.as_dict() for b in report.calibration],
        "bins": [b.as_dict() for b in report.calibration_bins],
        "ece": report.ece,
    }
    out["error_counts"] = {
        "false_positives": len(report.false_positives),
        "false_negatives": len(report.false_negatives),
        "speaker_errors": len(report.speaker_errors),
    }
    out["error_breakdown"] = error_breakdown(report)
    if errors:
        out["errors"] = {
            "false_positives": [e.as_dict() for e in spread(report.false_positives, errors)],
            "false_negatives": [e.as_dict() for e in spread(report.false_negatives, errors)],
            "speaker_errors": [e.as_dict() for e in spread(report.speaker_errors, errors)],
        }
    out["warnings"] = list(report.warnings)
    return out


def _pct(x: float) -> str:
    return f"{x:.3f}"


def format_report(report: Report, errors: int = 0):
    """A rich renderable: score tables, calibration, and ``errors`` examples."""
    from rich.console import Group
    from rich.text import Text

    parts: list[Any] = [Text(f"{report.n_docs} documents", style="bold")]
    parts.extend(_mode_table(report.modes[mode]) for mode in MODES)
    parts.append(_speaker_table(report.overlap))
    parts.append(_confusion_table(report.overlap))
    parts.append(_calibration_table(report))
    parts.append(_breakdown_table(report))
    if errors:
        for label, attr in ERROR_LISTS:
            items = getattr(report, attr)
            parts.append(Text(f"\n{label}: {len(items)}, showing {min(errors, len(items))}", style="bold"))
            parts.extend(Text(_describe(ex)) for ex in spread(items, errors))
    if report.warnings:
        parts.append(Text(f"\n{len(report.warnings)} warning(s); first: {report.warnings[0]}", style="yellow"))
    return Group(*parts)


def _mode_table(ms: ModeScore):
    from rich.table import Table

    title = "exact spans" if ms.mode == "exact" else f"token overlap (Jaccard ≥ {JACCARD_THRESHOLD})"
    t = Table(title=title, title_justify="left")
    for col in ("kind", "gold", "pred", "P", "R", "F1", "speaker acc", "e2e P", "e2e R", "e2e F1"):
        t.add_column(col, justify="left" if col == "kind" else "right")
    for k in (*KINDS, "overall"):
        ks = ms.kinds[k]
        d, e = ks.detection, ks.end_to_end
        t.add_row(
            k, str(d.n_gold), str(d.n_pred), _pct(d.precision), _pct(d.recall), _pct(d.f1),
            f"{_pct(ks.speaker_accuracy)} ({ks.speaker_total})", _pct(e.precision), _pct(e.recall), _pct(e.f1),
            style="bold" if k == "overall" else None,
        )
    return t


def _speaker_table(ms: ModeScore):
    from rich.table import Table

    t = Table(title="speaker accuracy by gold source type (overlap)", title_justify="left")
    for col in ("source", "judged", "right", "accuracy"):
        t.add_column(col, justify="left" if col == "source" else "right")
    for stype, (r, n) in ms.speaker_by_source.items():
        t.add_row(stype, str(n), str(r), _pct(r / n if n else 0.0))
    return t


def _confusion_table(ms: ModeScore):
    from rich.table import Table

    t = Table(title="kind of matched pairs: gold (rows) × predicted (columns)", title_justify="left")
    pred_kinds = sorted({p for _, p in ms.confusion} | set(KINDS))
    t.add_column("gold")
    for p in pred_kinds:
        t.add_column(p, justify="right")
    for g in KINDS:
        t.add_row(g, *(str(ms.confusion.get((g, p), 0)) for p in pred_kinds))
    return t


def _calibration_table(report: Report):
    from rich.table import Table

    t = Table(title=f"calibration (end-to-end correct, overlap) — ECE {report.ece:.3f}", title_justify="left")
    for col in ("confidence", "predictions", "correct", "accuracy", "mean conf"):
        t.add_column(col, justify="right")
    for b in report.calibration:
        t.add_row(f"{b.low:.2f}–{b.high:.2f}", str(b.count), str(b.correct), _pct(b.accuracy), _pct(b.mean_confidence))
    return t


def _breakdown_table(report: Report):
    from rich.table import Table

    t = Table(title="unmatched quotes by diagnosis (overlap)", title_justify="left")
    t.add_column("error")
    t.add_column("diagnosis")
    t.add_column("count", justify="right")
    for label, counts in error_breakdown(report).items():
        for why, n in counts.items():
            t.add_row(label.replace("_", " "), why, str(n))
    return t


def _clip(s: str | None, n: int = 160) -> str:
    if s is None:
        return "—"
    s = " ".join(s.split())
    return s if len(s) <= n else s[: n - 1] + "…"


def _describe(ex: Example) -> str:
    lines = [f"• {ex.doc} @{ex.start}" + (f"  ({ex.why})" if ex.why else "")]
    if ex.gold_content is not None:
        lines.append(f"    gold [{ex.gold_kind}] {_clip(ex.gold_content)}  — source: {_clip(ex.gold_source, 60)}")
    if ex.pred_content is not None:
        lines.append(
            f"    pred [{ex.pred_kind} {ex.confidence:.2f}] {_clip(ex.pred_content)}  — speaker: "
            f"{_clip(ex.pred_speaker, 60)} (mention: {_clip(ex.pred_mention, 40)})"
        )
    return "\n".join(lines)
