"""The ``sitroom`` command: thin commands over the library."""

from __future__ import annotations

import json
import logging
import sys
from contextlib import nullcontext
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Optional

import typer
from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from . import __version__
from .errors import CODES, SitroomError
from .filters import ActorIndex, EventFilter, FilterError, make_filter, threat_stories
from .export import FORMATS, coded_rows, write_csv, write_jsonl, write_parquet
from .ingest.readers import DEFAULT_MAX_BYTES, count_files
from .terminal import printable

if TYPE_CHECKING:  # DuckDB is imported when a command opens a store ('sitroom code' never does)
    from .store import Store

app = typer.Typer(
    help="Sitroom: crisis news articles in, sourced PLOVER events out.",
    invoke_without_command=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
# Piped or captured output is not squeezed into 80 columns.
out = Console(highlight=False, soft_wrap=True, width=None if sys.stdout.isatty() else 160)
err = Console(stderr=True, highlight=False, soft_wrap=True)

DbOption = Annotated[
    Optional[Path],
    typer.Option("--db", help="DuckDB store [default: $SITROOM_DB, else ./sitroom.duckdb]", show_default=False),
]
LexiconOption = Annotated[
    Optional[list[Path]],
    typer.Option("--lexicon", help="Extra lexicon file (JSON Lines); repeatable.", exists=True, dir_okay=False),
]
ActorsOption = Annotated[
    Optional[list[Path]],
    typer.Option("--actors", help="Extra actor dictionary file (JSON Lines); repeatable.", exists=True, dir_okay=False),
]
ModelOption = Annotated[
    Optional[Path],
    typer.Option(
        "--model", help="Decision model file from 'sitroom train' [default: $SITROOM_MODEL, else the shipped model].",
        exists=True, dir_okay=False, show_default=False,
    ),
]  # fmt: skip
RulesOnlyOption = Annotated[
    bool, typer.Option("--rules-only", help="No decision model: the rules' events as they are, without confidence.")
]
ThresholdOption = Annotated[
    Optional[float],
    typer.Option(
        "--threshold", min=0.0, max=1.0, show_default=False,
        help="Keep events at least this confident [default: the model's own]; 0 keeps every candidate, with its confidence.",
    ),
]  # fmt: skip
FollowSymlinksOption = Annotated[
    bool,
    typer.Option(
        "--follow-symlinks",
        help="Read symbolic links in a folder that lead outside it (refused by default: E116).",
    ),
]
WaitOption = Annotated[
    float,
    typer.Option(
        "--wait", min=0.0, metavar="SECONDS",
        help="How long to wait for a store another process is using (a running watch lets go between writes); 0 fails at once.",
    ),
]  # fmt: skip
MinConfidenceOption = Annotated[
    Optional[float],
    typer.Option(
        "--min-confidence", min=0.0, max=1.0, show_default=False,
        help="Only events (stories) with at least this confidence; events coded with --rules-only have none.",
    ),
]  # fmt: skip
# The shared filters (README, "Filters"): checked by sitroom.filters.make_filter, the same in Python and the HTTP API.
OutputOption = Annotated[Optional[Path], typer.Option("--output", "-o", help="Write to this file instead of stdout.", show_default=False)]
LISTING_FORMATS = ("table", "csv", "jsonl", "parquet")  # every listing command; output convention: sitroom.output
SinceOption = Annotated[Optional[str], typer.Option("--since", help="Only events (story events) dated from this day (YYYY-MM-DD).", show_default=False)]
UntilOption = Annotated[Optional[str], typer.Option("--until", help="Only events (story events) dated up to this day (YYYY-MM-DD).", show_default=False)]
ActorOption = Annotated[
    Optional[str],
    typer.Option("--actor", show_default=False,
                 help="The actor side: a name or alias (Hezbollah, Iran), a country code (IRN) or country and sector (IRNMIL)."),
]  # fmt: skip
RecipientOption = Annotated[
    Optional[str], typer.Option("--recipient", help="The recipient side, named as --actor.", show_default=False)
]
DyadOption = Annotated[
    Optional[str],
    typer.Option("--dyad", show_default=False, help="Actor and recipient as SOURCE-TARGET: IRN-ISR, ISRMIL-IRN, Hezbollah-ISR."),
]
UndirectedOption = Annotated[
    bool, typer.Option("--undirected", help="Match actor and recipient (or the dyad) either way round.")
]
TypeOption = Annotated[
    Optional[list[str]],
    typer.Option("--type", show_default=False, help="PLOVER event type (ASSAULT); repeatable or a comma list."),
]
ModalityOption = Annotated[
    Optional[list[str]],
    typer.Option("--modality", show_default=False, help="Modality (asserted, planned, ...); repeatable or a comma list."),
]
QueryOption = Annotated[
    Optional[str], typer.Option("--q", "--query", help="Only events whose reporting sentence holds these words.", show_default=False)
]


def _parse_day(value: str | None) -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise typer.BadParameter(f"{value!r} is not a date in the form YYYY-MM-DD") from None


def _filter(store: Store, **given) -> EventFilter:
    """The shared filters, checked (sitroom.filters), or a clean exit (2) naming what is wrong."""
    try:
        return make_filter(ActorIndex.for_store(store), **given)
    except FilterError as exc:
        raise _fail(str(exc), 2) from None


def _db(path: Path | None) -> str:
    from .store import default_db_path

    return str(path) if path else default_db_path()


def _safe(text: object) -> str:
    """Untrusted text (a file name, an id, a title, a message quoting input) as printed:
    terminal control characters shown as escapes (sitroom.terminal), Rich markup escaped."""
    return escape(printable(text))


class _SafeFormatter(logging.Formatter):
    """Log lines with the message's control characters shown as escapes."""

    def formatMessage(self, record: logging.LogRecord) -> str:
        return printable(super().formatMessage(record))


def _fail(message: str, code: int = 1) -> typer.Exit:
    err.print(f"[red]error:[/red] {_safe(message)}")
    return typer.Exit(code)


def _waiting(message: str) -> None:
    err.print(f"[yellow]waiting:[/yellow] {escape(message)}")


def _indexing(done: int, total: int) -> None:
    err.print(f"indexing sentences for text search: {done:,} of {total:,}")


def _open(db: Path | None, wait: float, *, read_only: bool = False, keep_open: bool = True) -> Store:
    """The store, waiting up to ``wait`` seconds for another process to let go of it,
    or a clean exit naming the problem. Opened for writing, a store of an earlier schema is
    migrated, its text index built with progress shown."""
    from .store import Store

    try:
        return Store(_db(db), read_only=read_only, wait=wait, on_wait=_waiting, keep_open=keep_open, on_progress=_indexing)
    except SitroomError as exc:
        raise _fail(str(exc)) from None


def _stories_line(stories) -> str:
    return (
        f"{stories.mentions} new mentions -> {stories.new_stories} new story events, "
        f"{stories.extended_stories} extended; {stories.copies} of {stories.articles_checked} new articles are wire copies; "
        f"{stories.links} response links"
    )


@app.callback()
def _main(
    ctx: typer.Context,
    verbose: Annotated[bool, typer.Option("--verbose", "-v", help="Log what happens.")] = False,
    version: Annotated[bool, typer.Option("--version", help="Print the version and exit.")] = False,
) -> None:
    handler = logging.StreamHandler()
    handler.setFormatter(_SafeFormatter("%(levelname)s %(name)s: %(message)s"))
    logging.basicConfig(level=logging.INFO if verbose else logging.WARNING, handlers=[handler])
    if version:
        out.print(f"sitroom {__version__}")
        raise typer.Exit(0)
    if ctx.invoked_subcommand is None:
        out.print(ctx.get_help())
        raise typer.Exit(0)


def _pipeline(
    actors: list[Path] | None, lexicons: list[Path] | None = None, model: Path | None = None, rules_only: bool = False,
    threshold: float | None = None,
):  # fmt: skip
    """The pipeline, or a clean exit naming the bad dictionary, lexicon or model file."""
    from .pipeline import Pipeline

    if model is not None and rules_only:
        raise _fail("--model and --rules-only exclude each other", 2)
    if threshold is not None and rules_only:
        raise _fail("--threshold needs the decision model; --rules-only keeps every candidate", 2)
    try:
        return Pipeline(actor_files=actors or (), lexicon_files=lexicons or (), model=model, rules_only=rules_only, threshold=threshold)
    except SitroomError as exc:
        raise _fail(str(exc)) from None


@app.command()
def ingest(
    paths: Annotated[list[Path], typer.Argument(help="Files or folders (searched recursively).", show_default=False)],
    db: DbOption = None,
    outlet: Annotated[Optional[str], typer.Option(help="Outlet for articles whose source names none.")] = None,
    published: Annotated[
        Optional[str], typer.Option(help="Publication date (YYYY-MM-DD) for articles whose metadata gives none.")
    ] = None,
    actors: ActorsOption = None,
    lexicon: LexiconOption = None,
    model: ModelOption = None,
    rules_only: RulesOnlyOption = False,
    threshold: ThresholdOption = None,
    max_bytes: Annotated[int, typer.Option(help="Largest file (or JSONL/CSV record) read, in bytes.", min=1)] = DEFAULT_MAX_BYTES,
    follow_symlinks: FollowSymlinksOption = False,
    progress: Annotated[bool, typer.Option("--progress/--no-progress", help="Show a progress bar.")] = True,
    wait: WaitOption = 30.0,
    workers: Annotated[
        Optional[int],
        typer.Option(
            min=1, show_default=False,
            help="Processes that parse and code (default: the cores this process may use; 1: all in this process). "
            "The worker pool starts only once more than --pool-after batches of 32 new articles are waiting: "
            "a smaller run is coded in this process. With --dask local: the number of Dask workers.",
        ),
    ] = None,
    pool_after: Annotated[
        int,
        typer.Option(
            min=0, help="Batches of 32 new articles waiting before the worker pool starts (0: at once).",
        ),
    ] = 4,
    dask: Annotated[
        Optional[str],
        typer.Option(
            metavar="ADDRESS|local", show_default=False,
            help="Parse and code on a Dask cluster: a scheduler's address (tcp://host:8786), or 'local' for "
            "--workers processes on this machine. Needs pip install 'sitroom\\[dask]'.",
        ),
    ] = None,
    shard_dir: Annotated[
        Optional[Path],
        typer.Option(
            show_default=False,
            help="With --dask: a folder the workers and this process share; workers write each coded batch there "
            "as Parquet files instead of sending it back.",
        ),
    ] = None,
) -> None:
    """Read articles (txt, html, jsonl, csv, rss/atom, folders), code their events and store them.

    Parsing and coding run in --workers processes (default: one per core) once a run has more than
    --pool-after batches of 32 new articles; smaller runs are coded in this process. Reading, the
    store and the story stage stay in this process.

    Exit code 0 when every item was stored (or was already stored), 1 when any item failed.
    """
    from .parallel import default_workers, require_dask
    from .pipeline import IngestOptions

    options = IngestOptions(
        outlet=outlet, published=_parse_day(published), max_bytes=max_bytes, follow_symlinks=follow_symlinks,
        pool_after=pool_after,
    )  # fmt: skip
    from .stories import StoryReport, complete_stories

    if shard_dir is not None and dask is None:
        raise _fail("--shard-dir needs --dask", 2)
    if dask is not None:
        try:
            require_dask()
        except SitroomError as exc:
            raise _fail(str(exc), 2) from None
        # Dask logs each start and stop at INFO on its own handler: only with --verbose here
        logging.getLogger("distributed").setLevel(logging.getLogger().getEffectiveLevel())
    workers = workers or default_workers()
    pipeline = _pipeline(actors, lexicon, model, rules_only, threshold)
    store = _open(db, wait, keep_open=False)  # held while reading and writing, not while parsing
    with store:
        recovered = complete_stories(store)  # what a run killed before its story stage left
        store.release()
        if recovered is not None:
            err.print(f"stories left by an interrupted run: {_stories_line(recovered)}")
        total = count_files(paths, follow_symlinks)
        show = progress and err.is_terminal
        bar = Progress(
            TextColumn("[bold]ingest[/bold]"),
            BarColumn(),
            MofNCompleteColumn(),
            TextColumn("files · {task.fields[articles]} articles"),
            TimeElapsedColumn(),
            console=err,
            disable=not show,
        )
        with bar:
            task = bar.add_task("ingest", total=total, articles=0)

            def on_progress(path: str, report) -> None:
                bar.update(task, completed=min(max(report.files - 1, 0), total), articles=report.parsed)

            try:
                report = pipeline.ingest(
                    paths, store, options, progress=on_progress, workers=workers, dask=dask, shard_dir=shard_dir
                )
            except SitroomError as exc:
                raise _fail(str(exc)) from None
            bar.update(task, completed=total, articles=report.articles)
        with err.status("stories: finding wire copies and merging reports", spinner="dots") if show else nullcontext() as status:

            def on_stories(stage: str, done: int, of: int) -> None:
                if status is not None:
                    status.update(f"stories: {stage} {done:,} of {of:,}")

            stories = complete_stories(store, progress=on_stories) or StoryReport()
    shown = report.problems[:50]
    for problem in shown:
        style = "red" if problem.failure else "dim"
        err.print(f"[{style}]{'error' if problem.failure else 'skipped'}:[/{style}] {_safe(problem)}")
    if report.problem_total > len(shown):
        err.print(f"... and {report.problem_total - len(shown):,} more (see 'sitroom errors')")
    reasons = ", ".join(
        f"{n} {CODES.get(code, code)}" for (code, failure), n in sorted(report.problem_counts.items())
    )
    err.print(
        f"[bold]{report.articles}[/bold] articles stored"
        + (f" ({report.revised} as new revisions of stored ones)" if report.revised else "")
        + f", {report.sentences} sentences, {report.events} events; "
        f"{report.unchanged} already stored; {report.failed} failed"
        + (f" ({reasons})" if reasons else "")
        + f" -> {_safe(store.path)}"
    )
    err.print(f"stories: {_stories_line(stories)}")
    raise typer.Exit(1 if report.failed else 0)


@app.command()
def recode(
    db: DbOption = None,
    model: ModelOption = None,
    rules_only: RulesOnlyOption = False,
    threshold: ThresholdOption = None,
    actors: ActorsOption = None,
    lexicon: LexiconOption = None,
    article: Annotated[
        Optional[list[str]],
        typer.Option("--article", metavar="ID", show_default=False,
                     help="Only this stored article (its id, as 'sitroom events' shows it); repeatable."),
    ] = None,
    since: Annotated[
        Optional[str], typer.Option("--since", help="Only articles published from this day (YYYY-MM-DD).", show_default=False)
    ] = None,
    until: Annotated[
        Optional[str], typer.Option("--until", help="Only articles published up to this day (YYYY-MM-DD).", show_default=False)
    ] = None,
    progress: Annotated[bool, typer.Option("--progress/--no-progress", help="Show a progress bar.")] = True,
    wait: WaitOption = 30.0,
) -> None:
    """Code the stored articles again with the current rules, dictionaries and model (or the ones given), keeping
    the reviews.

    Exit code 0 when every article asked for was coded again, 1 when an --article is not stored (E120).
    """
    from .pipeline import RecodeOptions

    options = RecodeOptions(article_ids=tuple(article or ()), since=_parse_day(since), until=_parse_day(until))
    if options.since and options.until and options.since > options.until:
        raise _fail(f"--since {options.since} is after --until {options.until}", 2)
    pipeline = _pipeline(actors, lexicon, model, rules_only, threshold)
    store = _open(db, wait, keep_open=False)  # held while reading and writing, not while parsing
    show = progress and err.is_terminal
    with store:
        bar = Progress(
            TextColumn("[bold]recode[/bold]"), BarColumn(), MofNCompleteColumn(), TextColumn("articles {task.fields[stage]}"),
            TimeElapsedColumn(), console=err, disable=not show,
        )  # fmt: skip
        with bar:
            task = bar.add_task("recode", total=None, stage="")

            def on_progress(report) -> None:
                bar.update(task, total=report.selected, completed=report.articles + report.changed)

            def on_stories(stage: str, done: int, of: int) -> None:
                bar.update(task, stage=f"· stories: {stage} {done:,} of {of:,}")

            report = pipeline.recode(store, options, progress=on_progress, story_progress=on_stories)
    for missing in report.missing:
        err.print(f"[red]error:[/red] [E120] no article {_safe(repr(missing))} in the store (see 'sitroom events' for article ids)")
    err.print(
        f"[bold]{report.articles}[/bold] articles re-coded"
        + (f" ({report.changed} left out: stored anew meanwhile)" if report.changed else "")
        + f"; events {report.events_before} -> {report.events_after} ({report.events_kept} kept their ids); "
        f"reviews: {report.reviews_applied} applied, {report.reviews_orphaned} orphaned"
        + (f" ({report.newly_orphaned} by this run)" if report.newly_orphaned else "")
        + f" -> {_safe(store.path)}"
    )
    if report.stories is not None:
        err.print(f"stories: {_stories_line(report.stories)}")
    raise typer.Exit(1 if report.missing else 0)


@app.command()
def watch(
    sources: Annotated[
        list[str],
        typer.Argument(help="RSS/Atom feed URLs (http:// or https://), files or folders (searched recursively).", show_default=False),
    ],
    db: DbOption = None,
    every: Annotated[str, typer.Option(help="How often each source is polled: 90s, 15m, 1h or seconds (at least 1s).")] = "15m",
    cycles: Annotated[int, typer.Option(help="Stop after this many rounds; 0 runs until Ctrl-C.", min=0)] = 0,
    outlet: Annotated[Optional[str], typer.Option(help="Outlet for articles whose source names none.")] = None,
    actors: ActorsOption = None,
    lexicon: LexiconOption = None,
    model: ModelOption = None,
    rules_only: RulesOnlyOption = False,
    threshold: ThresholdOption = None,
    max_bytes: Annotated[int, typer.Option(help="Largest feed response, file (or JSONL/CSV record) read, in bytes.", min=1)] = DEFAULT_MAX_BYTES,
    follow_symlinks: FollowSymlinksOption = False,
    wait: WaitOption = 30.0,
) -> None:
    """Poll feeds and folders; code and store only the new articles, again and again.

    One line per source and round on stderr. A source that fails is recorded
    (see 'sitroom errors') and retried after a growing wait. Exit code 0.
    """
    from datetime import datetime

    from .pipeline import IngestOptions
    from .watch import SourceError, Watcher, check_source, format_duration, parse_duration

    try:
        interval = parse_duration(every)
    except ValueError as exc:
        raise typer.BadParameter(str(exc), param_hint="--every") from None
    try:
        for source in sources:
            check_source(source)
    except SourceError as exc:
        raise _fail(str(exc), 2) from None
    pipeline = _pipeline(actors, lexicon, model, rules_only, threshold)
    store = _open(db, wait, keep_open=False)  # the file is held only while a round reads or writes it

    def plural(count: int, word: str) -> str:
        return f"{count} {word}" + ("" if count == 1 else "s")

    def on_cycle(report) -> None:
        if report.recovered is not None:
            err.print(f"{report.started:%H:%M:%S} stories left by an interrupted run: {_stories_line(report.recovered)}")
        for s in report.sources:
            stamp = f"{s.at:%H:%M:%S}"
            if s.error:
                err.print(
                    f"{stamp} {_safe(s.source)}: [red]failed:[/red] {_safe(s.error)}; "
                    f"retry at {s.next_at:%H:%M:%S} (back-off {format_duration(s.wait)})"
                )
                continue
            parts = []
            if s.articles or s.events:
                parts.append(f"[bold]{plural(s.articles, 'new article')}[/bold], {plural(s.events, 'event')}")
            if s.unchanged:
                parts.append(f"{s.unchanged} already stored")
            if s.problems:
                parts.append(f"[red]{plural(s.problems, 'problem')}[/red] (see 'sitroom errors')")
            if s.settling:
                parts.append(f"{plural(s.settling, 'file')} still changing, read once unchanged")
            if not parts:
                parts.append("nothing new" + (" (not modified)" if s.not_modified else ""))
            err.print(f"{stamp} {_safe(s.source)}: " + "; ".join(parts))
        if report.stories is not None:
            st = report.stories
            err.print(
                f"{datetime.now():%H:%M:%S} stories: {plural(st.mentions, 'new mention')} -> {plural(st.new_stories, 'new story event')}, "
                f"{st.extended_stories} extended"
            )

    with store:
        watcher = Watcher(
            sources, store, pipeline, every=interval, on_cycle=on_cycle,
            options=IngestOptions(outlet=outlet, max_bytes=max_bytes, follow_symlinks=follow_symlinks),
        )
        err.print(
            f"watching {plural(len(watcher.sources), 'source')} every {format_duration(interval)} -> {_safe(store.path)}"
            + ("" if cycles else "; Ctrl-C stops")
        )
        try:
            watcher.run(cycles=cycles or None)
            ended = "done"
        except KeyboardInterrupt:
            ended = "stopped"
    t = watcher.totals
    err.print(
        f"{ended} after {plural(t.rounds, 'round')}: {plural(t.articles, 'article')} stored, {plural(t.events, 'event')}, "
        f"{plural(t.problems, 'problem')}, {plural(t.errors, 'failed poll')} -> {_safe(store.path)}"
    )


@app.command()
def events(
    db: DbOption = None,
    format: Annotated[str, typer.Option("--format", "-f", help="table, csv, jsonl or parquet.")] = "table",
    output: OutputOption = None,
    limit: Annotated[Optional[int], typer.Option(help="At most this many events.", min=0)] = None,
    since: SinceOption = None,
    until: UntilOption = None,
    actor: ActorOption = None,
    recipient: RecipientOption = None,
    dyad: DyadOption = None,
    undirected: UndirectedOption = False,
    type: TypeOption = None,
    modality: ModalityOption = None,
    min_confidence: MinConfidenceOption = None,
    q: QueryOption = None,
    wait: WaitOption = 30.0,
) -> None:
    """Print or export the stored events in the public schema (docs/schema.md), filtered (README, "Filters")."""
    if format not in FORMATS:
        raise typer.BadParameter(f"unknown format {format!r}; choose from {', '.join(FORMATS)}", param_hint="--format")
    store = _open(db, wait, read_only=True)
    with store:
        f = _filter(store, since=since, until=until, actor=actor, recipient=recipient, dyad=dyad, undirected=undirected,
                    type=type, modality=modality, min_confidence=min_confidence, q=q)  # fmt: skip
        if format == "parquet":
            if output is None:
                raise _fail("--format parquet needs --output FILE", 2)
            n = write_parquet(store, str(output), filters=f)
            err.print(f"{n} events -> {_safe(str(output))}")
            return
        rows = store.iter_public_events(filters=f)
        if format == "table":
            _print_events_table(rows, limit if limit is not None else 50)
            return
        writer = write_jsonl if format == "jsonl" else write_csv
        if output is None:
            writer(rows, sys.stdout, limit)
        else:
            with output.open("w", encoding="utf-8", newline="") as fh:
                n = writer(rows, fh, limit)
            err.print(f"{n} events -> {_safe(str(output))}")


@app.command()
def export(
    parquet_dir: Annotated[Path, typer.Option("--parquet-dir", help="Folder to write (created; an earlier export there is replaced).")],
    db: DbOption = None,
    since: SinceOption = None,
    until: UntilOption = None,
    actor: ActorOption = None,
    recipient: RecipientOption = None,
    dyad: DyadOption = None,
    undirected: UndirectedOption = False,
    type: TypeOption = None,
    modality: ModalityOption = None,
    min_confidence: MinConfidenceOption = None,
    q: QueryOption = None,
    wait: WaitOption = 30.0,
) -> None:
    """Write events and story events as Parquet partitioned by month (events/month=YYYY-MM/...,
    stories/month=YYYY-MM/...), for DuckDB, pandas, Spark or BigQuery (docs/lake.md)."""
    from .lake import LakeError, export_lake

    store = _open(db, wait, read_only=True)
    with store:
        f = _filter(store, since=since, until=until, actor=actor, recipient=recipient, dyad=dyad, undirected=undirected,
                    type=type, modality=modality, min_confidence=min_confidence, q=q)  # fmt: skip
        try:
            report = export_lake(store, parquet_dir, filters=f)
        except LakeError as exc:
            raise _fail(str(exc), 2) from None
    err.print(
        f"{report.events} events and {report.stories} story events in {report.months} monthly partitions "
        f"({report.files} Parquet files) -> {_safe(str(parquet_dir))}"
    )


@app.command()
def code(
    text: Annotated[str, typer.Argument(help="Text to code; '-' reads standard input.", show_default=False)],
    published: Annotated[Optional[str], typer.Option(help="Publication date (YYYY-MM-DD) for date-bound actor roles.")] = None,
    format: Annotated[str, typer.Option("--format", "-f", help="table or jsonl.")] = "table",
    actors: ActorsOption = None,
    lexicon: LexiconOption = None,
    model: ModelOption = None,
    rules_only: RulesOnlyOption = False,
    threshold: ThresholdOption = None,
) -> None:
    """Code one text and print its events (nothing is stored)."""
    if format not in ("table", "jsonl"):
        raise typer.BadParameter("choose table or jsonl", param_hint="--format")
    if text == "-":
        text = sys.stdin.read()
    day = _parse_day(published)
    pipeline = _pipeline(actors, lexicon, model, rules_only, threshold)
    try:
        coded = pipeline.code_text(text, published=day)
    except ValueError as exc:
        raise _fail(str(exc)) from None
    rows = coded_rows(coded)
    if format == "jsonl":
        write_jsonl(rows, sys.stdout)
    elif not rows:
        err.print("no events found")
    else:
        _print_events_table(rows, None, with_date=False)


@app.command()
def train(
    data: Annotated[
        list[Path],
        typer.Argument(
            help="Annotated data: real-news split folders (articles.jsonl + gold.jsonl), JSONL files of articles "
            "with their 'events', or PLOVER gold-record files (docs/training.md).",
            exists=True, show_default=False,
        ),
    ],
    output: Annotated[Path, typer.Option("--output", "-o", help="Model file to write (.npz).", dir_okay=False, show_default=False)],
    override: Annotated[float, typer.Option(help="The model replaces the rules' type at or above this probability.", min=0.0, max=1.0)] = 0.6,
    threshold: Annotated[
        Optional[float],
        typer.Option(help="Drop events under this confidence [default: the best cross-validated event F1 that keeps the rules' recall and a precision of at least 0.6].", min=0.0, max=1.0, show_default=False),
    ] = None,
    actors: ActorsOption = None,
    lexicon: LexiconOption = None,
    curve: Annotated[bool, typer.Option("--curve", help="Also print cross-validated precision and recall at every threshold.")] = False,
    json_out: Annotated[bool, typer.Option("--json", help="Print the cross-validated figures as JSON.")] = False,
) -> None:
    """Train the decision model on annotated text; print cross-validated figures and write the model file.

    The rules code every text; the model learns which of their candidates are events, of which type,
    and how sure to be. Use the model with 'sitroom ingest --model FILE' or SITROOM_MODEL=FILE.
    """
    import json

    from .decision.training import train_model

    pipeline = _pipeline(actors, lexicon, rules_only=True)
    show = err.is_terminal and not json_out
    with err.status("training: reading", spinner="dots") if show else nullcontext() as status:

        def on_progress(stage: str, done: int, of: int) -> None:
            if status is not None:
                status.update(f"training: {stage} {done:,} of {of:,}")

        try:
            result = train_model(pipeline, data, override=override, threshold=threshold, progress=on_progress)
        except SitroomError as exc:
            raise _fail(str(exc)) from None
    result.model.meta["name"] = output.name
    result.model.save(output)
    cv = result.cv
    if json_out:
        out.print_json(json.dumps({"model": str(output), "cross_validated": cv, "reliability": result.reliability}))
        return
    out.print(f"[bold]Trained[/bold] on {cv['texts']} texts, {cv['candidates']} candidate events; figures cross-validated over {cv['folds']} folds by text")
    ta = cv["type_accuracy"]
    table = Table("measure", "rules only", "model", "hybrid", box=None)
    table.add_row("type accuracy (located candidates)", f"{ta['rules']:.3f}", f"{ta['model']:.3f}", f"{ta['hybrid']:.3f}")
    r, f, h = cv["events_rules_only"], cv["events_sides_filled"], cv["events_hybrid"]
    table.add_row("event precision", f"{r['precision']:.3f}", f"{f['precision']:.3f} (sides filled)", f"{h['precision']:.3f}")
    table.add_row("event recall", f"{r['recall']:.3f}", f"{f['recall']:.3f}", f"{h['recall']:.3f}")
    table.add_row("event F1", f"{r['f1']:.3f}", f"{f['f1']:.3f}", f"{h['f1']:.3f}")
    table.add_row("events coded", str(r["coded"]), str(f["coded"]), str(h["coded"]))
    out.print(table)
    filled = {k: v for k, v in cv["sides_filled"].items() if k != "none"}
    out.print(f"sides filled from the article: {', '.join(f'{k} {v}' for k, v in sorted(filled.items())) or 'none'}")
    fa = cv["fill_accuracy"]
    out.print(f"filled sides right (where the annotation names a country): {fa['right']} of {fa['filled']} ({fa['accuracy']:.3f}); left empty {fa['left_empty']}")
    why = {"f1": f"best F1 keeping the rules' recall and precision ≥ {cv['threshold']['precision_floor']:.2f}", "recall floor": "most precise keeping the rules' recall",
           "f1 only": "best F1", "given": "given"}.get(cv["threshold"]["chosen_by"], cv["threshold"]["chosen_by"])  # fmt: skip
    out.print(f"threshold {result.model.threshold:.2f} ({why}) · override at p ≥ {override:.2f} · expected calibration error {cv['calibration_error']:.3f}")
    if curve:
        pr = Table("threshold", "precision", "recall", "F1", "events coded", box=None)
        for th, row in cv["by_threshold"].items():
            mark = " ←" if float(th) == result.model.threshold else ""
            pr.add_row(f"{float(th):.2f}{mark}", f"{row['precision']:.3f}", f"{row['recall']:.3f}", f"{row['f1']:.3f}", str(row["coded"]))
        out.print(pr)
    rel = Table("confidence", "events", "mean confidence", "right", box=None)
    for row in result.reliability:
        rel.add_row(row["bin"], str(row["events"]), f"{row['mean_confidence']:.3f}", f"{row['right']:.3f}")
    out.print(rel)
    err.print(f"model -> {_safe(str(output))} ({output.stat().st_size:,} bytes)")


@app.command()
def summary(db: DbOption = None, wait: WaitOption = 30.0) -> None:
    """A readable summary of what a store holds."""
    from .summary import summarise

    store = _open(db, wait, read_only=True)
    with store:
        s = summarise(store)
    span = f"{s.first_published} to {s.last_published}" if s.first_published else "no dates"
    dot = " · "
    out.print(f"[bold]Store[/bold] {_safe(s.path)}")
    out.print(
        f"  {s.articles} articles ({span}) from {len(s.outlets)} outlets, {s.sentences} sentences, {s.events} events"
    )
    out.print("  outlets: " + dot.join(f"{_safe(o)} {n}" for o, n in s.outlets))
    out.print("[bold]Events by type[/bold]")
    out.print("  " + dot.join(f"{_safe(t)} {n}" for t, n in s.event_types))
    out.print("[bold]Most active actors[/bold]")
    out.print("  " + dot.join(f"{_safe(a)} ({_safe(c)}) {n}" for a, c, n in s.actors))
    out.print("[bold]Top dyads[/bold] (actor -> recipient)")
    out.print("  " + dot.join(f"{_safe(a)} -> {_safe(b)} {_safe(t)} {n}" for a, b, t, n in s.dyads))
    removed = sum(n for _, n in s.removals)
    out.print("[bold]Scraper dirt removed[/bold]")
    out.print(f"  {removed} pieces" + (": " + dot.join(f"{r} {n}" for r, n in s.removals) if s.removals else ""))
    out.print("[bold]Ingest problems[/bold]")
    for c, m, n in s.problems:
        out.print(f"  {_safe(c)} x{n}: {_safe(m)}")
    for c, m, n in s.skipped:
        out.print(f"  {_safe(c)} x{n} (skipped): {_safe(m)}")
    if not s.problems and not s.skipped:
        out.print("  none")
    if s.highlights:
        out.print("[bold]Strongest story events[/bold] (most independent reports first)")
        for h in s.highlights:
            sentence = h["sentence"] or ""
            sentence = sentence if len(sentence) <= 110 else sentence[:107] + "..."
            out.print(
                f"  {h['published'] or '????-??-??'}  {_safe(h['story_id'])}  {_safe(h['event_type']):<8} {_safe(', '.join(h['actor']))} -> "
                f"{_safe(', '.join(h['recipient']))}  ({h['reports']} reports, {h['outlets']} outlets)"
            )
            out.print(f"      [dim]{_safe(sentence)}[/dim]")


def _read_store(db: Path | None, wait: float) -> Store:
    return _open(db, wait, read_only=True)


def _choice(value: str, choices: tuple[str, ...], option: str) -> str:
    if value not in choices:
        raise typer.BadParameter(f"unknown value {value!r}; choose from {', '.join(choices)}", param_hint=option)
    return value


def _countries_cell(refs) -> str:
    return "; ".join(f"{r['name'] or r['text']} [{r['country']}{' ' + r['sector'] if r['sector'] else ''}]" for r in refs or ()) or "-"


@app.command()
def stories(
    db: DbOption = None,
    format: Annotated[str, typer.Option("--format", "-f", help="table, csv, jsonl or parquet.")] = "table",
    output: OutputOption = None,
    columns: Annotated[
        str, typer.Option("--columns", help="Column style of csv, jsonl and parquet: sitroom, gdelt, acled or plover (docs/schema.md).")
    ] = "sitroom",
    min_reports: Annotated[int, typer.Option("--min-reports", help="Only story events with at least this many mentions.", min=1)] = 1,
    limit: Annotated[Optional[int], typer.Option(help="At most this many story events.", min=0)] = None,
    since: SinceOption = None,
    until: UntilOption = None,
    actor: ActorOption = None,
    recipient: RecipientOption = None,
    dyad: DyadOption = None,
    undirected: UndirectedOption = False,
    type: TypeOption = None,
    modality: ModalityOption = None,
    min_confidence: MinConfidenceOption = None,
    q: QueryOption = None,
    rebuild: Annotated[
        bool, typer.Option("--rebuild", help="Forget every story and copy group and build them again (new story ids).")
    ] = False,
    wait: WaitOption = 30.0,
) -> None:
    """Story events: every report of one real-world act merged into one, with consensus and disagreements;
    filtered on their consensus fields (README, "Filters")."""
    from .flat import STYLES

    _choice(format, LISTING_FORMATS, "--format")
    _choice(columns, STYLES, "--columns")
    if columns != "sitroom" and format == "table":
        raise typer.BadParameter("--columns applies to csv, jsonl and parquet", param_hint="--columns")
    given = dict(since=since, until=until, actor=actor, recipient=recipient, dyad=dyad, undirected=undirected, type=type,
                 modality=modality, min_confidence=min_confidence, q=q)  # fmt: skip
    if Path(_db(db)).exists():  # check the filters before a rebuild
        with _read_store(db, wait) as store:
            _filter(store, **given)
    if rebuild:
        from .stories import update_stories

        if not Path(_db(db)).exists():
            raise _fail(f"no store at {_db(db)} (run 'sitroom ingest' first, or pass --db)")
        with _open(db, wait) as store:
            store.reset_stories()
            report = update_stories(store)
        err.print(f"rebuilt: {report.new_stories} story events from {report.mentions} mentions, {report.copies} wire copies")
    shown = limit if limit is not None or format != "table" else 50
    with _read_store(db, wait) as store:
        f = _filter(store, **given)
        rows = store.public_stories(min_reports, shown, filters=f)
        total = store.count_stories(min_reports, filters=f) if limit is None and format == "table" else len(rows)
    if format != "table":
        from .flat import ACLED_COLUMNS, GDELT_COLUMNS, flat_rows
        from .store import PUBLIC_STORY_COLUMNS

        from .filters import default_dictionary

        names = default_dictionary().country_name if columns == "acled" else None
        fixed = {"sitroom": PUBLIC_STORY_COLUMNS, "gdelt": GDELT_COLUMNS, "acled": ACLED_COLUMNS, "plover": None}[columns]
        _emit(flat_rows(rows, columns, names), format, output, columns=fixed, noun="story events")
        return
    table = Table(box=None, pad_edge=False)
    for column in ("story", "when", "actor", "event", "recipient", "reports", "outlets", "indep.", "disputed", "answers"):
        table.add_column(column)
    for r in rows:
        table.add_row(
            _safe(r["story_id"]), str(r["event_date"] or "-"), _safe(_countries_cell(r["actor"])), _safe(r["event_type"]),
            _safe(_countries_cell(r["recipient"])), str(r["n_mentions"]), str(r["n_outlets"]),
            str(r["n_independent"]), _safe(", ".join(r["disagreements"]) or "-"), _safe(r["responds_to"] or "-"),
        )  # fmt: skip
    out.print(table)
    if total > len(rows):
        err.print(f"... {total - len(rows)} more (use --limit or --format jsonl)")


_ACT_REPORTS = 3  # reports of a carrying act shown under the ledger table


@app.command()
def threats(
    db: DbOption = None,
    status: Annotated[
        Optional[list[str]], typer.Option(help="Only entries with this status (open, 'carried out', withdrawn, lapsed); repeatable.")
    ] = None,
    actor: Annotated[
        Optional[str], typer.Option(help="Only entries with this actor (name, alias or code, as for events) as declarant or addressee.")
    ] = None,
    recipient: RecipientOption = None,
    type: TypeOption = None,
    since: SinceOption = None,
    until: UntilOption = None,
    window_days: Annotated[int, typer.Option("--window-days", help="Days a threat has to be carried out before it lapses.", min=0)] = 30,
    as_of: Annotated[Optional[str], typer.Option("--as-of", help="Judge statuses on this day (YYYY-MM-DD) [default: newest article].")] = None,
    format: Annotated[str, typer.Option("--format", "-f", help="table, csv, jsonl or parquet.")] = "table",
    output: OutputOption = None,
    wait: WaitOption = 30.0,
) -> None:
    """The threat ledger: every threat and conditional statement, and whether it was carried out."""
    from .stories import ledger

    _choice(format, LISTING_FORMATS, "--format")
    day = _parse_day(as_of)
    with _read_store(db, wait) as store:
        f = _filter(store, actor=actor, recipient=recipient, type=type, since=since, until=until)
        kept = threat_stories(store, f)
        try:
            entries = ledger.select(ledger.threat_ledger(store, window_days=window_days, as_of=day), status=status)
        except ValueError as exc:
            raise typer.BadParameter(str(exc), param_hint="--status") from None
    rows = [ledger.entry_row(e) for e in entries if kept is None or e.story_id in kept]
    if format != "table":
        _emit(rows, format, output, columns=ledger.ENTRY_COLUMNS, noun="ledger entries")
        return
    if not rows:
        err.print("no ledger entries")
        return
    colours = {"open": "yellow", "carried out": "red", "withdrawn": "green", "lapsed": "dim"}
    table = Table(box=None, pad_edge=False)
    for column in ("story", "date", "declarant", "addressee", "threatened", "condition", "status", "by", "sources"):
        table.add_column(column)
    for r in rows:
        table.add_row(
            _safe(r["story_id"]), str(r["date"] or "-"), _safe(", ".join(r["declarant_names"]) or "-"),
            _safe(", ".join(r["addressee_names"]) or "-"), _safe(r["consequence"] or "-"), _safe((r["condition"] or "-")[:40]),
            f"[{colours[r['status']]}]{r['status']}[/]", _safe(r["carried_out_by"] or "-"), str(len(r["sources"])),
        )  # fmt: skip
    out.print(table)
    for r in rows:
        if r["status"] != "carried out":
            continue
        out.print(f"{_safe(r['story_id'])} {_safe(r['reason'])}; act {_safe(r['carried_out_by'])}, "
                  f"event {_safe(r['carried_out_event'] or '-')}")  # fmt: skip
        reports = r["carried_out_reports"]
        for report in reports[:_ACT_REPORTS]:
            sentence = printable(report["sentence"] or "")
            sentence = sentence if len(sentence) <= 100 else sentence[:97] + "..."
            out.print(f"    {report['published'] or '-'}  {_safe(report['outlet'] or '-')}: {escape(sentence)}")
        if len(reports) > _ACT_REPORTS:
            out.print(f"    ... {len(reports) - _ACT_REPORTS} more reports (--format jsonl)")


def _emit(rows, format: str, output: Optional[Path], *, columns=None, noun: str = "rows") -> None:
    """Write listing rows as csv, jsonl, parquet or json (an array) by the one output convention
    (sitroom.output) to ``output`` or stdout; parquet needs ``output``."""
    from .output import plain, write_rows

    if format == "json":
        rows = [{c: r.get(c) for c in columns} if columns else r for r in rows]
        text = json.dumps(plain(rows), ensure_ascii=False, indent=1) + "\n"
        if output is None:
            sys.stdout.write(text)
        else:
            output.write_text(text, encoding="utf-8")
            err.print(f"{len(rows)} {noun} -> {_safe(str(output))}")
        return
    if format == "parquet" and output is None:
        raise _fail("--format parquet needs --output FILE", 2)
    if output is None:
        write_rows(rows, format, columns=columns)
        return
    try:
        n = write_rows(rows, format, output, columns=columns)
    except OSError as exc:
        raise _fail(f"cannot write {output}: {exc.strerror or exc}") from None
    if output is not None:
        err.print(f"{n} {noun} -> {_safe(str(output))}")


def _frame_out(frame, format: str, output: Optional[Path] = None, noun: str = "rows") -> None:
    if format != "table":
        from .output import frame_records

        _emit(frame_records(frame), format, output, columns=[str(c) for c in frame.columns], noun=noun)
    else:
        table = Table(box=None, pad_edge=False)
        for column in frame.columns:
            table.add_column(str(column), justify="right" if frame[column].dtype.kind in "if" else "left")
        for row in frame.itertuples(index=False):
            table.add_row(*(_safe(", ".join(v) if isinstance(v, list) else str(v)) for v in row))
        out.print(table)


@app.command()
def timeline(
    dyad: Annotated[
        str, typer.Option(help="The pair as SOURCE-TARGET: IRN-ISR (countries), ISRMIL-IRN (country and sector), Hezbollah-ISR (names).")
    ],
    db: DbOption = None,
    freq: Annotated[str, typer.Option(help="day, week or month.")] = "day",
    undirected: UndirectedOption = False,
    since: SinceOption = None,
    until: UntilOption = None,
    format: Annotated[str, typer.Option("--format", "-f", help="table, csv, jsonl, parquet or json (one array).")] = "table",
    output: OutputOption = None,
    wait: WaitOption = 30.0,
) -> None:
    """Escalation timeline of one pair: story events per day, week or month by QuadClass, threats, intensity."""
    from .filters import FREQS
    from .stories.timeline import Dyad, timeline as build

    _choice(format, (*LISTING_FORMATS, "json"), "--format")
    _choice(freq, FREQS, "--freq")
    with _read_store(db, wait) as store:
        f = _filter(store, dyad=dyad, undirected=undirected, since=since, until=until)
        if f.actor is None or f.recipient is None:
            raise _fail("--dyad: give SOURCE-TARGET, e.g. IRN-ISR, ISRMIL-IRN or Hezbollah-ISR", 2)
        pair = Dyad.of(f.actor, f.recipient, f.undirected)
        frame = build(store, pair, freq=freq, since=f.since, until=f.until)
    if frame.empty and format == "table":
        err.print(f"no story events for {pair}")
        return
    _frame_out(frame, format, output, noun="periods")


@app.command()
def alerts(
    db: DbOption = None,
    dyad: DyadOption = None,
    undirected: UndirectedOption = False,
    freq: Annotated[str, typer.Option(help="day or week.")] = "day",
    baseline: Annotated[int, typer.Option(help="Periods in the trailing baseline.", min=1)] = 14,
    z: Annotated[float, typer.Option("--z", help="Alert at this z-score or above.")] = 3.0,
    min_conflict: Annotated[float, typer.Option("--min-conflict", help="Least weighted conflict intensity for an alert.")] = 5.0,
    since: SinceOption = None,
    until: UntilOption = None,
    format: Annotated[str, typer.Option("--format", "-f", help="table, csv, jsonl, parquet or json (one array).")] = "table",
    output: OutputOption = None,
    wait: WaitOption = 30.0,
) -> None:
    """Pairs whose conflict departs from their own baseline (rolling z-score, see docs/stories.md)."""
    from .stories.timeline import Dyad, alerts as find

    _choice(format, (*LISTING_FORMATS, "json"), "--format")
    _choice(freq, ("day", "week"), "--freq")
    with _read_store(db, wait) as store:
        f = _filter(store, dyad=dyad, undirected=undirected, since=since, until=until)
        pair = Dyad.of(f.actor, f.recipient, f.undirected) if f.dyad else None
        try:
            frame = find(store, freq=freq, baseline=baseline, z_threshold=z, min_conflict=min_conflict, dyad=pair,
                         since=f.since, until=f.until)  # fmt: skip
        except ValueError as exc:
            raise typer.BadParameter(str(exc)) from None
    if frame.empty and format == "table":
        err.print("no alerts")
        return
    _frame_out(frame, format, output, noun="alerts")


@app.command()
def network(
    db: DbOption = None,
    since: SinceOption = None,
    until: UntilOption = None,
    format: Annotated[
        str, typer.Option("--format", "-f", help="table, csv, jsonl, parquet, json (nodes and edges) or graphml.")
    ] = "table",
    output: OutputOption = None,
    wait: WaitOption = 30.0,
) -> None:
    """The actor network: weighted directed edges between countries by QuadClass, on story events."""
    from .stories.network import NETWORK_FORMATS, network as build, write_network

    _choice(format, (*LISTING_FORMATS, *NETWORK_FORMATS), "--format")
    with _read_store(db, wait) as store:
        f = _filter(store, since=since, until=until)
        edges = build(store, since=f.since, until=f.until)
    if format in ("table", *LISTING_FORMATS):
        _frame_out(edges, format, output, noun="edges")
        return
    if output is None:
        write_network(edges, sys.stdout, format)
    else:
        with output.open("w", encoding="utf-8", newline="") as fh:
            write_network(edges, fh, format)
        err.print(f"{len(edges)} edges -> {_safe(str(output))}")


@app.command()
def serve(
    db: DbOption = None,
    host: Annotated[str, typer.Option(help="Address to listen on; anything but 127.0.0.1 exposes the store to the network.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.", min=1, max=65535)] = 8000,
    max_body: Annotated[int, typer.Option(help="Largest request body accepted, in bytes.", min=1)] = 1024 * 1024,
    watch: Annotated[
        Optional[list[str]],
        typer.Option("--watch", help="Feed URL or folder to poll while serving (as 'sitroom watch'); repeatable."),
    ] = None,
    every: Annotated[str, typer.Option(help="With --watch: how often each source is polled (90s, 15m, 1h).")] = "15m",
    wait: WaitOption = 30.0,
) -> None:
    """Serve the dashboard and the HTTP API (docs/api.md) over a store.

    Read-only unless SITROOM_TOKEN is set in the environment, which enables
    POST /api/articles for requests that carry it as a bearer token, or
    unless --watch is given: then the server polls those sources itself and
    the dashboard shows their new events as they are stored.
    """
    import os

    from .server.app import create_app
    from .server.run import serve as run_server
    from .watch import SourceError, check_source, parse_duration

    try:
        interval = parse_duration(every)
    except ValueError as exc:
        raise typer.BadParameter(str(exc), param_hint="--every") from None
    try:
        for source in watch or ():
            check_source(source)
    except SourceError as exc:
        raise _fail(str(exc), 2) from None
    token = os.environ.get("SITROOM_TOKEN") or None
    path = _db(db)
    if not token and not watch and not Path(path).exists():
        raise _fail(f"no store at {path} (run 'sitroom ingest' first, or pass --db)")
    loopback = host in ("127.0.0.1", "localhost", "::1")
    try:
        application = create_app(
            path, token=token, max_body=max_body, watch=list(watch or ()), every=interval, wait=wait,
            allowed_hosts=["127.0.0.1", "localhost", "[::1]", "::1"] if loopback else None,
        )  # fmt: skip
    except SitroomError as exc:
        raise _fail(str(exc)) from None
    shown = f"[{host}]" if ":" in host else host
    err.print(f"Sitroom dashboard on {_safe(path)}: [bold]http://{shown}:{port}/[/bold]  (API: /api/..., /openapi.json; Ctrl-C stops)")
    if token:
        err.print("writes enabled: POST /api/articles with 'Authorization: Bearer $SITROOM_TOKEN'")
    for source in watch or ():
        err.print(f"watching {_safe(source)} every {_safe(every)} (failures: 'sitroom errors')")
    if not loopback:
        err.print(f"[yellow]warning:[/yellow] listening on {_safe(host)}: anyone who can reach this machine can read the store")
    run_server(application, host=host, port=port)


@app.command()
def errors(
    db: DbOption = None,
    limit: Annotated[int, typer.Option(help="At most this many rows.", min=1)] = 100,
    wait: WaitOption = 30.0,
) -> None:
    """List the ingest problems recorded in the store, newest first."""
    store = _open(db, wait, read_only=True)
    with store:
        rows = store.query(
            "SELECT logged_at, source, code, message, failure FROM ingest_errors ORDER BY logged_at DESC, source LIMIT ?", [limit]
        )
        total = int(store.scalar("SELECT count(*) FROM ingest_errors"))
    if not rows:
        out.print("no ingest problems recorded")
        return
    table = Table("when", "item", "code", "problem")
    for at, source, code_, message, failure in rows:
        table.add_row(f"{at:%Y-%m-%d %H:%M}", _safe(source), _safe(code_ if failure else f"{code_} (skipped)"), _safe(message))
    out.print(table)
    if total > len(rows):
        err.print(f"(the newest {len(rows):,} of {total:,}; use --limit for more)")


@app.command()
def articles(
    article_id: Annotated[str, typer.Argument(help="The article's id (as 'sitroom events' shows it).", show_default=False)],
    revisions: Annotated[bool, typer.Option("--revisions", help="List the stored revisions of the article.")] = False,
    revision: Annotated[
        Optional[int],
        typer.Option("--revision", min=1, metavar="N", show_default=False, help="Print revision N instead of the latest."),
    ] = None,
    db: DbOption = None,
    wait: WaitOption = 30.0,
) -> None:
    """Print a stored article's text (its latest revision), an earlier revision, or the list of revisions."""
    store = _open(db, wait, read_only=True)
    with store:
        listed = store.article_revisions(article_id)
        if not listed:
            raise _fail(f"no article {article_id!r} in {store.path}")
        number = revision if revision is not None else listed[-1]["revision"]
        chosen = None if revisions else store.article_revision(article_id, number)
    if revisions:
        table = Table("revision", "content hash", "stored at", "events", "", box=None)
        for r in listed:
            table.add_row(
                str(r["revision"]), r["content_hash"], f"{r['stored_at']:%Y-%m-%d %H:%M:%S}",
                str(r["n_events"] if r["n_events"] is not None else "-"), "latest" if r["latest"] else "",
            )  # fmt: skip
        out.print(table)
        return
    if chosen is None:
        raise _fail(f"article {article_id!r} has no revision {number} (it has {len(listed)}; see --revisions)")
    latest = " (latest)" if number == listed[-1]["revision"] else ""
    out.print(f"[bold]{_safe(article_id)}[/bold] revision {number} of {len(listed)}{latest}")
    for label, key in (("title", "title"), ("outlet", "outlet"), ("published", "published"), ("url", "url")):
        if chosen[key]:
            out.print(f"{label}: {_safe(chosen[key])}")
    out.print(f"stored at: {chosen['stored_at']:%Y-%m-%d %H:%M:%S}")
    out.print("")
    out.print(_safe(chosen["text"] or ""))


eval_app = typer.Typer(help="Score the coder against gold data (see eval/README.md).", no_args_is_help=True)
app.add_typer(eval_app, name="eval")
actors_app = typer.Typer(help="Actor dictionaries.", no_args_is_help=True)
app.add_typer(actors_app, name="actors")
lexicon_app = typer.Typer(help="Event lexicons.", no_args_is_help=True)
app.add_typer(lexicon_app, name="lexicon")

JsonOption = Annotated[bool, typer.Option("--json", help="Print the scores as JSON.")]


@eval_app.command("plover")
def eval_plover(
    path: Annotated[Path, typer.Argument(help="PLOVER gold records (a JSON array, as PLOVER_GSR_CAMEO.txt).", exists=True, dir_okay=False)],
    actors: ActorsOption = None,
    model: ModelOption = None,
    rules_only: RulesOnlyOption = False,
    json_out: JsonOption = False,
) -> None:
    """Event-type accuracy, per-type precision/recall and triple P/R/F1 on PLOVER gold records."""
    import json

    from .evaluation import run_plover

    try:
        scores = run_plover(path, actor_files=actors or (), model=model, rules_only=rules_only)
    except SitroomError as exc:
        raise _fail(str(exc)) from None
    if json_out:
        out.print_json(json.dumps(scores.as_dict()))
        return
    t = scores.triple
    out.print(f"[bold]PLOVER gold[/bold] {_safe(str(path))}: {scores.records} records")
    out.print(f"  event-type accuracy   {scores.type_accuracy:.3f}")
    out.print(f"  triple (type, source, target)  precision {t.precision:.3f}  recall {t.recall:.3f}  F1 {t.f1:.3f}")
    out.print(f"  gold type among any coded event  {scores.any_event_type_recall:.3f}")
    table = Table("type", "precision", "recall", "F1", "gold", box=None)
    for name, prf in scores.per_type.items():
        table.add_row(name, f"{prf.precision:.2f}", f"{prf.recall:.2f}", f"{prf.f1:.2f}", str(prf.support))
    out.print(table)
    out.print("[bold]Errors[/bold]  " + " · ".join(f"{k} {n}" for k, n in scores.errors.most_common()))
    out.print("[bold]Commonest confusions[/bold] (gold -> coded)  " + " · ".join(
        f"{g}->{p} {n}" for (g, p), n in scores.confusions.most_common(8)))
    framing = " · ".join(
        f"{name} {right / n:.3f} ({n})" if n else f"{name} - (0)"
        for name, (right, n) in (("mode", scores.mode), ("context", scores.context),
                                 ("location", scores.location), ("dead", scores.dead))
    )  # fmt: skip
    out.print(f"[bold]Where the gold has them[/bold] (records)  {framing}")


@eval_app.command("modality")
def eval_modality(
    path: Annotated[Path, typer.Argument(help="Annotated set: a .jsonl file or a folder of them (eval/modality).", exists=True)],
    actors: ActorsOption = None,
    model: ModelOption = None,
    rules_only: RulesOnlyOption = False,
    json_out: JsonOption = False,
    show_errors: Annotated[bool, typer.Option("--errors", help="List the ids of the gold items each error class contains.")] = False,
) -> None:
    """Modality, date, place, relay, attribution, casualty and condition scores on an annotated set."""
    import json

    from .evaluation import run_modality

    try:
        scores = run_modality(path, actor_files=actors or (), model=model, rules_only=rules_only)
    except SitroomError as exc:
        raise _fail(str(exc)) from None
    d = scores.as_dict()
    if json_out:
        out.print_json(json.dumps({**d, "examples": scores.examples} if show_errors else d))
        return
    out.print(f"[bold]Annotated set[/bold] {_safe(str(path))}: {scores.items} items, target event coded in {d['target_found']:.3f}")
    table = Table("field", "score", "measure", box=None)
    table.add_row("modality", f"{d['modality_accuracy']:.3f}", f"accuracy over {scores.items} items")
    table.add_row("historical", f"{d['historical_accuracy']:.3f}", "accuracy")
    table.add_row("event date", f"{d['date_accuracy']:.3f}", "accuracy (date and precision)")
    table.add_row("location", f"{d['location_country_accuracy']:.3f}",
                  f"country accuracy over {d['location_gold']} placed items; spurious on {d['location_spurious_rate']:.3f} of the rest")
    for name in ("via", "claimant"):
        prf = d[name]
        table.add_row(name, f"{prf['f1']:.3f}", f"F1 (P {prf['precision']:.3f} R {prf['recall']:.3f}, {prf['support']} gold)")
    table.add_row("claimant anonymous", f"{d['claimant_anonymous_accuracy']:.3f}", "accuracy on matched claimants")
    table.add_row("claimant medium", f"{d['claimant_medium_accuracy']:.3f}", "accuracy on matched claimants")
    table.add_row("dead/injured", f"{d['casualty_accuracy']:.3f}", f"accuracy over {d['casualty_gold']} items")
    table.add_row("counts", f"{d['count_accuracy']:.3f}", f"accuracy over {d['count_gold']} items")
    table.add_row("condition", f"{d['condition_accuracy']:.3f}", f"accuracy over {d['condition_gold']} items")
    table.add_row("consequence", f"{d['consequence_accuracy']:.3f}", f"type accuracy over {d['consequence_gold']} items")
    out.print(table)
    if d["modality_confusion"]:
        out.print("[bold]Modality errors[/bold] (gold->coded)  " + " · ".join(f"{k} {n}" for k, n in d["modality_confusion"].items()))
    if show_errors:
        for kind, ids in sorted(scores.examples.items()):
            out.print(f"  {_safe(kind)}: {_safe(' '.join(ids))}")


@eval_app.command("stories")
def eval_stories(
    path: Annotated[Path, typer.Argument(help="Annotated corpus folder with articles.jsonl and gold.json (eval/stories).", exists=True, file_okay=False)],
    actors: ActorsOption = None,
    model: ModelOption = None,
    rules_only: RulesOnlyOption = False,
    json_out: JsonOption = False,
    show_errors: Annotated[bool, typer.Option("--errors", help="List every split, wrong merge, missed link and wrong ledger status.")] = False,
) -> None:
    """Story merging (pairwise P/R), wire copies, response links and threat-ledger statuses on an annotated corpus."""
    import json

    from .evaluation import run_stories

    try:
        scores = run_stories(path, actor_files=actors or (), model=model, rules_only=rules_only)
    except SitroomError as exc:
        raise _fail(str(exc)) from None
    d = scores.as_dict()
    if json_out:
        out.print_json(json.dumps({**d, "errors": scores.errors} if show_errors else d))
        return
    out.print(f"[bold]Annotated corpus[/bold] {_safe(str(path))}: {d['reports']} gold reports, {d['coverage']:.3f} coded")
    table = Table("measure", "score", "over", box=None)
    pairs = d["merge_pairs"]
    table.add_row("story merge precision", f"{d['typed_merge_precision']:.3f}", f"pairs of the {d['typed']:.3f} of reports coded with the gold type")
    table.add_row("story merge recall", f"{d['typed_merge_recall']:.3f}", "same pairs")
    table.add_row("end-to-end merge precision", f"{d['merge_precision']:.3f}", f"{pairs['system']} pairs of all coded reports merged by Sitroom")
    table.add_row("end-to-end merge recall", f"{d['merge_recall']:.3f}", f"{pairs['gold']} gold pairs among all coded reports")
    table.add_row("wire copy precision", f"{d['copy_precision']:.3f}", "article pairs")
    table.add_row("wire copy recall", f"{d['copy_recall']:.3f}", "article pairs")
    table.add_row("response links found", f"{d['link_recall']:.3f}", f"{d['links']} gold links")
    table.add_row("ledger status accuracy", f"{d['ledger_accuracy']:.3f}", f"{d['threats']} gold threats ({d['threats_found']} in the ledger)")
    out.print(table)
    if show_errors:
        for e in scores.errors:
            out.print("  " + _safe(json.dumps(e, ensure_ascii=False)))


@eval_app.command("realnews")
def eval_realnews(
    path: Annotated[Path, typer.Argument(help="The real-news corpus folder, with dev/ and test/ splits.", exists=True, file_okay=False)] = Path("eval/realnews"),
    split: Annotated[str, typer.Option("--split", help="dev or train (for tuning), val (unseen text: checks that a change carries) or test (frozen: scored at milestones); val and test are never inspected.")] = "dev",
    errors: Annotated[int, typer.Option("--errors", help="Print this many misses, false positives and field errors of each kind (dev and train only).", min=0)] = 0,
    actors: ActorsOption = None,
    model: ModelOption = None,
    rules_only: RulesOnlyOption = False,
    json_out: JsonOption = False,
) -> None:
    """Event recall/precision, type, modality, attribution, date, place and casualty accuracy, story merging and
    ledger statuses on real published news (eval/realnews)."""
    import json

    from .evaluation import run_realnews

    if errors and split in ("test", "val"):
        raise _fail(f"the {split} split is scored, not inspected: its errors are not shown (use --split dev or train)")
    try:
        scores = run_realnews(path, split, actor_files=actors or (), model=model, rules_only=rules_only)
    except SitroomError as exc:
        raise _fail(str(exc)) from None
    d = scores.as_dict()
    shown: list[dict] = []
    if errors:
        per_kind: dict[str, int] = {}
        for e in scores.errors:
            if per_kind.get(e["kind"], 0) < errors:
                per_kind[e["kind"]] = per_kind.get(e["kind"], 0) + 1
                shown.append(e)
    if json_out:
        out.print_json(json.dumps({**d, "errors": shown} if errors else d, default=str))
        return
    ev, g = d["events"], d["gold_events"]
    fmt = lambda v: "-" if v is None else f"{v:.3f}"  # noqa: E731
    out.print(f"[bold]Real news, {split} split[/bold] {_safe(str(path))}: {d['articles']} articles, "
              f"{g['required']} required + {g['optional']} optional gold events, {d['coded_events']} coded")  # fmt: skip
    table = Table("measure", "score", "over", box=None)
    table.add_row("event recall", f"{ev['recall']:.3f}", f"{g['required']} required gold events")
    table.add_row("event precision", f"{ev['precision']:.3f}",
                  f"{d['coded_events'] - d['coded_ignored_cut_sentence']} coded events ({d['coded_ignored_cut_sentence']} in cut-off last sentences not scored)")  # fmt: skip
    table.add_row("event F1", f"{ev['f1']:.3f}", "")
    loose = d["events_type_only"]
    table.add_row("recall / precision, sides not checked", f"{fmt(loose['recall'])} / {fmt(loose['precision'])}",
                  "same sentence and type, actor and recipient ignored")  # fmt: skip
    table.add_row("type accuracy", fmt(d["type_accuracy"]), f"{d['located_pairs']} gold/coded pairs at the same words")
    for name, f in d["fields"].items():
        table.add_row(f"{name} accuracy", fmt(f["accuracy"]), f"{f['scored']} matched events where the gold gives it")
    sm = d["story_merge"]
    table.add_row("story merge P / R / F1", f"{fmt(sm['precision'])} / {fmt(sm['recall'])} / {sm['f1']:.3f}",
                  f"{sm['pairs']['gold']} gold report pairs; {sm['reports_aligned']} of {sm['reports']} cluster reports coded")  # fmt: skip
    lg = d["ledger"]
    table.add_row("ledger status accuracy", fmt(lg["accuracy"]), f"{lg['threats']} gold threats, {lg['in_ledger']} in the ledger")
    out.print(table)
    per = Table("type", "precision", "recall", "F1", "gold", box=None)
    for name, p in d["per_type"].items():
        per.add_row(name, f"{p['precision']:.2f}", f"{p['recall']:.2f}", f"{p['f1']:.2f}", str(p["support"]))
    out.print(per)
    if d["confusions"]:
        out.print("[bold]Type confusions[/bold] (gold->coded)  " + " · ".join(f"{k} {n}" for k, n in d["confusions"].items()))
    for e in shown:
        out.print("  " + _safe(json.dumps(e, ensure_ascii=False, default=str)))


@eval_app.command("petrarch")
def eval_petrarch(
    path: Annotated[Path, typer.Argument(help="PETRARCH unit-test records (PETR.UnitTest.records.xml).", exists=True, dir_okay=False)],
    actors_dict: Annotated[Optional[Path], typer.Option("--actors-dict", help="TABARI actor dictionary [default: PETR.Validate.actors.txt beside PATH]")] = None,
    agents_dict: Annotated[Optional[Path], typer.Option("--agents-dict", help="TABARI agents dictionary [default: PETR.Validate.agents.txt beside PATH]")] = None,
    verbs_dict: Annotated[Optional[Path], typer.Option("--verbs-dict", help="PETRARCH verb dictionary [default: PETR.Validate.verbs.txt beside PATH]")] = None,
    own_lexicon: Annotated[bool, typer.Option("--own-lexicon", help="Code events with Sitroom's lexicon instead of the suite's verb dictionary.")] = False,
    json_out: JsonOption = False,
) -> None:
    """Root-code triple recall on PETRARCH-2's own unit tests, with their dictionaries imported."""
    import json

    from .evaluation import run_petrarch

    try:
        scores, skipped = run_petrarch(path, actors=actors_dict, agents=agents_dict, verbs=verbs_dict, own_lexicon=own_lexicon)
    except SitroomError as exc:
        raise _fail(str(exc)) from None
    if json_out:
        out.print_json(json.dumps({**scores.as_dict(), "skipped_dictionary_lines": skipped}))
        return
    t = scores.triples
    lexicon_name = "Sitroom's lexicon" if own_lexicon else "the suite's verb dictionary"
    out.print(f"[bold]PETRARCH-2 unit tests[/bold] {_safe(str(path))}: {scores.records} records with standard CAMEO codes, events from {lexicon_name}")
    out.print(f"  root-code triples  precision {t.precision:.3f}  recall {t.recall:.3f}  F1 {t.f1:.3f}  ({t.support} expected)")
    out.print(f"  records expecting no event: {scores.noevent_records}, events coded on them anyway: {scores.noevent_false_events}")
    out.print("  recall by category  " + " · ".join(f"{c} {p.recall:.2f} ({p.support})" for c, p in scores.per_category.items()))
    out.print("[bold]Misses[/bold]  " + " · ".join(f"{k} {n}" for k, n in scores.errors.most_common()))
    out.print("  dictionary lines the importers skipped: " + ", ".join(f"{k} {n}" for k, n in skipped.items()))


@actors_app.command("import-tabari")
def actors_import_tabari(
    actors_file: Annotated[Path, typer.Argument(help="TABARI/PETRARCH actor dictionary.", exists=True, dir_okay=False)],
    output: Annotated[Path, typer.Option("--output", "-o", help="Sitroom actor file to write (JSON Lines).")],
    agents: Annotated[Optional[Path], typer.Option("--agents", help="TABARI/PETRARCH agents dictionary to import too.", exists=True, dir_okay=False)] = None,
) -> None:
    """Convert a TABARI/PETRARCH actor (and agents) dictionary for --actors."""
    from .actors.tabari import import_tabari

    try:
        result = import_tabari(actors_file, agents)
        result.write_jsonl(output)
        load_actor_dictionary_check(output)
    except SitroomError as exc:
        raise _fail(str(exc)) from None
    for line in result.skipped[:30]:
        err.print(f"[dim]skipped:[/dim] {_safe(line)}")
    err.print(f"{len(result.entries)} entries -> {_safe(str(output))}; {len(result.skipped)} lines skipped")


@lexicon_app.command("import-petrarch")
def lexicon_import_petrarch(
    verbs_file: Annotated[Path, typer.Argument(help="PETRARCH/TABARI verb dictionary.", exists=True, dir_okay=False)],
    output: Annotated[Path, typer.Option("--output", "-o", help="Sitroom lexicon file to write (JSON Lines).")],
) -> None:
    """Convert a PETRARCH verb dictionary for --lexicon (verbs, particles, verb + object)."""
    from .coding import load_lexicon
    from .coding.petrarch_verbs import import_petrarch_verbs
    from .nlp import lemma_of

    try:
        result = import_petrarch_verbs(verbs_file, load_lexicon(), lemma_of)
        result.write_jsonl(output)
    except SitroomError as exc:
        raise _fail(str(exc)) from None
    for line in result.skipped[:30]:
        err.print(f"[dim]skipped:[/dim] {_safe(line)}")
    err.print(f"{len(result.entries)} entries -> {_safe(str(output))}; {len(result.skipped)} lines skipped")


# --- sitroom review -------------------------------------------------------------------------------

review_app = typer.Typer(
    help="Analyst reviews: confirm, reject or correct what the machine coded; the review wins everywhere.",
    no_args_is_help=True,
)
app.add_typer(review_app, name="review")
story_review_app = typer.Typer(help="Merge two stories, or split an event out of its story.", no_args_is_help=True)
review_app.add_typer(story_review_app, name="story")
ByOption = Annotated[
    Optional[str],
    typer.Option("--by", help="Who reviews [default: $SITROOM_REVIEWER, else the user name].", show_default=False),
]
NoteOption = Annotated[str, typer.Option("--note", help="Why: kept with the review.")]


def _reviewing(db: Path | None, wait: float, make) -> list:
    """Run one review function on the store (opened for writing), or a clean exit naming what is wrong (E119: 2)."""
    from .errors import ReviewError
    from .store import Store

    try:
        with Store(_db(db), wait=wait, on_wait=_waiting, on_progress=_indexing) as store:
            made = make(store)
    except ReviewError as exc:
        raise _fail(str(exc), 2) from None
    except SitroomError as exc:
        raise _fail(str(exc)) from None
    return made if isinstance(made, list) else [made]


def _said(reviews) -> None:
    for r in reviews:
        change = f"{_safe(json.dumps(r.old_value, default=str))} -> {_safe(json.dumps(r.new_value, default=str))}"
        err.print(f"{r.review_id}: {r.kind} {r.action} {_safe(r.target)}"
                  + (f" / {_safe(r.other)}" if r.other else "") + f" by {_safe(r.reviewer)}: {change}")  # fmt: skip


@review_app.command("event")
def review_event_command(
    event_id: Annotated[str, typer.Argument(help="The event's id (sitroom events).", show_default=False)],
    confirm: Annotated[bool, typer.Option("--confirm", help="The event is right as coded.")] = False,
    reject: Annotated[bool, typer.Option("--reject", help="The event is wrong: it is counted nowhere.")] = False,
    type: Annotated[Optional[str], typer.Option("--type", help="Its right PLOVER type (ASSAULT).", show_default=False)] = None,
    actor: Annotated[Optional[str], typer.Option("--actor", show_default=False,
                                                help="Its right actor: a name, alias or code (IRNMIL, Iran, Hezbollah); comma list.")] = None,
    recipient: Annotated[Optional[str], typer.Option("--recipient", help="Its right recipient, named as --actor.", show_default=False)] = None,
    by: ByOption = None,
    note: NoteOption = "",
    db: DbOption = None,
    wait: WaitOption = 30.0,
) -> None:
    """Confirm or reject an event, or correct its type, actor or recipient."""
    from .review import review_event

    _said(_reviewing(db, wait, lambda store: review_event(store, event_id, confirm=confirm, reject=reject, event_type=type,
                                                actor=actor, recipient=recipient, by=by, note=note)))  # fmt: skip


@story_review_app.command("merge")
def review_merge_command(
    first: Annotated[str, typer.Argument(help="The story that stays (S000003).", show_default=False)],
    second: Annotated[str, typer.Argument(help="The story whose reports join it.", show_default=False)],
    by: ByOption = None,
    note: NoteOption = "",
    db: DbOption = None,
    wait: WaitOption = 30.0,
) -> None:
    """Two stories report one act: merge the second into the first."""
    from .review import merge_stories

    _said(_reviewing(db, wait, lambda store: merge_stories(store, first, second, by=by, note=note)))


@story_review_app.command("split")
def review_split_command(
    event_id: Annotated[str, typer.Argument(help="The event that reports another act.", show_default=False)],
    by: ByOption = None,
    note: NoteOption = "",
    db: DbOption = None,
    wait: WaitOption = 30.0,
) -> None:
    """Split an event out of its story into a story of its own."""
    from .review import split_event

    _said(_reviewing(db, wait, lambda store: split_event(store, event_id, by=by, note=note)))


@review_app.command("link")
def review_link_command(
    story_id: Annotated[str, typer.Argument(help="The story that responds (responds_to).", show_default=False)],
    confirm: Annotated[bool, typer.Option("--confirm", help="It does respond to that story.")] = False,
    reject: Annotated[bool, typer.Option("--reject", help="It does not respond to that story.")] = False,
    to: Annotated[Optional[str], typer.Option("--to", help="The story it responds to [default: its link now].", show_default=False)] = None,
    by: ByOption = None,
    note: NoteOption = "",
    db: DbOption = None,
    wait: WaitOption = 30.0,
) -> None:
    """Confirm or reject a story's response link; --confirm --to S sets a link."""
    from .review import review_link

    if confirm == reject:
        raise _fail("give --confirm or --reject", 2)
    _said(_reviewing(db, wait, lambda store: review_link(store, story_id, action="confirm" if confirm else "reject", to=to,
                                               by=by, note=note)))  # fmt: skip


@review_app.command("threat")
def review_threat_command(
    story_id: Annotated[str, typer.Argument(help="The threat's story (sitroom threats).", show_default=False)],
    status: Annotated[str, typer.Option("--status", help="open, 'carried out', withdrawn or lapsed.", show_default=False)],
    by_story: Annotated[Optional[str], typer.Option("--by-story", help="The story of the act that carried it out.", show_default=False)] = None,
    by: ByOption = None,
    note: NoteOption = "",
    db: DbOption = None,
    wait: WaitOption = 30.0,
) -> None:
    """Set a threat ledger entry's status."""
    from .review import review_threat

    _said(_reviewing(db, wait, lambda store: review_threat(store, story_id, status=status, by_story=by_story, by=by, note=note)))


@review_app.command("undo")
def review_undo_command(
    review_id: Annotated[str, typer.Argument(help="The review (sitroom review list).", show_default=False)],
    by: ByOption = None,
    db: DbOption = None,
    wait: WaitOption = 30.0,
) -> None:
    """Undo a review: it stays listed as undone; the machine's judgement stands again."""
    from .review import undo_review

    done = _reviewing(db, wait, lambda store: undo_review(store, review_id, by=by))
    err.print(f"{done[0].review_id} undone by {_safe(done[0].undone_by)}")


_REVIEW_COLOURS = {"applied": "green", "orphaned": "red", "undone": "dim"}


@review_app.command("list")
def review_list_command(
    db: DbOption = None,
    format: Annotated[str, typer.Option("--format", "-f", help="table, csv, jsonl or parquet.")] = "table",
    output: OutputOption = None,
    wait: WaitOption = 30.0,
) -> None:
    """Every review, in the order made: applied, orphaned (its events are gone) or undone."""
    from .review import REVIEW_COLUMNS, list_reviews

    _choice(format, LISTING_FORMATS, "--format")
    with _read_store(db, wait) as store:
        rows = list_reviews(store)
    if format != "table":
        _emit(rows, format, output, columns=REVIEW_COLUMNS, noun="reviews")
        return
    if not rows:
        err.print("no reviews")
        return
    table = Table(box=None, pad_edge=False)
    for column in ("review", "when", "by", "kind", "action", "target", "change", "status", "note"):
        table.add_column(column)
    for r in rows:
        change = f"{json.dumps(r['old_value'], default=str)} -> {json.dumps(r['new_value'], default=str)}"
        table.add_row(
            r["review_id"], f"{r['created_at']:%Y-%m-%d %H:%M}", _safe(r["reviewer"]), r["kind"], r["action"],
            _safe(r["target"] + (f" / {r['other']}" if r["other"] else "")), _safe(change[:60]),
            f"[{_REVIEW_COLOURS[r['status']]}]{r['status']}[/]",
            _safe(r["note"][:40]),
        )  # fmt: skip
    out.print(table)


@review_app.command("export")
def review_export_command(
    output: Annotated[Path, typer.Option("--output", "-o", help="The JSON Lines file to write.", show_default=False)],
    format: Annotated[str, typer.Option("--format", "-f", help="jsonl: article records 'sitroom train' reads.")] = "jsonl",
    db: DbOption = None,
    wait: WaitOption = 30.0,
) -> None:
    """Write the reviewed articles as training data for 'sitroom train' (docs/training.md)."""
    from .review import write_training

    _choice(format, ("jsonl",), "--format")
    with _read_store(db, wait) as store:
        try:
            with output.open("w", encoding="utf-8") as fh:
                n = write_training(store, fh)
        except OSError as exc:
            raise _fail(f"cannot write {output}: {exc.strerror or exc}") from None
    err.print(f"{n} reviewed articles -> {_safe(str(output))}")


def load_actor_dictionary_check(path: Path) -> None:
    """Validate a written actor file the way --actors will load it."""
    from .actors import load_actor_dictionary

    load_actor_dictionary([path], include_default=False)


def _actor_cell(refs: list[dict]) -> str:
    parts = []
    for r in refs:
        tag = " ".join(x for x in (r["country"], r["sector"]) if x)
        parts.append(f"{r['name']} [{tag}]")
    return _safe("; ".join(parts)) or "-"


def _when_cell(row: dict) -> str:
    """The event's date; "~" marks the publication date standing in for a date the text does not give."""
    value, precision = row.get("event_date"), row.get("date_precision")
    if value is None:
        return "-"
    text = str(value)
    if precision == "month":
        text = text[:7]
    elif precision == "year":
        text = text[:4]
    elif precision == "week":
        text = f"week of {text}"
    elif precision == "publication":
        text = f"~{text}"
    return text + (" (hist.)" if row.get("historical") else "")


def _print_events_table(rows, limit: int | None, *, with_date: bool = True) -> None:
    """Who did what to whom, one line per event; the sentence is in jsonl/csv output."""
    from rich import box

    table = Table(box=box.SIMPLE_HEAD, pad_edge=False)
    if with_date:
        table.add_column("published", no_wrap=True)
    table.add_column("actor", ratio=3, min_width=14)
    table.add_column("event", no_wrap=True)
    table.add_column("recipient", ratio=3, min_width=14)
    table.add_column("when", no_wrap=True)
    table.add_column("where", ratio=1, min_width=6)
    table.add_column("trigger", ratio=2, min_width=8)
    table.add_column("cameo", no_wrap=True)
    n = 0
    for row in rows:
        if limit is not None and n >= limit:
            break
        cells = [str(row["published"] or "")] if with_date else []
        cells += [
            _actor_cell(row["actor"]),
            _safe(row["event_type"] + (f" ({row['modality']})" if row.get("modality") not in (None, "asserted") else "")),
            _actor_cell(row["recipient"]),
            _when_cell(row),
            _safe(row["location"]["name"]) if row.get("location") else "-",
            _safe(row["trigger"]),
            _safe(f"{row['cameo_code']} {row['intensity']:+g}"),
        ]
        table.add_row(*cells)
        n += 1
    out.print(table)
    if limit is not None and n == limit:
        err.print(f"(first {limit} events; use --limit or --format jsonl for more, with the sentences)")


def main() -> None:
    app()


__all__ = ["app", "main"]
