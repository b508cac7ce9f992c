"""Speakers as a reviewer sees and changes them: the list, the picker's choices, merge, split, rename, undo.

Each change is stored as a speaker override, so every later normalisation
(including after a re-extraction) keeps it, and the speakers are
re-clustered at once. ``u`` on the speakers screen takes the reviewer's
latest one back (:func:`undo_speaker_change`).
"""

from __future__ import annotations

from dataclasses import dataclass

from ..store import ReviewError, SpeakerSummary, Store
from ..text import fold


@dataclass(frozen=True, slots=True)
class SpeakerChoice:
    """One speaker as the picker lists it: the name it is shown under, its other names, its quotes."""

    name: str
    aliases: tuple[str, ...]
    quote_count: int

    @property
    def names(self) -> tuple[str, ...]:
        return (self.name, *self.aliases)


def list_speakers(db: Store) -> list[SpeakerSummary]:
    """Every canonical speaker, most quoted first, then by name (case and accents ignored)."""
    return sorted(db.speakers(without_rejected=True), key=lambda s: (-s.quote_count, fold(s.name), s.id))


def speaker_choices(db: Store) -> list[SpeakerChoice]:
    """Every speaker once for the picker, most quoted first, with its other names (aliases) under it."""
    return [SpeakerChoice(s.name, tuple(a for a in s.aliases if a != s.name), s.quote_count)
            for s in db.speakers(documents=False, without_rejected=True)]


def picker_choices(db: Store, typed: str = "") -> list[SpeakerChoice]:
    """The speaker picker's speakers for what is typed so far: the most quoted, and those holding a
    name with ``typed`` in it, most quoted first (a bounded read, whatever the store's size; see
    :meth:`Store.speaker_picks`)."""
    return [SpeakerChoice(s.name, tuple(a for a in s.aliases if a != s.name), s.quote_count)
            for s in db.speaker_picks(typed)]


def speaker_names(db: Store) -> list[str]:
    """Known speaker names, most quoted first: canonical names, then other aliases."""
    speakers = db.speakers(documents=False, without_rejected=True)  # most quoted first, then by name
    names = dict.fromkeys(s.name for s in speakers)
    aliases = sorted(((s.quote_count, s.name, a) for s in speakers for a in s.aliases), key=lambda t: (-t[0], t[1], t[2]))
    names.update(dict.fromkeys(alias for _, _, alias in aliases))
    return list(names)


def _merge_name(db: Store, speaker: SpeakerSummary, other: SpeakerSummary) -> tuple[str, bool]:
    """A name the normaliser finds ``speaker`` by, and whether ``other`` lacks it.

    Overrides name speakers by their folded names, so ``João Silva`` (a
    rename) and ``Joao Silva`` are one name to them. A merge of two names
    joins every speaker holding either, so one name that picks out its
    speaker alone is enough. The names its quotes give it come first: the
    normaliser knows those.
    """
    theirs = {fold(a) for a in (other.name, *other.aliases)}
    names = [*db.speaker_quote_names(speaker.id), speaker.name, *speaker.aliases]
    own = next((n for n in names if fold(n) not in theirs), None)
    return (own, True) if own is not None else (names[0], False)


def merge_speakers(db: Store, a: SpeakerSummary | str, b: SpeakerSummary | str, by: str | None) -> None:
    """Make two speakers one; stored, so every later normalisation keeps it.

    Given as speakers (the speakers screen), any two different speakers
    merge, whatever their names; given as names, the speakers holding them.
    """
    if isinstance(a, str) or isinstance(b, str):
        a_name, b_name = str(getattr(a, "name", a)), str(getattr(b, "name", b))
        if fold(a_name) == fold(b_name):
            raise ReviewError("pick two different speakers to merge")
    else:
        if a.id == b.id:
            raise ReviewError("pick two different speakers to merge")
        (a_name, a_own), (b_name, b_own) = _merge_name(db, a, b), _merge_name(db, b, a)
        if not (a_own or b_own):
            raise ReviewError(f"{a.name} and {b.name} share every name; they cannot be told apart to merge")
    db.add_speaker_override("merge", a_name, b_name, by=by)
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


def undo_speaker_change(db: Store, by: str | None) -> str:
    """Take back this reviewer's latest merge, split or rename; what was undone, in words.

    Raises :class:`ReviewError` when there is none left. Speakers are
    re-clustered without it at once.
    """
    undone = db.undo_speaker_override(by)
    if undone is None:
        raise ReviewError("no speaker change of yours to undo")
    db.refresh_speakers()
    action, a, b = undone
    if action == "merge":
        return f"undid the merge of {a} and {b}"
    if action == "rename":
        return f"undid the rename of {a} to {b}"
    if action == "split":
        return f"undid the split of {a}"
    return f"undid {action} {a}" + (f" / {b}" if b else "")
