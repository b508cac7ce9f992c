from quotetrack.extract.marks import find_marked


def contents(text):
    return [text[m.start : m.end] for m in find_marked(text)]


def test_straight_and_curly_double_quotes():
    text = 'He said "we go now" and then “we stay” was heard.'
    assert contents(text) == ["we go now", "we stay"]


def test_guillemets_both_directions():
    assert contents("Il a dit « nous partons » hier.") == [" nous partons "]
    assert contents("Er sagte »wir gehen« gestern.") == ["wir gehen"]


def test_german_low_high_quotes():
    assert contents("Er sagte „wir gehen“ gestern.") == ["wir gehen"]


def test_closing_mark_glued_to_next_word():
    text = '"After certain measures taken by NATO, the basic conditions do not exist"Russian Foreign Minister Sergey Lavrov said.'
    assert contents(text) == ["After certain measures taken by NATO, the basic conditions do not exist"]


def test_quote_spanning_sentences():
    text = "“Russia is responsible. China is coming closer to us,” he stated."
    assert contents(text) == ["Russia is responsible. China is coming closer to us,"]


def test_unclosed_quote_ends_with_its_paragraph():
    text = '"This never closes and runs on\nNext paragraph has "a real quote" here.'
    spans = find_marked(text)
    assert [text[m.start : m.end] for m in spans] == ["This never closes and runs on", "a real quote"]
    assert spans[0].closed is False and spans[1].closed is True


def test_ptb_style_marks():
    assert contents("He said ``we go'' loudly.") == ["we go"]


def test_marks_with_no_words_are_ignored():
    assert contents('Size 5" and "" nothing.') == []
