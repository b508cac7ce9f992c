"""Which speaker a quote gets: the one its own name, in its own article, was placed in -- and always one."""

from __future__ import annotations

from quotetrack.domain import Document, Quote, TextSpan
from quotetrack.store import Store


def _save(db: Store, doc_id: str, speakers: list[tuple[str, str]]) -> list[str]:
    """A document with one quote per (name, NER kind), in order."""
    parts, quotes, pos = [], [], 0
    for i, (name, kind) in enumerate(speakers):
        said = f"statement number {i} of {doc_id}"
        para = f"{name} said “{said}.”"
        start = pos + para.index("“") + 1
        quotes.append(Quote(kind="direct", content=TextSpan(start, start + len(said) + 1, said + "."), speaker=name,
                            speaker_kind=kind, mention=TextSpan(pos, pos + len(name), name), method="syntax",
                            confidence=0.9))
        parts.append(para)
        pos += len(para) + 1
    return db.save_document(Document(doc_id, "\n".join(parts), f"{doc_id}.txt"), quotes, "x")


def _speaker(db: Store, qid: str) -> tuple[str | None, str | None]:
    record = next(r for r in db.quote_records() if r["id"] == qid)
    return record["speaker"]["id"], record["speaker"]["name"]


def test_names_with_typographic_apostrophes_dashes_and_colons_get_an_id(tmp_path):
    """Issue 16: these names had ``speaker.name`` but ``speaker.id: null`` in the export."""
    db = Store(tmp_path / "q.db")
    curly = _save(db, "d1", [("Martin O’Malley", "person"), ("Fox News’s Ed Henry", "person"),
                             ("Donald Trump Jr:", "person"), ("Ted Cruz—35", "person")])
    plain = _save(db, "d2", [("Martin O'Malley", "person"), ("Ed Henry", "person"), ("Donald Trump Jr.", "person"),
                             ("Ted Cruz", "person"), ("Donald Trump", "person")])
    db.refresh_speakers()
    for qid in curly + plain:
        sid, name = _speaker(db, qid)
        assert sid is not None and name is not None
    # and each is the speaker its plain spelling is: one O'Malley, one Ed Henry, one Donald Trump Jr.
    for a, b in zip(curly, plain):
        assert _speaker(db, a) == _speaker(db, b)
    assert _speaker(db, plain[2])[0] != _speaker(db, plain[4])[0]  # Jr. is not his father
    assert _speaker(db, curly[0])[1] == "Martin O'Malley"


def test_a_surname_gets_the_person_its_article_names_not_a_namesake_elsewhere(tmp_path):
    """"Trump" is an alias of Eric Trump (his article) and of Donald Trump (theirs): each quote gets its own."""
    db = Store(tmp_path / "q.db")
    eric = _save(db, "a-eric", [("Eric Trump", "person"), ("Trump", "person")])
    donald = _save(db, "b-donald", [("Donald Trump", "person"), ("Trump", "person")])
    db.refresh_speakers()
    assert _speaker(db, eric[1]) == _speaker(db, eric[0])
    assert _speaker(db, donald[1]) == _speaker(db, donald[0])
    assert _speaker(db, eric[0])[1] == "Eric Trump" and _speaker(db, donald[0])[1] == "Donald Trump"


def test_an_organisation_tagged_name_keeps_its_cluster_when_an_unrelated_article_comes(tmp_path):
    """"Fiorina" tagged as an organisation alone in one article, and as Carly Fiorina's surname in another:
    the same string is an alias of two speakers; neither quote moves when other articles arrive."""
    db = Store(tmp_path / "q.db")
    org = _save(db, "m-org", [("Fiorina", "organization")])
    person = _save(db, "n-person", [("Carly Fiorina", "person"), ("Fiorina", "person")])
    db.refresh_speakers()
    carly = _speaker(db, person[0])[0]
    assert _speaker(db, person[1])[0] == carly
    alone = _speaker(db, org[0])[0]
    assert alone not in (None, carly)
    kinds = dict(db.conn.execute("SELECT id, kind FROM speakers"))
    assert (kinds[alone], kinds[carly]) == ("organization", "person")
    for n in range(3):  # unrelated articles, whose speakers sort before and after these ids
        _save(db, f"z{n}", [(f"Anna Zeta{n}", "person"), ("Alpha Group", "organization")])
        db.refresh_speakers()
        assert (_speaker(db, org[0])[0], _speaker(db, person[1])[0]) == (alone, carly)


def test_a_reviewers_name_is_placed_in_its_article_like_an_extracted_one(tmp_path):
    """A corrected speaker name goes where the same name goes in that article: at once when the
    article already has it (not to the namesake whose id sorts first), and at the next refresh."""
    from quotetrack import review

    db = Store(tmp_path / "q.db")
    eric = _save(db, "a-eric", [("Eric Trump", "person"), ("Trump", "person"), ("someone", "other")])
    donald = _save(db, "b-donald", [("Donald Trump", "person"), ("Trump", "person"), ("someone", "other")])
    db.refresh_speakers()
    first, second = sorted((eric, donald), key=lambda qs: _speaker(db, qs[0])[0])
    d = review.set_speaker(db, second[2], "Trump", "ann")
    assert d.speaker_id == _speaker(db, second[0])[0] != _speaker(db, first[0])[0]
    review.set_speaker(db, first[2], "Eric Trump" if first is eric else "Donald Trump", "ann")
    db.refresh_speakers()
    for qs in (eric, donald):
        assert _speaker(db, qs[2])[0] == _speaker(db, qs[1])[0] == _speaker(db, qs[0])[0]


def test_rebuild_gives_what_the_incremental_refreshes_gave(tmp_path):
    db = Store(tmp_path / "q.db")
    ids = _save(db, "d1", [("Sergey Lavrov", "person")])
    db.refresh_speakers()
    ids += _save(db, "d2", [("Lavrov", "person"), ("Sergei Lavrov", "person")])
    assert db.refresh_speakers().mode == "incremental"
    before = [_speaker(db, q) for q in ids]
    report = db.rebuild_speakers()
    assert report.mode == "full" and report.documents == 2
    assert [_speaker(db, q) for q in ids] == before and len({sid for sid, _ in before}) == 1
