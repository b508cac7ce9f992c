"""An archive of any size, and what adding to it, reviewing it and exporting it cost (not a test).

    python benchmarks/archive_scale.py build --articles 200000 --db /tmp/archive.db [--seed 7]
    python benchmarks/archive_scale.py measure --db /tmp/archive.db [--rounds 3] [--skip rebuild,review,json]

``build`` writes synthetic articles through the store API (``Store.save_documents``, a
few thousand to a transaction, inside ``Store.bulk_load`` so the review queue is filled once
at the end; each document as an extraction run stores it), refreshing the speakers every
``--refresh-every`` articles; it goes on from where an earlier build of the same store
stopped. The speakers are made to look
like news (calibrated on PolNeAR train: a few named speakers per article, a third of the
quotes unnamed, most quotes by a few famous people and a long tail):

- people drawn with a Zipf popularity from a pool that grows with the archive, whose
  surnames are themselves Zipf-distributed, so namesakes and families are common and a
  lone surname is often ambiguous;
- in an article, a person is first named in full (sometimes after a title: "Senator
  ..."), then by surname; now and then an article names someone by surname only;
- spelling variants (Sergey/Sergei, Yulia/Iulia), typographic apostrophes (O’Malley),
  middle initials, "Jr.", a possessive or a trailing colon or dash;
- organisations and countries (NATO/Nato, "the State Department"), unnamed sources
  ("officials"), and NER kinds that are sometimes wrong.

``measure`` reports, each step in a process of its own with its peak resident memory:

- extracting the five seed articles (``seeds/``) into an empty store and into the archive
  (``Corpus.extract``: parse, store, incremental speaker refresh; the pipeline is loaded
  before the clock starts), rounds alternating; afterwards the seeds are taken out of the
  archive again (and that refresh is timed too);
- the speaker refresh alone: nothing to do, and a full re-cluster (``--rebuild``);
- the review app: open time and key latencies (``review_hook``);
- the export, JSON and JSONL, to files.
"""

from __future__ import annotations

import argparse
import bisect
import itertools
import json
import random
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
SEEDS = ROOT / "seeds"

# -- names -----------------------------------------------------------------------------------

GIVEN = (
    "James John Robert Michael William David Richard Joseph Thomas Charles Christopher Daniel Matthew Anthony "
    "Mark Donald Steven Paul Andrew Joshua Kenneth Kevin Brian George Timothy Ronald Edward Jason Jeffrey Ryan "
    "Mary Patricia Jennifer Linda Elizabeth Barbara Susan Jessica Sarah Karen Lisa Nancy Betty Margaret Sandra "
    "Ashley Kimberly Emily Donna Michelle Carol Amanda Melissa Deborah Stephanie Rebecca Sharon Laura Cynthia "
    "Hillary Bernie Ted Marco Ben Jeb Carly Chris Rand Ivanka Eric Barack Joe Nancy Mitch Kamala Pete Elizabeth "
    "Jens Oana Angela Emmanuel Olaf Boris Theresa Justin Xi Shinzo Narendra Recep Benjamin Ursula Josep Antonio "
    "Pierre Jean Francois Marie Hans Klaus Petra Giulia Marco Lucia Carlos Ana Jose Maria Luis Pedro Juan Elena "
    "Kofi Amina Chinedu Fatima Omar Ali Hassan Layla Ahmed Tariq Wei Mei Hiro Yuki Min Jae Arjun Priya Ravi Sunita"
).split()
# Spellings of one given name (the normaliser must join them).
VARIANTS = [("Sergey", "Sergei"), ("Alexei", "Alexey"), ("Yulia", "Iulia"), ("Mohammed", "Muhammad"),
            ("Dmitry", "Dmitri"), ("Yevgeny", "Evgeny"), ("Andriy", "Andrii"), ("Maksim", "Maxim"),
            ("Mikhail", "Mikhael"), ("Nikolai", "Nikolay")]
SYLLABLES = ("ka ro mi ten bar lo vi san del mor ash fen gri hol jun kel lin mas nor pet quin ras sol tor ul var "
             "wes yor zan bel cor dan eck fal gan hur ist jor kor lem mun nev osk pral rud sev tam ubr vol").split()
ENDINGS = ["", "", "", "ov", "son", "ez", "ski", "i", "er", "man", "ley", "ton", "enko", "ard", "ova"]
TITLES = ["Senator", "Governor", "Foreign Minister", "President", "Spokeswoman", "Spokesman", "Rep.", "Mayor",
          "Defence Minister", "Chancellor", "CEO", "Professor", "Dr.", "Ambassador", "Prime Minister"]
COUNTRIES = ["Russia", "Ukraine", "France", "Germany", "China", "Japan", "Brazil", "Mexico", "India", "Turkey",
             "Iran", "Israel", "Egypt", "Nigeria", "Kenya", "Poland", "Italy", "Spain", "Canada", "Australia"]
ORG_FORMS = ["NATO", "Nato", "the European Union", "the EU", "the United Nations", "the UN", "the State Department",
             "the U.S. State Department", "the Pentagon", "the White House", "the Kremlin", "Moscow", "Beijing",
             "the Democrats", "the Republican Party", "the World Health Organization", "the WHO", "the IMF"]
UNNAMED = ["officials", "a spokeswoman", "a spokesman", "analysts", "the statement", "critics", "residents",
           "a senior official", "experts", "sources"]
WORDS = ("the alliance minister talks ceasefire budget election reform harbour energy treaty council vote inflation "
         "border summit report agency market court season we will not accept this and the people deserve better "
         "it is time to act on what was promised before the next round of talks").split()
METHODS = ["syntax"] * 9 + ["coref"] * 3 + ["apposition", "according", "nearest-name", "continuation"]


def _surname(rng: random.Random) -> str:
    word = "".join(rng.choice(SYLLABLES) for _ in range(rng.choice((2, 2, 3)))) + rng.choice(ENDINGS)
    if rng.random() < 0.02:
        return "O'" + word.capitalize()
    if rng.random() < 0.02:
        return word.capitalize() + "-" + rng.choice(SYLLABLES).capitalize() + rng.choice(SYLLABLES)
    return word.capitalize()


class World:
    """The people and organisations of an archive of ``articles`` articles (the same for a seed)."""

    def __init__(self, articles: int, seed: int) -> None:
        rng = random.Random(seed)
        n_surnames = 1_000 + articles // 8
        self.surnames = list(dict.fromkeys(_surname(rng) for _ in range(n_surnames)))
        weights = [1 / (i + 3) ** 0.9 for i in range(len(self.surnames))]
        surname_cum = list(itertools.accumulate(weights))
        self.people: list[tuple[str, str, str, str]] = []  # (given, middle, surname, suffix)
        for _ in range(2_000 + articles // 4):
            surname = self.surnames[bisect.bisect(surname_cum, rng.random() * surname_cum[-1])]
            if rng.random() < 0.1:
                given = rng.choice(VARIANTS)[0]
            else:
                given = rng.choice(GIVEN)
            middle = rng.choice("ABCDEFGHJKLMRSTW") + "." if rng.random() < 0.1 else ""
            suffix = "Jr." if rng.random() < 0.01 else ""
            self.people.append((given, middle, surname, suffix))
        self.cum = list(itertools.accumulate(1 / (i + 10) ** 1.05 for i in range(len(self.people))))
        self.orgs = ORG_FORMS + [f"the {c} Foreign Ministry" for c in COUNTRIES] + COUNTRIES + \
            [f"{s} Group" for s in self.surnames[:500]] + [f"{s} Institute" for s in self.surnames[500:800]]
        self.org_cum = list(itertools.accumulate(1 / (i + 2) for i in range(len(self.orgs))))

    def person(self, rng: random.Random) -> tuple[str, str, str, str]:
        return self.people[bisect.bisect(self.cum, rng.random() * self.cum[-1])]

    def org(self, rng: random.Random) -> str:
        return self.orgs[bisect.bisect(self.org_cum, rng.random() * self.org_cum[-1])]


def _full(person: tuple[str, str, str, str], rng: random.Random) -> str:
    """How an article writes a person's full name this time."""
    given, middle, surname, suffix = person
    for pair in VARIANTS:
        if given in pair and rng.random() < 0.3:
            given = pair[1]
    name = " ".join(p for p in (given, middle if rng.random() < 0.7 else "", surname, suffix) if p)
    roll = rng.random()
    if roll < 0.12:
        name = f"{rng.choice(TITLES)} {name}"
    elif roll < 0.14:
        name += rng.choice([":", "’s", " —"])
    if "'" in name and rng.random() < 0.4:
        name = name.replace("'", "’")
    return name


def article(world: World, n: int, seed: int):
    """Article ``n``: a Document and its quotes, the same every time for (n, seed)."""
    from quotetrack.domain import Document, Quote, TextSpan

    rng = random.Random(seed * 1_000_003 + n)
    cast = [world.person(rng) for _ in range(rng.choice((1, 2, 2, 3, 3, 3, 4, 4, 5, 6)))]
    lone = rng.random() < 0.06  # someone named by surname only in the whole article
    orgs = [world.org(rng)] if rng.random() < 0.35 else []
    n_quotes = min(40, 1 + int(rng.expovariate(1 / 9)))
    parts: list[str] = []
    quotes: list[Quote] = []
    pos = 0
    named: set[int] = set()
    for q in range(n_quotes):
        roll = rng.random()
        if roll < 0.3:
            speaker, kind, mention = None, "other", rng.choice(UNNAMED)
        elif roll < 0.38 and orgs:
            speaker = mention = orgs[0]
            kind = "organization"
        else:
            i = min(int(rng.expovariate(1.2)), len(cast) - 1)
            person = cast[i]
            if lone and i == 0:
                speaker = mention = person[2]
            elif i in named and rng.random() < 0.75:
                mention = person[2]
                speaker = mention if rng.random() < 0.2 else " ".join(p for p in (person[0], person[2]) if p)
            else:
                speaker = mention = _full(person, rng)
                named.add(i)
            kind = "person" if rng.random() > 0.03 else rng.choice(("organization", "other"))
        said = " ".join(rng.choice(WORDS) for _ in range(rng.randint(6, 22))).capitalize() + "."
        lead = " ".join(rng.choice(WORDS) for _ in range(rng.randint(8, 30))).capitalize() + ". "
        para = f"{lead}{mention} said “{said}”"
        m_start = pos + len(lead)
        c_start = pos + para.index("“") + 1
        cue = m_start + len(mention) + 1
        quotes.append(Quote(
            kind=rng.choice(("direct", "direct", "indirect", "mixed")),
            content=TextSpan(c_start, c_start + len(said), said), cue=TextSpan(cue, cue + 4, "said"),
            speaker=speaker, speaker_kind=kind, mention=TextSpan(m_start, m_start + len(mention), mention),
            method=rng.choice(METHODS) if speaker else "none", confidence=round(rng.random(), 4),
        ))
        parts.append(para)
        pos += len(para) + 2
    doc_id = f"arc{n:07d}"
    return Document(doc_id, "\n\n".join(parts), f"archive/{doc_id}.txt"), quotes


# -- build -------------------------------------------------------------------------------------

BATCH = 5_000  # articles per transaction (Store.save_documents): a commit per article would cost more than its rows

def build(db_path: Path, articles: int, seed: int, refresh_every: int) -> None:
    from quotetrack.store import Store

    if refresh_every % BATCH:
        sys.exit(f"--refresh-every must be a multiple of {BATCH:,}")
    world = World(articles, seed)
    started = time.perf_counter()
    with Store(db_path) as db:
        have = db.counts()["documents"]  # an archive holds its own articles only (measure takes the seeds out again)
        print(f"{len(world.people):,} people ({len(world.surnames):,} surnames), {len(world.orgs)} organisations;"
              f" {have:,} articles already there")
        refresh_s = 0.0
        with db.bulk_load():  # the review queue's indexes are filled once, at the end
            for start in range(have, articles, BATCH):
                stop = min(articles, start + BATCH)  # a batch never crosses a refresh: refresh_every is a multiple
                db.save_documents((article(world, n, seed) for n in range(start, stop)), "archive")
                if stop % refresh_every == 0 or stop == articles:
                    t = time.perf_counter()
                    report = db.refresh_speakers()
                    refresh_s += time.perf_counter() - t
                    print(f"{stop:>9,} articles, {time.perf_counter() - started:7.0f} s;"
                          f" speaker refresh ({report.mode}, {report.documents:,} articles):"
                          f" {time.perf_counter() - t:5.1f} s, peak RSS {_rss_mib():,.0f} MiB", flush=True)
            t = time.perf_counter()
        print(f"review queue filled in {time.perf_counter() - t:.0f} s", flush=True)
        counts = db.counts()
    print(f"built {db_path}: {counts['documents']:,} documents, {counts['quotes']:,} quotes,"
          f" {counts['speakers']:,} speakers in {time.perf_counter() - started:.0f} s"
          f" (speaker refreshes {refresh_s:.0f} s); {db_path.stat().st_size / 2**30:.1f} GiB")


def _rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


# -- measure -----------------------------------------------------------------------------------

def _step(name: str, *args: str, timeout: float = 3600, memory_gib: float | None = None) -> dict:
    """Run ``archive_scale.py step NAME ARGS`` in a process of its own: its JSON answer (with its
    own CPU time and peak resident memory) and the wall time."""
    def limit() -> None:
        if memory_gib:
            resource.setrlimit(resource.RLIMIT_AS, (int(memory_gib * 2**30), int(memory_gib * 2**30)))

    started = time.perf_counter()
    try:
        proc = subprocess.run([sys.executable, __file__, "step", name, *args], capture_output=True, text=True,
                              timeout=timeout, preexec_fn=limit)
    except subprocess.TimeoutExpired:
        return {"error": f"gave up after {timeout:.0f} s"}
    lines = proc.stdout.strip().splitlines()
    result = json.loads(lines[-1]) if proc.returncode == 0 and lines else {"error": proc.stderr.strip()[-400:]}
    result["wall_s"] = time.perf_counter() - started
    return result


def _usage(result: dict) -> dict:
    """This process's CPU time and peak resident memory (and its children's, if it had any)."""
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    result["rss_mib"] = max(own.ru_maxrss, children.ru_maxrss) / 1024
    result["cpu_s"] = own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime
    return result


def step(name: str, args: list[str]) -> None:
    """One measurement, in this (child) process; prints one JSON line."""
    print(json.dumps(_usage(STEPS[name](*args))), flush=True)


def _extract_seeds(db: str) -> dict:
    import quotetrack
    from quotetrack import Corpus
    from quotetrack.store import Store

    nlp = quotetrack.load()
    timings: dict[str, float] = {}
    refresh = Store.refresh_speakers

    def timed_refresh(self, *a, **k):
        t = time.perf_counter()
        report = refresh(self, *a, **k)
        timings["refresh_s"] = time.perf_counter() - t
        timings["refresh_mode"] = report.mode
        return report

    Store.refresh_speakers = timed_refresh
    with Corpus(db, nlp=nlp) as corpus:
        cpu = time.process_time()
        t = time.perf_counter()
        summary = corpus.extract([SEEDS], jobs=1)
        timings["extract_s"] = time.perf_counter() - t
        timings["extract_cpu_s"] = time.process_time() - cpu
    timings["quotes"] = summary.quotes
    return timings


def _remove_seeds(db: str) -> dict:
    from quotetrack.store import Store

    with Store(db) as store:
        ids = [p.stem for p in SEEDS.glob("*.txt")]
        with store.transaction():  # documents are never removed by quotetrack itself: straight SQL
            store.conn.executemany("DELETE FROM documents WHERE id = ?", [(i,) for i in ids])
        t = time.perf_counter()
        report = store.refresh_speakers()
        return {"refresh_s": time.perf_counter() - t, "refresh_mode": report.mode, "documents": report.documents}


def _refresh(db: str, full: str) -> dict:
    from quotetrack.store import Store

    with Store(db) as store:
        t = time.perf_counter()
        report = store.refresh_speakers(full=full == "full")
        return {"refresh_s": time.perf_counter() - t, "refresh_mode": report.mode, "speakers": report.speakers}


def _export(db: str, fmt: str, target: str) -> dict:
    from quotetrack import Corpus

    with Corpus(db, create=False) as corpus:
        t = time.perf_counter()
        n = corpus.export(target, format=fmt)
        seconds = time.perf_counter() - t
    size = Path(target).stat().st_size
    Path(target).unlink()
    return {"export_s": seconds, "quotes": n, "bytes": size}


def review_hook(db: str) -> dict:
    """The review app on the archive: open time and key latencies.

    The hook for whatever the review benchmark is: today it runs
    ``benchmarks/review_speed.py``'s ``measure_keys`` (the app driven by
    Textual's Pilot, latencies to the last frame each key caused) on the
    archive; if that machinery changes, change this function only.
    """
    import asyncio

    sys.path.insert(0, str(HERE))
    from review_speed import _stats, measure_keys

    results = asyncio.run(measure_keys(Path(db), 5))
    return {name: _stats(values) for name, values in results.items()}


def _review_open(db: str) -> dict:
    started = time.time()
    out = subprocess.run([sys.executable, str(HERE / "review_speed.py"), "--child", db, str(started)],
                         capture_output=True, text=True, check=True)
    return {"open_s": json.loads(out.stdout.strip().splitlines()[-1])["open_s"]}


STEPS = {"extract-seeds": _extract_seeds, "remove-seeds": _remove_seeds, "refresh": _refresh, "export": _export,
         "review": review_hook, "review-open": _review_open}


def measure(db: Path, rounds: int, skip: set[str], memory_gib: float) -> None:
    if not db.exists():
        sys.exit(f"{db}: no such store (build it first)")
    rows: list[tuple[str, dict]] = []
    with tempfile.TemporaryDirectory(dir=db.parent) as tmp:
        for r in range(rounds):
            empty = Path(tmp) / f"empty{r}.db"
            rows.append(("seeds → empty store", _step("extract-seeds", str(empty))))
            rows.append(("seeds → archive", _step("extract-seeds", str(db))))
            rows.append(("seeds out of the archive", _step("remove-seeds", str(db))))
            _report(rows[-3:])
        rows.append(("refresh, nothing new", _step("refresh", str(db), "incremental")))
        if "rebuild" not in skip:
            rows.append(("refresh --rebuild (full)", _step("refresh", str(db), "full", timeout=4 * 3600)))
        if "review" not in skip:
            rows.append(("review: open (new process)", _step("review-open", str(db), timeout=1200,
                                                              memory_gib=memory_gib)))
            rows.append(("review: keys", _step("review", str(db), timeout=3600, memory_gib=memory_gib)))
        if "export" not in skip:
            for fmt in [f for f in ("jsonl", "json") if f not in skip]:
                rows.append((f"export {fmt}", _step("export", str(db), fmt, str(Path(tmp) / f"out.{fmt}"),
                                                    timeout=4 * 3600)))
        _report(rows[3 * rounds:])
    _summary(rows)


def _report(rows: list[tuple[str, dict]]) -> None:
    for name, r in rows:
        extra = {k: (round(v, 2) if isinstance(v, float) else v) for k, v in r.items()
                 if k not in ("wall_s", "rss_mib", "cpu_s")}
        print(f"{name:30s} wall {r.get('wall_s', 0):7.1f} s  cpu {r.get('cpu_s', 0):7.1f} s"
              f"  peak RSS {r.get('rss_mib', 0):7,.0f} MiB  {json.dumps(extra, ensure_ascii=False)}", flush=True)


def _summary(rows: list[tuple[str, dict]]) -> None:
    def median(name: str, key: str) -> float:
        values = sorted(r[key] for n, r in rows if n == name and key in r)
        return values[len(values) // 2] if values else float("nan")

    empty, archive = median("seeds → empty store", "extract_s"), median("seeds → archive", "extract_s")
    print(f"\nseeds: into an empty store {empty:.2f} s, into the archive {archive:.2f} s"
          f" ({archive / empty:.2f}×; CPU {median('seeds → archive', 'extract_cpu_s') / median('seeds → empty store', 'extract_cpu_s'):.2f}×);"
          f" their speaker refresh {median('seeds → empty store', 'refresh_s'):.2f} s and"
          f" {median('seeds → archive', 'refresh_s'):.2f} s")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    sub = parser.add_subparsers(dest="what", required=True)
    p = sub.add_parser("build", help="write a synthetic archive through the store API")
    p.add_argument("--articles", type=int, required=True)
    p.add_argument("--db", type=Path, required=True)
    p.add_argument("--seed", type=int, default=7)
    p.add_argument("--refresh-every", type=int, default=25_000, help="articles between speaker refreshes")
    p = sub.add_parser("measure", help="time adding the seeds, refresh, review and export on an archive")
    p.add_argument("--db", type=Path, required=True)
    p.add_argument("--rounds", type=int, default=3)
    p.add_argument("--skip", default="", help="comma-separated: rebuild, review, export (or one format: json, jsonl)")
    p.add_argument("--review-memory-gib", type=float, default=8.0, help="address-space limit of the review steps")
    p = sub.add_parser("step", help=argparse.SUPPRESS)
    p.add_argument("name", choices=sorted(STEPS))
    p.add_argument("args", nargs="*")
    args = parser.parse_args(argv)
    if args.what == "build":
        build(args.db, args.articles, args.seed, args.refresh_every)
    elif args.what == "measure":
        measure(args.db, args.rounds, {s.strip() for s in args.skip.split(",") if s.strip()}, args.review_memory_gib)
    else:
        step(args.name, args.args)
    return 0


if __name__ == "__main__":
    sys.exit(main())
