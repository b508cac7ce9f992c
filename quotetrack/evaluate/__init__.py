"""``quotetrack evaluate``: score predicted quotes against brat standoff gold (PolNeAR format).

Modules: ``gold`` reads the gold, ``matching`` turns spans into word tokens
and pairs units, ``speakers`` judges speakers, ``scoring`` counts,
``errors`` diagnoses misses, ``report`` renders, ``runner`` runs the
pipeline. Everything but ``runner`` is pure Python, tested without spaCy.
The rules: docs/evaluate.md.
"""

from .errors import Example
from .gold import GoldAttribution, GoldDocument, read_gold
from .matching import PredictedUnit, Tokens, group_predictions, jaccard, match_units
from .report import error_breakdown, format_report, report_to_dict
from .runner import predict, run
from .scoring import CalibrationBucket, Detection, KindScore, ModeScore, Report, score
from .speakers import PRONOUNS, name_key, name_keys, names_match, source_type, speaker_correct

__all__ = [
    "PRONOUNS",
    "CalibrationBucket",
    "Detection",
    "Example",
    "GoldAttribution",
    "GoldDocument",
    "KindScore",
    "ModeScore",
    "PredictedUnit",
    "Report",
    "Tokens",
    "error_breakdown",
    "format_report",
    "group_predictions",
    "jaccard",
    "match_units",
    "name_key",
    "name_keys",
    "names_match",
    "predict",
    "read_gold",
    "report_to_dict",
    "run",
    "score",
    "source_type",
    "speaker_correct",
]
