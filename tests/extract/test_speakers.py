"""Speakers as a new user tries them (issue 13): pronouns, layouts, nested reports, descriptions, titles, times.

Every sentence is written for these tests; what is asserted is what a careful
reader would answer. Pronoun rules are checked with coreference (the default)
and without it (``coref: off``, the nearest-name fallback).
"""

from __future__ import annotations

import pytest

from quotetrack.extract.attribution import UNRESOLVED_CEILING
from quotetrack.names import NameOccurrence, Normaliser, parse_person, speaker_id_for
from tests.support.quotes import find


@pytest.fixture(scope="module")
def quotes_without_coref(nlp):
    from quotetrack.extract.component import QuoteTracker

    tracker = QuoteTracker(nlp, "qt", "off")

    def run(text: str):
        with nlp.select_pipes(disable=["quotetrack"]):
            doc = nlp(text)
        return tracker(doc)._.quotes

    return run


@pytest.fixture(params=["coref", "no-coref"])
def quotes_either_way(request, quotes_of, quotes_without_coref):
    return quotes_of if request.param == "coref" else quotes_without_coref


# --- he and she name people only -------------------------------------------------


@pytest.mark.parametrize(
    "text, fragment",
    [
        ("“Russia is responsible,” he said.", "Russia is responsible"),
        ("NATO met on Monday. “We are ready,” she said.", "We are ready"),
        ("Russia and China were discussed. “It is over,” he said.", "It is over"),
        ("The European Union met in Brussels. Germany and France argued. “No deal is possible,” she said.", "No deal"),
    ],
    ids=["country", "alliance", "two-countries", "union-and-countries"],
)
def test_he_or_she_with_no_person_in_reach_names_nobody_at_low_confidence(quotes_either_way, text, fragment):
    q = find(quotes_either_way(text), fragment)
    assert q.speaker is None and q.resolved is None
    assert q.mention.text.lower() in ("he", "she")
    assert "unresolved-pronoun" in q.flags
    assert q.confidence <= UNRESOLVED_CEILING


@pytest.mark.parametrize(
    "text, fragment, speaker",
    [
        ("Jens Stoltenberg met Russia's envoy on Monday. “It is over,” he said.", "It is over", "Jens Stoltenberg"),
        ("Angela Merkel flew to Moscow to meet Russia's leaders. “We are ready to talk,” she said.", "ready to talk", "Angela Merkel"),
        ("Hillary Clinton spoke in Brussels after NATO met. “Europe stands together,” she said.", "Europe stands", "Hillary Clinton"),
    ],
    ids=["person-then-country", "country-after-person", "alliance-after-person"],
)
def test_he_or_she_with_a_person_in_reach_names_that_person(quotes_either_way, text, fragment, speaker):
    q = find(quotes_either_way(text), fragment)
    assert q.speaker == speaker
    assert q.speaker_kind == "person"
    assert "unresolved-pronoun" not in q.flags


@pytest.mark.parametrize(
    "text, speaker",
    [
        ("Hillary Clinton answered questions after Donald Trump left the stage. “We will win Ohio,” she said.", "Hillary Clinton"),
        ("Donald Trump spoke after Hillary Clinton left the stage. “We will win Ohio,” he said.", "Donald Trump"),
        ("Mr. Trump spoke to reporters after Mrs. Clinton left. “We will win Ohio,” he said.", "Trump"),
    ],
    ids=["she-past-a-man", "he-past-a-woman", "honorifics"],
)
def test_he_or_she_names_a_person_of_that_gender_when_the_name_tells(quotes_either_way, text, speaker):
    assert find(quotes_either_way(text), "win Ohio").speaker == speaker


def test_an_unresolved_pronoun_ranks_below_a_resolved_one(quotes_of):
    resolved = find(quotes_of("Jens Stoltenberg met Russia's envoy on Monday. “It is over,” he said."), "It is over")
    unresolved = find(quotes_of("Russia and China were discussed. “It is over,” he said."), "It is over")
    assert unresolved.confidence < resolved.confidence


def test_it_may_name_an_organisation(quotes_of):
    text = "The ministry of defence published a statement on Friday. “The exercise is over,” it said."
    q = find(quotes_of(text), "exercise is over")
    assert q.mention.text == "it"
    assert "unresolved-pronoun" not in q.flags  # only he and she are held to people


def test_a_continuation_of_an_unresolved_quote_stays_low(quotes_of):
    text = "NATO met on Monday.\n“We are ready,” she said.\n“We have been ready for a long time, and we will stay ready.”"
    second = find(quotes_of(text), "long time")
    assert second.speaker is None
    assert second.confidence <= UNRESOLVED_CEILING


# --- dash, colon and transcript attributions -----------------------------------------


@pytest.mark.parametrize("dash", ["―", "—", "–", "-", "--"], ids=["bar", "em", "en", "hyphen", "double-hyphen"])
def test_a_dash_before_a_name_attributes_the_quotation(quotes_of, dash):
    q = find(quotes_of(f"“We will rebuild the bridge before winter,” {dash} Steve Quinlan"), "rebuild the bridge")
    assert q.speaker == "Steve Quinlan"
    assert q.cue.text == dash


def test_a_dash_attribution_may_carry_a_description(quotes_of):
    text = "“Every town deserves a bridge that will stand for a century.” — Steve Quinlan, engineer and author"
    q = find(quotes_of(text), "Every town deserves")
    assert q.speaker == "Steve Quinlan"


def test_a_byline_after_running_text_is_not_the_speaker(quotes_of):
    text = "The mayor said on Monday that the bridge would “reopen well before the spring thaw.”--Kim Hjelmgaard"
    quotes = quotes_of(text)
    assert all(q.speaker != "Kim Hjelmgaard" for q in quotes)
    q = find(quotes, "reopen well before")
    assert q.mention.text.lower() == "the mayor"


@pytest.mark.parametrize(
    "text",
    ["Kovalenko: “We will rebuild.”", "The mayor visited the ruins on Friday.\nKovalenko: “We will rebuild.”"],
    ids=["alone", "after-a-paragraph"],
)
def test_a_name_and_a_colon_attribute_the_quotation(quotes_of, text):
    q = find(quotes_of(text), "We will rebuild")
    assert q.speaker == "Kovalenko"
    assert q.cue.text == ":"


def test_a_transcript_in_capitals_gives_each_turn_to_its_speaker(quotes_of):
    text = (
        "The two candidates met in Virginia on Tuesday night.\n"
        "PENCE: We are going to win this election in November.\n"
        "KAINE: The polls say otherwise, and the voters know it.\n"
        "PENCE: The polls do not matter at all."
    )
    quotes = quotes_of(text)
    assert find(quotes, "win this election").speaker == "Pence"
    assert find(quotes, "polls say otherwise").speaker == "Kaine"
    assert find(quotes, "do not matter").speaker == "Pence"
    assert all(q.kind == "direct" and q.cue.text == ":" for q in quotes if q.mention and q.mention.text.isupper())


def test_a_transcript_label_takes_the_full_name_the_article_gives(quotes_of):
    text = (
        "Governor Mary Fallin spoke to CNN's Jake Tapper on Sunday.\n"
        "TAPPER: Do you think Donald Trump has campaigned as a racial healer?\n"
        "FALLIN: I think he is trying to campaign as a racial healer."
    )
    quotes = quotes_of(text)
    answer = find(quotes, "I think he is trying")
    assert (answer.speaker, answer.speaker_kind, answer.mention.text) == ("Mary Fallin", "person", "FALLIN")
    assert find(quotes, "racial healer?").speaker == "Jake Tapper"


def test_questions_and_answers_of_an_interview(quotes_of):
    text = (
        "Q&A with Vice President Joe Biden.\n"
        "The vice president spoke with two reporters on the flight back to Washington.\n"
        "Q: You have been talking about the economy a lot lately.\n"
        "A: It is a big mistake to talk doom and gloom all the time.\n"
        "Q: Do you wish you were running?\n"
        "A: No, but I am going to make my views known."
    )
    quotes = quotes_of(text)
    answer = find(quotes, "big mistake")
    assert (answer.speaker, answer.mention.text) == ("Joe Biden", "A")
    assert find(quotes, "make my views known").speaker == "Joe Biden"
    question = find(quotes, "talking about the economy a lot lately")
    assert question.speaker is None and question.mention.text == "Q"
    assert "unnamed-source" in question.flags


@pytest.mark.parametrize(
    "text",
    [
        "UPDATE: The bridge will reopen next week.\nCORRECTION: An earlier version gave the wrong date.",
        "BREAKING NEWS: The bridge has reopened to traffic.",
        "FIX IS IN: Moderators Ignore the Scandal.\nThe debate was held on Tuesday night in Ohio.",
        "MOSCOW: Russia said Monday it was suspending its mission to NATO.\n"
        "NATO had expelled several members of Moscow´s delegation to the alliance for alleged spying.",
    ],
    ids=["update-correction", "breaking", "headline", "dateline"],
)
def test_page_furniture_in_capitals_is_no_speaker(quotes_of, text):
    for q in quotes_of(text):
        assert q.mention is None or not q.mention.text.isupper(), q


def test_alternating_dialogue_gives_the_bare_paragraph_to_the_other_speaker(quotes_of):
    text = (
        "“Where were you on Friday night?” the detective asked.\n"
        "“At home with my wife,” Carter replied.\n"
        "“Can anyone else confirm that you were there all night?”\n"
        "“My wife can confirm it, and so can our neighbour.”"
    )
    quotes = quotes_of(text)
    assert find(quotes, "anyone else confirm").mention.text == "the detective"
    assert find(quotes, "so can our neighbour").speaker == "Carter"


def test_news_style_continuation_stays_with_the_last_speaker(quotes_of):
    text = (
        "“We will close the plant next year,” Smith said.\n"
        "“The decision is a disaster for the town,” Jones said.\n"
        "“We will fight it in every court we can find, and we will win.”"
    )
    assert find(quotes_of(text), "every court").speaker == "Jones"


# --- nested reports ------------------------------------------------------------


def test_according_to_after_said_is_the_channel_not_the_speaker(quotes_of):
    quotes = quotes_of("Brazile said, according to the Associated Press, that the campaign was over.")
    q = find(quotes, "the campaign was over")
    assert q.speaker == "Brazile"
    assert all(q.speaker != "Associated Press" for q in quotes)


@pytest.fixture(scope="module")
def quotes_by_rules(nlp):
    """The finder on the rule frames alone, as with a pipeline whose tensor the span model does not fit."""
    import dataclasses

    from quotetrack.extract.component import QuoteTracker

    shipped = nlp.get_pipe("quotetrack")
    tracker = QuoteTracker(nlp, "qt", "window", dataclasses.replace(shipped.tables, span_model=None))

    def run(text: str):
        with nlp.select_pipes(disable=["quotetrack"]):
            doc = nlp(text)
        return tracker(doc)._.quotes

    return run


@pytest.mark.parametrize("finder", ["shipped", "rules only"])
def test_according_to_after_a_quote_and_its_speaker_is_the_channel(request, finder):
    quotes_of = request.getfixturevalue("quotes_of" if finder == "shipped" else "quotes_by_rules")
    for text in ("“We are ready,” Stoltenberg said, according to Reuters.",
                 "“We are ready,” Stoltenberg said on Monday, according to Reuters."):
        quotes = quotes_of(text)
        q = find(quotes, "We are ready")
        assert (q.kind, q.speaker, q.text) == ("direct", "Stoltenberg", "We are ready"), text
        assert all(q.speaker != "Reuters" for q in quotes), text


def test_the_channel_is_cut_from_the_content(quotes_of):
    q = find(quotes_of("The senator said on Tuesday, according to CNN, that he would vote against the bill."), "vote against")
    assert q.text == "that he would vote against the bill"
    assert q.mention.text == "The senator"


def test_according_to_at_the_end_still_reports_the_whole(quotes_of):
    quotes = quotes_of("Apple has said it will not fund the convention, according to the Independent Journal.")
    assert any(q.speaker == "Independent Journal" for q in quotes)


def test_the_reporter_not_the_person_reported_on(quotes_of):
    q = find(quotes_of("Brazile said that Clinton looks forward to the debate in Ohio."), "looks forward")
    assert q.speaker == "Brazile"


# --- descriptions of a named person; organisations by description --------------------


def test_an_abbreviated_title_names_the_person_a_description_refers_to(quotes_of):
    text = "Gov. James O'Neil visited the flooded town on Tuesday. “We will rebuild every home,” the governor said."
    q = find(quotes_of(text), "rebuild every home")
    assert (q.speaker, q.mention.text, q.method) == ("James O'Neil", "the governor", "description")


def test_an_age_refers_to_the_person_just_named(quotes_of):
    text = "Striker João Silva scored twice on Sunday. “It was a great night for the club,” the 23-year-old said."
    q = find(quotes_of(text), "great night")
    assert (q.speaker, q.mention.text) == ("João Silva", "the 23-year-old")


def test_an_age_prefers_the_person_given_that_age(quotes_of):
    text = (
        "Striker João Silva, 23, scored twice and coach Marco Rossi, 51, praised the defence. "
        "“It was a great night for the club,” the 23-year-old said."
    )
    assert find(quotes_of(text), "great night").speaker == "João Silva"


def test_an_organisation_named_by_description_keeps_the_description(quotes_of):
    q = find(quotes_of("According to the transport authority, the line will reopen in May."), "line will reopen")
    assert (q.speaker, q.speaker_kind) == ("the transport authority", "organization")
    assert "unnamed-source" not in q.flags


def test_an_unnamed_person_stays_unnamed(quotes_of):
    q = find(quotes_of("A ministry spokesman said the line would reopen in May."), "line would reopen")
    assert q.speaker is None and "unnamed-source" in q.flags


# --- titles stay out of names ------------------------------------------------------


@pytest.mark.parametrize(
    "raw, name",
    [
        ("Striker João Silva", "João Silva"),
        ("Midfielder Luca Bianchi", "Luca Bianchi"),
        ("Coach Luca Bianchi", "Luca Bianchi"),
        ("Goalkeeper Mark Hughes", "Mark Hughes"),
        ("Economist Paul Krugman", "Paul Krugman"),
    ],
)
def test_a_title_before_a_name_is_not_part_of_it_in_extraction_and_in_names(quotes_of, raw, name):
    q = find(quotes_of(f"{raw} said the team would win the league this season."), "win the league")
    assert q.speaker == name
    assert parse_person(raw).display == name  # the names wing agrees
    assert speaker_id_for(raw, "person") == speaker_id_for(name, "person")


@pytest.mark.parametrize(
    "text, speaker, kind",
    [
        ("Spokeswoman Haley Morris said the campaign was over.", "Haley Morris", "person"),
        ("Major League Baseball said the season would start in April.", "Major League Baseball", "organization"),
    ],
    ids=["role-then-name-tagged-org", "organisation-starting-with-a-role-word"],
)
def test_a_role_before_a_name_makes_a_person_not_an_organisation(quotes_of, text, speaker, kind):
    q = quotes_of(text)[0]
    assert (q.speaker, q.speaker_kind) == (speaker, kind)


def test_the_same_player_gets_one_id_across_articles(nlp):
    first = nlp("Striker João Silva said the team would win the league.")._.quotes[0].speaker
    second = nlp("João Silva said the team had played its best game of the season.")._.quotes[0].speaker
    clusters = Normaliser().cluster([NameOccurrence(first, "person", "a"), NameOccurrence(second, "person", "b")])
    assert len(clusters) == 1


@pytest.mark.parametrize("name", ["Hunter Biden", "Tucker Carlson", "Carter Page", "Paul Singer", "Herman Cain", "Walter Scott Smith"])
def test_given_names_that_are_also_words_stay(name):
    assert parse_person(name).display == name


# --- times and headings are never speakers ---------------------------------------------


@pytest.mark.parametrize(
    "text, fragment",
    [
        ("“We will win the next one,” said Monday.", "win the next one"),
        ("5:45 p.m.: “The polls are closed and the count has begun.”", "polls are closed"),
    ],
    ids=["said-monday", "timestamp-colon"],
)
def test_a_time_is_never_the_speaker(quotes_of, text, fragment):
    q = find(quotes_of(text), fragment)
    assert q.speaker is None and q.mention is None


def test_a_heading_line_is_never_the_speaker(quotes_either_way):
    text = "Election Night Live Blog\n“We will win this state by ten points,” he said."
    q = find(quotes_either_way(text), "ten points")
    assert q.speaker is None


def test_an_age_is_not_a_time(quotes_of):
    q = find(quotes_of("Striker João Silva scored. “We deserved it,” the 23-year-old said on Sunday."), "deserved it")
    assert q.mention.text == "the 23-year-old"
