"""Pairwise merge precision/recall of quotetrack.names on a hand-curated variants set.

    python benchmarks/name_variants.py [--data PATH] [--quiet] [--no-timing]

Two measurements over every pair of names in ``benchmarks/data/name_variants.tsv``:

* **cluster** -- all names clustered together by ``Normaliser.cluster`` (each
  name as if seen in its own article, so nothing is resolved in-article):
  a pair counts as merged when both names land in one speaker. This is the
  number that matters: it includes the unique-candidate rule for surnames
  and the grouping that keeps father and son apart.
* **pairwise** -- ``Normaliser.same_entity(a, b)`` for each pair on its own.

Then it times clustering of 50,000 synthetic occurrences. Exit status 1 if
cluster precision < 1.0 or recall < 0.95 (the issue's bar).
"""

from __future__ import annotations

import argparse
import itertools
import random
import sys
import time
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from quotetrack.names import NameOccurrence, Normaliser  # noqa: E402

DATA = Path(__file__).with_name("data") / "name_variants.tsv"


@dataclass(frozen=True)
class Entry:
    entity: str
    kind: str
    group: str
    name: str


def load(path: Path) -> list[Entry]:
    """Read the TSV; refuse duplicates (a name must belong to exactly one entity)."""
    entries: list[Entry] = []
    seen: dict[str, str] = {}
    for lineno, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip() or line.startswith("#"):
            continue
        parts = line.split("\t")
        if len(parts) != 4:
            raise SystemExit(f"{path}:{lineno}: expected 4 tab-separated columns, got {len(parts)}")
        entity, kind, group, names = parts
        for name in (n.strip() for n in names.split("|")):
            if name in seen:
                raise SystemExit(f"{path}:{lineno}: {name!r} already listed under {seen[name]!r}")
            seen[name] = entity
            entries.append(Entry(entity, kind, group, name))
    return entries


def score(entries: list[Entry], merged) -> dict:
    """Pairwise counts over all pairs; ``merged(i, j)`` is the system's decision."""
    tp = fp = fn = 0
    false_merges, missed = [], []
    for i, j in itertools.combinations(range(len(entries)), 2):
        a, b = entries[i], entries[j]
        gold = a.entity == b.entity and not a.entity.startswith("?")
        pred = merged(i, j)
        if pred and gold:
            tp += 1
        elif pred:
            fp += 1
            false_merges.append((a, b))
        elif gold:
            fn += 1
            missed.append((a, b))
    p = tp / (tp + fp) if tp + fp else 1.0
    r = tp / (tp + fn) if tp + fn else 1.0
    f1 = 2 * p * r / (p + r) if p + r else 0.0
    return {"tp": tp, "fp": fp, "fn": fn, "p": p, "r": r, "f1": f1, "false": false_merges, "missed": missed}


def run_cluster(entries: list[Entry]) -> dict:
    occs = [NameOccurrence(e.name, e.kind, f"doc{i:04d}") for i, e in enumerate(entries)]
    clusters = Normaliser().cluster(occs)
    where: dict[str, str] = {}
    for c in clusters:
        for doc in c.documents:
            where[doc] = c.id
    cid = [where[f"doc{i:04d}"] for i in range(len(entries))]
    return score(entries, lambda i, j: cid[i] == cid[j])


def run_pairwise(entries: list[Entry]) -> dict:
    """Ambiguous mentions are left out: on its own, ``Skripal`` *could* be either
    Skripal (that is what same_entity answers); only clustering sees both."""
    entries = [e for e in entries if not e.entity.startswith("?")]
    norm = Normaliser()
    return score(
        entries,
        lambda i, j: entries[i].kind == entries[j].kind and norm.same_entity(entries[i].name, entries[j].name, entries[i].kind),
    )


def report(label: str, s: dict, quiet: bool) -> None:
    pairs = s["tp"] + s["fp"] + s["fn"]
    print(f"{label:9} true merges {s['tp']:4}  false merges {s['fp']:3}  missed {s['fn']:3}  "
          f"precision {s['p']:.4f}  recall {s['r']:.4f}  F1 {s['f1']:.4f}  (gold+predicted pairs {pairs})")
    if quiet:
        return
    for title, rows in (("false merges", s["false"]), ("missed merges", s["missed"])):
        if not rows:
            print(f"  {title}: none")
            continue
        print(f"  {title} ({len(rows)}):")
        by_entity = defaultdict(list)
        for a, b in rows:
            by_entity[(a.entity, b.entity)].append(f"{a.name!r} ~ {b.name!r}")
        for (ea, eb), pairs_ in sorted(by_entity.items()):
            tag = ea if ea == eb else f"{ea} / {eb}"
            print(f"    [{tag}] " + "; ".join(pairs_))


def synthetic_occurrences(n: int, seed: int = 0) -> list[NameOccurrence]:
    """~n occurrences over n/10 articles: people (full and surname-only), organisations."""
    rnd = random.Random(seed)
    syll = "ka ro mi sha to ven li bor da gen ko vich sky ov ev in an el mar tu ser gei niko lai pe tro".split()
    givens = ["Sergei", "Sergey", "Anna", "Ivan", "Olga", "Dmitry", "Dmitri", "Yulia", "Iulia", "Maria",
              "Mohammed", "Muhammad", "Ahmed", "Li", "Jens", "Oana", "Pedro", "José", "Jose", "Kim"]
    surnames = sorted({"".join(rnd.choice(syll) for _ in range(rnd.randint(2, 4))).capitalize() for _ in range(4000)})
    people = [(rnd.choice(givens), rnd.choice(surnames)) for _ in range(12000)]
    orgs = ["NATO", "Nato", "the Kremlin", "US State Department", "State Department", "Russian Foreign Ministry",
            "European Union", "EU", "United Nations", "UN", "Russia", "Ukraine"]
    occs: list[NameOccurrence] = []
    doc = 0
    while len(occs) < n:
        doc += 1
        chosen = rnd.sample(people, 4)
        for given, family in chosen:
            occs.append(NameOccurrence(f"{given} {family}", "person", f"d{doc}", rnd.randint(1, 3)))
            if rnd.random() < 0.6:
                occs.append(NameOccurrence(family, "person", f"d{doc}", rnd.randint(1, 3)))
        for org in rnd.sample(orgs, 2):
            occs.append(NameOccurrence(org, "organization", f"d{doc}"))
    return occs[:n]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--data", type=Path, default=DATA)
    ap.add_argument("--quiet", action="store_true", help="numbers only, no list of errors")
    ap.add_argument("--no-timing", action="store_true", help="skip the 50,000-occurrence timing")
    args = ap.parse_args(argv)
    entries = load(args.data)
    entities = {e.entity for e in entries if not e.entity.startswith("?")}
    print(f"{args.data.name}: {len(entries)} names, {len(entities)} entities "
          f"(+{len({e.entity for e in entries}) - len(entities)} ambiguous mentions), "
          f"{len(entries) * (len(entries) - 1) // 2} pairs")
    t0 = time.perf_counter()
    cl = run_cluster(entries)
    report("cluster", cl, args.quiet)
    pw = run_pairwise(entries)
    report("pairwise", pw, args.quiet or True)
    print(f"scored in {time.perf_counter() - t0:.2f}s")
    if not args.no_timing:
        occs = synthetic_occurrences(50_000)
        t0 = time.perf_counter()
        clusters = Normaliser().cluster(occs)
        print(f"timing: clustered {len(occs)} occurrences into {len(clusters)} speakers "
              f"in {time.perf_counter() - t0:.2f}s")
    ok = cl["p"] == 1.0 and cl["r"] >= 0.95
    print("PASS" if ok else "FAIL", "(bar: cluster precision 1.0, recall >= 0.95)")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
