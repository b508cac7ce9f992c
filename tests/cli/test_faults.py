"""The fault suite: hostile inputs and failing storage, end to end through the CLI.

Each case checks what a user sees: one line on stderr naming the file and
the reason, never a traceback (unless --debug), the rest of the batch done,
the documented exit code, and nothing already stored or exported lost.
Disk faults use real mounts (a tiny tmpfs, a read-only bind mount) when the
machine allows them, and simulated OS errors always, so they run as root
(which ignores file modes) and in CI alike.
"""

from __future__ import annotations

import errno
import hashlib
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import jsonschema
import orjson
import pytest

from quotetrack import cli, store
from quotetrack.domain import Document
from quotetrack.store import Store, export, schema

ARTICLE = "“We will win this vote tonight, no doubt,” Ann Lee said.\n"


@pytest.fixture()
def env(tmp_path, nlp, monkeypatch):
    """In-process CLI with the session's pipeline, in a scratch folder, stores waiting 0.3 s at most."""
    import quotetrack.models

    monkeypatch.setattr(quotetrack.models, "load", lambda *a, **k: nlp)
    monkeypatch.setattr(schema, "BUSY_TIMEOUT", 0.3)
    monkeypatch.chdir(tmp_path)
    return tmp_path


def run(capsys, *args: str) -> tuple[int, str, str]:
    """(exit code, stdout, stderr) of ``quotetrack ARGS`` run through the console entry point."""
    with pytest.raises(SystemExit) as exit_info:
        cli.main(list(args))
    captured = capsys.readouterr()
    code = exit_info.value.code
    return (0 if code is None else code), captured.out, captured.err


def assert_one_clean_line(stderr: str, *fragments: str) -> str:
    """The single stderr line containing all ``fragments``; no traceback anywhere."""
    assert "Traceback" not in stderr and "╭" not in stderr, stderr
    lines = [line for line in stderr.splitlines() if all(f in line for f in fragments)]
    assert len(lines) == 1, f"expected one line with {fragments} in:\n{stderr}"
    return lines[0]


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def exported(path: Path = Path("exports/quotes.json")) -> dict:
    return orjson.loads(path.read_bytes())


# --- inputs, end to end -----------------------------------------------------------


def test_every_bad_input_gets_one_line_and_the_batch_goes_on(env, capsys):
    corpus = env / "corpus"
    corpus.mkdir()
    (corpus / "good.txt").write_text(ARTICLE, encoding="utf-8")
    (corpus / "binary.txt").write_bytes(bytes(range(256)) * 40)
    (corpus / "latin1.txt").write_bytes("Café, “à bientôt”.".encode("cp1252"))
    (corpus / "empty.txt").write_bytes(b"")
    os.symlink(".", corpus / "loop")  # a loop (not "..": folders read .jsonl files now, and batch.jsonl is there)
    (env / "batch.jsonl").write_text(
        '{"id": "j1", "text": "“Talks are over for now, sadly,” Sergey Lavrov said."}\n'
        '{"id": "j2", "text": \n'
        '{"text": "no id"}\n'
        '{"id": "j3"}\n'
        '{"id": "good", "text": "a second document called good"}\n',
        encoding="utf-8",
    )
    code, out, err = run(capsys, "extract", "corpus", "batch.jsonl")
    assert code == 1
    assert_one_clean_line(err, "binary.txt", "binary file")
    assert_one_clean_line(err, "latin1.txt", "not valid UTF-8")
    assert_one_clean_line(err, "batch.jsonl:2", "not valid JSON")
    assert_one_clean_line(err, "batch.jsonl:3", "missing 'id'")
    assert_one_clean_line(err, "batch.jsonl:4", "missing 'text'")
    assert_one_clean_line(err, "batch.jsonl:5", "duplicate document id 'good'")
    assert_one_clean_line(err, "note:", "empty.txt", "empty")
    assert_one_clean_line(err, "note:", "loop", "already read")
    assert len(err.splitlines()) == 8
    data = exported()
    assert sorted(d["id"] for d in data["documents"]) == ["good", "j1"]
    assert {q["speaker"]["name"] for q in data["quotes"]} == {"Ann Lee", "Sergey Lavrov"}
    assert "failures" in out and "notes" in out


def test_notes_alone_do_not_fail_the_run(env, capsys):
    (env / "a.txt").write_bytes("“We will win this vote tonight, no doubt,” Zoë Brun said.".encode("cp1252"))
    (env / "b.txt").write_bytes(b"")
    code, _, err = run(capsys, "extract", "a.txt", "b.txt", "--encoding", "auto")
    assert code == 0
    assert_one_clean_line(err, "note:", "a.txt", "decoded as cp1252")
    assert exported()["quotes"][0]["speaker"]["name"] == "Zoë Brun"


def test_unknown_encoding_is_a_usage_error(env, capsys):
    code, _, err = run(capsys, "extract", "x.txt", "--encoding", "klingon")
    assert code == 2 and "unknown text encoding" in err


def test_file_names_cannot_forge_lines_or_control_the_terminal(env, capsys):
    corpus = env / "corpus"
    (corpus / "[").mkdir(parents=True)
    evil = "evil\x1b]0;pwned\x07\x1b[2J\nfailed: fake.txt: forged\u202e.txt"
    (corpus / evil).write_bytes(b"\xff\xfe\xfd")  # invalid UTF-8, so it is reported
    (corpus / "[" / "/x].txt").parent.mkdir(exist_ok=True)
    (corpus / "[" / "x].txt").write_bytes(b"\xc3")  # "[/x]" in the path: a Rich closing tag
    (corpus / "ok.txt").write_text(ARTICLE, encoding="utf-8")
    code, _, err = run(capsys, "extract", "corpus")
    assert code == 1
    assert "\x1b" not in err and "\u202e" not in err and "\x07" not in err
    line = assert_one_clean_line(err, "evil")
    assert "\\x1b]0;pwned\\x07\\x1b[2J\\x0afailed: fake.txt: forged\\u202e.txt" in line
    assert not any(l.startswith("failed: fake.txt") for l in err.splitlines())
    assert_one_clean_line(err, "[/x].txt", "not valid UTF-8")


def test_non_utf8_file_name_is_stored_and_exported(env, capsys):
    (env / "in").mkdir()
    (env / "in" / os.fsdecode(b"r\xe9sum\xe9.txt")).write_text(ARTICLE, encoding="utf-8")
    code, _, err = run(capsys, "extract", "in")
    assert code == 0, err
    assert exported()["documents"][0]["id"] == "r\\xe9sum\\xe9"


def test_hostile_characters_survive_into_a_valid_export_with_true_offsets(env, capsys):
    text = ("Intro \x00 with NUL, \x1b[31m escape, \u200b zero width and \u202e bidi.\n"
            "“We will 👩‍👩‍👧 win this vote e\u0301 tonight, \u2066no\u2069 doubt,” Ann Lee said. 🇺🇦\n"
            "Plain line with \x7f and \x0b and \u2028 separators.\n")
    (env / "odd.txt").write_text(text, encoding="utf-8")
    code, _, err = run(capsys, "extract", "odd.txt")
    assert code == 0, err
    for fmt, name in (("json", "odd.json"), ("jsonl", "odd.jsonl")):
        assert run(capsys, "export", "-o", name, "--format", fmt)[0] == 0
    data = exported(Path("odd.json"))
    jsonschema.validate(data, export.schema())
    assert [orjson.loads(line) for line in Path("odd.jsonl").read_bytes().splitlines()] == data["quotes"]
    (quote,) = data["quotes"]
    assert text[quote["start"] : quote["end"]] == quote["text"] and "👩‍👩‍👧" in quote["text"]
    assert quote["speaker"]["name"] == "Ann Lee"


def test_article_longer_than_spacy_limit_is_processed_in_pieces_to_its_end(env, capsys, nlp, monkeypatch):
    # The 2.5-million-character case runs in tests/test_chunks.py on a light pipeline; here the
    # session pipeline's limit is lowered so that the full pipeline goes through the same path.
    monkeypatch.setattr(nlp, "max_length", 2_000)
    long_text = "".join(f"“This is long quote number {i} in a very long article,” Ann Lee said.\n" for i in range(80))
    assert len(long_text) > 2 * nlp.max_length
    (env / "long.txt").write_text(long_text, encoding="utf-8")
    (env / "short.txt").write_text(ARTICLE, encoding="utf-8")
    code, _, err = run(capsys, "extract", "long.txt", "short.txt")
    assert code == 0, err
    data = exported()
    assert [d["id"] for d in data["documents"]] == ["long", "short"]
    quotes = [q for q in data["quotes"] if q["doc_id"] == "long"]
    assert len(quotes) == 80 and quotes[-1]["text"].startswith("This is long quote number 79")
    assert all(long_text[q["start"] : q["end"]] == q["text"] for q in quotes)
    assert {q["speaker"]["name"] for q in quotes} == {"Ann Lee"}


# --- unexpected errors, --debug, interruptions ---------------------------------------


def test_an_unexpected_error_is_one_line_and_exit_4(env, capsys, monkeypatch):
    def boom(db):
        raise RuntimeError("speaker table exploded\nsecond line")

    monkeypatch.setattr(Store, "refresh_speakers", boom)
    (env / "a.txt").write_text(ARTICLE, encoding="utf-8")
    code, _, err = run(capsys, "extract", "a.txt")
    assert code == cli.EXIT_BUG == 4
    line = assert_one_clean_line(err, "RuntimeError", "speaker table exploded")
    assert "--debug" in line and len(err.splitlines()) == 1


def test_debug_shows_the_traceback(env, capsys, monkeypatch):
    monkeypatch.setattr(Store, "refresh_speakers", lambda db: 1 / 0)
    (env / "a.txt").write_text(ARTICLE, encoding="utf-8")
    with pytest.raises(ZeroDivisionError):
        cli.main(["--debug", "extract", "a.txt"])


def test_a_document_that_breaks_the_pipeline_is_reported_with_traceback_only_under_debug(env, capsys, monkeypatch, nlp):
    import quotetrack.extract.component

    real = quotetrack.extract.component.find_candidates

    def picky(doc, *args):
        if "poison" in doc.text:
            raise ValueError("cannot parse this one")
        return real(doc, *args)

    monkeypatch.setattr(quotetrack.extract.component, "find_candidates", picky)
    (env / "a.txt").write_text(ARTICLE, encoding="utf-8")
    (env / "b.txt").write_text("A poison pill of an article.", encoding="utf-8")
    code, _, err = run(capsys, "extract", "a.txt", "b.txt")
    assert code == 1
    assert_one_clean_line(err, "b.txt", "extraction failed: ValueError: cannot parse this one")
    assert len(exported()["documents"]) == 1
    code, _, err = run(capsys, "--debug", "extract", "a.txt", "b.txt", "--force")
    assert code == 1 and "Traceback" in err and "cannot parse this one" in err


def test_interrupt_keeps_what_was_stored_and_exits_130(env, capsys, monkeypatch):
    real = Store.save_document
    calls = []

    def save_then_interrupt(*args, **kwargs):
        if calls:
            raise KeyboardInterrupt
        calls.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(Store, "save_document", save_then_interrupt)
    for name in ("a", "b"):
        (env / f"{name}.txt").write_text(ARTICLE.replace("Ann", name.upper()), encoding="utf-8")
    code, _, err = run(capsys, "extract", "a.txt", "b.txt")
    assert code == 130
    assert_one_clean_line(err, "interrupted", "kept")
    monkeypatch.undo()
    db = Store(env / "quotetrack.db")
    assert [r[0] for r in db.conn.execute("SELECT id FROM documents")] == ["a"]


def test_console_script_never_prints_a_traceback(tmp_path):
    """The real entry point, in a subprocess: a damaged store is one line, exit 3."""
    db = tmp_path / "broken.db"
    db.write_bytes(b"SQLite format 3\x00" + b"\xff" * 5000)
    result = subprocess.run(
        [sys.executable, "-c", "from quotetrack.cli import main; main()", "export", "--db", str(db)],
        capture_output=True, text=True, cwd=tmp_path,
    )
    assert result.returncode == 3, result.stderr
    assert_one_clean_line(result.stderr, "broken.db")
    assert len(result.stderr.strip().splitlines()) == 1


# --- the store ------------------------------------------------------------------------


def _make_store(path: Path, n: int = 200) -> None:
    db = Store(path)
    for i in range(n):
        db.save_document(Document(f"d{i:04}", f"Text number {i}. " * 40, f"d{i}.txt"), [], "x")
    db.close()


def _page_offset(path: Path, table: str) -> int:
    """Where the middle one of ``table``'s pages starts in the store file. (The middle of the file
    was used before; a table more in the schema moved it onto index pages an export never reads.)"""
    conn = sqlite3.connect(path)
    pages = sorted(r[0] for r in conn.execute("SELECT pageno FROM dbstat WHERE name = ?", (table,)))
    size = conn.execute("PRAGMA page_size").fetchone()[0]
    conn.close()
    return (pages[len(pages) // 2] - 1) * size


def _hold_write_lock(path: Path) -> sqlite3.Connection:
    other = sqlite3.connect(path, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")  # another writer in the middle of a transaction
    return other


def test_locked_store_is_a_clear_error_and_a_rerun_finishes(env, capsys):
    _make_store(env / "quotetrack.db", 3)
    (env / "a.txt").write_text(ARTICLE, encoding="utf-8")
    other = _hold_write_lock(env / "quotetrack.db")
    code, _, err = run(capsys, "extract", "a.txt")
    assert code == 3
    line = assert_one_clean_line(err, "quotetrack.db", "locked by another process")
    assert "run the same command again" in line
    other.execute("ROLLBACK")
    other.close()
    code, _, err = run(capsys, "extract", "a.txt")
    assert code == 0, err
    assert any(d["id"] == "a" for d in exported()["documents"])


def test_store_locked_mid_run_keeps_finished_documents(env, nlp):
    from quotetrack import Corpus

    for name in ("a", "b", "c"):
        (env / f"{name}.txt").write_text(ARTICLE, encoding="utf-8")
    corpus = Corpus(env / "q.db", nlp=nlp)
    db = corpus.store
    holder: list[sqlite3.Connection] = []

    def after_each(summary):
        if not holder:
            holder.append(_hold_write_lock(env / "q.db"))

    with pytest.raises(sqlite3.OperationalError, match="locked"):
        corpus.extract(["a.txt", "b.txt", "c.txt"], jobs=1, on_progress=after_each)
    holder[0].execute("ROLLBACK")
    assert [r[0] for r in db.conn.execute("SELECT id FROM documents")] == ["a"]
    assert store.explain(sqlite3.OperationalError("database is locked")).startswith("the store is locked")


def test_a_store_that_needs_an_upgrade_while_locked_is_refused_cleanly(tmp_path):
    path = tmp_path / "q.db"
    _make_store(path, 1)
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("DROP TABLE speaker_overrides")
    conn.close()
    other = _hold_write_lock(path)
    with pytest.raises(store.StoreError, match="locked by another process"):
        Store(path, timeout=0.2)
    other.execute("ROLLBACK")


@pytest.mark.parametrize("damage", ["garbage", "truncated", "zeroed-first-page"])
@pytest.mark.parametrize("command", ["extract", "export"])
def test_damaged_store_is_refused_and_left_untouched(env, capsys, damage, command):
    db = env / "quotetrack.db"
    _make_store(db)
    data = bytearray(db.read_bytes())
    if damage == "garbage":  # over the documents' pages, which every command reads (not over an index export skips)
        middle = _page_offset(db, "documents")
        data[middle : middle + 8192] = bytes((i * 7 + 3) % 256 for i in range(8192))
    elif damage == "truncated":
        data = data[: len(data) // 3]
    else:
        data[100:4096] = bytes(3996)
    db.write_bytes(bytes(data))
    before = sha(db)
    (env / "a.txt").write_text(ARTICLE, encoding="utf-8")
    code, _, err = run(capsys, command, *(["a.txt"] if command == "extract" else []))
    assert code == 3
    assert_one_clean_line(err, "quotetrack.db", "damaged")
    assert sha(db) == before
    assert not Path("exports/quotes.json").exists()


@pytest.mark.parametrize("content", [b"just some notes, not a database\n" * 50, b"SQLite format 3"])
def test_a_file_that_is_not_a_store_is_never_overwritten(env, capsys, content):
    db = env / "notes.db"
    db.write_bytes(content)
    (env / "a.txt").write_text(ARTICLE, encoding="utf-8")
    code, _, err = run(capsys, "extract", "a.txt", "--db", "notes.db")
    assert code == 3
    assert_one_clean_line(err, "notes.db", "not a quotetrack store")
    assert db.read_bytes() == content


def test_another_applications_database_is_refused(env, capsys):
    db = env / "app.db"
    other = sqlite3.connect(db)
    other.execute("CREATE TABLE users (name TEXT)")
    other.commit()
    other.close()
    before = sha(db)
    code, _, err = run(capsys, "export", "--db", "app.db")
    assert code == 3 and "another application" in err and sha(db) == before


# --- older stores and migrations --------------------------------------------------------


def test_a_store_from_the_first_release_is_brought_up_to_date_and_keeps_its_data(tmp_path):
    """The foundation release wrote schema 1 without the tables and columns added since."""
    path = tmp_path / "old.db"
    _make_store(path, 5)
    conn = sqlite3.connect(path, isolation_level=None)
    for statement in ("DROP TABLE speaker_overrides", "DROP TABLE review_actions", "DROP INDEX reviews_by_status",
                      "ALTER TABLE speakers DROP COLUMN flags", "ALTER TABLE review_log DROP COLUMN action_id"):
        conn.execute(statement)
    conn.close()
    db = Store(path)
    names = {r[0] for r in db.conn.execute("SELECT name FROM sqlite_master")}
    assert {"speaker_overrides", "review_actions", "reviews_by_status"} <= names
    assert "flags" in {r[1] for r in db.conn.execute("PRAGMA table_info(speakers)")}
    assert "action_id" in {r[1] for r in db.conn.execute("PRAGMA table_info(review_log)")}
    assert db.conn.execute("SELECT count(*) FROM documents").fetchone()[0] == 5
    db.add_speaker_override("forbid", "A", "B")
    db.refresh_speakers()  # wrote speakers.flags: failed on such a store before


def test_a_store_without_a_schema_version_is_refused_clearly(tmp_path):
    path = tmp_path / "v0.db"
    _make_store(path, 2)
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("DELETE FROM meta WHERE key = 'schema_version'")
    conn.close()
    before = sha(path)
    with pytest.raises(store.StoreError, match="schema version 0 is older than this quotetrack can migrate"):
        Store(path)
    assert sha(path) == before


def _add_column(conn):
    conn.execute("ALTER TABLE documents ADD COLUMN language TEXT NOT NULL DEFAULT 'en'")


def test_migrations_run_in_order_in_one_transaction(tmp_path, monkeypatch):
    path = tmp_path / "v1.db"
    _make_store(path, 3)
    monkeypatch.setattr(schema, "SCHEMA_VERSION", 2)
    monkeypatch.setattr(schema, "MIGRATIONS", {1: _add_column})
    db = Store(path)
    assert db.get_meta("schema_version") == "2"
    assert [r[0] for r in db.conn.execute("SELECT DISTINCT language FROM documents")] == ["en"]
    db.close()
    Store(path).close()  # a second open has nothing to do


def test_a_failing_migration_leaves_the_store_as_it_was(tmp_path, monkeypatch):
    path = tmp_path / "v1.db"
    _make_store(path, 3)

    def half_done(conn):
        _add_column(conn)
        conn.execute("UPDATE documents SET text = 'overwritten'")
        raise sqlite3.OperationalError("no such column: surprise")

    monkeypatch.setattr(schema, "SCHEMA_VERSION", 3)
    monkeypatch.setattr(schema, "MIGRATIONS", {1: _add_column, 2: half_done})
    with pytest.raises(store.StoreError, match="cannot migrate the store from schema version 1 to 3"):
        Store(path)
    monkeypatch.undo()
    db = Store(path)
    assert db.get_meta("schema_version") == "1"
    assert "language" not in {r[1] for r in db.conn.execute("PRAGMA table_info(documents)")}
    assert db.conn.execute("SELECT count(*) FROM documents WHERE text = 'overwritten'").fetchone()[0] == 0


def test_a_damaged_store_is_not_upgraded(tmp_path):
    path = tmp_path / "old.db"
    _make_store(path, 200)
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("DROP TABLE speaker_overrides")
    conn.close()
    data = bytearray(path.read_bytes())
    data[-20000:-12000] = bytes(range(256)) * 31 + bytes(range(64))
    path.write_bytes(bytes(data))
    before = sha(path)
    with pytest.raises(store.StoreError, match="damaged"):
        Store(path)
    assert sha(path) == before


# --- export: full and read-only disks ------------------------------------------------


def _mount(*args: str) -> bool:
    return subprocess.run(["mount", *args], capture_output=True).returncode == 0


@pytest.fixture()
def tiny_disk(tmp_path):
    """A 64 KiB tmpfs, or skip when this machine does not allow mounting."""
    where = tmp_path / "tiny"
    where.mkdir()
    if os.geteuid() != 0 or not _mount("-t", "tmpfs", "-o", "size=64k", "tmpfs", str(where)):
        pytest.skip("cannot mount a tmpfs here; the simulated full disk covers it")
    yield where
    subprocess.run(["umount", "-l", str(where)], check=False)


@pytest.fixture()
def read_only_folder(tmp_path):
    """A folder behind a read-only bind mount (root ignores file modes), or skip."""
    where = tmp_path / "ro"
    where.mkdir()
    if os.geteuid() != 0 or not _mount("--bind", str(where), str(where)):
        pytest.skip("cannot bind-mount here; the simulated read-only disk covers it")
    yield where
    subprocess.run(["umount", "-l", str(where)], check=False)


def _store_with_quotes(env, capsys, n_docs: int) -> None:
    for i in range(n_docs):
        (env / f"a{i}.txt").write_text(ARTICLE.replace("Ann Lee", f"Ann Lee{i}") * 3, encoding="utf-8")
    assert run(capsys, "extract", *[f"a{i}.txt" for i in range(n_docs)], "-o", "first.json")[0] == 0


def test_full_disk_at_export_keeps_the_previous_export(env, capsys, tiny_disk):
    _store_with_quotes(env, capsys, 2)
    target = tiny_disk / "quotes.json"
    assert run(capsys, "export", "-o", str(target))[0] == 0
    previous = target.read_bytes()
    (tiny_disk / "filler").write_bytes(b"x" * (64 * 1024 - len(previous) - 4096))  # leave less than an export
    _store_with_quotes(env, capsys, 20)
    code, _, err = run(capsys, "export", "-o", str(target))
    assert code == 3
    assert_one_clean_line(err, "quotes.json", "No space left on device", "previous export there is unchanged")
    assert target.read_bytes() == previous
    assert sorted(p.name for p in tiny_disk.iterdir()) == ["filler", "quotes.json"]  # no temporary left


def test_read_only_disk_at_export_keeps_the_previous_export(env, capsys, read_only_folder):
    _store_with_quotes(env, capsys, 1)
    target = read_only_folder / "quotes.json"
    assert run(capsys, "export", "-o", str(target))[0] == 0
    previous = target.read_bytes()
    assert _mount("-o", "remount,ro,bind", str(read_only_folder))
    code, _, err = run(capsys, "export", "-o", str(target), "--format", "jsonl")
    assert code == 3
    assert_one_clean_line(err, "quotes.json", "Read-only file system")
    assert target.read_bytes() == previous


@pytest.mark.parametrize("fault", ["write", "fsync", "mkstemp", "replace"])
def test_simulated_disk_faults_at_export_keep_the_previous_export(env, capsys, monkeypatch, fault):
    _store_with_quotes(env, capsys, 2)
    target = env / "out" / "quotes.json"
    assert run(capsys, "export", "-o", str(target))[0] == 0
    previous = target.read_bytes()
    error = {
        "write": OSError(errno.ENOSPC, "No space left on device"),
        "fsync": OSError(errno.EIO, "Input/output error"),
        "mkstemp": OSError(errno.EROFS, "Read-only file system"),
        "replace": OSError(errno.EROFS, "Read-only file system"),
    }[fault]

    def fail(*args, **kwargs):
        raise error

    if fault == "write":
        real_fdopen = os.fdopen

        class FullDisk:
            def __init__(self, handle):
                self.handle = handle

            def __enter__(self):
                return self

            def __exit__(self, *exc):
                self.handle.close()

            write = fail

        monkeypatch.setattr(os, "fdopen", lambda fd, *a, **k: FullDisk(real_fdopen(fd, *a, **k)))
    else:
        monkeypatch.setattr({"fsync": os, "replace": os, "mkstemp": export.tempfile}[fault], fault, fail)
    code, _, err = run(capsys, "export", "-o", str(target))
    monkeypatch.undo()
    assert code == 3
    assert_one_clean_line(err, "quotes.json", error.strerror, "previous export there is unchanged")
    assert target.read_bytes() == previous
    assert [p.name for p in target.parent.iterdir()] == ["quotes.json"]


def test_export_to_a_folder_or_through_a_file_is_a_clear_error(env, capsys):
    _store_with_quotes(env, capsys, 1)
    (env / "taken").mkdir()
    code, _, err = run(capsys, "export", "-o", "taken")
    assert code == 3 and "cannot write the export taken" in err
    (env / "plain").write_text("a file, not a folder")
    code, _, err = run(capsys, "export", "-o", "plain/quotes.json")
    assert code == 3 and "cannot write the export plain/quotes.json" in err


def test_export_through_a_symlink_replaces_the_target_and_keeps_the_link(env, capsys):
    _store_with_quotes(env, capsys, 1)
    (env / "real.json").write_text("old")
    os.symlink("real.json", env / "link.json")
    assert run(capsys, "export", "-o", "link.json")[0] == 0
    assert os.path.islink(env / "link.json") and exported(env / "real.json")["quotes"]


def test_export_to_a_device_writes_it_instead_of_replacing_it(env, capsys):
    import stat

    _store_with_quotes(env, capsys, 1)
    assert run(capsys, "export", "-o", "/dev/null")[0] == 0
    assert stat.S_ISCHR(os.stat("/dev/null").st_mode)


def test_disk_full_while_storing_keeps_the_documents_stored_before(env, capsys, monkeypatch):
    real = Store.save_document

    def fill_up(db, doc, *args, **kwargs):
        if doc.id == "b":
            raise sqlite3.OperationalError("database or disk is full")
        return real(db, doc, *args, **kwargs)

    monkeypatch.setattr(Store, "save_document", fill_up)
    for name in ("a", "b", "c"):
        (env / f"{name}.txt").write_text(ARTICLE, encoding="utf-8")
    code, _, err = run(capsys, "extract", "a.txt", "b.txt", "c.txt")
    assert code == 3
    assert_one_clean_line(err, "quotetrack.db", "the disk is full", "documents stored before this are kept")
    monkeypatch.undo()
    db = Store(env / "quotetrack.db")
    assert [r[0] for r in db.conn.execute("SELECT id FROM documents")] == ["a"]


def test_store_on_a_read_only_disk_is_a_clear_error(env, capsys, read_only_folder):
    (env / "a.txt").write_text(ARTICLE, encoding="utf-8")
    db = read_only_folder / "q.db"
    assert run(capsys, "extract", "a.txt", "--db", str(db))[0] == 0
    before = sha(db)
    assert _mount("-o", "remount,ro,bind", str(read_only_folder))
    code, _, err = run(capsys, "extract", "a.txt", "--db", str(db), "--force")
    assert code == 3
    assert_one_clean_line(err, "q.db", "cannot open the store file")
    assert sha(db) == before


def test_speaker_names_from_articles_are_shown_literally(env, capsys):
    from quotetrack.domain import Quote, TextSpan

    db = Store(env / "quotetrack.db")
    name = "Evil [/x] [red]Name\x1b[2J"
    doc = Document("d", f"{name} said “one two three four five”.", "d.txt")
    start = doc.text.index("one")
    quote = Quote("direct", TextSpan(start, start + 23, doc.text[start : start + 23]), speaker=name,
                  speaker_kind="person", method="syntax", confidence=0.9)
    db.save_document(doc, [quote], "x")
    db.refresh_speakers()
    db.close()
    code, out, err = run(capsys, "speakers")
    assert code == 0, err
    assert "\x1b" not in out and "Evil [/x]" in out and "[red]Name\\x1b[2J" in out  # the table may wrap it


# --- round two: the store is never taken over, nothing reviewed is lost, options and reports ---------


@pytest.mark.parametrize("command", [["extract", "a.txt"], ["export"], ["review"], ["speakers"]])
def test_a_sqlite_file_with_another_applications_id_is_never_taken_over(env, capsys, command, monkeypatch):
    started = _no_app(monkeypatch)
    db = env / "other.db"
    other = sqlite3.connect(db)
    other.execute("PRAGMA application_id = 1234567")  # marked as another program's, no tables yet
    other.commit()
    other.close()
    before = db.read_bytes()
    (env / "a.txt").write_text(ARTICLE, encoding="utf-8")
    code, _, err = run(capsys, *command, "--db", "other.db")
    assert code == 3
    assert_one_clean_line(err, "other.db", "another application", "1234567", "left untouched")
    assert db.read_bytes() == before and not Path("exports/quotes.json").exists()
    assert not (env / "other.db-wal").exists() and not started


def test_an_empty_sqlite_file_becomes_a_store(env, capsys):
    sqlite3.connect(env / "empty.db").execute("VACUUM")  # a SQLite file with nothing in it, no application id
    (env / "a.txt").write_text(ARTICLE, encoding="utf-8")
    assert run(capsys, "extract", "a.txt", "--db", "empty.db")[0] == 0


def _confirm_all(db_path: Path) -> int:
    from quotetrack import review

    db = Store(db_path)
    ids = [r[0] for r in db.conn.execute("SELECT id FROM quotes")]
    for qid in ids:
        review.confirm(db, qid, "ann")
    review.set_note(db, ids[0], "checked against the video", "ann")
    db.close()
    return len(ids)


def test_reextracting_a_changed_article_keeps_every_review_and_names_what_it_could_not_place(env, capsys):
    text = "".join(f"“We will build bridge number {i} this year, whatever it costs,” Ann Lee said.\n" for i in range(16))
    (env / "a.txt").write_text(text, encoding="utf-8")
    assert run(capsys, "extract", "a.txt")[0] == 0
    assert _confirm_all(env / "quotetrack.db") == 16
    (env / "a.txt").write_text(text + "\n", encoding="utf-8")  # one trailing newline
    code, out, err = run(capsys, "extract", "a.txt")
    assert code == 0, err
    quotes = exported()["quotes"]
    assert [q["review"]["status"] for q in quotes] == ["confirmed"] * 16
    assert [q["review"]["note"] for q in quotes].count("checked against the video") == 1
    assert "reviews carried over" in out
    edited = text.replace("bridge number 3 ", "bridge number three ").replace("bridge number 7 ", "tunnel 7 ")
    (env / "a.txt").write_text(edited, encoding="utf-8")
    code, out, err = run(capsys, "extract", "a.txt")
    assert code == 0, err
    line = assert_one_clean_line(err, "note:", "a.txt", "2 reviewed quotes could not be placed")
    assert "kept" in line and "quotetrack review" in line
    assert [q["review"]["status"] for q in exported()["quotes"]].count("confirmed") == 14
    db = Store(env / "quotetrack.db")
    assert sorted(u.text.split(" this")[0] for u in db.unplaced_reviews()) == ["We will build bridge number 3",
                                                                              "We will build bridge number 7"]


def _damage_a_middle_page(path: Path) -> None:
    data = bytearray(path.read_bytes())
    page = int.from_bytes(data[16:18], "big") or 65536
    pages = len(data) // page
    assert pages > 4
    for n in range(2, pages):  # the schema page stays: the store opens, its content is garbage
        data[n * page + 8 : n * page + 300] = b"\xa5" * 292
    path.write_bytes(bytes(data))


def _store_for_review(env, capsys) -> Path:
    _store_with_quotes(env, capsys, 12)
    db = Store(env / "quotetrack.db")
    db.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    db.close()
    return env / "quotetrack.db"


def _no_app(monkeypatch) -> list:
    from quotetrack.tui.app import ReviewApp

    started: list = []
    monkeypatch.setattr(ReviewApp, "run", lambda self: started.append(self))
    return started


def test_review_refuses_a_damaged_store_before_the_app_starts(env, capsys, monkeypatch):
    db = _store_for_review(env, capsys)
    _damage_a_middle_page(db)
    before = sha(db)
    started = _no_app(monkeypatch)
    code, _, err = run(capsys, "review")
    assert code == 3 and not started
    assert_one_clean_line(err, "quotetrack.db", "damaged")
    assert sha(db) == before


def test_review_refuses_a_read_only_store_before_the_app_starts(env, capsys, monkeypatch):
    db = _store_for_review(env, capsys)
    real_connect = sqlite3.connect

    def read_only(path, *args, **kwargs):  # what SQLite does with a file it may not write (root ignores modes)
        return real_connect(f"file:{path}?mode=ro", *args, uri=True, **kwargs)

    monkeypatch.setattr(schema.sqlite3, "connect", read_only)
    started = _no_app(monkeypatch)
    code, _, err = run(capsys, "review")
    assert code == 3 and not started
    assert_one_clean_line(err, "quotetrack.db", "read-only", "needs a store it can write")
    assert not Path(str(db) + "-journal").exists()


def test_review_exits_non_zero_when_the_store_fails_under_the_app(env, capsys, monkeypatch):
    from quotetrack.tui.app import ReviewApp

    _store_for_review(env, capsys)

    def store_fails(self):  # the app caught the failure, kept the screen, and says so when it ends
        self.store_failure = "quotetrack.db: the disk is full"

    monkeypatch.setattr(ReviewApp, "run", store_fails)
    code, _, err = run(capsys, "review")
    assert code == 3
    assert_one_clean_line(err, "the disk is full", "decisions saved before it are kept")

    def uncaught(self):  # what Textual leaves when a handler raised: return code 1 and the exception
        self._exception = sqlite3.OperationalError("attempt to write a readonly database")
        self._return_code = 1

    monkeypatch.setattr(ReviewApp, "run", uncaught)
    code, _, err = run(capsys, "review")
    assert code == 3
    assert_one_clean_line(err, "quotetrack.db", "read-only")


def test_an_aliases_folder_is_one_clear_line(env, capsys):
    (env / "a.txt").write_text(ARTICLE, encoding="utf-8")
    (env / "aliases").mkdir()
    code, _, err = run(capsys, "extract", "a.txt", "--aliases", "aliases")
    assert code == 3
    line = assert_one_clean_line(err, "aliases", "is a folder")
    assert "a bug" not in line and len(err.splitlines()) == 1


@pytest.mark.parametrize("breakage", ["malformed", "folder", "not utf-8"])
def test_a_remembered_aliases_file_that_broke_is_named_and_the_export_still_written(env, capsys, breakage):
    (env / "a.txt").write_text(ARTICLE, encoding="utf-8")
    aliases = env / "aliases.toml"
    aliases.write_text('merge = [["Ann Lee", "A. Lee"]]\n', encoding="utf-8")
    assert run(capsys, "extract", "a.txt", "--aliases", "aliases.toml")[0] == 0
    Path("exports/quotes.json").unlink()
    if breakage == "malformed":
        aliases.write_text("merge = 3\n", encoding="utf-8")
    elif breakage == "folder":
        aliases.unlink()
        aliases.mkdir()
    else:
        aliases.write_bytes(b"merge = [['Ren\xe9', 'R']]\n")
    (env / "b.txt").write_text(ARTICLE.replace("Ann Lee", "Bo Chen"), encoding="utf-8")
    code, out, err = run(capsys, "extract", "a.txt", "b.txt")
    assert code == 3
    line = assert_one_clean_line(err, "error:", "aliases.toml")
    assert "without it" in line and "a bug" not in line
    assert {q["speaker"]["name"] for q in exported()["quotes"]} == {"Ann Lee", "Bo Chen"}
    code, _, err = run(capsys, "export", "-o", "again.json")
    assert code == 3 and Path("again.json").exists()
    assert_one_clean_line(err, "aliases.toml")


@pytest.mark.parametrize("value", ["inf", "1e10", "0"])
def test_doc_timeout_without_an_end_is_no_limit(env, capsys, value):
    (env / "a.txt").write_text(ARTICLE, encoding="utf-8")
    code, _, err = run(capsys, "extract", "a.txt", "--doc-timeout", value)
    assert code == 0, err
    assert exported()["quotes"][0]["speaker"]["name"] == "Ann Lee"


@pytest.mark.parametrize("args", [["extract", "a.txt", "--doc-timeout", "nan"], ["export", "--status", ""],
                                  ["export", "--status", " , "], ["extract", "a.txt", "--text-field", "id"]])
def test_meaningless_option_values_are_usage_errors(env, capsys, args):
    (env / "a.txt").write_text(ARTICLE, encoding="utf-8")
    code, _, err = run(capsys, *args)
    assert code == 2, err
    assert not Path("exports/quotes.json").exists()


def test_an_interrupted_run_accounts_for_every_document(env, capsys, monkeypatch):
    real = Store.save_document
    calls = []

    def save_then_interrupt(*args, **kwargs):
        if calls:
            raise KeyboardInterrupt
        calls.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(Store, "save_document", save_then_interrupt)
    for name in ("a", "b", "c", "d"):
        (env / f"{name}.txt").write_text(ARTICLE.replace("Ann", name.upper()), encoding="utf-8")
    (env / "e.txt").write_bytes(b"")
    (env / "f.txt").write_bytes(b"\xff\xfe bad")
    code, out, _ = run(capsys, "extract", "e.txt", "f.txt", "a.txt", "b.txt", "c.txt", "d.txt")
    assert code == 130
    rows = {cells[0]: cells[1] for line in out.splitlines()
            if len(cells := [c.strip() for c in line.strip("│ ").split("│")]) == 2}
    assert rows["documents"] == "6 (1 extracted, 0 unchanged)"
    assert (rows["bad inputs"], rows["empty, skipped"], rows["not done (interrupted)"]) == ("1", "1", "3")


def test_jsonl_metadata_and_chosen_fields_reach_the_export(env, capsys):
    (env / "feed.jsonl").write_text(
        orjson.dumps({"url": "https://news.example/1", "body": ARTICLE, "title": "A win", "outlet": "Example"}).decode()
        + "\n", encoding="utf-8")
    code, _, err = run(capsys, "extract", "feed.jsonl", "--id-field", "url", "--text-field", "body")
    assert code == 0, err
    data = exported()
    jsonschema.validate(data, export.schema())
    (doc,) = data["documents"]
    assert doc["id"] == "https://news.example/1" and doc["meta"] == {"title": "A win", "outlet": "Example"}
    assert Store(env / "quotetrack.db").document_meta("https://news.example/1") == doc["meta"]


def test_a_folder_of_html_pages_and_jsonl_is_extracted_with_its_metadata(env, capsys):
    corpus = env / "corpus"
    corpus.mkdir()
    (corpus / "harbour.html").write_bytes((Path(__file__).parent.parent / "run" / "data" / "harbour.html").read_bytes())
    (corpus / "wire.jsonl").write_text(orjson.dumps({"id": "w1", "text": ARTICLE, "date": "2024-03-15"}).decode() + "\n",
                                       encoding="utf-8")
    os.mkfifo(env / "stuck.jsonl")
    code, _, err = run(capsys, "extract", "corpus", "stuck.jsonl")
    assert code == 1
    assert_one_clean_line(err, "stuck.jsonl", "not a regular file")
    data = exported()
    jsonschema.validate(data, export.schema())
    assert {d["id"]: d.get("meta", {}).get("date") for d in data["documents"]} == {"harbour": "2024-03-14", "w1": "2024-03-15"}
    harbour = [q for q in data["quotes"] if q["doc_id"] == "harbour"]
    assert {q["speaker"]["name"] for q in harbour} >= {"Thomas Berg"}
    assert not any("cookie" in q["text"].lower() for q in data["quotes"])
