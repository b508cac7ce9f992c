"""Memory one document takes in a worker: peak RSS over the loaded pipeline, by the document's shape and length.

    .venv/bin/python benchmarks/doc_memory.py                      # the table in docs/hardening.md
    .venv/bin/python benchmarks/doc_memory.py --shape marks --chars 400000

Each measurement runs in a fresh process (the pipeline loaded, one short
article extracted to warm it up), then extracts one document with
``run.work.extract_documents`` (what every engine's worker runs) and reports
the process's peak resident memory (VmHWM: ru_maxrss would carry the parent's
peak over fork and exec) over the warmed-up pipeline, and the CPU time.
Shapes: ``line`` (news sentences on one line, no paragraph break), ``paras``
(the same, a paragraph a sentence pair), ``marks`` (``“a”`` and a newline over
and over: a token every character, the densest text a parse meets).
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import textwrap

SHAPES = ("line", "paras", "marks")
CHILD = textwrap.dedent("""
    import json, sys, time
    from quotetrack.domain import Document
    from quotetrack.run.work import extract_documents
    import quotetrack.models as models

    def peak():
        return next(int(line.split()[1]) for line in open("/proc/self/status") if line.startswith("VmHWM")) // 1024

    shape, chars, coref = sys.argv[1], int(sys.argv[2]), sys.argv[3]
    nlp = models.load(None, coref=coref)
    list(extract_documents(nlp, [Document("warm", "“We will win,” Ann Lee said.", "w")]))
    base = peak()
    said = "Jones said the vote would pass. “We will win tonight,” Ann Lee said. "
    text = {"line": said * (chars // len(said) + 1), "paras": (said + "\\n") * (chars // len(said) + 1),
            "marks": "“a”\\n" * (chars // 4 + 1)}[shape][:chars]
    started = time.process_time()
    (result,) = extract_documents(nlp, [Document("d", text, "d.txt")])
    print(json.dumps({"shape": shape, "chars": len(text), "base": base, "peak": peak(), "quotes": len(result.quotes),
                      "error": result.error, "cpu": round(time.process_time() - started, 1)}))
""")


def measure(shape: str, chars: int, coref: str = "window") -> dict:
    out = subprocess.run([sys.executable, "-c", CHILD, shape, str(chars), coref], capture_output=True, text=True)
    if out.returncode != 0:
        raise SystemExit(out.stderr[-3000:])
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--shape", choices=SHAPES, help="one shape (default: the table's)")
    parser.add_argument("--chars", type=int, nargs="*", help="lengths in characters")
    parser.add_argument("--coref", default="window", choices=("window", "document", "off"))
    args = parser.parse_args()
    plan = ([(args.shape, n) for n in (args.chars or [200_000, 1_000_000])] if args.shape else
            [("line", 200_000), ("line", 1_000_000), ("line", 2_000_000), ("paras", 1_000_000),
             ("marks", 100_000), ("marks", 400_000), ("marks", 1_200_000)])
    print(f"{'shape':6} {'characters':>11} {'pipeline MiB':>13} {'peak MiB':>9} {'over MiB':>9} {'quotes':>7} {'CPU s':>7}")
    for shape, chars in plan:
        r = measure(shape, chars, args.coref)
        note = f"  failed: {r['error']}" if r["error"] else ""
        print(f"{r['shape']:6} {r['chars']:>11,} {r['base']:>13,} {r['peak']:>9,} {r['peak'] - r['base']:>9,} "
              f"{r['quotes']:>7,} {r['cpu']:>7}{note}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
