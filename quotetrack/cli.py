"""The ``quotetrack`` command line: a face over :class:`quotetrack.Corpus`.

Exit codes: 0 success; 1 some inputs failed (the rest were processed);
2 usage error; 3 the store, the export file or the models cannot be used;
4 an unexpected internal error (a bug: ``--debug`` shows the traceback);
130 interrupted (Ctrl-C): what was finished is stored, and a rerun carries
on. No traceback is ever shown without ``--debug``.
"""

from __future__ import annotations

import logging
import os
import sqlite3
import sys
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Literal, Optional

import typer
import typer.core
from rich.console import Console
from rich.markup import escape
from rich.table import Table
from rich.text import Text

from . import __version__
from .text import printable

EXIT_OK, EXIT_INPUT_FAILED, EXIT_USAGE, EXIT_FATAL, EXIT_BUG = 0, 1, 2, 3, 4
EXIT_INTERRUPTED = 130
DEFAULT_DB = Path("quotetrack.db")
DEFAULT_OUTPUT = Path("exports/quotes.json")
DEFAULT_REPORT = Path("report.html")
GO_ON = "documents stored so far are kept: run the same command again to go on"
STDOUT = "-"


class _Argument(typer.core.TyperArgument):
    """An argument shown by its metavar alone: ``PATH...``, not ``{paths}...`` and ``<list[Path]>``."""

    def display_type_rich(self, ctx) -> None:
        return None

    def get_usage_pieces(self, ctx) -> list[str]:
        return [self.metavar if self.required else f"[{self.metavar}]"]


def _plain(params: list) -> list:
    """Typer 0.29 writes ``<bool>`` beside every flag, ``--help`` included, and a Python type beside
    every argument: a flag takes no value, so it shows none; an argument with a metavar shows that."""
    for param in params:
        if getattr(param, "is_flag", False) and param.metavar is None:
            param.metavar = ""
        elif isinstance(param, typer.core.TyperArgument) and param.metavar:
            param.__class__ = _Argument  # same object, two display methods differ
    return params


class _Command(typer.core.TyperCommand):
    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        _plain(self.params)

    def get_help_option(self, ctx):
        return _plain([super().get_help_option(ctx)])[0]


class _Group(typer.core.TyperGroup):
    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        _plain(self.params)

    def get_help_option(self, ctx):
        return _plain([super().get_help_option(ctx)])[0]


def _examples(*lines: str) -> str:
    """A command's epilog: its examples, one command line each (Rich markup in them escaped)."""
    return "[bold]Examples[/]\n\n" + "\n".join(escape(line) for line in lines)


app = typer.Typer(
    name="quotetrack",
    help="Find quotes in news articles, attribute them to speakers, review and export them.",
    no_args_is_help=True,
    add_completion=False,
    rich_markup_mode="rich",
    pretty_exceptions_enable=False,
    cls=_Group,
    epilog=_examples("quotetrack extract articles/ -o exports/quotes.json", "quotetrack review",
                     "quotetrack report -o report.html", "quotetrack COMMAND --help"),
)


def command(*args, **kwargs):
    """``app.command`` with the command class that shows plain metavars."""
    return app.command(*args, cls=_Command, **kwargs)
out = Console()
err = Console(stderr=True)

DbOption = Annotated[Path, typer.Option("--db", metavar="FILE", help="The SQLite store.", show_default=True)]
AliasesOption = Annotated[
    Optional[Path],
    typer.Option(
        "--aliases", metavar="FILE",
        envvar="QUOTETRACK_ALIASES",
        help="TOML aliases file forcing or forbidding speaker merges; remembered in the store for later runs.",
    ),
]
FormatOption = Annotated[
    Literal["json", "jsonl", "csv"],
    typer.Option("--format", help="Export format: json (one database), jsonl (a quote per line) or csv (a row per quote)."),
]
ModelOption = Annotated[Optional[str], typer.Option("--model", metavar="PACKAGE", help="spaCy model package to use (default: the best installed).")]
WheelhouseOption = Annotated[
    Optional[Path],
    typer.Option("--wheelhouse", metavar="FOLDER", envvar="QUOTETRACK_WHEELHOUSE", help="Folder with a coreferee model wheel, installed from there if the model is missing."),
]


class _State:
    """Set by the global options; read by :func:`main` when something goes wrong."""

    debug: bool = os.environ.get("QUOTETRACK_DEBUG", "").strip().lower() in ("1", "true", "yes", "on")


class _RichWarnings(logging.Handler):
    def emit(self, record: logging.LogRecord) -> None:
        label = "warning" if record.levelno >= logging.WARNING else "debug"
        _report(label, record.getMessage(), "yellow" if label == "warning" else "dim")
        if record.exc_info and _State.debug:
            err.print(logging.Formatter().formatException(record.exc_info), markup=False, highlight=False)


def _setup_logging(debug: bool = False) -> None:
    log = logging.getLogger("quotetrack")
    if not any(isinstance(h, _RichWarnings) for h in log.handlers):
        log.addHandler(_RichWarnings())
    log.setLevel(logging.DEBUG if debug else logging.WARNING)
    log.propagate = False


def _report(label: str, message: str, style: str = "red") -> None:
    """One line on stderr: ``label: message``, the message escaped for the terminal."""
    err.print(Text.assemble((f"{label}:", style), " ", printable(message)), soft_wrap=True, highlight=False)


def _fatal(message: str, code: int = EXIT_FATAL) -> None:
    _report("error", message)
    raise typer.Exit(code)


@contextmanager
def _failures(db: Path, after: str = ""):
    """What the library raises that the user can act on: one line and exit 3 (a store that fails
    mid-command: locked, full, damaged; a model that cannot be loaded; a worker that cannot start)."""
    from .models import ModelError
    from .run.processes import WorkerStartError
    from .store import StoreError, explain

    try:
        yield
    except (StoreError, ModelError, WorkerStartError) as exc:
        _fatal(str(exc) + (after if isinstance(exc, StoreError) else ""))
    except sqlite3.Error as exc:
        _fatal(f"{db}: {explain(exc)}{after}")


def _usage(option: str):
    """A ``ValueError`` from the library about ``option``: a usage error (exit 2)."""

    @contextmanager
    def check():
        try:
            yield
        except ValueError as exc:
            raise typer.BadParameter(str(exc), param_hint=option) from None

    return check()


def _open(db: Path, **options):
    """The :class:`~quotetrack.Corpus` at ``db``, or one line and exit 3."""
    from .corpus import Corpus
    from .store import StoreError

    try:
        return Corpus(db, **options)
    except StoreError as exc:
        _fatal(str(exc))


def _to_stdout(output: Path) -> bool:
    """``-o -``, or a path that names this process's standard output (``/dev/stdout``, ``/dev/fd/1``)."""
    if str(output) == STDOUT:
        return True
    try:
        return os.path.samestat(os.stat(output), os.fstat(sys.stdout.fileno()))
    except (OSError, ValueError, AttributeError):  # no such file; a stdout without a descriptor (tests)
        return False


def _where(output: Path) -> str:
    return "standard output" if _to_stdout(output) else printable(str(output))


def _console(output: Path) -> Console:
    """Where messages go: stderr when the data itself goes to standard output."""
    return err if _to_stdout(output) else out


def _count(n: int, word: str) -> str:
    return f"{n:,} {word}{'' if n == 1 else 's'}"


def _reader_left() -> None:
    """The reader of our standard output stopped reading (``| head``): stop quietly, as Unix tools do."""
    try:
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())  # no second error at exit
    except (OSError, ValueError, AttributeError):
        pass
    raise typer.Exit(EXIT_OK)


def _write(output: Path, what: str, write) -> int:
    """Run ``write(target)`` on standard output or the file ``output``; one line and exit 3 if it fails."""
    to_stdout = _to_stdout(output)
    try:
        return write(sys.stdout.buffer if to_stdout else output)
    except BrokenPipeError:
        _reader_left()
    except OSError as exc:
        if to_stdout:
            _fatal(f"cannot write the {what} to standard output: {exc.strerror or exc}")
        _fatal(f"cannot write the {what} {output}: {exc.strerror or exc}; the previous {what} there is unchanged")


def _export(corpus, output: Path, fmt: str, **filters) -> int:
    with _failures(corpus.path):
        return _write(output, "export", lambda target: corpus.export(target, format=fmt, **filters))


def _version(value: bool) -> None:
    if value:
        out.print(f"quotetrack {__version__}", highlight=False)
        raise typer.Exit()


@app.callback()
def main_options(
    version: Annotated[
        Optional[bool], typer.Option("--version", callback=_version, is_eager=True, help="Print the version and exit.")
    ] = None,
    debug: Annotated[
        bool, typer.Option("--debug", envvar="QUOTETRACK_DEBUG", help="Show tracebacks of failures (for bug reports).")
    ] = False,
) -> None:
    _State.debug = debug
    _setup_logging(debug)


PathsArgument = Annotated[list[Path], typer.Argument(metavar="PATH...", help="Articles: .txt files, folders of them (searched recursively), or .jsonl files of {\"id\", \"text\"} objects.", show_default=False)]
OutputOption = Annotated[Path, typer.Option("-o", "--output", metavar="FILE", help="Where to write the export; - (or /dev/stdout) writes it to standard output.")]
ForceOption = Annotated[bool, typer.Option("--force", help="Extract again even documents unchanged since the last run.")]
EncodingOption = Annotated[str, typer.Option("--encoding", metavar="CODEC", help="How .txt files are decoded: utf-8 (strict; invalid files are reported), auto (UTF-8, else cp1252, with a note), or any codec name such as latin-1.")]
JobsOption = Annotated[Optional[int], typer.Option("--jobs", "-j", min=1, metavar="N", help="Worker processes (or LocalCluster workers with --engine dask). Default: all cores. Never more than the batch repays: a handful of documents runs in one process.", show_default=False)]
EngineOption = Annotated[Literal["local", "dask"], typer.Option("--engine", help="local (this machine's cores) or dask (a Dask cluster: --scheduler, else a LocalCluster).")]
SchedulerOption = Annotated[Optional[str], typer.Option("--scheduler", metavar="ADDRESS", help="Dask scheduler address, e.g. tcp://host:8786 (with --engine dask).", show_default=False)]
CorefOption = Annotated[Literal["window", "document", "off"], typer.Option("--coref", help="Coreference: window (around pronoun and descriptive speakers), document (coreferee over whole documents, slower) or off.")]
TimeoutOption = Annotated[float, typer.Option("--doc-timeout", min=0, metavar="SECONDS", help="Time a document may take (per 50,000 characters) before it is reported as failed and the run goes on; 0 or inf: no limit. Not enforced with --engine dask.")]
IdFieldOption = Annotated[str, typer.Option("--id-field", metavar="FIELD", help="The field of a JSONL object that holds the document's id (its other fields are kept as the document's meta).")]
TextFieldOption = Annotated[str, typer.Option("--text-field", metavar="FIELD", help="The field of a JSONL object that holds the document's text.")]


_EXTRACT_EXAMPLES = _examples(
    "quotetrack extract articles/ -o exports/quotes.json",
    "quotetrack extract news.jsonl --format csv -o quotes.csv --jobs 2",
    "quotetrack extract articles/ --format jsonl -o - | jq .text",
    "quotetrack extract articles/ --engine dask --scheduler tcp://host:8786",
)


@command(epilog=_EXTRACT_EXAMPLES)
def extract(
    paths: PathsArgument, output: OutputOption = DEFAULT_OUTPUT, fmt: FormatOption = "json", db: DbOption = DEFAULT_DB,
    model: ModelOption = None, wheelhouse: WheelhouseOption = None, force: ForceOption = False,
    aliases: AliasesOption = None, encoding: EncodingOption = "utf-8", jobs: JobsOption = None,
    engine: EngineOption = "local", scheduler: SchedulerOption = None, coref: CorefOption = "window",
    doc_timeout: TimeoutOption = 120.0, id_field: IdFieldOption = "id", text_field: TextFieldOption = "text",
) -> None:
    """Find and attribute the quotes in articles, store them, and write the export.

    Resumable: documents already stored from the same text are skipped, so
    rerunning after Ctrl-C (exit code 130) or a kill carries on where it stopped.
    """
    from .run.inputs import check_encoding, check_fields
    from .run.work import check_time_limit

    if scheduler and engine != "dask":
        raise typer.BadParameter("--scheduler needs --engine dask", param_hint="--scheduler")
    _check_paths(paths)
    with _usage("--encoding"):
        check_encoding(encoding)
    with _usage("--doc-timeout"):
        check_time_limit(doc_timeout)
    with _usage("--text-field"):
        check_fields(id_field, text_field)
    if scheduler:
        _reach(scheduler)  # before the store exists: a dead scheduler leaves nothing behind
    with _open(db, check=True, model=model, coref=coref, wheelhouse=wheelhouse) as corpus:
        _use_aliases(corpus, aliases)
        summary, notes = _extract(corpus, paths, jobs=jobs, engine=engine, scheduler=scheduler, force=force,
                                  encoding=encoding, doc_timeout=doc_timeout, id_field=id_field, text_field=text_field)
        count = _export(corpus, output, fmt) if summary.seen else None  # nothing read: the export stays
        with _failures(db):
            _print_summary(_console(output), corpus.store.counts(), summary, _where(output), count, notes)
    if summary.interrupted:
        _report("interrupted", GO_ON, "yellow")
        raise typer.Exit(EXIT_INTERRUPTED)
    _aliases_problem(summary)
    raise typer.Exit(EXIT_OK if summary.ok else EXIT_INPUT_FAILED)


# Words a user may have meant as the value of a flag (``--force true``): click takes them for paths.
_FLAG_WORDS = frozenset({"true", "false", "yes", "no", "on", "off", "1", "0"})


def _check_paths(paths: list[Path]) -> None:
    for path in paths:
        if str(path).lower() in _FLAG_WORDS and not path.exists():
            raise typer.BadParameter(f"no file named {str(path)!r}: --force takes no value (write --force alone)",
                                     param_hint="PATH...")


def _reach(scheduler: str) -> None:
    """A scheduler that cannot be reached: one line and exit 3, before anything is created."""
    from .run.dask import SchedulerUnreachable, check_scheduler

    try:
        check_scheduler(scheduler)
    except SchedulerUnreachable as exc:
        _fatal(f"{exc}; nothing was stored (is the scheduler running? without --scheduler, Dask starts a local cluster)")


def _extract(corpus, paths: list[Path], **options):
    """Run the extraction with a progress bar, failures and notes as lines on stderr: (summary, notes)."""
    from .run.progress import RunProgress

    notes = []

    def note(n) -> None:
        notes.append(n)
        _report("note", str(n), "yellow")

    progress = RunProgress(err, None)
    try:
        with progress, _failures(corpus.path, "; documents stored before this are kept: run the same command again to go on"):
            summary = corpus.extract(paths, on_failure=lambda f: _report("failed", str(f)), on_note=note,
                                     on_progress=lambda s: progress.update(s.done, s.words, s.total), **options)
    except KeyboardInterrupt:
        _report("interrupted", GO_ON, "yellow")
        raise typer.Exit(EXIT_INTERRUPTED) from None
    return summary, len(notes)


def _print_summary(console: Console, c: dict[str, int], summary, where: str, exported: int | None, notes: int = 0) -> None:
    """This run (documents, the quotes it found), then what the store holds, failures and the export."""
    title = "quotetrack extract" + (" (interrupted)" if summary.interrupted else "")
    table = Table(title=title, show_header=False, title_justify="left")
    table.add_column(style="bold")
    table.add_column(justify="right")
    table.add_row("documents", f"{max(summary.total, summary.done):,} ({summary.extracted:,} extracted, "
                               f"{summary.unchanged:,} unchanged)")
    for what, n in _documents_not_stored(summary):  # every document the inputs hold is accounted for
        table.add_row(f"  {what}", f"[yellow]{n:,}[/]" if what.startswith("not done") else f"{n:,}")
    found = f"{summary.quotes:,} in the {_count(summary.extracted, 'document')} extracted" if summary.extracted else "none: no document extracted"
    table.add_row("quotes", found)
    store = f"{_count(c['documents'], 'document')}, {_count(c['quotes'], 'quote')}, {_count(c['speakers'], 'speaker')}"
    table.add_row("in the store", store)
    for kind in ("direct", "indirect", "mixed"):
        table.add_row(f"  {kind}", f"{c.get('quotes.' + kind, 0):,}")
    table.add_row("failures", f"[red]{len(summary.failures)}[/]" if summary.failures else "0")
    for reason, n in _failure_reasons(summary.failures):  # each file was named on stderr as it failed
        table.add_row(Text(f"  {printable(reason)}", style="red"), f"{n:,}")
    if summary.carried:
        table.add_row("reviews carried over", f"{summary.carried:,}")
    if summary.unplaced:
        table.add_row("reviews not placed", f"[yellow]{summary.unplaced:,}[/] (kept: quotetrack review lists them)")
    if notes:
        table.add_row("notes", f"[yellow]{notes}[/]")
    if summary.words and summary.seconds:
        where_run = f"{summary.engine}, {_count(summary.jobs, 'job')}"
        table.add_row("speed", f"{summary.words / summary.seconds:,.0f} words/s ({where_run})")
    if exported is None:
        table.add_row("export", Text(f"not written: no document was read ({where} is unchanged)", style="yellow"))
    else:
        table.add_row("export", Text(f"{where} ({_count(exported, 'quote')})"))
    console.print(table)


def _documents_not_stored(summary) -> list[tuple[str, int]]:
    """(what, how many) of the documents neither extracted nor unchanged: failed, bad inputs, empty, not done."""
    bad_inputs = len(summary.failures) - summary.failed
    rows = [("failed", summary.failed), ("bad inputs", bad_inputs), ("empty, skipped", summary.skipped),
            ("not done (interrupted)", summary.not_done if summary.interrupted else 0)]
    return [(what, n) for what, n in rows if n]


def _failure_reasons(failures) -> list[tuple[str, int]]:
    """Failures grouped by reason (the reason's first clause), most frequent first."""
    counts: dict[str, int] = {}
    for failure in failures:
        reason = failure.reason.split(";")[0].split(" (")[0].strip()
        counts[reason] = counts.get(reason, 0) + 1
    return sorted(counts.items(), key=lambda item: (-item[1], item[0]))


StatusOption = Annotated[Optional[str], typer.Option("--status", metavar="STATUS,…", show_default=False, help="Only quotes with these review statuses, comma-separated: pending, confirmed (includes corrected), corrected, rejected, reviewed (all but pending).")]
SpeakerOption = Annotated[Optional[str], typer.Option("--speaker", metavar="NAME", show_default=False, help="Only this speaker's quotes: any name the speaker holds, or its id (sp_…).")]
DocOption = Annotated[Optional[str], typer.Option("--doc", metavar="ID", show_default=False, help="Only this document's quotes.")]
KindOption = Annotated[Optional[Literal["direct", "indirect", "mixed"]], typer.Option("--kind", show_default=False, help="Only quotes of this kind.")]
ConfidenceOption = Annotated[Optional[float], typer.Option("--min-confidence", min=0.0, max=1.0, metavar="NUMBER", show_default=False, help="Only quotes at least this sure (0 to 1).")]


@command("export", epilog=_examples(
    "quotetrack export --status confirmed -o exports/confirmed.json",
    'quotetrack export --format csv --speaker "Sergey Lavrov" --min-confidence 0.8 -o lavrov.csv',
    "quotetrack export --format jsonl --kind direct -o - | jq .text",
))
def export_cmd(
    db: DbOption = DEFAULT_DB, output: OutputOption = DEFAULT_OUTPUT, fmt: FormatOption = "json",
    status: StatusOption = None, speaker: SpeakerOption = None, doc: DocOption = None, kind: KindOption = None,
    min_confidence: ConfidenceOption = None,
) -> None:
    """Write the quote database from the store (every quote, or those the filters select), without extracting anything."""
    from .corpus import Corpus

    filters = {"status": status, "speaker": speaker, "doc": doc, "kind": kind, "min_confidence": min_confidence}
    with _usage("--status"):
        Corpus.select(**filters)
    with _open(db, create=False) as corpus:
        count = _export(corpus, output, fmt, **filters)
    unmatched = " (no quote matches these filters)" if not count and any(v is not None for v in filters.values()) else ""
    _console(output).print(Text(f"wrote {_count(count, 'quote')} to {_where(output)}{unmatched}"), highlight=False)
    _aliases_problem(corpus)


@command(epilog=_examples("quotetrack review", "quotetrack review --status pending --doc 001-nato", "quotetrack review --db news.db --reviewer ann",
                          "quotetrack review --blind --reviewer ann   # then: quotetrack agreement"))
def review(
    db: DbOption = DEFAULT_DB,
    reviewer: Annotated[Optional[str], typer.Option("--reviewer", metavar="NAME", help="Name recorded with every decision (default: the OS user).", show_default=False)] = None,
    doc: Annotated[Optional[str], typer.Option("--doc", metavar="ID", help="Open on this document's quotes.", show_default=False)] = None,
    status: Annotated[Optional[Literal["pending", "confirmed", "rejected", "corrected", "reviewed", "disputed"]], typer.Option("--status", case_sensitive=False, help="Open on quotes with this status (reviewed: all but pending; disputed: reviewers disagree, and your decisions settle it).", show_default=False)] = None,
    blind: Annotated[bool, typer.Option("--blind", help="Judge independently: see only your own decisions (pending = not judged by you); they are kept as yours, for `quotetrack agreement`, and leave the quotes' status as it is.")] = False,
) -> None:
    """Confirm, reject or correct attributions in the terminal; every decision is saved at once."""
    corpus = _open(db, create=False, check=True)  # a damaged store is refused before the app starts
    from .store import StoreError, check_writable
    from .tui.app import ReviewApp

    try:
        check_writable(corpus.store.conn, corpus.path)  # a read-only one too: decisions could not be saved
    except StoreError as exc:
        _fatal(f"{exc}; the review saves every decision, so it needs a store it can write")
    if blind and status == "disputed":
        _fatal("--blind and --status disputed exclude each other: an adjudicator sees every reviewer's decisions")
    app = ReviewApp(corpus.store, reviewer or _os_user(), document=doc, status=status, blind=blind)
    app.run()
    _review_ended(app, db)


def _review_ended(app, db: Path) -> None:
    """Exit non-zero, with one line, when the store failed under the review (exit 3) or the app broke (4).

    The app says a store failure it caught in ``store_failure`` (a message); one it did not catch ends
    it with Textual's return code 1 and the exception.
    """
    from .store import StoreError, explain

    failure = getattr(app, "store_failure", None)
    error = getattr(app, "_exception", None)
    if failure is None and isinstance(error, (sqlite3.Error, StoreError)):
        failure = f"{db}: {explain(error) if isinstance(error, sqlite3.Error) else error}"
    if failure:
        _fatal(f"{failure}; decisions saved before it are kept")
    if app.return_code:
        _fatal("the review stopped on an unexpected error (a bug; shown above); decisions saved before it are kept",
               EXIT_BUG)


@command(epilog=_examples("quotetrack report", "quotetrack report --db news.db -o news-report.html", "quotetrack report -o - > report.html"))
def report(
    db: DbOption = DEFAULT_DB,
    output: Annotated[Path, typer.Option("-o", "--output", metavar="FILE", help="Where to write the page; - writes it to standard output.")] = DEFAULT_REPORT,
) -> None:
    """Write one self-contained HTML page about the store: who is quoted most, kinds and reviews, quotes over time, each speaker's quotes."""
    from .report import build_report
    from .store.export import atomic_write, write_stream

    with _open(db, create=False) as corpus, _failures(db):
        page = build_report(corpus)
    body = page.html.encode("utf-8", "replace")  # a lone surrogate in an article must not stop the page
    _write(output, "report", lambda target: (write_stream if hasattr(target, "write") else atomic_write)(target, [body]))
    _console(output).print(Text(f"wrote the report on {_count(page.quotes, 'quote')} by {_count(page.speakers, 'speaker')}"
                                f" to {_where(output)}: open it in a browser"), highlight=False)


def _use_aliases(corpus, aliases: Path | None) -> None:
    """Remember an aliases file for this and later runs; a bad one (malformed, a folder, unreadable) is one line
    and exit 3."""
    if aliases is not None:
        try:
            corpus.remember_aliases(aliases)
        except ValueError as exc:
            _fatal(str(exc))


def _aliases_problem(corpus) -> None:
    """A remembered aliases file that could not be used (speakers went without it): one line and exit 3,
    once the command has done its work."""
    if corpus.aliases_error:
        _fatal(corpus.aliases_error)


def _os_user() -> str:
    import getpass

    try:
        return getpass.getuser()
    except Exception:  # no user name in the environment or the password database
        return "reviewer"


@command(epilog=_examples("quotetrack speakers", "quotetrack speakers --json | jq '.[0]'", "quotetrack speakers --aliases aliases.toml",
                          "quotetrack speakers --rebuild"))
def speakers(
    db: DbOption = DEFAULT_DB,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON instead of a table.")] = False,
    aliases: AliasesOption = None,
    rebuild: Annotated[bool, typer.Option("--rebuild", help="Cluster every speaker name again from nothing (a refresh otherwise redoes only what changed; both give the same speakers).")] = False,
) -> None:
    """List the canonical speakers with their aliases, quote counts and documents."""
    import orjson

    with _open(db, create=False) as corpus, _failures(db):
        if aliases is not None:
            _use_aliases(corpus, aliases)
        if rebuild:
            corpus.rebuild_speakers()
        elif aliases is not None:
            corpus.refresh_speakers()
        rows = corpus.speakers()
    if as_json:
        sys.stdout.buffer.write(orjson.dumps(rows, option=orjson.OPT_INDENT_2) + b"\n")
    else:
        _speakers_table(rows)
    _aliases_problem(corpus)


def _speakers_table(rows) -> None:
    table = Table(title=f"{len(rows):,} speakers", title_justify="left")
    for name, options in (("name", {}), ("kind", {"no_wrap": True}), ("quotes", {"justify": "right", "no_wrap": True}),
                          ("docs", {"justify": "right", "no_wrap": True}), ("aliases", {"overflow": "fold"}),
                          ("id", {"no_wrap": True})):
        table.add_column(name, **options)
    for r in rows:
        # Names come from the articles: shown literally, never as Rich markup or escape codes.
        name = escape(printable(r.name)) + (" [yellow](ambiguous)[/]" if "ambiguous" in r.flags else "")
        table.add_row(
            name, r.kind, f"{r.quote_count:,}", f"{len(r.documents):,}",
            escape(printable(", ".join(a for a in r.aliases if a != r.name))), r.id,
        )
    out.print(table)


@command(epilog=_examples("quotetrack agreement", "quotetrack agreement --db news.db --json"))
def agreement(
    db: DbOption = DEFAULT_DB,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON instead of tables.")] = False,
) -> None:
    """How far reviewers agree: per pair, quotes both judged, observed agreement and Cohen's κ (Krippendorff's α for more)."""
    import orjson

    from .cli_agreement import as_json as report_json
    from .cli_agreement import print_report
    from .review.disputes import agreement_report

    with _open(db, create=False) as corpus, _failures(db):
        report = agreement_report(corpus.store)
    if as_json:
        sys.stdout.buffer.write(orjson.dumps(report_json(report), option=orjson.OPT_INDENT_2) + b"\n")
    else:
        print_report(out, report)


@command(epilog=_examples("quotetrack evaluate --gold ../shared/data/polnear-train --limit 50",
                         "quotetrack evaluate --gold gold/ --errors 10 --json evaluation.json"))
def evaluate(
    gold: Annotated[Path, typer.Option("--gold", metavar="FOLDER", exists=True, file_okay=False, show_default=False, help="Folder of NAME.txt + brat NAME.ann / NAME_XXXX.ann (flat, or PolNeAR text/ + attributions/).")],
    limit: Annotated[Optional[int], typer.Option("--limit", min=1, metavar="N", help="Only the first N articles (by name).")] = None,
    json_out: Annotated[Optional[Path], typer.Option("--json", metavar="FILE", help="Also write the full report as JSON.")] = None,
    model: ModelOption = None,
    wheelhouse: WheelhouseOption = None,
    errors: Annotated[int, typer.Option("--errors", min=0, metavar="N", help="Print N example false negatives, false positives and speaker errors.")] = 0,
) -> None:
    """Score quotetrack against hand-annotated articles (brat standoff, PolNeAR format)."""
    from .evaluate import run

    nlp = _pipeline(model, wheelhouse)
    try:
        # Piped to a file, Rich would fold the tables to 80 columns: keep them readable.
        console = out if out.is_terminal else Console(width=max(out.width, 120))
        run(gold, nlp, limit=limit, json_out=json_out, console=console, errors=errors)
    except (FileNotFoundError, ValueError) as exc:
        _fatal(str(exc))


def _pipeline(model: str | None, wheelhouse: Path | None):
    from .models import ModelError, load

    try:
        return load(model, wheelhouse=wheelhouse)
    except ModelError as exc:
        _fatal(str(exc))


@command("install-models", epilog=_examples("quotetrack install-models", "quotetrack install-models --wheelhouse wheels/ --offline"))
def install_models_cmd(
    wheelhouse: Annotated[Optional[Path], typer.Option("--wheelhouse", metavar="FOLDER", envvar="QUOTETRACK_WHEELHOUSE", help="Folder with a coreferee model wheel (default: ../shared/wheels when it exists).")] = None,
    offline: Annotated[bool, typer.Option("--offline", help="Never fall back to coreferee's online installer.")] = False,
) -> None:
    """Install the spaCy and coreferee models quotetrack needs (idempotent)."""
    from .models import InstallError, install_coref_model, install_spacy_model

    try:
        out.print(install_spacy_model(), highlight=False)
    except InstallError as exc:
        _fatal(str(exc))
    try:
        out.print(install_coref_model(wheelhouse, online=not offline), highlight=False)
    except InstallError as exc:
        _report("warning", f"{exc}; quotetrack will run without coreference.", "yellow")


@command(epilog=_examples("quotetrack doctor", "quotetrack doctor --model en_core_web_lg"))
def doctor(model: ModelOption = None) -> None:
    """Show which spaCy model, coreferee model and versions quotetrack uses."""
    from .models import installed_spacy_models, model_info

    nlp = _pipeline(model, None)
    info = model_info(nlp)
    table = Table(title=f"quotetrack {info.quotetrack_version}", show_header=False, title_justify="left")
    table.add_column(style="bold")
    table.add_column()
    table.add_row("python", sys.version.split()[0])
    table.add_row("spaCy", info.spacy_version)
    table.add_row("spaCy model", f"{info.spacy_package} {info.spacy_model_version}")
    table.add_row("installed models", ", ".join(installed_spacy_models()) or "none")
    table.add_row("coreferee", info.coreferee_version or "not installed")
    table.add_row("coreferee model", info.coref_model or f"[yellow]none[/] ({info.coref_error})")
    table.add_row("pipeline", " → ".join(nlp.pipe_names))
    out.print(table)


def main(argv: list[str] | None = None) -> None:
    """The console script: runs the app and turns every failure into one line and an exit code.

    Expected failures exit through :func:`_fatal` (3), with a usage message
    (2) or on Ctrl-C (130). Anything else is a bug: one line naming it and a
    hint to rerun with ``--debug``, which shows the traceback instead (exit 4).
    """
    args = sys.argv[1:] if argv is None else list(argv)
    _State.debug = _State.debug or "--debug" in args
    try:
        app(args=args, prog_name="quotetrack")
    except Exception as exc:  # noqa: BLE001  (the last line of defence)
        if _State.debug:
            raise
        _report("error", f"unexpected {type(exc).__name__}: {exc} (a bug; rerun with --debug for the traceback)")
        sys.exit(EXIT_BUG)


if __name__ == "__main__":
    main()
