"""The command line, end to end on the seed articles."""

from __future__ import annotations

import subprocess
import sys
import time

import jsonschema
import orjson
import pytest
from typer.testing import CliRunner

from quotetrack.cli import app
from quotetrack.run.inputs import normalise_text
from quotetrack.store import export

runner = CliRunner()


def _quote(data, fragment):
    hits = [q for q in data["quotes"] if fragment in q["text"]]
    assert len(hits) == 1, [q["text"] for q in data["quotes"]]
    return hits[0]


@pytest.fixture(scope="module")
def seeds_run(tmp_path_factory, seeds_dir):
    """`quotetrack extract seeds/` as a user runs it, in a subprocess, twice."""
    work = tmp_path_factory.mktemp("e2e")
    cmd = [sys.executable, "-m", "quotetrack.cli", "extract", str(seeds_dir), "-o", str(work / "quotes.json"),
           "--db", str(work / "q.db")]
    first = subprocess.run(cmd, capture_output=True, text=True, cwd=work)
    data1 = orjson.loads((work / "quotes.json").read_bytes())
    second = subprocess.run(cmd, capture_output=True, text=True, cwd=work)
    data2 = orjson.loads((work / "quotes.json").read_bytes())
    return first, second, data1, data2, work


@pytest.mark.slow
def test_extract_seeds_succeeds_and_prints_summary(seeds_run):
    first, _, data, _, _ = seeds_run
    assert first.returncode == 0, first.stderr
    for word in ("documents", "quotes", "direct", "indirect", "mixed", "speakers", "failures"):
        assert word in first.stdout
    assert len(data["documents"]) == 5


@pytest.mark.slow
def test_seed_export_validates_and_offsets_give_text(seeds_run, seeds_dir):
    _, _, data, _, _ = seeds_run
    jsonschema.validate(data, export.schema())
    texts = {p.stem: normalise_text(p.read_text(encoding="utf-8")) for p in seeds_dir.glob("*.txt")}
    assert data["quotes"]
    for q in data["quotes"]:
        text = texts[q["doc_id"]]
        assert text[q["start"] : q["end"]] == q["text"]
        for span in (q["cue"], q["speaker"]["mention"], q["speaker"]["resolved"]):
            if span:
                assert text[span["start"] : span["end"]] == span["text"]


@pytest.mark.slow
def test_seed_attributions(seeds_run):
    _, _, data, _, _ = seeds_run
    assert _quote(data, "This corroborates the fact")["speaker"]["name"] == "Sergey Lavrov"
    stoltenberg = _quote(data, "Russia is responsible for aggressive actions")
    assert stoltenberg["speaker"]["name"] == "Jens Stoltenberg"
    assert stoltenberg["speaker"]["mention"]["text"] == "he"
    glued = _quote(data, "the basic conditions for joint work do not exist")
    assert glued["text"].endswith("do not exist") and glued["doc_id"].startswith("001")
    assert "Lavrov" in glued["speaker"]["name"]
    lungescu = [q for q in data["quotes"] if q["text"].startswith("We have taken note of minister Lavrov")]
    assert lungescu and lungescu[0]["speaker"]["name"] == "Oana Lungescu"


@pytest.mark.slow
@pytest.mark.parametrize(
    "fragment, speaker, mention",
    [
        ("We do note that NATO recently withdrew", "Ned Price", "Price"),
        ("NATO’s policy towards Russia remains consistent", "Ned Price", "Price"),
        ("We welcome stiff competition", "Jen Psaki", "Psaki"),
        ("We have no official communication on the matter", "Oana Lungescu", "Oana Lungescu"),
        ("NATO has already significantly reduced contacts", "Sergey Lavrov", "the head of Russian diplomacy"),
        ("his country is going to suspend the activities", "Sergey Lavrov", "The Russian Foreign Minister"),
        ("We see no reason to pretend", "Sergey Lavrov", "he"),
        ("We have seen an increase in Russian malign activities", "Jens Stoltenberg", "Stoltenberg"),
        ("Russia’s entire diplomatic mission would leave", "Sergey Lavrov", "Lavrov"),
        ("Moscow of increasing its", "Jens Stoltenberg", "Jens Stoltenberg"),
    ],
)
def test_seed_quotes_go_to_the_person_a_reader_would_name(seeds_run, fragment, speaker, mention):
    _, _, data, _, _ = seeds_run
    q = _quote(data, fragment)
    assert (q["speaker"]["name"], q["speaker"]["mention"]["text"]) == (speaker, mention)


@pytest.mark.slow
def test_rerun_changes_nothing(seeds_run):
    _, second, data1, data2, _ = seeds_run
    assert second.returncode == 0, second.stderr
    assert "5 unchanged" in second.stdout
    for key in ("documents", "speakers", "quotes"):
        assert data1[key] == data2[key]


@pytest.mark.slow
def test_seed_speakers_one_id_per_person(seeds_run):
    work = seeds_run[4]
    result = runner.invoke(app, ["speakers", "--db", str(work / "q.db"), "--json"])
    assert result.exit_code == 0, result.output
    speakers = orjson.loads(result.stdout)

    def holders(*names):
        return [s["id"] for s in speakers if set(names) <= set(s["aliases"])]

    assert len(holders("Sergey Lavrov", "Sergei Lavrov", "Lavrov")) == 1
    assert len(holders("Jens Stoltenberg", "Stoltenberg")) == 1
    assert len(holders("Oana Lungescu")) == 1
    assert len(holders("NATO", "Nato")) == 1
    assert len([s for s in speakers if "Lavrov" in s["name"]]) == 1
    lavrov = next(s for s in speakers if "Sergei Lavrov" in s["aliases"])
    assert len(lavrov["documents"]) == 5


@pytest.fixture()
def cli_env(tmp_path, nlp, monkeypatch):
    """Run the CLI in-process with the session's pipeline, in a scratch folder."""
    import quotetrack.models

    monkeypatch.setattr(quotetrack.models, "load", lambda *a, **k: nlp)
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_bad_file_reported_rest_goes_on_exit_code_1(cli_env):
    folder = cli_env / "in"
    folder.mkdir()
    (folder / "good.txt").write_text("“We will win this vote tonight, no doubt,” Ann Lee said.", encoding="utf-8")
    (folder / "bad.txt").write_bytes(b"\xff\xfe broken \xe9")
    result = runner.invoke(app, ["extract", str(folder)])
    assert result.exit_code == 1
    assert "bad.txt" in result.stderr and "UTF-8" in result.stderr
    data = orjson.loads((cli_env / "exports" / "quotes.json").read_bytes())
    assert [d["id"] for d in data["documents"]] == ["good"]
    assert data["quotes"][0]["speaker"]["name"] == "Ann Lee"


def test_a_document_over_the_time_limit_is_one_failure_line_exit_code_1(cli_env, monkeypatch):
    import quotetrack.extract.component

    find = quotetrack.extract.component.find_candidates

    def slow_on_marker(doc, *args):
        if "PATHOLOGICAL" in doc.text:
            for _ in range(600):  # 30 s: far past the limit
                time.sleep(0.05)
        return find(doc, *args)

    monkeypatch.setattr(quotetrack.extract.component, "find_candidates", slow_on_marker)
    folder = cli_env / "in"
    folder.mkdir()
    said = "“We will win this vote tonight, no doubt,” Ann Lee said."
    (folder / "good.txt").write_text(said, encoding="utf-8")
    (folder / "stuck.txt").write_text(f"{said} PATHOLOGICAL", encoding="utf-8")
    result = runner.invoke(app, ["extract", str(folder), "--jobs", "1", "--doc-timeout", "1"])
    assert result.exit_code == 1
    lines = [line for line in result.stderr.splitlines() if "stuck.txt" in line]
    assert len(lines) == 1 and "time limit of 1 s" in lines[0] and "--doc-timeout" in lines[0]
    data = orjson.loads((cli_env / "exports" / "quotes.json").read_bytes())
    assert [d["id"] for d in data["documents"]] == ["good"]


def test_reextract_keeps_review_decisions_and_export_by_status(cli_env):
    from quotetrack.store import Store

    (cli_env / "a.txt").write_text("“We will win this vote tonight, no doubt,” Ann Lee said.", encoding="utf-8")
    assert runner.invoke(app, ["extract", "a.txt"]).exit_code == 0
    db = Store(cli_env / "quotetrack.db")
    qid = db.conn.execute("SELECT id FROM quotes").fetchone()[0]
    db.conn.execute("INSERT INTO reviews(quote_id, status, by, at) VALUES (?, 'confirmed', 'rev', 'now')", (qid,))
    assert runner.invoke(app, ["extract", "a.txt", "--force"]).exit_code == 0
    result = runner.invoke(app, ["export", "--status", "confirmed", "-o", "confirmed.json"])
    assert result.exit_code == 0, result.output
    data = orjson.loads((cli_env / "confirmed.json").read_bytes())
    assert [q["id"] for q in data["quotes"]] == [qid]
    assert data["quotes"][0]["review"]["by"] == "rev"
    result = runner.invoke(app, ["export", "--status", "pending", "--format", "jsonl", "-o", "pending.jsonl"])
    assert result.exit_code == 0 and (cli_env / "pending.jsonl").read_bytes() == b""


def test_export_refuses_unknown_status(cli_env):
    result = runner.invoke(app, ["export", "--status", "approved"])
    assert result.exit_code == 2


def test_export_without_store_is_a_clear_error(cli_env):
    result = runner.invoke(app, ["export", "--db", "missing.db"])
    assert result.exit_code == 3
    assert "no such store" in result.stderr


def test_doctor_names_the_models(cli_env):
    result = runner.invoke(app, ["doctor"])
    assert result.exit_code == 0
    assert "en_core_web_sm" in result.stdout and "coreferee_model_en" in result.stdout


def test_version():
    result = runner.invoke(app, ["--version"])
    assert result.exit_code == 0 and result.stdout.startswith("quotetrack ")


def test_batch_options_are_checked_before_anything_runs(cli_env):
    assert runner.invoke(app, ["extract", ".", "--scheduler", "tcp://127.0.0.1:8786"]).exit_code == 2
    assert runner.invoke(app, ["extract", ".", "--engine", "spark"]).exit_code == 2
    assert runner.invoke(app, ["extract", ".", "--coref", "sometimes"]).exit_code == 2
    assert runner.invoke(app, ["extract", ".", "--jobs", "0"]).exit_code == 2
    assert not (cli_env / "quotetrack.db").exists()


def test_failures_are_listed_with_reasons_in_the_summary(cli_env):
    (cli_env / "in").mkdir()
    (cli_env / "in" / "bad.txt").write_bytes(b"\xff broken")
    (cli_env / "in" / "ok.txt").write_text("“We will win this vote tonight, no doubt,” Ann Lee said.", encoding="utf-8")
    result = runner.invoke(app, ["extract", "in", "--format", "jsonl", "-o", "q.jsonl"])
    assert result.exit_code == 1
    assert result.stderr.count("bad.txt") == 1  # one line naming the file, as it failed
    summary = result.stdout[result.stdout.index("failures"):]
    assert "not valid UTF-8" in summary  # and the reason in the summary
    lines = (cli_env / "q.jsonl").read_bytes().splitlines()
    assert len(lines) == 1 and orjson.loads(lines[0])["speaker"]["name"] == "Ann Lee"


def test_aliases_file_forces_and_forbids_merges_and_is_remembered(cli_env):
    (cli_env / "a.txt").write_text(
        "“We will win this vote tonight, no doubt,” Ann Lee said.\n"
        "“Nobody here expects any such outcome at all,” Bob Lee said.",
        encoding="utf-8",
    )
    assert runner.invoke(app, ["extract", "a.txt"]).exit_code == 0

    def names():
        return sorted(s["name"] for s in orjson.loads(runner.invoke(app, ["speakers", "--json"]).stdout))

    assert names() == ["Ann Lee", "Bob Lee"]
    (cli_env / "aliases.toml").write_text('merge = [["Ann Lee", "Bob Lee"]]\n[rename]\n"Ann Lee" = "The Lees"\n', encoding="utf-8")
    assert runner.invoke(app, ["speakers", "--aliases", "aliases.toml"]).exit_code == 0
    assert names() == ["The Lees"]
    assert runner.invoke(app, ["extract", "a.txt", "--force"]).exit_code == 0  # remembered by the store
    assert names() == ["The Lees"]
    (cli_env / "bad.toml").write_text("merge = 3", encoding="utf-8")
    result = runner.invoke(app, ["extract", "a.txt", "--aliases", "bad.toml"])
    assert result.exit_code == 3 and "bad.toml" in result.stderr


def _row(stdout: str, label: str) -> str:
    """The value cell of the summary table's row ``label``."""
    for line in stdout.splitlines():
        cells = [c.strip() for c in line.split("│") if c.strip()]
        if len(cells) == 2 and cells[0] == label:
            return cells[1]
    raise AssertionError(f"no row {label!r} in:\n{stdout}")


def test_the_summary_counts_this_runs_quotes_apart_from_the_store(cli_env):
    from quotetrack.store import Store

    (cli_env / "a.txt").write_text("“We will win this vote tonight, no doubt,” Ann Lee said.", encoding="utf-8")
    (cli_env / "b.txt").write_text("“Nobody here expects any such outcome at all,” Bob Lee said.\n"
                                   "“Prices will fall sharply next year, believe me,” Carl Diaz said.", encoding="utf-8")
    assert runner.invoke(app, ["extract", "a.txt"]).exit_code == 0
    before = Store(cli_env / "quotetrack.db").counts()["quotes"]
    result = runner.invoke(app, ["extract", "a.txt", "b.txt"], env={"COLUMNS": "200"})
    assert result.exit_code == 0, result.output
    total = Store(cli_env / "quotetrack.db").counts()["quotes"]
    assert total > before >= 1
    assert _row(result.stdout, "documents") == "2 (1 extracted, 1 unchanged)"
    assert _row(result.stdout, "quotes") == f"{total - before} in the 1 document extracted"
    assert _row(result.stdout, "in the store").startswith(f"2 documents, {total} quotes, ")
    rerun = runner.invoke(app, ["extract", "a.txt", "b.txt"], env={"COLUMNS": "200"})
    assert _row(rerun.stdout, "quotes") == "none: no document extracted"
    assert _row(rerun.stdout, "export") == f"exports/quotes.json ({total} quotes)"


def test_extracting_only_a_missing_file_leaves_the_export_as_it_was(cli_env):
    (cli_env / "a.txt").write_text("“We will win this vote tonight, no doubt,” Ann Lee said.", encoding="utf-8")
    assert runner.invoke(app, ["extract", "a.txt"]).exit_code == 0
    export_file = cli_env / "exports" / "quotes.json"
    before = (export_file.read_bytes(), export_file.stat().st_mtime_ns)
    result = runner.invoke(app, ["extract", "missing.txt"], env={"COLUMNS": "200"})
    assert result.exit_code == 1 and "missing.txt" in result.stderr
    assert (export_file.read_bytes(), export_file.stat().st_mtime_ns) == before
    assert _row(result.stdout, "export") == "not written: no document was read (exports/quotes.json is unchanged)"


@pytest.mark.parametrize("address", ["closed-port", "nonsense", "tcp://no-such-host.invalid:8786"])
def test_an_unreachable_scheduler_is_one_line_exit_3_and_leaves_nothing_behind(tmp_path, monkeypatch, address):
    import socket

    import dask.config
    import distributed  # noqa: F401  (its config defaults must exist before dask.config.set copies the config)

    monkeypatch.chdir(tmp_path)
    (tmp_path / "a.txt").write_text("“We will win this vote tonight, no doubt,” Ann Lee said.", encoding="utf-8")
    if address == "closed-port":
        with socket.socket() as probe:  # a port nobody listens on
            probe.bind(("127.0.0.1", 0))
            address = f"tcp://127.0.0.1:{probe.getsockname()[1]}"
    with dask.config.set({"distributed.comm.timeouts.connect": "1s"}):
        result = runner.invoke(app, ["extract", "a.txt", "--engine", "dask", "--scheduler", address])
    assert result.exit_code == 3
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, result.stderr
    assert f"cannot reach the Dask scheduler at {address}" in lines[0] and "nothing was stored" in lines[0]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.txt"]


def test_extract_can_write_its_export_to_standard_output_and_its_summary_to_stderr(cli_env):
    (cli_env / "a.txt").write_text("“We will win this vote tonight, no doubt,” Ann Lee said.", encoding="utf-8")
    result = runner.invoke(app, ["extract", "a.txt", "--format", "jsonl", "-o", "-"], env={"COLUMNS": "200"})
    assert result.exit_code == 0, result.output
    (line,) = result.stdout.splitlines()
    assert orjson.loads(line)["speaker"]["name"] == "Ann Lee"
    assert _row(result.stderr, "export") == "standard output (1 quote)"
    assert not (cli_env / "-").exists() and not (cli_env / "exports").exists()
