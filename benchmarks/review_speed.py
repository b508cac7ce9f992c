"""How fast the review TUI opens and answers keys on a large store, and the memory it holds.

    python benchmarks/review_speed.py [--quotes 100000] [--store /tmp/qt-review-bench.db] [--repeat 15] [--reuse]
                                      [--blind]

Builds a synthetic store (benchmarks/synthetic.py; ``--reuse``: measure the
store already at ``--store``, e.g. one of ten million quotes built once), then
measures, with the app running headless and driven by Textual's Pilot:

- open: from a fresh process's start (interpreter, imports, store, queue,
  first layout) to the first frame showing the table, and the same within an
  already running interpreter;
- key presses: from the key being sent to the last frame it caused, for
  moving, next pending, confirm, reject, undo, a character typed in the
  speaker picker, change speaker (the final Enter of the picker), sort, search, and the status (``f`` in the queue, ``→``
  in the status box), document and speaker filters.

A "frame" is Textual handing a screen update to its driver (``App._display``),
so a latency includes the handler, the store write, layout and rendering, and
the wait for the next screen refresh tick (Textual refreshes at most 60 times
a second). A key whose read overran its budget goes on in the background
(quotetrack.tui.background): its row "settled" is the time to the last frame
once that work is done too (the same as the key's own where nothing went to
the background). Peak memory (VmHWM) of the process: after opening, and after
all the keys. The machine is shared: numbers are noisy; compare runs made
interleaved, and CPU time.

``--blind``: the same keys in a blind review (``review --blind``), after two
blind reviewers decided on quotes (``BLIND_OTHER`` by another, ``BLIND_OWN``
by the one measured), so the queue reads their own decisions.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

SIZE = (120, 40)
BLIND_OTHER, BLIND_OWN = 2_000, 500  # blind decisions made before measuring --blind
WORDS = ["treaty", "vote", "harbour", "ceasefire", "summit", "budget", "reform", "energy", "border", "market"]


class Frames:
    """Times of the frames the app sends to its (headless) driver."""

    def __init__(self, app) -> None:
        self.times: list[float] = []
        self.started = 0.0  # when the key being timed was sent
        original = app._display

        def display(screen, update):
            original(screen, update)
            self.times.append(time.perf_counter())

        app._display = display


SETTLED: dict[str, list[float | None]] = {}  # key → ms to the last frame once background work is done


def peak_mib() -> float:
    """The process's peak resident memory so far (VmHWM), in MiB."""
    with open("/proc/self/status") as f:
        return next(int(line.split()[1]) for line in f if line.startswith("VmHWM")) / 1024


async def _latency(pilot, frames: Frames, *keys: str, name: str = "") -> float | None:
    """Milliseconds from sending the last of ``keys`` to the last frame it caused (and, under
    ``name`` in SETTLED, to the last frame once the work it left in the background is done)."""
    if len(keys) > 1:
        await pilot.press(*keys[:-1])
        await _settle(pilot)
    frames.times.clear()
    start = frames.started = time.perf_counter()
    await pilot.press(keys[-1])
    own = (frames.times[-1] - start) * 1000 if frames.times else None
    if name:
        await _settle(pilot)
        SETTLED.setdefault(name, []).append((frames.times[-1] - start) * 1000 if frames.times else None)
    return own


def _stamp_views(screen) -> list[float]:
    """Times at which the screen shows a new view (its rows; counts may follow)."""
    shown: list[float] = []
    original = screen._show_view

    def show(view, position):
        original(view, position)
        shown.append(time.perf_counter())

    screen._show_view = show
    return shown


def _results_frame(frames: Frames, shown: list[float]) -> float | None:
    """Milliseconds from the last key to the first frame after the view was shown (``frames``'
    ``started``, set by :func:`_latency`)."""
    first = next((f for f in frames.times if shown and f >= shown[0]), None)
    return (first - frames.started) * 1000 if first is not None else None


async def _settle(pilot) -> None:
    """Wait for the review's background reads (if any) and the frames they cause."""
    app = pilot.app
    busy = [w for w in app.workers if w.group in ("view", "count", "pending", "read") and not w.is_finished]
    if busy:
        await app.workers.wait_for_complete(busy)
        await pilot.pause()


def _stats(values: list[float | None]) -> str:
    values = sorted(v for v in values if v is not None)
    if not values:
        return "no frame"
    p95 = values[min(len(values) - 1, round(0.95 * (len(values) - 1)))]
    return f"median {statistics.median(values):6.1f} ms   p95 {p95:6.1f} ms   max {values[-1]:6.1f} ms   (n={len(values)})"


def seed_blind(db: Path) -> None:
    """Blind decisions by another reviewer and by the one measured (spread over the store)."""
    from quotetrack import review
    from quotetrack.store import Store

    for who, n, step in (("other", BLIND_OTHER, 7), ("bench", BLIND_OWN, 13)):  # (bench: its open decisions too)
        store = Store(db, create=False)
        if sum(n for rank, n in store.own_progress(who).items() if rank) >= n:  # seeded before (a --reuse run)
            store.close()
            continue
        store.review_as(blind=who)
        queue = review.Queue(store)
        view = queue.select(review.QueueFilter(), review.QueueSort("document"))
        for i in range(n):
            qid = queue.ids[view[i * step]]
            (review.confirm if i % 3 else review.reject)(store, qid, who)
        store.close()


async def measure_keys(db: Path, repeat: int, blind: bool = False) -> dict[str, list[float | None]]:
    from quotetrack.store import Store
    from quotetrack.tui.app import ReviewApp
    from quotetrack.tui.review_screen import ReviewScreen

    store = Store(db, create=False)
    app = ReviewApp(store, "bench", blind=blind)
    frames = Frames(app)
    start = time.perf_counter()
    results: dict[str, list[float | None]] = {}
    async with app.run_test(size=SIZE) as pilot:
        while not (isinstance(app.screen, ReviewScreen) and app.screen.table.row_count and frames.times):
            await asyncio.sleep(0.001)
        results["open (in process, to first frame)"] = [(frames.times[0] - start) * 1000]
        await _settle(pilot)
        results["open (in process, settled)"] = [(frames.times[-1] - start) * 1000]
        results["peak memory after opening (MiB)"] = [peak_mib()]
        await pilot.pause()
        screen = app.screen

        async def run(name: str, *keys: str, times: int = repeat) -> None:
            results.setdefault(name, [])
            for _ in range(times):
                results[name].append(await _latency(pilot, frames, *keys, name=name))

        await run("move down", "down")
        await run("page down", "pagedown")
        await run("next pending ]", "right_square_bracket")
        await run("confirm a", "a")
        await run("reject x", "x")
        await run("undo u", "u")
        for name in ["Ann Lee", "Sergey Lavrov", "Uma Khan"]:  # each character finds the picker's speakers anew
            await pilot.press("s", *name[:-1])
            await _settle(pilot)
            for key in (name[-1], "backspace"):
                results.setdefault("speaker picker: a character typed", []).append(await _latency(pilot, frames, key))
            await pilot.press("escape")
            await _settle(pilot)
        await run("change speaker s (Enter in picker)", "s", *"Ann Lee", "enter", times=max(3, repeat // 3))
        await run("change kind k", "k", "d", times=max(3, repeat // 3))
        await run("sort o (every row)", "o", times=max(5, len(("document", "speaker", "kind", "confidence", "status"))))
        # search: typing shows the character at once and filters after a 0.15 s pause; Enter filters
        # at once (the worst case: Enter right after the last character) and goes back to the queue
        shown = _stamp_views(screen)
        for word in WORDS:
            await pilot.press("slash", *["backspace"] * 12, *word[:-1])
            results.setdefault("search: a character typed (echo)", []).append(
                await _latency(pilot, frames, word[-1]))
            shown.clear()
            results.setdefault("search: Enter right after typing", []).append(
                await _latency(pilot, frames, "enter", name="search: Enter right after typing"))
            # the same key, to the first frame showing its results (its count may come later, in the
            # background: the row above waits for that too, as Pilot waits for the process to go idle)
            results.setdefault("search: Enter right after typing, results on screen", []).append(
                _results_frame(frames, shown))
        await pilot.press("slash", *["backspace"] * 12, "enter")
        for word in WORDS:
            await pilot.press("slash", *["backspace"] * 12, *word)
            await pilot.pause(0.3)  # the results came while typing; Enter goes back to the queue
            await _settle(pilot)
            results.setdefault("search: Enter after the live results", []).append(
                await _latency(pilot, frames, "enter", name="search: Enter after the live results"))
        await pilot.press("slash", *["backspace"] * 12, "enter")
        for i in range(5):
            await pilot.press("slash", "tab", "tab", "tab", "tab")  # → document filter
            results.setdefault("filter document (Enter)", []).append(
                await _latency(pilot, frames, *["backspace"] * 12, *f"doc00{i}123", "enter", name="filter document (Enter)"))
        await pilot.press("slash", "tab", "tab", "tab", "tab", *["backspace"] * 12, "enter")
        for name in ["Ann Lee", "Sergey Lavrov", "Uma Khan"]:
            await pilot.press("slash", "tab", "tab", "tab")  # → speaker filter
            results.setdefault("filter speaker (Enter)", []).append(
                await _latency(pilot, frames, *["backspace"] * 15, *name, "enter", name="filter speaker (Enter)"))
        await pilot.press("slash", "tab", "tab", "tab", *["backspace"] * 15, "enter")
        status_box = screen.query_one("#status-filter")
        for _ in range(2):  # f from the queue: any → pending → confirmed → rejected → corrected → reviewed → any
            for _ in range(6):
                results.setdefault("filter status (f in the queue)", []).append(
                    await _latency(pilot, frames, "f", name="filter status (f in the queue)"))
        assert status_box.value is None
        await pilot.press("slash", "tab")  # → the status box
        for _ in range(2):
            for _ in range(6):
                results.setdefault("filter status (→ in the status box)", []).append(
                    await _latency(pilot, frames, "right", name="filter status (→ in the status box)"))
        await pilot.press("escape")
        await _settle(pilot)
        assert len(screen.view) > 0
        results["peak memory after the keys (MiB)"] = [peak_mib()]
    store.close()
    return results


def child(db: str, started: float, blind: bool = False) -> None:
    """Run in a fresh process: time from the parent's launch to the first frame showing the table."""
    from quotetrack.store import Store
    from quotetrack.tui.app import ReviewApp
    from quotetrack.tui.review_screen import ReviewScreen

    async def main() -> float:
        app = ReviewApp(Store(db, create=False), "bench", blind=blind)
        frames = Frames(app)
        async with app.run_test(size=SIZE):
            while not (isinstance(app.screen, ReviewScreen) and app.screen.table.row_count and frames.times):
                await asyncio.sleep(0.001)
            return time.time() - started

    print(json.dumps({"open_s": asyncio.run(main()), "peak_mib": peak_mib()}))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quotes", type=int, default=100_000)
    parser.add_argument("--store", default="/tmp/qt-review-bench.db")
    parser.add_argument("--repeat", type=int, default=15)
    parser.add_argument("--reuse", action="store_true", help="measure the store at --store as it is (no build)")
    parser.add_argument("--blind", action="store_true", help="measure a blind review (after seeding blind decisions)")
    parser.add_argument("--child", nargs=2, metavar=("DB", "STARTED"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.child[0], float(args.child[1]), args.blind)
        return

    from synthetic import build

    if args.reuse:
        db = Path(args.store)
        print(f"store: {db} as it is ({db.stat().st_size / 2**30:.1f} GiB)")
    else:
        t = time.perf_counter()
        db = build(args.store, args.quotes)
        print(f"store: {args.quotes:,} quotes in {args.quotes // 10:,} documents, built in {time.perf_counter() - t:.1f} s")
    if args.blind:
        t = time.perf_counter()
        seed_blind(db)
        print(f"blind decisions: {BLIND_OTHER:,} by another reviewer, {BLIND_OWN:,} own, in {time.perf_counter() - t:.1f} s")
    print(f"load average at the start: {' '.join(f'{x:.1f}' for x in os.getloadavg())}")
    cpu = time.process_time()

    opens, peaks = [], []
    for _ in range(3):
        started = time.time()
        out = subprocess.run([sys.executable, __file__, "--child", str(db), str(started), *(["--blind"] * args.blind)],
                             capture_output=True,
                             text=True, check=True, env=dict(os.environ))
        answer = json.loads(out.stdout.strip().splitlines()[-1])
        opens.append(answer["open_s"] * 1000)
        peaks.append(answer["peak_mib"])
    print(f"{'open (new process, to first frame)':40s} {_stats(opens)}")
    print(f"{'peak memory, new process at first frame':40s} {max(peaks):6.0f} MiB")
    for name, values in asyncio.run(measure_keys(db, args.repeat, args.blind)).items():
        if name.startswith("peak memory"):
            print(f"{name:40s} {values[0]:6.0f} MiB")
            continue
        print(f"{name:40s} {_stats(values)}")
        if name in SETTLED and SETTLED[name] != values:
            print(f"{'   settled':40s} {_stats(SETTLED[name])}")
    print(f"CPU time of the measuring process: {time.process_time() - cpu:.1f} s;"
          f" load average at the end: {' '.join(f'{x:.1f}' for x in os.getloadavg())}")


if __name__ == "__main__":
    main()
