"""The `facts` command line: a thin layer over the pipeline library."""

from __future__ import annotations

import io
import json
import sys
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

import click

from .config import Settings, load_settings
from .errors import PipelineError

DEFAULT_DB = "outputs/facts.duckdb"
# Exit status when an input failed on a bug in facts (1 is a usage or domain error, 2 bad usage).
EXIT_BUG = 3
SETTINGS_CHANGED = ("note: the matching settings ([stories] in the config, units.toml, fx_rates.csv or the rules) "
                    "differ from those the stored facts were built with; only the articles reconciled since use the "
                    "new ones. `facts reconcile --full` applies them to every article.")
db_option = click.option("--db", default=DEFAULT_DB, show_default=True, type=click.Path(dir_okay=False),
                         help="The DuckDB database file.")
config_option = click.option("--config", "config_file", type=click.Path(exists=True, dir_okay=False),
                             help="A TOML file read on top of config/pipeline.toml (any subset of its keys).")


@contextmanager
def errors_as_messages() -> Iterator[None]:
    """Domain errors -> `Error: ...` and exit 1, no traceback."""
    from .store.store import is_storage_error, storage_message

    try:
        yield
    except PipelineError as exc:
        raise click.ClickException(str(exc)) from None
    except Exception as exc:  # a disk that is full or read-only is the user's to fix; anything else a bug
        if is_storage_error(exc):
            raise click.ClickException(storage_message(exc)) from None
        raise


def _day(value: str | None) -> str | None:
    from .api import published_day
    from .errors import InvalidArgument

    try:
        return published_day(value)
    except InvalidArgument as exc:
        raise click.BadParameter(str(exc)) from None


def _settings(config_file: str | None) -> Settings:
    with errors_as_messages():
        return load_settings(config_file)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="facts")
def cli() -> None:
    """Turn batches of articles (.txt, .html, .json, .jsonl) into a DuckDB table of facts.

    \b
    Start with:
      facts run corpus/            extract everything into outputs/facts.duckdb
      facts stats                  what the database holds
      facts query "SELECT ..."     ask it anything in SQL
      facts inspect article.txt    see what is extracted from one file (no database)
    """


@cli.command()
@click.argument("paths", nargs=-1, type=click.Path(exists=True))
@db_option
@config_option
@click.option("--workers", type=click.IntRange(min=0), default=None,
              help="Extraction processes (default from config: 0 = one per CPU core).")
@click.option("--force", is_flag=True, help="Re-extract articles the database already has.")
@click.option("--engine", type=click.Choice(["local", "ray"]), default="local", show_default=True,
              help="Where extraction runs: local processes, or Ray actors (needs the ray extra).")
@click.option("--ray-address", metavar="ADDR", default=None,
              help="With --engine ray: join this cluster (e.g. auto, ray://head:10001) instead of a local Ray.")
def run(paths: tuple[str, ...], db: str, config_file: str | None, workers: int | None, force: bool,
        engine: str, ray_address: str | None) -> None:
    """Process files and folders (default: corpus/) into the database.

    Folders are searched recursively for .txt, .html, .htm, .json and .jsonl files.
    Articles already stored (same content) are skipped; a changed file replaces
    its old version. Bad inputs are reported, recorded in ingest_errors, and the
    batch goes on.

    \b
    Example:
      facts run corpus/ more/articles.jsonl --db outputs/facts.duckdb
    """
    from . import api
    from .progress import reporter

    settings = _settings(config_file)
    targets = list(paths) or ["corpus"]
    if not paths and not Path("corpus").is_dir():
        raise click.UsageError("no PATHS given and no corpus/ folder here")
    if ray_address and engine != "ray":
        raise click.UsageError("--ray-address needs --engine ray")
    with errors_as_messages(), reporter() as note:
        try:
            summary = api.run(targets, db, workers=workers, config=settings, progress=note, force=force,
                              engine=engine, ray_address=ray_address)
        except KeyboardInterrupt:
            click.echo("\nInterrupted: the articles written so far are stored; run again to finish.", err=True)
            sys.exit(130)
    click.echo(f"{summary.new} new, {summary.unchanged} unchanged, {summary.replaced} replaced, "
               f"{summary.rejected} rejected{f', {summary.failed} FAILED' if summary.failed else ''} "
               f"articles in {summary.seconds:.1f}s "
               f"({summary.workers or 'cluster'} worker{'s' if summary.workers != 1 else ''}"
               f"{' on ray' if engine == 'ray' else ''}) -> {db}")
    written = {k: v for k, v in sorted(summary.rows.items()) if v}
    if written:
        click.echo("rows: " + ", ".join(f"{k} {v}" for k, v in written.items()))
    if summary.reconciled:
        click.echo(f"reconciled: the regions of {summary.reconciled} articles redone")
    if summary.settings_changed:
        click.echo(SETTINGS_CHANGED, err=True)
    for err in summary.errors:
        if err in summary.failures:
            click.echo(f"failed: {err.message}\n{err.traceback}", err=True)
        else:
            click.echo(f"rejected: {err.message}", err=True)
    if summary.failed:
        click.echo(f"Error: {summary.failed} input{'s' if summary.failed != 1 else ''} failed on a bug in facts, "
                   "not on bad input (tracebacks above and in ingest_errors.traceback); everything else is "
                   "stored. Please report it.", err=True)
        sys.exit(EXIT_BUG)


@cli.command()
@click.argument("path", type=click.Path(allow_dash=True))
@config_option
@click.option("--raw", is_flag=True, help="Skip boilerplate removal: the clean text is the decoded input.")
@click.option("--published", metavar="YYYY-MM-DD", callback=lambda ctx, param, v: _day(v),
              help="Publication date to resolve relative times against.")
@click.option("--format", "fmt", type=click.Choice(["txt", "html", "json", "jsonl"]), default=None,
              help="Input format of stdin (default: guessed). Files use their extension.")
@click.option("--indent", type=int, default=None, help="Pretty-print with this indent (not for .jsonl input).")
def inspect(path: str, config_file: str | None, raw: bool, published: str | None, fmt: str | None,
            indent: int | None) -> None:
    """Show what is extracted from one file (or - for stdin) as JSON; no database.

    Prints {"article", "entities", "quantities", "times", "events"}. A .jsonl
    input prints one such object per record, in order, each with the record's id.
    """
    from . import api
    from .inspector import error_json

    settings = _settings(config_file)
    if path != "-" and not Path(path).exists():
        raise click.BadParameter(f"'{path}' does not exist", param_hint="PATH")
    item: io.BytesIO | Path = Path(path)
    if path == "-":
        item = io.BytesIO(sys.stdin.buffer.read())
        item.name = "<stdin>"  # what messages and article.path call it
    failed = bug = False
    with errors_as_messages():
        for result in api.extract_many([item], published=published, format=fmt if path == "-" else None, raw=raw,
                                       config=settings, on_error="return"):
            obj = result.to_dict() if isinstance(result, api.Document) else error_json(result)
            failed = failed or "error" in obj
            if obj.get("bug"):
                bug = True
                click.echo(f"failed: {obj['message']}\n{obj['traceback']}", err=True)
            click.echo(json.dumps(obj, ensure_ascii=False, indent=indent))
    if bug:
        sys.exit(EXIT_BUG)
    if failed:
        sys.exit(1)


@cli.command()
@click.argument("sql", required=False)
@db_option
@click.option("--file", "sql_file", type=click.Path(dir_okay=False), help="Read the SQL from this file.")
@click.option("--format", "fmt", type=click.Choice(["table", "csv", "json", "jsonl"]), default="table",
              show_default=True, help="Output format.")
@click.option("--timeout", type=click.FloatRange(min=0, min_open=True), default=None, metavar="SECONDS",
              help="Stop the query after this long (default: [query] timeout_seconds, 120).")
@config_option
def query(sql: str | None, db: str, sql_file: str | None, fmt: str, timeout: float | None,
          config_file: str | None) -> None:
    """Run one reading statement against the database, opened read-only.

    SELECT, WITH ... SELECT, DESCRIBE, SHOW and SUMMARIZE run; anything else is refused. Memory,
    spill and time are limited by the [query] settings.

    \b
    Example:
      facts query "SELECT name, type, n_articles FROM entities ORDER BY n_articles DESC LIMIT 10"
    """
    from . import api
    from .query import format_frame, read_sql_file

    settings = _settings(config_file)
    with errors_as_messages():
        if sql_file is not None:
            sql = read_sql_file(sql_file, settings.query.max_sql_bytes)
    if not sql or not sql.strip():
        raise click.UsageError("give SQL as an argument or with --file")
    with errors_as_messages():
        try:
            frame = api.open(db, config=settings).sql(sql, timeout=timeout)
        except KeyboardInterrupt:
            click.echo("\nInterrupted: the query was stopped.", err=True)
            sys.exit(130)
    click.echo(format_frame(frame, fmt), nl=False)


@cli.command()
@click.option("--table", default="all", show_default=True,
              help="A table or view name, or 'all' (cleaned articles and every fact table).")
@click.option("--format", "fmt", type=click.Choice(["parquet", "csv", "jsonl"]), default="parquet", show_default=True)
@click.option("--out", "out_dir", required=True, type=click.Path(file_okay=False), help="Folder to write into.")
@click.option("--overwrite", is_flag=True, help="Replace files that already exist.")
@db_option
@config_option
def export(table: str, fmt: str, out_dir: str, overwrite: bool, db: str, config_file: str | None) -> None:
    """Export tables as Parquet, CSV or JSON lines files (one file per table).

    \b
    Example:
      facts export --table all --format parquet --out outputs/export
    """
    from . import api

    settings = _settings(config_file)
    with errors_as_messages():
        written = api.open(db, config=settings).export(out_dir, table=table, format=fmt, overwrite=overwrite)
    for t, path, n in written:
        click.echo(f"{t}: {n} rows -> {path}")


@cli.command()
@db_option
@config_option
@click.option("--full", is_flag=True, help="Rebuild every fact and story, not only what changed.")
def reconcile(db: str, config_file: str | None, full: bool) -> None:
    """Bring entity links, facts, fact_sources, conflicts, article_links and stories up to date.

    `facts run` ends with this step (what a killed run left behind included). Use
    --full after editing matching settings ([stories] in the config, units.toml,
    fx_rates.csv) to apply them to every stored article; it redoes cross-article
    entity links too ([link] settings changes are applied by any run by themselves).
    """
    from . import api

    settings = _settings(config_file)
    with errors_as_messages():
        counts = api.open(db, config=settings).reconcile(full=full)
    changed = counts.pop("settings_changed", 0)
    click.echo(", ".join(f"{k} {v}" for k, v in counts.items()))
    if changed:
        click.echo(SETTINGS_CHANGED, err=True)


@cli.command()
@db_option
@click.option("--json", "as_json", is_flag=True, help="Print the figures as one JSON object.")
def stats(db: str, as_json: bool) -> None:
    """Counts per table, articles per outlet, date range and top entities."""
    from . import api

    with errors_as_messages():
        s = api.open(db).stats()
    if as_json:
        click.echo(json.dumps(s, ensure_ascii=False, indent=2, default=str))
        return
    click.echo(f"database: {s['database']} (schema v{s['schema_version']})")
    click.echo("rows per table:")
    for t, n in s["counts"].items():
        click.echo(f"  {t:<16}{n:>10,}")
    click.echo("articles per outlet:")
    for o in s["outlets"]:
        click.echo(f"  {o['outlet']:<40}{o['articles']:>6}")
    p = s["published"]
    click.echo(f"published: {p['first'] or '-'} .. {p['last'] or '-'} ({p['undated_articles']} undated)")
    click.echo("top entities (articles, mentions):")
    for e in s["top_entities"]:
        click.echo(f"  {e['name']:<40}{e['type']:<10}{e['articles']:>4}{e['mentions']:>6}")
    if s["last_run"]:
        r = s["last_run"]
        when = f"started {str(r['started_at'])[:19]}" + (f", ended {str(r['finished_at'])[:19]}"
                                                         if r.get("finished_at") else "")
        click.echo(f"last run: {r['run_id']} {r['status']} ({when}): {r['new']} new, "
                   f"{r['unchanged']} unchanged, {r['replaced']} replaced, {r['rejected']} rejected")


@cli.command()
@db_option
@click.option("--out", "out_path", default="outputs/report.html", show_default=True,
              type=click.Path(dir_okay=False), help="The HTML file to write.")
def report(db: str, out_path: str) -> None:
    """Write the database as one self-contained HTML page (open it offline, no server).

    \b
    Example:
      facts report --out outputs/report.html
    """
    from . import api

    with errors_as_messages():
        written = api.open(db).report(out_path)
    click.echo(str(written))


@cli.command()
@db_option
@config_option
@click.option("--host", default=None, help="Address to listen on ([serve] host, 127.0.0.1: this machine only).")
@click.option("--port", type=click.IntRange(min=1, max=65535), default=None, help="Port ([serve] port, 8001).")
@click.option("--view", "view_path", type=click.Path(dir_okay=False), default=None,
              help="The served copy (default: beside the database, NAME.served.sqlite).")
def serve(db: str, config_file: str | None, host: str | None, port: int | None, view_path: str | None) -> None:
    """Browse the database in a browser: datasette, read-only, kept current while runs add to it.

    Conflicts link to both articles; a story's page lists its articles, facts and
    conflicts, with its timeline; an entity's page its figures and timeline. Needs
    the optional serve extra (pip install 'facts[serve]'). Pages are read from a
    SQLite copy beside the database, refreshed whenever a run commits (only what
    changed is copied); the first start builds it table by table while it answers.

    \b
    Example:
      facts serve --db outputs/facts.duckdb    # then open http://127.0.0.1:8001/facts
    """
    from . import serve as served

    settings = _settings(config_file)
    with errors_as_messages():
        served.serve(db, settings.serve, view_path=view_path, host=host, port=port)


def main() -> None:
    cli(prog_name="facts")


if __name__ == "__main__":
    main()
