"""User decisions that beat the rules: an aliases file (TOML) and reviewer actions.

File format (every key optional)::

    # force these names into one speaker (each entry: two or more names)
    merge = [["Sergey Lavrov", "S. V. Lavrov"], ["Nato", "the Atlantic Alliance"]]
    # never put these names into one speaker
    forbid = [["Sergei Skripal", "Yulia Skripal"]]
    # names the rules must not join to anyone (a reviewer's "split")
    split = ["Skripal"]
    # display name of the speaker that contains a name
    [rename]
    "Sergey Lavrov" = "Sergei Lavrov"

Names are matched by their :func:`fold` form (case, accents, dots, possessive
ignored), not by similarity: a forbid between ``Sergey Lavrov`` and ``Sergei
Lavrov`` is possible and means what it says.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import tomllib

from ._text import fold

_KEYS = ("merge", "forbid", "split", "rename")


@dataclass
class Overrides:
    """Decisions from an aliases file and/or reviewers, applied by :class:`Normaliser`."""

    merges: list[tuple[str, str]] = field(default_factory=list)
    forbids: list[tuple[str, str]] = field(default_factory=list)
    renames: dict[str, str] = field(default_factory=dict)
    splits: list[str] = field(default_factory=list)

    def forbidden_pairs(self) -> set[frozenset[str]]:
        return {frozenset((fold(a), fold(b))) for a, b in self.forbids if fold(a) != fold(b)}

    def split_names(self) -> set[str]:
        return {fold(n) for n in self.splits}

    def to_toml(self) -> str:
        """The same decisions as an aliases file (so reviewer actions can be exported)."""
        lines = ["# quotetrack aliases file"]
        if self.merges:
            lines.append("merge = [" + ", ".join(f"[{_q(a)}, {_q(b)}]" for a, b in self.merges) + "]")
        if self.forbids:
            lines.append("forbid = [" + ", ".join(f"[{_q(a)}, {_q(b)}]" for a, b in self.forbids) + "]")
        if self.splits:
            lines.append("split = [" + ", ".join(_q(s) for s in self.splits) + "]")
        if self.renames:
            lines.append("\n[rename]")
            lines.extend(f"{_q(k)} = {_q(v)}" for k, v in self.renames.items())
        return "\n".join(lines) + "\n"


def with_decisions(base: Overrides | None, decisions: Iterable[tuple[str, str, str | None]]) -> Overrides:
    """``base`` (an aliases file's overrides) followed by reviewers' decisions ``(action, a, b)``, in order.

    Later decisions win: a split undoes earlier merges of that name, a merge
    an earlier split or forbid, a forbid an earlier merge.
    """
    ov = Overrides(
        merges=list(base.merges) if base else [],
        forbids=list(base.forbids) if base else [],
        renames=dict(base.renames) if base else {},
        splits=list(base.splits) if base else [],
    )
    for action, a, b in decisions:
        if action == "merge" and b:
            ov.splits = [s for s in ov.splits if fold(s) not in (fold(a), fold(b))]
            ov.forbids = [f for f in ov.forbids if {fold(x) for x in f} != {fold(a), fold(b)}]
            ov.merges.append((a, b))
        elif action == "forbid" and b:
            ov.merges = [m for m in ov.merges if {fold(x) for x in m} != {fold(a), fold(b)}]
            ov.forbids.append((a, b))
        elif action == "split":
            ov.merges = [m for m in ov.merges if fold(a) not in (fold(m[0]), fold(m[1]))]
            ov.splits.append(a)
        elif action == "rename" and b:
            ov.renames[a] = b
    return ov


def _q(text: str) -> str:
    """A TOML basic string."""
    escaped = text.replace("\\", "\\\\").replace('"', '\\"')
    return f'"{escaped}"'


def _names(where: str, value: object, minimum: int) -> list[str]:
    if not isinstance(value, list) or len(value) < minimum:
        raise ValueError(f"{where}: expected a list of at least {minimum} names, got {value!r}")
    for item in value:
        if not isinstance(item, str) or not item.strip():
            raise ValueError(f"{where}: every name must be a non-empty string, got {item!r}")
    return [v.strip() for v in value]


def _groups(src: str, key: str, value: object) -> list[tuple[str, str]]:
    if not isinstance(value, list):
        raise ValueError(f"{src}: '{key}' must be a list of name lists, e.g. {key} = [[\"A B\", \"B\"]]")
    pairs: list[tuple[str, str]] = []
    for i, group in enumerate(value):
        names = _names(f"{src}: {key}[{i}]", group, 2)
        if key == "forbid":
            pairs.extend((a, b) for j, a in enumerate(names) for b in names[j + 1 :])
        else:
            pairs.extend((names[0], other) for other in names[1:])
    return pairs


def overrides_from_dict(data: dict, src: str = "<overrides>") -> Overrides:
    """Validate a parsed aliases document; ``src`` names it in error messages."""
    unknown = sorted(set(data) - set(_KEYS))
    if unknown:
        raise ValueError(f"{src}: unknown key(s) {', '.join(unknown)}; expected any of {', '.join(_KEYS)}")
    merges = _groups(src, "merge", data.get("merge", []))
    forbids = _groups(src, "forbid", data.get("forbid", []))
    splits = _names(f"{src}: split", data.get("split", []), 0)
    renames_raw = data.get("rename", {})
    if not isinstance(renames_raw, dict):
        raise ValueError(f"{src}: [rename] must be a table of \"name\" = \"new display name\"")
    renames: dict[str, str] = {}
    for old, new in renames_raw.items():
        if not isinstance(new, str) or not new.strip():
            raise ValueError(f"{src}: rename[{old!r}]: the new name must be a non-empty string, got {new!r}")
        renames[old] = new.strip()
    forbidden = {frozenset((fold(a), fold(b))) for a, b in forbids}
    for a, b in merges:
        if frozenset((fold(a), fold(b))) in forbidden:
            raise ValueError(f"{src}: {a!r} and {b!r} are both merged and forbidden; keep one of the two")
    return Overrides(merges=merges, forbids=forbids, renames=renames, splits=splits)


def load_overrides(path: str | Path) -> Overrides:
    """Read an aliases file. Raises ValueError naming the file and the bad entry."""
    path = Path(path)
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ValueError(f"{path}: aliases file not found") from None
    except tomllib.TOMLDecodeError as exc:
        raise ValueError(f"{path}: not valid TOML: {exc}") from None
    return overrides_from_dict(data, str(path))
