"""`quotetrack export`: pipes, formats, filters and what it says, on a hand-made store (no spaCy)."""

from __future__ import annotations

import csv
import io
import os
import subprocess
import sys

import jsonschema
import orjson
import pytest
from typer.testing import CliRunner

from quotetrack.cli import app
from quotetrack.store import Store, export
from tests.support import review_data

runner = CliRunner()
CLI = [sys.executable, "-m", "quotetrack.cli"]


@pytest.fixture()
def store(tmp_path, monkeypatch):
    """The newsroom store (8 quotes: Stoltenberg 2, Lavrov 2, Ann Lee 2, Tom Reed 1, one without a speaker)."""
    monkeypatch.chdir(tmp_path)
    ids = review_data.build(tmp_path / "quotetrack.db")
    db = Store(tmp_path / "quotetrack.db")
    db.conn.execute("INSERT INTO reviews(quote_id, status, by, at) VALUES (?, 'confirmed', 'ann', 'x')", (ids["door"],))
    db.conn.execute("INSERT INTO reviews(quote_id, status, by, at) VALUES (?, 'rejected', 'ann', 'x')", (ids["moscow"],))
    db.close()
    return tmp_path


def export_(*args: str):
    return runner.invoke(app, ["export", *args], env={"COLUMNS": "200"})


def texts_of(data) -> list[str]:
    return [q["text"] for q in data["quotes"]]


# --- pipes -------------------------------------------------------------------------


def test_dash_writes_the_json_database_to_standard_output_and_the_message_to_stderr(store):
    result = export_("-o", "-")
    assert result.exit_code == 0, result.output
    data = orjson.loads(result.stdout)
    jsonschema.validate(data, export.schema())
    assert len(data["quotes"]) == 8
    assert "wrote 8 quotes to standard output" in result.stderr
    assert not (store / "-").exists() and not (store / "exports").exists()


@pytest.mark.parametrize("fmt", export.FORMATS)
@pytest.mark.parametrize("target", ["-", "/dev/stdout"])
def test_every_format_streams_to_a_pipe(store, fmt, target):
    """As ``quotetrack export -o /dev/stdout | jq …`` runs it: a real process writing into a pipe."""
    proc = subprocess.run([*CLI, "export", "--format", fmt, "-o", target], capture_output=True, cwd=store)
    assert proc.returncode == 0, proc.stderr
    with open(store / f"file.{fmt}", "wb") as handle:  # the same export written to a file, to compare
        assert subprocess.run([*CLI, "export", "--format", fmt, "-o", handle.name], cwd=store).returncode == 0
    expected = (store / f"file.{fmt}").read_bytes()
    if fmt == "json":  # the time it was generated differs
        proc_data, file_data = orjson.loads(proc.stdout), orjson.loads(expected)
        assert {**proc_data, "generated_at": None} == {**file_data, "generated_at": None}
    else:
        assert proc.stdout == expected
    assert b"wrote 8 quotes to standard output" in proc.stderr
    assert not (store / "-").exists()


def test_a_reader_that_stops_early_ends_the_export_quietly(tmp_path):
    review_data.build_many(tmp_path / "quotetrack.db", 300)  # 2,400 quotes: more than a pipe holds
    script = f"{' '.join(CLI)} export --format jsonl -o - | head -n 1; echo exit=${{PIPESTATUS[0]}} >&2"
    proc = subprocess.run(["bash", "-c", script], capture_output=True, text=True, cwd=tmp_path)
    assert len(proc.stdout.splitlines()) == 1 and orjson.loads(proc.stdout)["doc_id"]
    assert "exit=0" in proc.stderr and "Traceback" not in proc.stderr and "error" not in proc.stderr, proc.stderr


# --- formats and filters -------------------------------------------------------------


def test_csv_to_standard_output_is_one_row_per_quote(store):
    result = export_("--format", "csv", "-o", "-")
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(io.StringIO(result.stdout, newline="")))
    assert len(rows) == 8
    lavrov = [r for r in rows if r["speaker"] == "Sergey Lavrov"]
    assert [(r["kind"], r["status"]) for r in lavrov] == [("indirect", "pending"), ("indirect", "rejected")]
    text = Store(store / "quotetrack.db").document_text("nato-1")
    assert all(text[int(r["start"]):int(r["end"])] == r["text"] for r in lavrov)


@pytest.mark.parametrize("options, expected", [
    (["--speaker", "Sergey Lavrov"], ["the decision was final", "Moscow would answer in kind"]),
    (["--speaker", "jens STOLTENBERG"], ["We will not be intimidated by anyone.", "The door remains open,"]),  # any case
    (["--doc", "budget-2"], ["the budget would balance by 2026", "It is a fair plan for every family,",
                             "a fantasy built on hope"]),
    (["--kind", "mixed"], ["a fantasy built on hope"]),
    (["--min-confidence", "0.75"], ["We will not be intimidated by anyone.", "the budget would balance by 2026"]),
    (["--status", "reviewed"], ["The door remains open,", "Moscow would answer in kind"]),
    (["--status", "reviewed", "--speaker", "Sergey Lavrov", "--kind", "indirect"], ["Moscow would answer in kind"]),
])
def test_export_filters(store, options, expected):
    result = export_(*options, "-o", "out.json")
    assert result.exit_code == 0, result.output
    data = orjson.loads((store / "out.json").read_bytes())
    assert sorted(texts_of(data)) == sorted(expected)
    jsonschema.validate(data, export.schema())


def test_a_speaker_id_selects_like_its_name(store):
    speakers = orjson.loads(runner.invoke(app, ["speakers", "--json"]).stdout)
    lavrov = next(s["id"] for s in speakers if s["name"] == "Sergey Lavrov")
    assert export_("--speaker", lavrov, "--format", "jsonl", "-o", "by-id.jsonl").exit_code == 0
    assert export_("--speaker", "Sergey Lavrov", "--format", "jsonl", "-o", "by-name.jsonl").exit_code == 0
    assert (store / "by-id.jsonl").read_bytes() == (store / "by-name.jsonl").read_bytes() != b""


@pytest.mark.parametrize("options", [["--status", ""], ["--status", "approved"], ["--kind", "quoted"],
                                     ["--min-confidence", "2"], ["--format", "xml"]])
def test_bad_filter_values_are_usage_errors_and_write_nothing(store, options):
    result = export_(*options)
    assert result.exit_code == 2, result.output
    assert not (store / "exports").exists()


# --- what it says ----------------------------------------------------------------------


def test_one_quote_is_one_quote(store):
    result = export_("--kind", "mixed", "-o", "one.json")
    assert result.exit_code == 0 and "wrote 1 quote to one.json" in result.stdout
    assert "quotes" not in result.stdout


def test_filters_that_match_nothing_say_so(store):
    result = export_("--speaker", "Nobody Atall", "-o", "none.json")
    assert result.exit_code == 0
    assert "wrote 0 quotes to none.json (no quote matches these filters)" in result.stdout


def test_the_export_file_keeps_its_mode(store):
    target = store / "private.json"
    target.write_text("old")
    os.chmod(target, 0o600)
    assert export_("-o", "private.json").exit_code == 0
    assert os.stat(target).st_mode & 0o777 == 0o600 and orjson.loads(target.read_bytes())["quotes"]
