"""Hostile inputs at the reading stage: each one read as it should be, or reported, never fatal."""

from __future__ import annotations

import errno
import os
from pathlib import Path

import pytest

from quotetrack.domain import Document, Failure
from quotetrack.run import inputs
from quotetrack.run.inputs import InputNote, check_encoding, looks_binary, read_documents

ARTICLE = "“We will win this vote tonight, no doubt,” Ann Lee said.\n"


def read(paths, **kwargs):
    """(documents, errors, notes) of reading ``paths``."""
    notes: list[InputNote] = []
    items = list(read_documents([*paths], on_note=notes.append, **kwargs))
    docs = [i for i in items if isinstance(i, Document)]
    errors = [i for i in items if isinstance(i, Failure)]
    assert len(docs) + len(errors) == len(items)
    return docs, errors, notes


def test_binary_files_are_skipped_with_a_reason(tmp_path):
    (tmp_path / "photo.txt").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x01\x00" + bytes(range(256)) * 20)
    (tmp_path / "zeros.txt").write_bytes(b"\x00" * 5000)
    (tmp_path / "ok.txt").write_text(ARTICLE, encoding="utf-8")
    docs, errors, _ = read([tmp_path])
    assert [d.id for d in docs] == ["ok"]
    assert [(os.path.basename(e.source), e.reason) for e in errors] == [
        ("photo.txt", "binary file (not text), skipped"),
        ("zeros.txt", "binary file (not text), skipped"),
    ]


def test_a_few_nul_and_control_characters_in_a_text_are_kept_as_is(tmp_path):
    text = "Ann Lee said \x00 it \x1b[31m was \x07 over.\x00 " + "More words follow here. " * 20
    (tmp_path / "nul.txt").write_bytes(text.encode("utf-8"))
    (doc,), errors, _ = read([tmp_path / "nul.txt"])
    assert not errors and doc.text == text  # nothing stripped: offsets index the file's text


def test_looks_binary_threshold():
    assert not looks_binary(b"")
    assert not looks_binary(b"plain text\twith\ttabs\r\nand lines\x0c" * 10)
    assert not looks_binary(b"x" * 99 + b"\x00")
    assert looks_binary(b"x" * 90 + b"\x00" * 10)


def test_bom_and_crlf_and_lone_cr(tmp_path):
    f = tmp_path / "win.txt"
    f.write_bytes(b"\xef\xbb\xbf" + "“One,” she said.\r\nTwo.\rThree.\r\n".encode("utf-8"))
    (doc,), _, _ = read([f])
    assert doc.text == "“One,” she said.\nTwo.\nThree.\n"


def test_zero_width_bidi_emoji_and_combining_marks_are_kept(tmp_path):
    text = "Zoë\u0301 said \u200b“we \u202eflip\u202c 👩‍👩‍👧 now\u2066,”\u2069 🇺🇦 e\u0301."
    f = tmp_path / "uni.txt"
    f.write_text(text, encoding="utf-8")
    (doc,), _, _ = read([f])
    assert doc.text == text


def test_invalid_utf8_strict_by_default_with_a_hint(tmp_path):
    f = tmp_path / "latin.txt"
    f.write_bytes("Café crème, “à bientôt”, he said.".encode("cp1252"))
    docs, (error,), _ = read([f])
    assert not docs
    assert error.reason == "not valid UTF-8 (byte 3); try --encoding auto or --encoding cp1252"


def test_encoding_auto_falls_back_to_cp1252_with_a_note(tmp_path):
    f = tmp_path / "latin.txt"
    f.write_bytes("Café crème, “à bientôt”, he said.".encode("cp1252"))
    utf8 = tmp_path / "utf8.txt"
    utf8.write_text("Déjà vu.", encoding="utf-8")
    docs, errors, notes = read([tmp_path], encoding="auto")
    assert not errors
    assert [d.text for d in docs] == ["Café crème, “à bientôt”, he said.", "Déjà vu."]
    assert [(os.path.basename(n.source), n.message) for n in notes] == [
        ("latin.txt", "not valid UTF-8 (byte 3), decoded as cp1252")
    ]


def test_encoding_auto_uses_latin1_for_bytes_cp1252_leaves_undefined(tmp_path):
    f = tmp_path / "odd.txt"
    f.write_bytes(b"Caf\xe9 \x81 ok")  # 0x81 is undefined in cp1252
    (doc,), _, (note,) = read([f], encoding="auto")
    assert doc.text == "Café \x81 ok" and note.message.endswith("decoded as latin-1")


def test_explicit_encoding_and_utf16_bom(tmp_path):
    (tmp_path / "l1.txt").write_bytes("Señor said so.".encode("latin-1"))
    (doc,), _, _ = read([tmp_path / "l1.txt"], encoding="latin-1")
    assert doc.text == "Señor said so."
    (tmp_path / "u16.txt").write_bytes("“Hi there, all,” she said.\r\n".encode("utf-16"))  # with its BOM
    _, (error,), _ = read([tmp_path / "u16.txt"])
    assert "UTF-16 byte-order mark: try --encoding auto" in error.reason
    (doc,), _, (note,) = read([tmp_path / "u16.txt"], encoding="auto")
    assert doc.text == "“Hi there, all,” she said.\n" and "UTF-16" in note.message
    (doc,), _, _ = read([tmp_path / "u16.txt"], encoding="utf-16")
    assert doc.text == "“Hi there, all,” she said.\n"


def test_unknown_encoding_is_refused_up_front():
    assert check_encoding("UTF8") == "utf-8" and check_encoding("Auto") == "auto"
    for bad in ("nope", "base64", "rot13"):
        with pytest.raises(ValueError, match="unknown text encoding"):
            check_encoding(bad)


def test_empty_and_blank_files_are_skipped_with_a_note(tmp_path):
    (tmp_path / "empty.txt").write_bytes(b"")
    (tmp_path / "blank.txt").write_bytes(b" \r\n\t\n")
    (tmp_path / "bom-only.txt").write_bytes(b"\xef\xbb\xbf")
    docs, errors, notes = read([tmp_path])
    assert not docs and not errors
    assert sorted(os.path.basename(n.source) for n in notes) == ["blank.txt", "bom-only.txt", "empty.txt"]
    assert all(n.message == "empty (no text), skipped" for n in notes)


def test_enormous_single_line_and_long_article_read_exactly(tmp_path):
    line = ("word " * 200_000).strip()  # one 1 MB line, no newline at all
    (tmp_path / "line.txt").write_text(line, encoding="utf-8")
    article = ("“This is a long quote, said in a long article,” Ann Lee said.\n" * 41_000)[:2_500_000]
    (tmp_path / "long.txt").write_text(article, encoding="utf-8")
    docs, errors, _ = read([tmp_path])
    assert not errors
    assert [len(d.text) for d in docs] == [len(line), 2_500_000]
    assert docs[0].text == line and docs[1].text == article


def test_files_too_large_to_be_articles_are_refused_without_reading_them(tmp_path, monkeypatch):
    monkeypatch.setattr(inputs, "MAX_FILE_BYTES", 1000)
    (tmp_path / "big.txt").write_bytes(b"x" * 1001)
    _, (error,), _ = read([tmp_path / "big.txt"])
    assert error.reason.startswith("too large to be an article")


def test_symlink_loops_and_repeats_are_not_followed_twice(tmp_path):
    root = tmp_path / "corpus"
    (root / "a").mkdir(parents=True)
    (root / "a" / "one.txt").write_text(ARTICLE, encoding="utf-8")
    os.symlink("..", root / "a" / "loop")  # a → corpus → a → ...
    os.symlink("a", root / "b")  # a second way into a
    os.symlink("self.txt", root / "self.txt")  # a file link pointing at itself
    os.symlink("missing.txt", root / "gone.txt")
    os.symlink(tmp_path / "outside", root / "elsewhere")  # a folder link that leads nowhere
    docs, errors, notes = read([root])
    assert [d.id for d in docs] == ["a/one"]
    assert sorted((os.path.basename(e.source), e.reason) for e in errors) == [
        ("gone.txt", "broken symbolic link"),
        ("self.txt", "symbolic link loop"),
    ]
    assert sorted(os.path.relpath(n.source, root) for n in notes) == ["a/loop", "b"]
    assert all("already read" in n.message for n in notes)


def test_a_folder_is_counted_by_the_rules_it_is_read_by_without_reading_a_file(tmp_path, monkeypatch):
    root = tmp_path / "corpus"
    (root / "a").mkdir(parents=True)
    (root / "a" / "one.txt").write_text(ARTICLE, encoding="utf-8")
    (root / "SHOUT.TXT").write_text(ARTICLE, encoding="utf-8")
    os.symlink("..", root / "a" / "loop")  # read once: not counted twice
    os.symlink("a", root / "b")
    os.symlink("missing.txt", root / "gone.txt")  # an error: one failure in the run
    os.mkfifo(root / "pipe.txt")  # skipped with a note
    docs, errors, _ = read([root])
    assert len(docs) == 2 and len(errors) == 1

    def no_reading(*args, **kwargs):
        raise AssertionError("a file was opened to count documents")

    monkeypatch.setattr(inputs, "open", no_reading, raising=False)
    assert inputs.count_documents([root]) == len(docs) + len(errors)


def test_symlinked_folder_is_followed_once(tmp_path):
    (tmp_path / "real").mkdir()
    (tmp_path / "real" / "x.txt").write_text(ARTICLE, encoding="utf-8")
    (tmp_path / "corpus").mkdir()
    os.symlink(tmp_path / "real", tmp_path / "corpus" / "linked")
    docs, errors, notes = read([tmp_path / "corpus"])
    assert [d.id for d in docs] == ["linked/x"] and not errors and not notes


def _deny(monkeypatch, func_name: str, target):
    """Make os.<func_name> or open() fail with EACCES for ``target``: root ignores chmod."""
    module = os if func_name != "open" else inputs
    real = getattr(os, func_name) if func_name != "open" else open

    def fake(path, *args, **kwargs):
        if os.fspath(path) == os.fspath(target):
            raise PermissionError(errno.EACCES, "Permission denied", os.fspath(path))
        return real(path, *args, **kwargs)

    monkeypatch.setattr(module, func_name, fake, raising=False)


@pytest.mark.parametrize("how", ["chmod", "simulated"])
def test_unreadable_files_and_folders_are_reported_and_the_rest_read(tmp_path, monkeypatch, how):
    root = tmp_path / "corpus"
    (root / "locked").mkdir(parents=True)
    (root / "locked" / "hidden.txt").write_text(ARTICLE, encoding="utf-8")
    (root / "secret.txt").write_text(ARTICLE, encoding="utf-8")
    (root / "zz.txt").write_text(ARTICLE, encoding="utf-8")
    if how == "chmod":
        if os.geteuid() == 0:
            pytest.skip("root reads files whatever their mode; the simulated case covers it")
        os.chmod(root / "locked", 0)
        os.chmod(root / "secret.txt", 0)
    else:
        _deny(monkeypatch, "scandir", root / "locked")
        _deny(monkeypatch, "open", root / "secret.txt")
    try:
        docs, errors, _ = read([root])
    finally:
        os.chmod(root / "locked", 0o755)
        os.chmod(root / "secret.txt", 0o644)
    assert [d.id for d in docs] == ["zz"]
    assert [(os.path.basename(e.source), e.reason) for e in errors] == [
        ("locked", "cannot list folder: permission denied"),
        ("secret.txt", "permission denied"),
    ]


def test_unreadable_for_a_real_unprivileged_user(tmp_path):
    """As root, read the corpus again as 'nobody' (setpriv), so permissions really apply."""
    import shutil
    import subprocess
    import sys
    import tempfile

    if os.geteuid() != 0 or not shutil.which("setpriv"):
        pytest.skip("needs root and setpriv to drop privileges (the chmod case runs for non-root users)")
    work = Path(tempfile.mkdtemp(prefix="qt-perm-", dir="/tmp"))
    try:
        os.chmod(work, 0o755)
        (work / "locked").mkdir()
        (work / "locked" / "hidden.txt").write_text(ARTICLE, encoding="utf-8")
        (work / "secret.txt").write_text(ARTICLE, encoding="utf-8")
        (work / "zz.txt").write_text(ARTICLE, encoding="utf-8")
        os.chmod(work / "locked", 0)
        os.chmod(work / "secret.txt", 0)
        script = (
            "import sys; from quotetrack.run.inputs import read_documents\n"
            "for i in read_documents([sys.argv[1]]): print(type(i).__name__, os.path.basename(i.source), getattr(i, 'reason', ''))"
        ).replace("import sys;", "import os, sys;")
        result = subprocess.run(
            ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", sys.executable, "-c", script, str(work)],
            capture_output=True, text=True, env={**os.environ, "PYTHONPATH": str(Path(inputs.__file__).parent.parent)},
        )
        if result.returncode != 0 and "Operation not permitted" in result.stderr:
            pytest.skip("setpriv cannot drop privileges here")
        assert result.returncode == 0, result.stderr
        assert result.stdout.splitlines() == [
            "Failure locked cannot list folder: permission denied",
            "Failure secret.txt permission denied",
            "Document zz.txt ",
        ]
    finally:
        os.chmod(work / "locked", 0o755)
        shutil.rmtree(work)


def test_non_utf8_file_names_become_safe_ids_and_sources(tmp_path):
    name = os.fsdecode(b"caf\xe9.txt")  # a Latin-1 name: lone surrogates in Python
    (tmp_path / name).write_text(ARTICLE, encoding="utf-8")
    (doc,), errors, _ = read([tmp_path])
    assert not errors
    assert doc.id == "caf\\xe9" and doc.source.endswith("caf\\xe9.txt")
    doc.id.encode("utf-8"), doc.source.encode("utf-8")  # storable and exportable


def test_special_files_and_missing_paths(tmp_path):
    fifo = tmp_path / "pipe.txt"
    os.mkfifo(fifo)
    _, (error,), _ = read([fifo])  # must not block waiting for a writer
    assert error.reason.startswith("not a regular file")
    _, (error,), _ = read([tmp_path / "nope.txt"])
    assert error.reason == "no such file or folder"


# --- JSONL ---------------------------------------------------------------------


def test_jsonl_every_bad_line_named_and_the_rest_read(tmp_path):
    f = tmp_path / "batch.jsonl"
    f.write_bytes(
        b'\xef\xbb\xbf{"id": "a", "text": "First line, with a BOM before it."}\r\n'
        b'{"id": "b", "text": "cut off\n'
        b'{"id": ["x"], "text": "an id that is a list"}\n'
        b'{"id": true, "text": "an id that is a boolean"}\n'
        b'{"id": "  ", "text": "a blank id"}\n'
        b'{"id": "c", "text": 5}\n'
        b'{"id": "d", "text": "caf\xe9"}\n'
        b'{"id": "e", "text": "lone \\ud800 surrogate"}\n'
        b'{"id": "f", "text": "   "}\n'
        b'[1, 2]\n'
        b'{"id": "a", "text": "again"}\n'
        b'{"id": "g", "text": "NUL \\u0000 and \\u202e bidi are text"}\n'
    )
    docs, errors, notes = read([f])
    assert [(d.id, d.text) for d in docs] == [
        ("a", "First line, with a BOM before it."),
        ("g", "NUL \x00 and \u202e bidi are text"),
    ]
    got = [(e.source.rsplit(":", 1)[1], e.reason.split(" (")[0]) for e in errors]
    assert got == [
        ("2", "not valid JSON"),
        ("3", "'id' is not a string or an integer"),
        ("4", "'id' is not a string or an integer"),
        ("5", "missing 'id'"),
        ("6", "'text' is not a string"),
        ("7", "not valid JSON"),
        ("8", "not valid JSON"),
        ("10", "expected a JSON object with 'id' and 'text'"),
        ("11", "duplicate document id 'a'"),
    ]
    assert [(n.source.rsplit(":", 1)[1], n.message) for n in notes] == [("9", "empty 'text', skipped")]


def test_jsonl_with_another_encoding(tmp_path):
    f = tmp_path / "l1.jsonl"
    f.write_bytes('{"id": "a", "text": "Café"}\n'.encode("cp1252"))
    (doc,), _, (note,) = read([f], encoding="auto")
    assert doc.text == "Café" and "cp1252" in note.message


def test_binary_jsonl_is_one_error_not_one_per_line(tmp_path):
    f = tmp_path / "dump.jsonl"
    f.write_bytes(bytes(range(256)) * 100)
    _, errors, _ = read([f])
    assert [e.reason for e in errors] == ["binary file (not JSON lines), skipped"]


# --- what must never block, grow or mislead -----------------------------------------------


def _within(seconds: float, fn):
    """``fn()``'s value, or a failure if it has not returned after ``seconds`` (it would block for ever)."""
    import threading

    box: list = []
    thread = threading.Thread(target=lambda: box.append(fn()), daemon=True)
    thread.start()
    thread.join(seconds)
    assert box, f"still blocked after {seconds} s"
    return box[0]


def test_a_pipe_or_a_link_to_a_device_named_jsonl_is_refused_at_once(tmp_path):
    os.mkfifo(tmp_path / "feed.jsonl")  # no writer: opening it to read would wait for ever
    os.symlink("/dev/zero", tmp_path / "zero.jsonl")  # never ends: would fill the memory
    os.symlink("/dev/zero", tmp_path / "zero.jsonl.gz")
    paths = [tmp_path / "feed.jsonl", tmp_path / "zero.jsonl", tmp_path / "zero.jsonl.gz"]
    docs, errors, _ = _within(10, lambda: read(paths))
    assert not docs
    assert [(Path(e.source).name, e.reason) for e in errors] == [
        (p.name, "not a regular file (a device, pipe or socket)") for p in paths
    ]
    assert _within(10, lambda: inputs.count_documents(paths)) == 3


def test_a_link_to_a_device_inside_a_folder_is_not_called_broken(tmp_path):
    root = tmp_path / "corpus"
    root.mkdir()
    (root / "a.txt").write_text(ARTICLE, encoding="utf-8")
    os.symlink("/dev/zero", root / "zero.txt")
    os.symlink("/dev/null", root / "null.jsonl")
    os.symlink("missing.txt", root / "gone.txt")
    docs, errors, notes = _within(10, lambda: read([root]))
    assert [d.id for d in docs] == ["a"]
    assert [(Path(e.source).name, e.reason) for e in errors] == [("gone.txt", "broken symbolic link")]
    assert sorted((Path(n.source).name, n.message) for n in notes) == [
        ("null.jsonl", "symbolic link to a device, pipe or socket, skipped"),
        ("zero.txt", "symbolic link to a device, pipe or socket, skipped"),
    ]


def test_a_jsonl_line_over_the_size_limit_is_one_failure_and_the_next_line_is_read(tmp_path, monkeypatch):
    monkeypatch.setattr(inputs, "MAX_FILE_BYTES", 1000)  # the limit a .txt file has
    f = tmp_path / "batch.jsonl"
    f.write_bytes(
        b'{"id": "big", "text": "' + b"x" * 5000 + b'"}\n'
        b'{"id": "fits", "text": "' + b"y" * 900 + b'"}\n'
        b'{"id": "last", "text": "' + b"z" * 3000 + b'"}'  # no newline at the end
    )
    (tmp_path / "big.txt").write_bytes(b"x" * 1001)
    docs, errors, _ = read([f, tmp_path / "big.txt"])
    assert [d.id for d in docs] == ["fits"]
    assert [(e.source.rsplit("/", 1)[1], e.reason.split(":")[0]) for e in errors] == [
        ("batch.jsonl:1", "too large to be an article"),
        ("batch.jsonl:3", "too large to be an article"),
        ("big.txt", "too large to be an article"),
    ]
    assert inputs.count_documents([f]) == 3


def test_an_enormous_jsonl_line_is_never_held_whole(tmp_path):
    """An 80 MB line, the size limit lowered to 1 MiB: the reader's memory stays near the limit."""
    import subprocess
    import sys

    f = tmp_path / "huge.jsonl"
    with f.open("wb") as out:
        out.write(b'{"id": "huge", "text": "')
        for _ in range(80):
            out.write(b"word " * 200_000 + b"\n" * 0)
        out.write(b'"}\n{"id": "after", "text": "still read"}\n')
    script = (
        "import sys\n"
        "from quotetrack.run import inputs\n"
        "inputs.MAX_FILE_BYTES = 1 << 20\n"
        "items = list(inputs.read_documents([sys.argv[1]]))\n"
        "print([getattr(i, 'id', None) or i.reason.split(':')[0] for i in items])\n"
        # VmHWM, not ru_maxrss: Linux carries the parent's peak over fork and exec into ru_maxrss.
        "print(next(int(l.split()[1]) for l in open('/proc/self/status') if l.startswith('VmHWM')) // 1024)\n"
    )
    result = subprocess.run([sys.executable, "-c", script, str(f)], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    ids, peak_mib = result.stdout.splitlines()
    assert ids == "['too large to be an article', 'after']"
    assert int(peak_mib) < 80, f"peak {peak_mib} MiB: the line was held whole"


def test_a_folder_nested_past_path_max_is_walked_to_the_bottom(tmp_path):
    """1,200 folders deep, 10-byte names: a 13,000-byte path, past what one open() takes (4,096)."""
    root = tmp_path / "deep"
    root.mkdir()
    (root / "top.txt").write_text(ARTICLE, encoding="utf-8")
    fd = os.open(root, os.O_RDONLY)
    try:
        for _ in range(1200):  # made a level at a time, relative to the last: no long path needed
            os.mkdir("level-0001", dir_fd=fd)
            child = os.open("level-0001", os.O_RDONLY, dir_fd=fd)
            os.close(fd)
            fd = child
        with os.fdopen(os.open("bottom.txt", os.O_WRONLY | os.O_CREAT, 0o644, dir_fd=fd), "w") as out:
            out.write(ARTICLE)
    finally:
        os.close(fd)
    try:
        docs, errors, _ = read([root])
        assert not errors
        assert [d.id for d in docs] == ["level-0001/" * 1200 + "bottom", "top"]
        assert docs[0].text == ARTICLE and len(docs[0].source) > 12_000
        assert inputs.count_documents([root]) == 2
    finally:
        _flatten_and_remove(root / "level-0001")


def _flatten_and_remove(top: Path) -> None:
    """Remove a folder chain of any depth (shutil.rmtree recurses, and fails on this one): its child
    is moved up in its place, one level at a time."""
    while top.exists():
        child = top / "level-0001"
        if not child.exists():
            for entry in top.iterdir():
                entry.unlink()
            top.rmdir()
            return
        spare = top.with_name("spare")
        child.rename(spare)
        for entry in top.iterdir():
            entry.unlink()
        top.rmdir()
        spare.rename(top)


def test_every_input_is_counted_as_reading_it_accounts_for_it(tmp_path, monkeypatch):
    """count_documents (the progress total) equals the documents, failures and skipped empties reading gives."""
    monkeypatch.setattr(inputs, "MAX_FILE_BYTES", 4000)
    root = tmp_path / "corpus"
    (root / "sub").mkdir(parents=True)
    (root / "a.txt").write_text(ARTICLE, encoding="utf-8")
    (root / "empty.txt").write_bytes(b"")
    (root / "binary.txt").write_bytes(bytes(range(256)) * 10)
    (root / "dump.jsonl").write_bytes(bytes(range(256)) * 100)
    (root / "b.jsonl").write_bytes(
        b'\xef\xbb\xbf\n{"id": "b1", "text": "One."}\n\n   \n{"id": "b1", "text": "dup"}\nnot json\n'
        b'{"id": "b3", "text": ""}\n{"id": "b4", "text": "' + b"w" * 5000 + b'"}\n'
    )
    (root / "sub" / "c.jsonl.gz").write_bytes(gzip_lines(b'{"id": "c1", "text": "Two."}\n') + b"trailing junk")
    (root / "page.html").write_text("<html><body><p>" + ARTICLE + "</p></body></html>", encoding="utf-8")
    os.mkfifo(root / "pipe.jsonl")
    os.symlink("missing.jsonl", root / "gone.jsonl")
    (root / "SHOUT.TXT").write_text(ARTICLE, encoding="utf-8")
    notes: list[InputNote] = []
    items = list(read_documents([root, root / "a.txt"], on_note=notes.append))
    skipped = [n for n in notes if n.skipped]
    assert len(skipped) == 2  # empty.txt, b3
    assert inputs.count_documents([root, root / "a.txt"]) == len(items) + len(skipped)


def gzip_lines(data: bytes) -> bytes:
    import gzip

    return gzip.compress(data)
