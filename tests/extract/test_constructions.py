"""Each construction the attribution issue names, pinned with sentences written for these tests.

Quote finding (indirect, mixed, multi-paragraph, nested, odd marks), speakers
(appositions, titles, descriptions, organisations, unnamed sources), news
conventions (continuation) and boilerplate. What a careful reader would
answer is what is asserted.
"""

from __future__ import annotations

import pytest

from tests.support.quotes import find

# --- indirect quotes -----------------------------------------------------------


@pytest.mark.parametrize(
    "text, content, speaker, cue",
    [
        ("Lavrov said Russia would respond to any new deployment.", "Russia would respond to any new deployment", "Lavrov", "said"),
        ("Jens Stoltenberg told reporters the alliance would stay united.", "the alliance would stay united", "Jens Stoltenberg", "told"),
        ("NATO warned that sanctions would hurt European farmers.", "that sanctions would hurt European farmers", "NATO", "warned"),
        ("Stoltenberg accused Moscow of violating the treaty.", "Moscow of violating the treaty", "Stoltenberg", "accused"),
    ],
    ids=["said-no-that", "told-reporters", "warned-that", "accused-of"],
)
def test_reporting_verb_with_its_content(quotes_of, text, content, speaker, cue):
    q = find(quotes_of(text), content)
    assert (q.kind, q.text, q.speaker, q.cue.text) == ("indirect", content, speaker, cue)


def test_parenthetical_cue_splits_the_content_around_it(quotes_of):
    text = "By early next month, foreign minister Sergey Lavrov said, Russia will close its mission in Brussels."
    quotes = quotes_of(text)
    main = find(quotes, "Russia will close its mission")
    assert main.kind == "indirect"
    assert main.speaker == "Sergey Lavrov"  # the person, not "foreign minister"
    assert main.cue.text == "said"
    # every piece of the content is one attribution: the same cue and speaker
    assert all(q.cue == main.cue and q.speaker == main.speaker for q in quotes)


def test_according_to_an_organisation(quotes_of):
    q = find(quotes_of("According to the White House, the president will travel to Brussels in June."), "president will travel")
    assert (q.kind, q.speaker, q.speaker_kind, q.method) == ("indirect", "White House", "organization", "according")


@pytest.mark.parametrize(
    "text, content, speaker",
    [
        ("Russia will close its mission in Brussels, Lavrov said.", "Russia will close its mission in Brussels", "Lavrov"),
        ("The alliance will not be intimidated, added Stoltenberg.", "The alliance will not be intimidated", "Stoltenberg"),
    ],
    ids=["subject-then-verb", "inverted"],
)
def test_cue_after_the_content(quotes_of, text, content, speaker):
    q = find(quotes_of(text), content)
    assert (q.kind, q.text, q.speaker) == ("indirect", content, speaker)


@pytest.mark.parametrize(
    "text, content, speaker, cue",
    [
        ("Stoltenberg spoke in Brussels on Tuesday, saying the alliance would defend every member.", "the alliance would defend every member", "Stoltenberg", "saying"),
        ("Lavrov criticised the decision on Monday, adding that Moscow had expected it.", "that Moscow had expected it", "Lavrov", "adding"),
    ],
    ids=["saying", "adding"],
)
def test_participial_cue_takes_the_subject_of_its_clause(quotes_of, text, content, speaker, cue):
    q = find(quotes_of(text), content)
    assert (q.kind, q.speaker, q.cue.text) == ("indirect", speaker, cue)


def test_told_names_the_listener_not_the_speaker(quotes_of):
    text = "“Our relationships are mostly with women,” Butz, 49, told The Huffington Post."
    q = find(quotes_of(text), "Our relationships")
    assert q.speaker == "Butz"


# --- mixed quotes -------------------------------------------------------------


def test_quoted_fragment_inside_reported_speech_is_mixed(quotes_of):
    text = "Stoltenberg accused Moscow of increasing its “malevolent activities” in Europe."
    q = find(quotes_of(text), "malevolent activities")
    assert q.kind == "mixed"
    assert q.text == "Moscow of increasing its “malevolent activities” in Europe"
    assert q.speaker == "Stoltenberg"


def test_called_it_a_quoted_phrase_is_mixed(quotes_of):
    q = find(quotes_of("Trump said it was “a total disaster” and promised to fix it."), "a total disaster")
    assert (q.kind, q.speaker) == ("mixed", "Trump")


# --- marks ---------------------------------------------------------------------


def test_multi_paragraph_quote_takes_the_speaker_named_in_its_last_paragraph(quotes_of):
    text = (
        "Sergey Lavrov spoke to reporters on Monday.\n"
        "“The decision is final and there will be no further talks about the mission in Brussels.\n"
        "“If NATO wants a dialogue, it knows where to find us,” he said."
    )
    quotes = quotes_of(text)
    first, last = find(quotes, "The decision is final"), find(quotes, "If NATO wants")
    assert last.speaker == "Sergey Lavrov" and last.method == "coref"
    assert first.speaker == "Sergey Lavrov"
    assert first.cue == last.cue  # one attribution, in two paragraphs
    assert "unclosed" in first.flags
    assert first.confidence < last.confidence


def test_nested_single_quotes_stay_inside_the_double_quote(quotes_of):
    quotes = quotes_of("“He told me ‘we are not leaving’ and then he left,” said Oana Lungescu, a NATO spokeswoman.")
    assert len(quotes) == 1
    q = quotes[0]
    assert q.text == "He told me ‘we are not leaving’ and then he left"
    assert (q.kind, q.speaker) == ("direct", "Oana Lungescu")


def test_latex_style_marks(quotes_of):
    q = find(quotes_of("``We are not leaving,'' said Senator John Smith of Ohio."), "We are not leaving")
    assert (q.kind, q.text, q.speaker) == ("direct", "We are not leaving", "John Smith")


def test_unbalanced_mark_is_kept_to_its_paragraph(quotes_of):
    text = (
        "“This will never end, said the mayor, Jane Doe.\n"
        "The council met again on Friday. “We will vote next week,” a councillor said."
    )
    quotes = quotes_of(text)
    open_one = find(quotes, "This will never end")
    assert "unclosed" in open_one.flags
    assert "\n" not in open_one.text  # never runs on into the next paragraph
    later = find(quotes, "We will vote next week")
    assert later.text == "We will vote next week"
    assert later.mention.text == "a councillor"


# --- speakers ------------------------------------------------------------------


def test_apposition_before_the_verb_names_the_person(quotes_of):
    q = find(quotes_of("A spokeswoman for the Alliance, Oana Lungescu, said the talks had ended."), "talks had ended")
    assert (q.speaker, q.speaker_kind, q.method) == ("Oana Lungescu", "person", "apposition")


def test_title_before_the_name_is_not_part_of_the_speaker(quotes_of):
    q = find(quotes_of("“These accusations are absurd,” Kremlin spokesman Dmitry Peskov told reporters on Tuesday."), "accusations")
    assert q.speaker == "Dmitry Peskov"


@pytest.mark.parametrize(
    "text, mention",
    [
        (
            "Russian Foreign Minister Sergey Lavrov arrived in Brussels on Monday. The head of Russian diplomacy said the talks had failed.",
            "The head of Russian diplomacy",
        ),
        (
            "Sergey Lavrov, Russia's foreign minister, arrived in Brussels on Monday. Later, the Russian foreign minister said the talks had failed.",
            "the Russian foreign minister",
        ),
    ],
    ids=["head-of-diplomacy", "the-foreign-minister"],
)
def test_description_refers_back_to_the_named_person(quotes_of, text, mention):
    q = find(quotes_of(text), "the talks had failed")
    assert (q.speaker, q.mention.text, q.method) == ("Sergey Lavrov", mention, "description")


def test_description_with_no_named_person_stays_unresolved(quotes_of):
    q = find(quotes_of("The minister warned that sanctions would hurt European farmers."), "sanctions")
    assert q.speaker is None
    assert q.mention.text == "The minister"
    assert "unnamed-source" in q.flags


@pytest.mark.parametrize(
    "text, speaker",
    [
        ("NATO said the exercises would continue.", "NATO"),
        ("Russia said it would not take part in the talks.", "Russia"),
        ("The White House said the president had been briefed.", "White House"),
    ],
)
def test_organisations_and_countries_speak(quotes_of, text, speaker):
    (q,) = quotes_of(text)
    assert (q.speaker, q.speaker_kind) == (speaker, "organization")


@pytest.mark.parametrize(
    "text, mention",
    [
        ("Experts said the decision would weaken the alliance.", "Experts"),
        ("A hospital spokeswoman said three people had been injured.", "A hospital spokeswoman"),
        ("“We are ready,” the spokesman said.", "the spokesman"),
    ],
)
def test_unnamed_sources_are_kept_never_guessed(quotes_of, text, mention):
    (q,) = quotes_of(text)
    assert q.speaker is None
    assert q.mention.text == mention
    assert "unnamed-source" in q.flags


def test_a_party_label_is_a_description_not_an_organisation(quotes_of):
    q = find(quotes_of("The Massachusetts Democrat said the bill would hurt working families."), "hurt working families")
    assert q.speaker_kind != "organization"
    assert q.mention.text == "The Massachusetts Democrat"


def test_surname_is_linked_to_the_full_name_in_the_article(quotes_of):
    text = "Democratic presidential candidate Hillary Clinton met voters in Iowa on Saturday. Clinton said she would raise the minimum wage."
    q = find(quotes_of(text), "minimum wage")
    assert (q.speaker, q.mention.text) == ("Hillary Clinton", "Clinton")


# --- news conventions ------------------------------------------------------------


def test_split_quote_shares_its_cue(quotes_of):
    quotes = quotes_of("“Our position has not changed,” said Maria Zakharova, the foreign ministry spokeswoman. “The decision was taken in Brussels.”")
    a, b = find(quotes, "Our position"), find(quotes, "The decision was taken")
    assert a.speaker == b.speaker == "Maria Zakharova"
    assert a.cue == b.cue


def test_continuation_paragraph_is_less_sure_than_its_cued_quote(quotes_of):
    text = (
        "“We will not accept the deployment of new missiles in Europe,” Stoltenberg said on Tuesday.\n"
        "“The alliance will respond in a measured and defensive way, as it always has.”"
    )
    quotes = quotes_of(text)
    cued, cont = find(quotes, "new missiles"), find(quotes, "measured and defensive")
    assert cont.speaker == cued.speaker == "Stoltenberg"
    assert cont.method == "continuation"
    assert cont.confidence < cued.confidence


# --- boilerplate -----------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "We use cookies to personalise content and ads. By clicking “Accept”, you agree to our use of cookies.",
        "Post a comment\nYour email address will not be published. Required fields are marked *",
        "Copyright 2016 The Associated Press. All rights reserved. This material may not be published, broadcast, rewritten or redistributed.",
        "Related stories:\nTrump says the wall “will be built” next year\nClinton wins Iowa caucus by a hair",
    ],
    ids=["cookies", "comment-form", "copyright", "related-headlines"],
)
def test_page_furniture_gives_no_quotes(quotes_of, text):
    assert quotes_of(text) == []


# --- confidence ------------------------------------------------------------------


def test_confidence_orders_a_clear_quote_above_a_doubtful_one(quotes_of):
    text = (
        "“We will not go back,” Lavrov told reporters in Moscow.\n"
        "“Nothing has changed since the summit and nothing will change before the elections in the spring”"
    )
    quotes = quotes_of(text)
    clear = find(quotes, "We will not go back")
    assert clear.confidence >= 0.85
    assert all(0.0 < q.confidence <= 1.0 for q in quotes)
    assert all(q.confidence <= clear.confidence for q in quotes)


# --- reports inside reports --------------------------------------------------------


def test_a_report_inside_a_report_is_kept_as_two_quotes(quotes_of):
    quotes = quotes_of("Lavrov said that NATO officials claimed that Russia had violated the treaty.")
    assert len(quotes) == 2
    outer, inner = find(quotes, "NATO officials claimed"), next(q for q in quotes if q.cue.text == "claimed")
    assert (outer.speaker, outer.cue.text) == ("Lavrov", "said")
    assert (inner.text, inner.mention.text) == ("that Russia had violated the treaty", "NATO officials")
    assert outer.start <= inner.start and inner.end <= outer.end


def test_contents_that_cross_are_never_both_reported(quotes_of):
    # found by benchmarks/fuzz_quotes.py: two frames whose contents cross without nesting
    text = "Sergey Lavrov said that Russia Russia Russia Russia Russia is Russia : say. "
    quotes = quotes_of(text)
    for k, q in enumerate(quotes):
        for p in quotes[:k]:
            if p.end > q.start:
                assert p.start <= q.start and q.end <= p.end
