"""Speakers, safely (issue 14): any two speakers merge, every change undoes, new names get an id,
rejected quotes do not count, a corrected speaker is exported as the reviewer's."""

from __future__ import annotations

import pytest

from quotetrack import review
from quotetrack.domain import Document, Quote, TextSpan
from quotetrack.store import Store
from tests.support import review_data

SILVA = "“We played well,” Joao Silva said. “The pitch was poor,” said Striker João Silva."
MOSCOW = "“The sanctions will fail,” a spokesman said."


def _quote(text: str, words: str, speaker: str | None, kind: str = "person") -> Quote:
    start = text.index(words)
    return Quote(kind="direct", content=TextSpan(start, start + len(words), words), speaker=speaker,
                 speaker_kind=kind if speaker else "other", method="syntax", confidence=0.7,
                 mention=TextSpan(text.index(speaker), text.index(speaker) + len(speaker), speaker) if speaker else None)


@pytest.fixture()
def silva(tmp_path):
    """Joao Silva and Striker João Silva kept apart (a split), the second renamed to João Silva."""
    db = Store(tmp_path / "silva.db")
    ids = db.save_document(Document("match-1", SILVA, "match-1.txt"),
                           [_quote(SILVA, "We played well,", "Joao Silva"),
                            _quote(SILVA, "The pitch was poor,", "Striker João Silva")], "test")
    db.refresh_speakers()
    review.split_alias(db, "Striker João Silva", "ann")
    review.rename_speaker(db, "Striker João Silva", "João Silva", "ann")
    yield db, ids
    db.close()


def _by_name(db: Store) -> dict[str, list]:
    out: dict[str, list] = {}
    for s in review.list_speakers(db):
        out.setdefault(s.name, []).append(s)
    return out


def test_a_renamed_speaker_merges_with_one_whose_name_differs_only_by_accents(silva):
    db, ids = silva
    speakers = _by_name(db)
    assert set(speakers) == {"João Silva", "Joao Silva"}  # two speakers, one name to the normaliser
    with pytest.raises(review.ReviewError):  # by names they cannot be told apart ...
        review.merge_speakers(db, "João Silva", "Joao Silva", "ann")
    review.merge_speakers(db, speakers["João Silva"][0], speakers["Joao Silva"][0], "ann")  # ... as speakers they can
    merged = review.list_speakers(db)
    assert len(merged) == 1 and merged[0].quote_count == 2
    assert len({db.conn.execute("SELECT speaker_id FROM quotes WHERE id = ?", (q,)).fetchone()[0] for q in ids}) == 1


def test_an_aliases_file_merge_naming_the_new_name_takes_effect(tmp_path):
    db = Store(tmp_path / "a.db")
    text = "“Yes,” said Striker Ana Lopes. “No,” said Coach Bo Kim."
    db.save_document(Document("d", text, "d.txt"), [_quote(text, "Yes,", "Striker Ana Lopes"),
                                                    _quote(text, "No,", "Coach Bo Kim")], "test")
    aliases = tmp_path / "aliases.toml"
    aliases.write_text('merge = [["Ana the Striker", "Bo Kim"]]\n[rename]\n"Striker Ana Lopes" = "Ana the Striker"\n')
    db.use_aliases_file(aliases)
    db.refresh_speakers()
    speakers = review.list_speakers(db)
    assert [(s.name, s.quote_count) for s in speakers] == [("Ana the Striker", 2)]
    db.close()


def test_merge_split_and_rename_are_undone_most_recent_first(tmp_path):
    path = tmp_path / "n.db"
    review_data.build(path)
    db = Store(path)
    before = [(s.name, s.quote_count) for s in review.list_speakers(db)]
    speakers = {s.name: s for s in review.list_speakers(db)}
    review.merge_speakers(db, speakers["Tom Reed"], speakers["Sergey Lavrov"], "ann")
    review.rename_speaker(db, "Ann Lee", "Ann B. Lee", "ann")
    review.rename_speaker(db, "Jens Stoltenberg", "J. Stoltenberg", "bob")  # another reviewer's: not ann's to undo
    assert review.undo_speaker_change(db, "ann") == "undid the rename of Ann Lee to Ann B. Lee"
    names = {s.name for s in review.list_speakers(db)}
    assert "Ann Lee" in names and "Ann B. Lee" not in names and "J. Stoltenberg" in names
    assert review.undo_speaker_change(db, "ann").startswith("undid the merge of ")
    assert sorted(before, key=str) == sorted(
        [(s.name, s.quote_count) for s in review.list_speakers(db) if s.name != "J. Stoltenberg"]
        + [("Jens Stoltenberg", 2)], key=str)
    with pytest.raises(review.ReviewError, match="no speaker change"):
        review.undo_speaker_change(db, "ann")
    # the undone decisions stay in the store, marked, and are left out of every later normalisation
    rows = db.conn.execute("SELECT action, by, undone_at IS NOT NULL FROM speaker_overrides ORDER BY id").fetchall()
    assert [tuple(r) for r in rows] == [("merge", "ann", 1), ("rename", "ann", 1), ("rename", "bob", 0)]
    db.close()


def test_a_new_name_typed_for_a_quote_gets_an_id_and_a_count(tmp_path):
    db = Store(tmp_path / "m.db")
    [qid] = db.save_document(Document("m", MOSCOW, "m.txt"), [_quote(MOSCOW, "The sanctions will fail,", None)], "t")
    db.refresh_speakers()
    review.set_speaker(db, qid, "officials in Moscow", "ann")
    db.refresh_speakers_if_stale()
    sid = db.conn.execute("SELECT speaker_id FROM quotes WHERE id = ?", (qid,)).fetchone()[0]
    assert sid is not None
    [speaker] = [s for s in review.list_speakers(db) if s.id == sid]
    assert speaker.quote_count == 1 and speaker.documents == ["m"]
    assert "officials in Moscow" in speaker.aliases
    [record] = list(db.quote_records())
    assert record["speaker"]["id"] == sid
    db.close()


def test_rejected_quotes_leave_the_speaker_counts(tmp_path):
    path = tmp_path / "n.db"
    ids = review_data.build(path)
    db = Store(path)
    review.reject(db, ids["door"], "ann")
    counts = {s.name: (s.quote_count, s.documents) for s in review.list_speakers(db)}
    assert counts["Jens Stoltenberg"] == (1, ["nato-1"])
    assert {c.name: c.quote_count for c in review.speaker_choices(db)}["Jens Stoltenberg"] == 1
    # an export of every quote still counts what it holds, the rejected one included
    assert {s.name: s.quote_count for s in db.speakers()}["Jens Stoltenberg"] == 2
    db.close()


def test_the_picker_lists_each_speaker_once_with_its_aliases(tmp_path):
    path = tmp_path / "n.db"
    review_data.build(path)
    db = Store(path)
    choices = review.speaker_choices(db)
    assert len({c.name for c in choices}) == len(choices)
    tom = next(c for c in choices if c.name == "Tom Reed")
    assert tom.aliases == ("Mayor Tom Reed",)
    assert all("Mayor Tom Reed" != c.name for c in choices)
    db.close()


def test_a_corrected_speaker_is_exported_as_the_reviewers(tmp_path):
    path = tmp_path / "n.db"
    ids = review_data.build(path)
    db = Store(path)
    review.set_speaker(db, ids["moscow"], "Ann Lee", "ann")  # extracted: Sergey Lavrov by coreference of "He"
    db.refresh_speakers_if_stale()
    records = {r["id"]: r for r in db.quote_records()}
    speaker = records[ids["moscow"]]["speaker"]
    assert speaker["name"] == "Ann Lee" and speaker["method"] == "reviewer"
    assert speaker["mention"] is None and speaker["resolved"] is None
    assert records[ids["final"]]["speaker"]["method"] == "according"  # untouched quotes keep the extractor's
    db.close()
