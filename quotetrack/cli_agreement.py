"""``quotetrack agreement``: how far reviewers agree, as a table or JSON (the command itself is in cli.py)."""

from __future__ import annotations

from rich.console import Console
from rich.table import Table
from rich.text import Text

from .review.agreement import ASPECTS
from .review.disputes import AgreementReport
from .text import printable

ASPECT_NAMES = {"accept": "accept/reject", "speaker": "speaker", "kind": "kind", "span": "span"}


def _number(value: float | None) -> str:
    return "—" if value is None else f"{value:.3f}"


def as_json(report: AgreementReport) -> dict:
    """The report as plain data: per pair and aspect, per aspect over everyone (Krippendorff's α)."""
    pairs: dict[tuple[str, str], dict] = {}
    for p in report.pairs:
        entry = pairs.setdefault((p.a, p.b), {"reviewers": [p.a, p.b], "both_judged": 0, "aspects": {}})
        entry["aspects"][p.aspect] = {"judged": p.both, "agreed": p.agreed, "observed": p.observed, "kappa": p.kappa}
        if p.aspect == "accept":
            entry["both_judged"] = p.both
    return {
        "reviewers": list(report.reviewers),
        "pairs": list(pairs.values()),
        "all_reviewers": {g.aspect: {"units": g.units, "alpha": g.alpha} for g in report.groups},
        "disputed": report.disputed,
    }


def print_report(console: Console, report: AgreementReport) -> None:
    """One table per pair of reviewers (each aspect: quotes judged, agreed, observed, κ), then α."""
    if len(report.reviewers) < 2:
        console.print(Text(f"{len(report.reviewers)} reviewer with decisions of their own: agreement needs two"
                           if report.reviewers else "no reviewer decisions yet: agreement needs two reviewers"))
        return
    by_pair: dict[tuple[str, str], list] = {}
    for p in report.pairs:
        by_pair.setdefault((p.a, p.b), []).append(p)
    for (a, b), rows in by_pair.items():
        title = Text(f"{printable(a) or '(no name)'} and {printable(b) or '(no name)'}: "
                     f"{rows[0].both:,} quotes both judged")
        table = Table(title=title, title_justify="left")
        for name, justify in (("on", "left"), ("judged", "right"), ("agreed", "right"), ("observed", "right"),
                              ("Cohen's κ", "right")):
            table.add_column(name, justify=justify, no_wrap=True)
        for p in sorted(rows, key=lambda p: ASPECTS.index(p.aspect)):
            table.add_row(ASPECT_NAMES[p.aspect], f"{p.both:,}", f"{p.agreed:,}", _number(p.observed), _number(p.kappa))
        console.print(table)
    if report.groups:
        table = Table(title=Text(f"all {len(report.reviewers)} reviewers"), title_justify="left")
        for name in ("on", "quotes judged by 2+", "Krippendorff's α"):
            table.add_column(name, justify="left" if name == "on" else "right", no_wrap=True)
        for g in report.groups:
            table.add_row(ASPECT_NAMES[g.aspect], f"{g.units:,}", _number(g.alpha))
        console.print(table)
    console.print(Text(f"{report.disputed:,} disputed quotes (reviewers disagree, not adjudicated):"
                       " quotetrack review --status disputed"))
