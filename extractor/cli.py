"""The `xhht` command: a thin layer over the library. It parses arguments and prints."""

from __future__ import annotations

import json
import sys

import click

from extractor import __version__


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="xhht")
def main() -> None:
    """xhht-extractor: Vietnamese learning-society reports into one comparable database."""


@main.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True))
@click.option("--format", "fmt", type=click.Choice(["summary", "json", "jsonl"]), default="summary",
              show_default=True, help="summary for people; json (one file) or jsonl (many) for programs")
@click.option("--output", "-o", type=click.File("w", encoding="utf-8"), default="-", help="write here instead of stdout")
def extract(paths: tuple[str, ...], fmt: str, output) -> None:
    """Read files or folders (recursively) and print what each one says.

    A file that cannot be read gets one line on stderr naming it and the reason; the run goes
    on, and the exit code is 1 if any file failed.
    """
    from extractor.extract import extract_file, iter_files
    from extractor.readers import ReadError

    files = iter_files(list(paths))
    failed = 0
    for path in files:
        try:
            result = extract_file(path)
        except ReadError as exc:
            failed += 1
            click.echo(f"error: {path}: {exc}", err=True)
            continue
        if fmt == "json":
            output.write(json.dumps(result, ensure_ascii=False, indent=2) + "\n")
        elif fmt == "jsonl":
            output.write(json.dumps(result, ensure_ascii=False) + "\n")
        else:
            from extractor.report import summary

            output.write(summary(result) + "\n")
    if not files:
        click.echo("error: no supported files (.docx .pdf .txt .doc) under the given paths", err=True)
        sys.exit(2)
    if failed:
        sys.exit(1)


DB_OPTION = click.option("--db", "db", type=click.Path(dir_okay=False), default=None,
                         help="database file (default: $XHHT_DB, else ./xhht.db)")


def _db(db: str | None) -> str:
    from extractor.store import default_db_path

    return str(db or default_db_path())


def _readonly(db: str | None):
    from extractor.store import connect

    path = _db(db)
    try:
        return connect(path, readonly=True)
    except FileNotFoundError:
        raise click.ClickException(f"no database at {path}; run `xhht import FOLDER` first") from None


@main.command("import")
@click.argument("paths", nargs=-1, type=click.Path(exists=True))
@DB_OPTION
@click.option("--workers", "-w", type=click.IntRange(1, 64), default=None,
              help="extraction processes (default: the machine's cores)")
@click.option("--reextract", is_flag=True, help="re-read stored documents whose extractor or patterns changed")
@click.option("--force", is_flag=True, help="with --reextract: re-read every stored document")
@click.option("--cluster", metavar="ADDRESS", help="run the extraction on a Dask cluster (tcp://HOST:8786)")
@click.option("--cluster-files", type=click.Choice(["send", "shared"]), default="send", show_default=True,
              help="send: ship each file's bytes to the workers; shared: workers read the same path")
def import_(paths: tuple[str, ...], db: str | None, workers: int | None, reextract: bool, force: bool,
            cluster: str | None, cluster_files: str) -> None:
    """Import files and folders (recursively) into the database.

    Safe to stop and to repeat: each document is stored whole or not at all, stored content is
    not read again, and running the same command again finishes an interrupted import.
    """
    from extractor.importer import Cluster, import_paths
    from extractor.importer import reextract as run_reextract
    from extractor.progress import ProgressReporter

    if not paths and not reextract:
        raise click.UsageError("give files or folders to import (or --reextract)")
    target = _db(db)
    reporter = ProgressReporter()
    remote = Cluster(cluster, cluster_files) if cluster else None
    try:
        with reporter:
            if reextract:
                summary = run_reextract(target, workers, reporter.event, force=force, cluster=remote)
            else:
                summary = import_paths(target, paths, workers, reporter.event, cluster=remote)
    except KeyboardInterrupt:
        click.echo("interrupted: what was stored is complete; run the same command again to finish", err=True)
        sys.exit(130)
    except (RuntimeError, OSError) as exc:
        if not remote:
            raise
        raise click.ClickException(f"cluster {cluster}: {exc}") from exc
    click.echo(reporter.closing(summary, target), err=True)
    sys.exit(1 if summary.failed else 0)


@main.command()
@click.argument("code")
@DB_OPTION
@click.option("--unit", help="unit name, with or without diacritics")
@click.option("--district", help="district name")
@click.option("--province", help="province name")
@click.option("--from", "year_from", type=int, help="first year")
@click.option("--to", "year_to", type=int, help="last year")
@click.option("--format", "fmt", type=click.Choice(["table", "csv", "xlsx", "json"]), default="table", show_default=True)
@click.option("--output", "-o", type=click.Path(dir_okay=False), help="write to this file")
@click.option("--plot", "plot_file", type=click.Path(dir_okay=False), help="also draw a line chart (PNG)")
def compare(code: str, db: str | None, unit, district, province, year_from, year_to, fmt, output, plot_file) -> None:
    """One indicator across units (rows) and years (columns); Đề án codes show targets and results."""
    from extractor import output as out
    from extractor.query import QueryError
    from extractor.query import compare as run_compare

    conn = _readonly(db)
    try:
        pivot = run_compare(conn, code, unit, district, province, year_from, year_to)
    except QueryError as exc:
        raise click.ClickException(str(exc)) from None
    if not pivot.rows:
        raise click.ClickException(f"no values of {code} for the units and years asked")
    title = f"{pivot.label} ({pivot.code}{', ' + pivot.unit if pivot.unit else ''})"
    try:
        text = out.render(pivot.header(), pivot.table(), fmt, output, title)
        if plot_file:
            out.plot(pivot, plot_file)
    except ValueError as exc:
        raise click.ClickException(str(exc)) from None
    if text is not None:
        click.echo(text, nl=False)


@main.command()
@DB_OPTION
@click.option("--format", "fmt", type=click.Choice(["table", "csv", "json"]), default="table", show_default=True)
def indicators(db: str | None, fmt: str) -> None:
    """The indicator catalogue with how many values each code has."""
    from extractor import output as out
    from extractor.query import indicators as list_indicators

    rows = list_indicators(_readonly(db))
    columns = ["code", "report_type", "label", "unit", "observations"]
    click.echo(out.render(columns, [[r[c] for c in columns] for r in rows], fmt), nl=False)


@main.command()
@DB_OPTION
@click.option("--format", "fmt", type=click.Choice(["table", "csv", "json"]), default="table", show_default=True)
def units(db: str | None, fmt: str) -> None:
    """Reporting units with the years their documents cover."""
    from extractor import output as out
    from extractor.query import units as list_units

    rows = list_units(_readonly(db))
    columns = ["level", "name", "district", "province", "merged_into", "documents", "years"]
    click.echo(out.render(columns, [[r[c] for c in columns] for r in rows], fmt), nl=False)


@main.command()
@DB_OPTION
@click.option("--format", "fmt", type=click.Choice(["jsonl", "csv"]), default="jsonl", show_default=True,
              help="jsonl: one spot-check object per document; csv: one row per value")
@click.option("--output", "-o", type=click.File("w", encoding="utf-8"), default="-")
def export(db: str | None, fmt: str, output) -> None:
    """Export the stored documents (current versions only)."""
    import csv

    from extractor.query import export_documents, observation_rows

    conn = _readonly(db)
    if fmt == "jsonl":
        for doc in export_documents(conn):
            output.write(json.dumps(doc, ensure_ascii=False) + "\n")
        return
    writer = None
    for row in observation_rows(conn):
        if writer is None:
            writer = csv.DictWriter(output, fieldnames=list(row))
            writer.writeheader()
        writer.writerow(row)


@main.command()
@click.argument("query")
@DB_OPTION
@click.option("--format", "fmt", type=click.Choice(["table", "csv", "json"]), default="table", show_default=True)
def sql(query: str, db: str | None, fmt: str) -> None:
    """Run a read-only SQL query (writes are refused)."""
    from extractor import output as out
    from extractor.query import QueryError, run_sql

    try:
        columns, rows = run_sql(_readonly(db), query)
    except QueryError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(out.render(columns, [list(r) for r in rows], fmt), nl=False)


@main.command()
@DB_OPTION
@click.option("--port", "-p", type=int, default=8001, show_default=True)
def serve(db: str | None, port: int) -> None:
    """Browse the database in a web browser (Datasette, read-only, on localhost)."""
    from extractor.serve import serve as run_serve

    path = _db(db)
    _readonly(db).close()
    click.echo(f"serving {path} read-only at http://127.0.0.1:{port}/ (Ctrl-C to stop)", err=True)
    try:
        run_serve(path, port)
    except RuntimeError as exc:
        raise click.ClickException(str(exc)) from None


if __name__ == "__main__":  # pragma: no cover
    main()
