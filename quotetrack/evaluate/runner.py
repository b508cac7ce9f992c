"""Running quotetrack over gold texts: ``predict``, and ``run`` (what ``quotetrack evaluate`` does)."""

from __future__ import annotations

from pathlib import Path
from typing import Callable

from ..domain import Quote
from .gold import GoldDocument, read_gold
from .report import format_report, report_to_dict
from .scoring import Report, score


def predict(
    gold_docs: list[GoldDocument],
    nlp,
    batch_size: int = 8,
    progress: Callable[[int, int], None] | None = None,
) -> dict[str, list[Quote]]:
    """Run ``nlp`` over the gold texts and collect ``doc._.quotes``.

    Texts are the gold documents' normalised texts, so quote offsets index
    the same strings the gold offsets do. Single process, input order: the
    result is deterministic.
    """
    out: dict[str, list[Quote]] = {}
    texts = (d.text for d in gold_docs)
    for i, (gold, doc) in enumerate(zip(gold_docs, nlp.pipe(texts, batch_size=batch_size)), start=1):
        out[gold.name] = list(doc._.quotes)
        if progress is not None:
            progress(i, len(gold_docs))
    return out


def run(
    gold_dir: Path,
    nlp,
    limit: int | None = None,
    json_out: Path | None = None,
    console=None,
    errors: int = 0,
) -> Report:
    """Read the gold, predict, score, print the report and save it as JSON when asked."""
    from rich.console import Console

    console = console or Console()
    docs = read_gold(gold_dir)
    if limit is not None:
        docs = docs[:limit]
    with console.status(f"running quotetrack on {len(docs)} documents…") as status:

        def progress(i: int, n: int) -> None:
            status.update(f"running quotetrack: {i}/{n} documents")

        predictions = predict(docs, nlp, progress=progress)
    report = score(docs, predictions)
    console.print(format_report(report, errors=errors))
    if json_out is not None:
        import orjson

        Path(json_out).write_bytes(orjson.dumps(report_to_dict(report, errors=errors), option=orjson.OPT_INDENT_2))
    return report
