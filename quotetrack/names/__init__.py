"""Speaker-name normalisation: one person, one id, across the whole corpus.

Public API (see docs/names.md for the rules and the benchmark):

* :func:`resolve_in_document` -- within one article, ``Lavrov`` -> ``Sergey Lavrov``;
* :class:`Normaliser` -- across articles, spelling and transliteration variants
  merge (``Sergey``/``Sergei``/``Serguei Lavrov``, ``Nato``/``NATO``), different
  people never do;
* :class:`Overrides`/:func:`load_overrides` -- an aliases file and reviewer
  decisions that beat the rules;
* :func:`speaker_id_for`, :func:`guess_kind`, :func:`acronym_definitions`, :func:`fold`.
"""

from ._text import fold
from .cluster import NameOccurrence, Normaliser, SpeakerCluster, speaker_id_for
from .document import resolve_in_document
from .org import acronym_definitions, guess_kind, parse_org
from .overrides import Overrides, load_overrides, overrides_from_dict
from .person import parse_person

__all__ = [
    "NameOccurrence",
    "Normaliser",
    "Overrides",
    "SpeakerCluster",
    "acronym_definitions",
    "fold",
    "guess_kind",
    "load_overrides",
    "overrides_from_dict",
    "parse_org",
    "parse_person",
    "resolve_in_document",
    "speaker_id_for",
]
