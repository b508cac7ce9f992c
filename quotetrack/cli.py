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
GO_ON = "documents stored so far are kept: run the same command again to go on"

app = typer.Typer(
    name="quotetrack",
    help="Find quotes in news articles, attribute them to speakers, review and export them.",
    no_args_is_help=True,
    add_completion=False,
    rich_markup_mode="rich",
    pretty_exceptions_enable=False,
)
out = Console()
err = Console(stderr=True)

DbOption = Annotated[Path, typer.Option("--db", help="The SQLite store.", show_default=True)]
AliasesOption = Annotated[
    Optional[Path],
    typer.Option(
        "--aliases",
        envvar="QUOTETRACK_ALIASES",
        help="TOML aliases file forcing or forbidding speaker merges; remembered in the store for later runs.",
    ),
]
FormatOption = Annotated[
    Literal["json", "jsonl"], typer.Option("--format", help="Export format: json (one database) or jsonl (a quote per line).")
]
ModelOption = Annotated[Optional[str], typer.Option("--model", help="spaCy model package to use (default: the best installed).")]
WheelhouseOption = Annotated[
    Optional[Path],
    typer.Option("--wheelhouse", envvar="QUOTETRACK_WHEELHOUSE", help="Folder with a coreferee model wheel, installed from there if the model is missing."),
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


def _export(corpus, output: Path, fmt: str, **filters) -> int:
    try:
        with _failures(corpus.path):
            return corpus.export(output, format=fmt, **filters)
    except OSError as exc:
        _fatal(f"cannot write the export {output}: {exc.strerror or exc}; the previous export there is unchanged")


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


PathsArgument = Annotated[list[Path], typer.Argument(help="Articles: .txt files, folders of them (searched recursively), or .jsonl files of {\"id\", \"text\"} objects.", show_default=False)]
OutputOption = Annotated[Path, typer.Option("-o", "--output", help="Where to write the export.")]
ForceOption = Annotated[bool, typer.Option("--force", help="Extract again even documents unchanged since the last run.")]
EncodingOption = Annotated[str, typer.Option("--encoding", help="How .txt files are decoded: utf-8 (strict; invalid files are reported), auto (UTF-8, else cp1252, with a note), or any codec name such as latin-1.")]
JobsOption = Annotated[Optional[int], typer.Option("--jobs", "-j", min=1, help="Worker processes (or LocalCluster workers with --engine dask). Default: all cores, fewer for a handful of documents.", show_default=False)]
EngineOption = Annotated[Literal["local", "dask"], typer.Option("--engine", help="local (this machine's cores) or dask (a Dask cluster: --scheduler, else a LocalCluster).")]
SchedulerOption = Annotated[Optional[str], typer.Option("--scheduler", help="Dask scheduler address, e.g. tcp://host:8786 (with --engine dask).", show_default=False)]
CorefOption = Annotated[Literal["window", "document", "off"], typer.Option("--coref", help="Coreference: window (around pronoun and descriptive speakers), document (coreferee over whole documents, slower) or off.")]
TimeoutOption = Annotated[float, typer.Option("--doc-timeout", min=0, metavar="SECONDS", help="Time a document may take (per 50,000 characters) before it is reported as failed and the run goes on; 0 or inf: no limit. Not enforced with --engine dask.")]
IdFieldOption = Annotated[str, typer.Option("--id-field", metavar="FIELD", help="The field of a JSONL object that holds the document's id (its other fields are kept as the document's meta).")]
TextFieldOption = Annotated[str, typer.Option("--text-field", metavar="FIELD", help="The field of a JSONL object that holds the document's text.")]


@app.command()
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
    with _usage("--encoding"):
        check_encoding(encoding)
    with _usage("--doc-timeout"):
        check_time_limit(doc_timeout)
    with _usage("--text-field"):
        check_fields(id_field, text_field)
    with _open(db, check=True, model=model, coref=coref, wheelhouse=wheelhouse) as corpus:
        _use_aliases(corpus, aliases)
        summary, notes = _extract(corpus, paths, jobs=jobs, engine=engine, scheduler=scheduler, force=force,
                                  encoding=encoding, doc_timeout=doc_timeout, id_field=id_field, text_field=text_field)
        count = _export(corpus, output, fmt)
        with _failures(db):
            _print_summary(corpus.store.counts(), summary, output, count, notes)
    if summary.interrupted:
        _report("interrupted", GO_ON, "yellow")
        raise typer.Exit(EXIT_INTERRUPTED)
    _aliases_problem(summary)
    raise typer.Exit(EXIT_OK if summary.ok else EXIT_INPUT_FAILED)


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


def _print_summary(c: dict[str, int], summary, output: Path, exported: int, notes: int = 0) -> None:
    title = "quotetrack extract" + (" (interrupted)" if summary.interrupted else "")
    table = Table(title=title, show_header=False, title_justify="left")
    table.add_column(style="bold")
    table.add_column(justify="right")
    table.add_row("documents", f"{max(summary.total, summary.done):,} ({summary.extracted:,} extracted, "
                               f"{summary.unchanged:,} unchanged)")
    for what, n in _documents_not_stored(summary):  # every document the inputs hold is accounted for
        table.add_row(f"  {what}", f"[yellow]{n:,}[/]" if what.startswith("not done") else f"{n:,}")
    table.add_row("quotes", f"{c['quotes']:,}")
    for kind in ("direct", "indirect", "mixed"):
        table.add_row(f"  {kind}", f"{c.get('quotes.' + kind, 0):,}")
    table.add_row("speakers", f"{c['speakers']:,}")
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
        where = f"{summary.engine}, {summary.jobs} job{'s' if summary.jobs != 1 else ''}"
        table.add_row("speed", f"{summary.words / summary.seconds:,.0f} words/s ({where})")
    table.add_row("export", Text(f"{printable(str(output))} ({exported:,} quotes)"))
    out.print(table)


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


@app.command("export")
def export_cmd(
    db: DbOption = DEFAULT_DB,
    output: Annotated[Path, typer.Option("-o", "--output", help="Where to write the export.")] = DEFAULT_OUTPUT,
    fmt: FormatOption = "json",
    status: Annotated[Optional[str], typer.Option("--status", help="Only quotes with these review statuses, comma-separated: pending, confirmed (includes corrected), rejected, corrected.")] = None,
) -> None:
    """Write the quote database from the store, without extracting anything."""
    from .corpus import Corpus

    with _usage("--status"):
        Corpus.select(status)
    with _open(db, create=False) as corpus:
        count = _export(corpus, output, fmt, status=status)
    out.print(Text(f"wrote {count:,} quotes to {printable(str(output))}"), highlight=False)
    _aliases_problem(corpus)


@app.command()
def review(
    db: DbOption = DEFAULT_DB,
    reviewer: Annotated[Optional[str], typer.Option("--reviewer", help="Name recorded with every decision (default: the OS user).", show_default=False)] = None,
    doc: Annotated[Optional[str], typer.Option("--doc", help="Open on this document's quotes.", show_default=False)] = None,
    status: Annotated[Optional[str], typer.Option("--status", help="Open on quotes with this status: pending, reviewed, confirmed, corrected, rejected.", show_default=False)] = None,
) -> None:
    """Confirm, reject or correct attributions in the terminal; every decision is saved at once."""
    from .review import STATUS_FILTERS

    if status is not None and status.strip().lower() not in STATUS_FILTERS:
        raise typer.BadParameter(f"use one of {', '.join(STATUS_FILTERS)}", param_hint="--status")
    corpus = _open(db, create=False, check=True)  # a damaged store is refused before the app starts
    from .store import StoreError, check_writable
    from .tui.app import ReviewApp

    try:
        check_writable(corpus.store.conn, corpus.path)  # a read-only one too: decisions could not be saved
    except StoreError as exc:
        _fatal(f"{exc}; the review saves every decision, so it needs a store it can write")
    app = ReviewApp(corpus.store, reviewer or _os_user(), document=doc, status=status.strip().lower() if status else None)
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


@app.command()
def speakers(
    db: DbOption = DEFAULT_DB,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON instead of a table.")] = False,
    aliases: AliasesOption = None,
) -> None:
    """List the canonical speakers with their aliases, quote counts and documents."""
    import orjson

    with _open(db, create=False) as corpus, _failures(db):
        if aliases is not None:
            _use_aliases(corpus, aliases)
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


@app.command()
def evaluate(
    gold: Annotated[Path, typer.Option("--gold", exists=True, file_okay=False, show_default=False, help="Folder of NAME.txt + brat NAME.ann / NAME_XXXX.ann (flat, or PolNeAR text/ + attributions/).")],
    limit: Annotated[Optional[int], typer.Option("--limit", min=1, help="Only the first N articles (by name).")] = None,
    json_out: Annotated[Optional[Path], typer.Option("--json", help="Also write the full report as JSON.")] = None,
    model: ModelOption = None,
    wheelhouse: WheelhouseOption = None,
    errors: Annotated[int, typer.Option("--errors", min=0, help="Print N example false negatives, false positives and speaker errors.")] = 0,
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


@app.command("install-models")
def install_models_cmd(
    wheelhouse: Annotated[Optional[Path], typer.Option("--wheelhouse", envvar="QUOTETRACK_WHEELHOUSE", help="Folder with a coreferee model wheel (default: ../shared/wheels when it exists).")] = None,
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


@app.command()
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
