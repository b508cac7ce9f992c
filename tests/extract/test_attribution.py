"""Quote finding and attribution on sentences written for these tests."""

from tests.support.quotes import find


def test_direct_quote_after_cue_with_surname_resolved_to_full_name(quotes_of):
    text = (
        "Russia's Foreign Minister Sergey Lavrov announced the withdrawal on Monday.\n"
        "“This corroborates the fact that NATO is not interested in an equal dialogue with us,” Lavrov said."
    )
    q = find(quotes_of(text), "This corroborates")
    assert q.kind == "direct"
    assert q.speaker == "Sergey Lavrov"
    assert q.mention.text == "Lavrov"
    assert q.cue.text == "said"
    assert q.text == "This corroborates the fact that NATO is not interested in an equal dialogue with us"


def test_pronoun_speaker_resolved_through_coreference(quotes_of):
    text = (
        "At the assembly, Secretary-General Jens Stoltenberg warned of consequences. "
        "“Russia is responsible for aggressive actions against its neighbors. China is coming closer to us,” "
        "he stated at the convention."
    )
    q = find(quotes_of(text), "Russia is responsible")
    assert q.speaker == "Jens Stoltenberg"
    assert q.mention.text == "he"
    assert q.resolved.text == "Jens Stoltenberg"
    assert q.method == "coref"
    assert "China is coming closer to us" in q.text


def test_glued_closing_mark(quotes_of):
    text = (
        '"After certain measures taken by NATO, the basic conditions for joint work do not exist"'
        "Russian Foreign Minister Sergey Lavrov said on Monday."
    )
    q = find(quotes_of(text), "basic conditions")
    assert q.kind == "direct"
    assert q.text.endswith("do not exist")
    assert q.speaker == "Sergey Lavrov"


def test_apposition_names_the_speaker_not_the_title(quotes_of):
    text = (
        "“We have taken note of the minister's comments to the media, however we have not received any "
        "official communication,” a spokesperson, Oana Lungescu, said."
    )
    q = find(quotes_of(text), "We have taken note")
    assert q.speaker == "Oana Lungescu"
    assert q.mention.text == "Oana Lungescu"
    assert q.speaker_kind == "person"


def test_inverted_cue_with_apposition(quotes_of):
    text = '"We have no official communication on the matter you have raised"said a spokeswoman for the Alliance, Oana Lungescu.'
    q = find(quotes_of(text), "no official communication")
    assert q.speaker == "Oana Lungescu"


def test_indirect_quote_with_that_clause(quotes_of):
    text = "Lavrov said that urgent issues should be redirected to the Russian ambassador in Belgium."
    q = find(quotes_of(text), "urgent issues")
    assert q.kind == "indirect"
    assert q.speaker == "Lavrov"
    assert q.text.startswith("that urgent issues")
    assert q.text.endswith("in Belgium")


def test_according_to(quotes_of):
    text = "According to Russian Foreign Minister Sergei Lavrov, Russia suspended the work of its mission to NATO."
    q = find(quotes_of(text), "Russia suspended")
    assert q.kind == "indirect"
    assert q.speaker == "Sergei Lavrov"
    assert q.cue.text == "According to"
    assert q.method == "according"


def test_mixed_quote_fragment_inside_reported_speech(quotes_of):
    text = 'Stoltenberg said the alliance had seen an increase in Russian "malign activities" in Europe.'
    q = find(quotes_of(text), "malign activities")
    assert q.kind == "mixed"
    assert q.speaker == "Stoltenberg"


def test_continuation_paragraph_goes_to_previous_speaker_at_lower_confidence(quotes_of):
    text = (
        "“The decision is final and there will be no further talks,” Lavrov said on Monday.\n"
        "“If this is the case, we do not see much reason in continuing to pretend that things may change.”"
    )
    quotes = quotes_of(text)
    first, second = find(quotes, "The decision"), find(quotes, "If this is the case")
    assert second.speaker == first.speaker == "Lavrov"
    assert second.method == "continuation"
    assert second.confidence < first.confidence


def test_scare_quotes_without_a_cue_are_not_quotes(quotes_of):
    text = "The ‘Consistent’ policy and the so-called \"open door\" were discussed at length."
    assert quotes_of(text) == []


def test_offsets_give_the_text(quotes_of):
    text = "Intro line.\r\n“It is over,” she said, adding that “nothing will change” soon."
    from quotetrack.run.inputs import normalise_text

    clean = normalise_text(text)
    for q in quotes_of(clean):
        assert clean[q.start : q.end] == q.text
        for span in (q.cue, q.mention, q.resolved):
            if span is not None:
                assert clean[span.start : span.end] == span.text
