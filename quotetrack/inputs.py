"""Reading articles: ``.txt`` files, folders of them, and JSONL files.

Documents are produced lazily, one at a time, so a corpus of any size
streams through. A bad input never stops the others: it is yielded as an
:class:`InputError` naming the file (and line) and the reason.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import orjson

from .domain import Document


@dataclass(frozen=True, slots=True)
class InputError:
    source: str
    reason: str

    def __str__(self) -> str:
        return f"{self.source}: {self.reason}"


def normalise_text(raw: str) -> str:
    """The text all offsets index: BOM dropped, line endings turned into ``\\n``."""
    if raw.startswith("\ufeff"):
        raw = raw[1:]
    return raw.replace("\r\n", "\n").replace("\r", "\n")


def decode(data: bytes, source: str) -> str:
    try:
        return normalise_text(data.decode("utf-8"))
    except UnicodeDecodeError as exc:
        raise ValueError(f"not valid UTF-8 (byte {exc.start})") from None


def read_documents(paths: list[str | Path]) -> Iterator[Document | InputError]:
    """Every document under ``paths``, in a stable order, errors in their place."""
    seen: dict[str, str] = {}
    for path in paths:
        for item in _read_path(Path(path)):
            if isinstance(item, Document):
                if item.id in seen:
                    yield InputError(item.source, f"duplicate document id {item.id!r} (first seen in {seen[item.id]})")
                    continue
                seen[item.id] = item.source
            yield item


def _read_path(path: Path) -> Iterator[Document | InputError]:
    if path.is_dir():
        for file in sorted(path.rglob("*.txt")):
            if file.is_file():
                doc_id = file.relative_to(path).with_suffix("").as_posix()
                yield _read_txt(file, doc_id)
    elif path.suffix.lower() == ".jsonl":
        yield from _read_jsonl(path)
    elif path.is_file():
        yield _read_txt(path, path.with_suffix("").name if path.suffix.lower() == ".txt" else path.name)
    else:
        yield InputError(str(path), "no such file or folder")


def _read_txt(file: Path, doc_id: str) -> Document | InputError:
    try:
        data = file.read_bytes()
    except OSError as exc:
        return InputError(str(file), f"cannot read ({exc.strerror or exc})")
    try:
        text = decode(data, str(file))
    except ValueError as exc:
        return InputError(str(file), str(exc))
    return Document(id=doc_id, text=text, source=str(file))


def _read_jsonl(path: Path) -> Iterator[Document | InputError]:
    try:
        handle = path.open("rb")
    except OSError as exc:
        yield InputError(str(path), f"cannot read ({exc.strerror or exc})")
        return
    with handle:
        for lineno, line in enumerate(handle, 1):
            where = f"{path}:{lineno}"
            if not line.strip():
                continue
            try:
                obj = orjson.loads(line)
            except orjson.JSONDecodeError as exc:
                yield InputError(where, f"not valid JSON ({exc})")
                continue
            if not isinstance(obj, dict):
                yield InputError(where, "expected a JSON object with 'id' and 'text'")
                continue
            doc_id, text = obj.get("id"), obj.get("text")
            if doc_id is None or (isinstance(doc_id, str) and not doc_id.strip()):
                yield InputError(where, "missing 'id'")
                continue
            if not isinstance(text, str):
                yield InputError(where, "missing 'text'" if text is None else "'text' is not a string")
                continue
            yield Document(id=str(doc_id), text=normalise_text(text), source=where)


def count_documents(paths: list[str | Path]) -> int:
    """How many documents ``paths`` hold (for a progress bar), without keeping anything in memory.

    Folders count their ``.txt`` files; JSONL files their non-blank lines
    (malformed ones included, so this is an upper bound).
    """
    total = 0
    for path in map(Path, paths):
        if path.is_dir():
            total += sum(1 for f in path.rglob("*.txt") if f.is_file())
        elif path.suffix.lower() == ".jsonl":
            try:
                with path.open("rb") as handle:
                    total += sum(1 for line in handle if line.strip())
            except OSError:
                total += 1
        else:
            total += 1
    return total
