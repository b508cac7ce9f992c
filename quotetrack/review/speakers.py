"""Speakers as a reviewer sees and changes them: the list, the picker's names, merge, split, rename.

Each change is stored as a speaker override, so every later normalisation
(including after a re-extraction) keeps it, and the speakers are
re-clustered at once.
"""

from __future__ import annotations

from ..store import ReviewError, SpeakerSummary, Store
from ..text import fold


def list_speakers(db: Store) -> list[SpeakerSummary]:
    """Every canonical speaker, most quoted first, then by name (case and accents ignored)."""
    return sorted(db.speakers(), key=lambda s: (-s.quote_count, fold(s.name), s.id))


def speaker_names(db: Store) -> list[str]:
    """Known speaker names for the picker, most quoted first: canonical names, then other aliases."""
    speakers = db.speakers(documents=False)  # most quoted first, then by name
    names = dict.fromkeys(s.name for s in speakers)
    aliases = sorted(((s.quote_count, s.name, a) for s in speakers for a in s.aliases), key=lambda t: (-t[0], t[1], t[2]))
    names.update(dict.fromkeys(alias for _, _, alias in aliases))
    return list(names)


def merge_speakers(db: Store, a: str, b: str, by: str | None) -> None:
    """Make the speakers named ``a`` and ``b`` one; stored, so every later normalisation keeps it."""
    if fold(a) == fold(b):
        raise ReviewError("pick two different speakers to merge")
    db.add_speaker_override("merge", a, b, by=by)
    db.refresh_speakers()


def split_alias(db: Store, alias: str, by: str | None) -> None:
    """Take the name ``alias`` out of its speaker into a speaker of its own; stored."""
    db.add_speaker_override("split", alias, None, by=by)
    db.refresh_speakers()


def rename_speaker(db: Store, name: str, new_name: str, by: str | None) -> None:
    """Show the speaker holding ``name`` as ``new_name`` from now on; stored."""
    new_name = " ".join(new_name.split())
    if not new_name:
        raise ReviewError("a speaker name cannot be empty")
    db.add_speaker_override("rename", name, new_name, by=by)
    db.refresh_speakers()
