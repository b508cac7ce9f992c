"""Text helpers shared by every wing."""

from __future__ import annotations

from quotetrack.text import fold, lines, paragraphs, printable, visible


def test_paragraphs_skip_blank_lines():
    assert paragraphs("a\n\n b\n") == [(0, 1), (3, 5)]


def test_lines_keep_empty_ones_and_index_the_text():
    text = "a\n\n bc\n"
    assert lines(text) == [(0, 1), (2, 2), (3, 6), (7, 7)]
    assert [text[s:e] for s, e in lines(text)] == text.split("\n")


def test_fold_ignores_case_accents_and_special_letters():
    assert fold("Łukaszenka") == fold("LUKASZENKA") == "lukaszenka"
    assert fold("Erdoğan") == "erdogan"
    assert fold("Straße") == fold("STRASSE")


def test_printable_escapes_what_could_control_a_terminal():
    assert printable("a\x1b]52;c;SGk=\x07b\u202e\n") == "a\\x1b]52;c;SGk=\\x07b\\u202e\\x0a"
    assert printable("Zoë") == "Zoë"


def test_visible_keeps_every_offset():
    text = "x\x1b[2Jy\tz\n\x9b"
    shown = visible(text)
    assert len(shown) == len(text) and "\x1b" not in shown and "\x9b" not in shown
    assert shown.index("y") == text.index("y") and "\n" in shown


def test_visible_escapes_what_printable_escapes_one_character_for_one():
    text = "a\x1b]52;c;SGk=\x1b\\\u202eb\u2066c\u200bd\u2028e\x9bf\U000e0041\n\tg"
    shown = visible(text)
    assert len(shown) == len(text)
    assert shown == "a␛]52;c;SGk=␛\\�b�c�d�e�f�\n g"
    for ch in set(text) - {"\n", "\t"}:  # the same characters as printable
        assert (visible(ch) != ch) == (printable(ch) != ch), repr(ch)
    assert visible("Zoë 😀 “x”") == "Zoë 😀 “x”"


def test_visible_on_one_line_shows_line_breaks():
    assert visible("a\nb\x1b", one_line=True) == "a␊b␛"
    assert visible("a\nb", one_line=True) == "a␊b"
