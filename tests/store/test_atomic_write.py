"""An export replaces the file it targets without widening who may read it, and cleans up after a kill -9."""

from __future__ import annotations

import os
import signal
import stat
import subprocess
import sys
import textwrap

import pytest

from quotetrack.store import export
from quotetrack.store.export import atomic_write, remove_stale_temporaries


def mode(path) -> int:
    return stat.S_IMODE(os.stat(path).st_mode)


def temporaries(folder) -> list[str]:
    return sorted(n for n in os.listdir(folder) if n.endswith(".tmp"))


def test_a_private_export_stays_private(tmp_path):
    path = tmp_path / "quotes.json"
    path.write_bytes(b"old")
    path.chmod(0o600)
    atomic_write(path, [b"new"])
    assert path.read_bytes() == b"new" and mode(path) == 0o600


def test_through_a_symlink_the_target_keeps_its_mode_and_the_link_stays(tmp_path):
    (tmp_path / "real.json").write_bytes(b"old")
    (tmp_path / "real.json").chmod(0o640)
    os.symlink("real.json", tmp_path / "link.json")
    atomic_write(tmp_path / "link.json", [b"new"])
    assert os.path.islink(tmp_path / "link.json") and (tmp_path / "real.json").read_bytes() == b"new"
    assert mode(tmp_path / "real.json") == 0o640


def test_a_new_export_follows_the_umask(tmp_path):
    old = os.umask(0o027)
    try:
        atomic_write(tmp_path / "new.json", [b"x"])
    finally:
        os.umask(old)
    assert mode(tmp_path / "new.json") == 0o640


@pytest.mark.skipif(os.geteuid() != 0, reason="only root may give a file to another owner")
def test_the_owner_and_group_of_an_existing_export_are_kept(tmp_path):
    path = tmp_path / "quotes.json"
    path.write_bytes(b"old")
    os.chown(path, 4242, 4343)
    path.chmod(0o604)
    atomic_write(path, [b"new"])
    info = os.stat(path)
    assert (info.st_uid, info.st_gid, mode(path)) == (4242, 4343, 0o604)


def test_when_the_owner_cannot_be_kept_the_mode_still_is(tmp_path, monkeypatch):
    path = tmp_path / "quotes.json"
    path.write_bytes(b"old")
    path.chmod(0o600)

    def refuse(*args):
        raise PermissionError(1, "Operation not permitted")

    monkeypatch.setattr(os, "fchown", refuse)
    atomic_write(path, [b"new"])
    assert path.read_bytes() == b"new" and mode(path) == 0o600


WRITER = textwrap.dedent("""
    import sys, time
    from quotetrack.store.export import atomic_write

    def chunks():
        yield b"x" * 100_000
        print("writing", flush=True)
        time.sleep(120)
        yield b"never"

    atomic_write(sys.argv[1], chunks())
""")


@pytest.fixture()
def writer(tmp_path):
    """An export in another process, stopped in the middle of writing."""
    proc = subprocess.Popen([sys.executable, "-c", WRITER, str(tmp_path / "quotes.json")], stdout=subprocess.PIPE, text=True)
    assert proc.stdout.readline().strip() == "writing"
    yield proc
    if proc.poll() is None:
        proc.kill()
        proc.wait()


def test_the_temporary_file_of_a_killed_export_is_removed_by_the_next_one(tmp_path, writer, monkeypatch):
    monkeypatch.setattr(export, "STALE_AFTER", 0.0)
    (tmp_path / "quotes.json").write_bytes(b"previous")
    (left,) = temporaries(tmp_path)
    assert left.startswith(".quotes.json.")
    assert remove_stale_temporaries(tmp_path / "quotes.json") == []  # its writer is alive: not touched
    assert temporaries(tmp_path) == [left]
    writer.send_signal(signal.SIGKILL)
    writer.wait()
    assert temporaries(tmp_path) == [left]  # kill -9 runs no clean-up
    atomic_write(tmp_path / "quotes.json", [b"next export"])
    assert temporaries(tmp_path) == [] and (tmp_path / "quotes.json").read_bytes() == b"next export"


def test_only_dead_temporaries_of_this_export_are_removed(tmp_path, monkeypatch):
    names = [".quotes.json.abcd1234.tmp",  # this export's: stale once old enough
             ".other.json.abcd1234.tmp",  # another export's
             ".quotes.json.notes", "quotes.json.abcd1234.tmp"]  # not temporaries of ours
    for name in names:
        (tmp_path / name).write_bytes(b"x")
    assert remove_stale_temporaries(tmp_path / "quotes.json") == []  # just made: a writer may be about to lock it
    monkeypatch.setattr(export, "STALE_AFTER", 0.0)
    assert remove_stale_temporaries(tmp_path / "quotes.json") == [".quotes.json.abcd1234.tmp"]
    assert sorted(os.listdir(tmp_path)) == sorted(names[1:])


def test_a_named_pipe_shaped_like_a_temporary_is_neither_opened_for_long_nor_removed(tmp_path, monkeypatch):
    monkeypatch.setattr(export, "STALE_AFTER", 0.0)
    os.mkfifo(tmp_path / ".quotes.json.abcd1234.tmp")
    assert remove_stale_temporaries(tmp_path / "quotes.json") == []
    assert (tmp_path / ".quotes.json.abcd1234.tmp").exists()
