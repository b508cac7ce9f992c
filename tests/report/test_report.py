"""`quotetrack report`: what the page shows, that data never becomes markup, and that it loads nothing."""

from __future__ import annotations

import re
from datetime import date

import pytest
from typer.testing import CliRunner

from quotetrack.cli import app
from quotetrack.report import build_report
from quotetrack.report.charts import periods
from quotetrack.report.sentences import sentence_around
from tests.support import report_data

runner = CliRunner()


def page_of(path) -> tuple[str, object]:
    from quotetrack import Corpus

    with Corpus(path, create=False) as corpus:
        report = build_report(corpus)
    return report.html, report


def section(html: str, name: str) -> str:
    """The HTML of one speaker's list of quotes."""
    start = html.index(f"<summary><bdi>{name}</bdi>")
    return html[start:html.index("</details>", start)]


def label_height(svg: str, name: str) -> float:
    """Where a chart draws the label ``name`` (its y; smaller is higher up)."""
    return float(re.search(rf'<text[^>]* y="([-\d.]+)"[^>]*>{re.escape(name)}</text>', svg).group(1))


# --- the sentence around a quote --------------------------------------------------------


def test_a_quote_is_shown_in_its_sentence_with_who_said_it():
    text = "Earlier news. “We will win this vote tonight,” Ann Lee said. Then she left."
    start = text.index("We will")
    end = text.index(",” Ann") + 1
    said = (text.index("Ann Lee"), text.index(" said.") + 5)
    s = sentence_around(text, start, end, said)
    assert (s.before, s.quote, s.after) == ("“", "We will win this vote tonight,", "” Ann Lee said.")


def test_a_line_break_ends_a_sentence_and_a_long_one_is_cut_with_an_ellipsis():
    text = "Headline\nJones said that the plan would go ahead\nNext paragraph."
    s = sentence_around(text, text.index("the plan"), text.index("\nNext"))
    assert (s.before, s.after) == ("Jones said that ", "")
    long = "word " * 200 + "He said “hello there” and " + "more " * 200
    s = sentence_around(long, long.index("hello"), long.index("hello") + 11)
    assert s.before.startswith("…") and s.after.endswith("…") and s.quote == "hello there"
    assert len(s.before) < 320 and len(s.after) < 320


# --- time buckets ---------------------------------------------------------------------------


def test_periods_are_days_months_or_years_with_the_gaps_shown():
    assert periods({date(2024, 3, 1): 2, date(2024, 3, 3): 1}) == (["2024-03-01", "2024-03-02", "2024-03-03"], [2, 0, 1])
    labels, values = periods({date(2023, 11, 5): 1, date(2024, 2, 20): 3, date(2024, 2, 21): 1})
    assert (labels, values) == (["2023-11", "2023-12", "2024-01", "2024-02"], [1, 0, 0, 4])
    labels, values = periods({date(2001, 1, 1): 1, date(2012, 6, 1): 2})
    assert labels[0] == "2001" and labels[-1] == "2012" and len(labels) == 12 and sum(values) == 3


# --- the page ----------------------------------------------------------------------------------


@pytest.fixture()
def newsroom(tmp_path):
    report_data.newsroom(tmp_path / "q.db")
    return tmp_path / "q.db"


def test_the_page_ranks_speakers_counts_kinds_and_reviews_and_lists_each_speakers_quotes(newsroom):
    html, report = page_of(newsroom)
    assert (report.quotes, report.speakers) == (7, 4)  # the rejected quote is not counted as anyone's
    assert html.count("<svg") == 3  # who is quoted most, kinds × statuses, across documents: no dates, no timeline
    assert "No document has a date" in html
    quoted = html[html.index('id="quoted"'):html.index('id="kinds"')]
    assert label_height(quoted, "Jens Stoltenberg") < label_height(quoted, "Tom Reed")  # 2 quotes drawn above 1
    kinds = html[html.index('id="kinds"'):html.index('id="documents"')]
    assert re.search(r"<td>indirect</td><td class=\"n\">\d+</td><td class=\"n\">\d+</td><td class=\"n\">1</td>", kinds)
    stoltenberg = section(html, "Jens Stoltenberg")
    assert "<mark><bdi>The door remains open,</bdi></mark><bdi>” Stoltenberg told reporters on Monday.</bdi>" in stoltenberg
    assert "confirmed" in stoltenberg and "2 quotes · 1 document" in stoltenberg
    lavrov = section(html, "Sergey Lavrov")
    assert "the decision was final" in lavrov and "Moscow would answer in kind" not in lavrov  # rejected


def test_the_page_loads_nothing_and_runs_nothing(newsroom):
    html, _ = page_of(newsroom)
    assert '<meta http-equiv="Content-Security-Policy" content="default-src \'none\';' in html
    assert not re.search(r"<script|<link|<img|<iframe|\bsrc=|@import|url\(", html, re.IGNORECASE)
    attributes = re.findall(r'[\w:-]+="([^"]*)"', html)
    assert {a for a in attributes if "//" in a} <= {"http://www.w3.org/2000/svg", "http://www.w3.org/1999/xlink"}
    assert set(re.findall(r'href="([^"]*)"', html)) and all(h.startswith("#") for h in re.findall(r'href="([^"]*)"', html))


def test_text_from_articles_is_shown_literally(newsroom):
    html, _ = page_of(newsroom)
    reed = section(html, "Tom Reed")
    assert "[bold]Vote[/bold]" in reed and "␛[31mred␛[0m" in reed and "\x1b" not in html


def test_hostile_names_ids_titles_and_quotes_never_become_markup(tmp_path):
    report_data.hostile(tmp_path / "q.db")
    html, report = page_of(tmp_path / "q.db")
    assert report.quotes == 1 and report.speakers == 1
    for raw in ("<script", "<img", "<svg onload", "<b onmouseover", "</mark><script"):
        assert raw not in html
    assert "&lt;/mark&gt;&lt;script&gt;alert(1)&lt;/script&gt;" in html  # the quote, as text
    assert "doc&quot;&gt;&lt;svg onload=alert(3)&gt;" in html  # the document id
    assert "&lt;b onmouseover=alert(4)&gt;Title&lt;/b&gt;" in html  # its title
    assert "\x1b" not in html and "␛[2J" in html
    for match in re.finditer("\u202e", html):  # a right-to-left override stays inside its own <bdi>
        before = html[:match.start()]
        assert before.rindex("<bdi>") > before.rfind("</bdi>")


def test_documents_with_dates_give_quotes_over_time_and_their_titles(newsroom):
    report_data.set_meta(newsroom, {"nato-1": {"date": "2024-03-01T09:30:00Z", "title": "NATO meets"},
                                    "budget-2": {"date": "2024-03-03"}, "markup-3": {"date": "not a date"}})
    html, _ = page_of(newsroom)
    assert html.count("<svg") == 4
    timeline = html[html.index('id="time"'):html.index('id="speakers"')]
    assert all(day in timeline for day in ("2024-03-01", "2024-03-02", "2024-03-03"))
    assert "1 quote is in documents without a date" in timeline  # markup-3's date is no date
    assert "<bdi>NATO meets</bdi>" in section(html, "Jens Stoltenberg")


def test_an_empty_store_says_what_to_do(tmp_path):
    from quotetrack.store import Store

    Store(tmp_path / "empty.db").close()
    html, report = page_of(tmp_path / "empty.db")
    assert report.quotes == 0 and "No quotes yet" in html and "<svg" not in html


# --- the command ---------------------------------------------------------------------------------


def test_report_command_writes_the_page_and_says_where(newsroom, tmp_path):
    result = runner.invoke(app, ["report", "--db", str(newsroom), "-o", str(tmp_path / "out" / "r.html")],
                           env={"COLUMNS": "200"})
    assert result.exit_code == 0, result.output
    assert "wrote the report on 7 quotes by 4 speakers to" in result.stdout
    assert (tmp_path / "out" / "r.html").read_text(encoding="utf-8").startswith("<!DOCTYPE html>")


def test_report_to_standard_output(newsroom):
    result = runner.invoke(app, ["report", "--db", str(newsroom), "-o", "-"])
    assert result.exit_code == 0 and result.stdout.startswith("<!DOCTYPE html>")
    assert "wrote the report" in result.stderr


def test_report_without_a_store_is_one_line_and_creates_nothing(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(app, ["report", "--db", "missing.db"])
    assert result.exit_code == 3 and "no such store" in result.stderr
    assert list(tmp_path.iterdir()) == []
