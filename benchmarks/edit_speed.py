"""How fast the review TUI answers the keys that fix quotes (b, +, space, !, *, X) on a large store.

    python benchmarks/edit_speed.py [--store /tmp/qt-review-bench.db] [--repeat 10]

Measures on the store that ``benchmarks/review_speed.py`` builds (100,000 quotes in 10,000
documents; build it first, e.g. ``review_speed.py --store S`` once, then ``--reuse`` runs), the
same way: from the key being sent to the last frame it caused (Textual's Pilot, headless).
Every fix made here is undone before the run ends, so the store is left as it was found
(the audit log aside).
"""

from __future__ import annotations

import argparse
import asyncio
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from review_speed import SIZE, Frames, _latency, _settle, _stats, peak_mib  # noqa: E402


async def measure(db: Path, repeat: int) -> dict[str, list[float | None]]:
    from quotetrack.store import Store
    from quotetrack.tui.app import ReviewApp
    from quotetrack.tui.review_screen import ReviewScreen

    store = Store(db, create=False)
    app = ReviewApp(store, "bench-edits")
    frames = Frames(app)
    results: dict[str, list[float | None]] = {}
    async with app.run_test(size=SIZE) as pilot:
        while not (isinstance(app.screen, ReviewScreen) and app.screen.table.row_count and frames.times):
            await asyncio.sleep(0.001)
        await _settle(pilot)
        await pilot.pause()

        async def run(name: str, *keys: str, after: tuple[str, ...] = (), times: int = repeat) -> None:
            for _ in range(times):
                results.setdefault(name, []).append(await _latency(pilot, frames, *keys, name=name))
                if after:
                    await pilot.press(*after)
                    await _settle(pilot)

        await run("b: the editor opens", "b", after=("escape",))
        await pilot.press("b")
        await run("→ / ← in the editor", "right")
        await pilot.press("escape")
        await run("Enter saves the words (b ← Enter)", "b", "left", "enter")
        await run("undo changed words u", "u")
        await run("+: the editor opens", "plus", after=("escape",))
        for _ in range(max(3, repeat // 3)):  # added and taken back each time: the same words again
            await run("+ … Enter in the kind picker (quote added)", "plus", "right", "enter", *"Ann Lee", "enter", "i",
                      times=1)
            await run("undo an added quote u", "u", times=1)
        await run("space (skip)", "space")
        await run("! (flag, unflag)", "exclamation_mark")
        await run("* (flagged only, all)", "asterisk")
        await run("X … Enter (reject with a reason)", "X", "down", "enter", after=("u",), times=max(3, repeat // 3))
        results["peak memory after the keys (MiB)"] = [peak_mib()]
    store.close()
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--store", default="/tmp/qt-review-bench.db")
    parser.add_argument("--repeat", type=int, default=10)
    args = parser.parse_args()
    import os

    print(f"load average at the start: {' '.join(f'{x:.1f}' for x in os.getloadavg())}")
    results = asyncio.run(measure(Path(args.store), args.repeat))
    for name, values in results.items():
        if "MiB" in name:
            print(f"{name:44s} {values[0]:5.0f} MiB")
        else:
            print(f"{name:44s} {_stats(values)}")
    print(f"load average at the end: {' '.join(f'{x:.1f}' for x in os.getloadavg())}")


if __name__ == "__main__":
    main()
