"""The `xhht` command: a thin layer over the library. It parses arguments and prints."""

from __future__ import annotations

import json
import sys
import textwrap
from contextlib import contextmanager
from pathlib import Path

import click

from extractor import __version__
from extractor.cli_help import Program, option
from extractor.i18n import LANGUAGES, N_, _, error, ngettext, set_language
from extractor.usage_errors import OutputFile, OutputPath
from extractor.wording import printable


class Failure(click.ClickException):
    """A command that cannot do what was asked: one line on stderr, exit code 1, in the interface's
    language ("Error:" included, which click would print in English). The line is made when the
    failure is raised, in the command's language."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.line = _("Error: {message}").format(message=message)

    def show(self, file=None) -> None:
        click.echo(self.line, file=file, err=True)


def _show_version(ctx: click.Context, _param, value: bool) -> None:
    """`--version`: the package's version and `code_digest` (computed only when asked: every
    command would otherwise pay for reading the package's files)."""
    if value and not ctx.resilient_parsing:
        from extractor.resources import code_digest

        click.echo(f"xhht, version {__version__} (code {code_digest()})")
        ctx.exit()


def _choose_language(_ctx: click.Context, _param, lang: str | None) -> None:
    """`--lang`, in force as soon as it is read (an eager option): for the command, and for the help
    page of `xhht --lang en --help`, which click writes while it parses, before `main` runs. The
    choice ends with the run (`Program`)."""
    if lang:
        set_language(lang)


@click.group(cls=Program, invoke_without_command=True,
             context_settings={"help_option_names": ["-h", "--help"]})
@option("--version", is_flag=True, expose_value=False, is_eager=True, callback=_show_version,
        help=N_("Show the version (and the code's digest: the same on every machine of a cluster) and exit."))
@option("--lang", type=click.Choice(LANGUAGES), default=None, is_eager=True, expose_value=False,
        callback=_choose_language,
        help=N_("language of messages, tables and help pages (default: $XHHT_LANG, else the locale; "
                "Vietnamese unless the locale is English)"))
@click.pass_context
def main(ctx: click.Context) -> None:
    """xhht-extractor: Vietnamese learning-society reports into one comparable database."""
    if ctx.invoked_subcommand is None:  # `xhht --lang en` alone: the help page, as `xhht` alone gives
        click.echo(ctx.get_help())


@main.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True))
@option("--format", "fmt", type=click.Choice(["summary", "json", "jsonl"]), default="summary",
        show_default=True, help=N_("summary for people; json: one object for one file, an array for a "
                                   "folder or several files; jsonl: one object a line"))
@option("--output", "-o", type=OutputFile("w", encoding="utf-8"), default="-",
        help=N_("write here instead of stdout"))
def extract(paths: tuple[str, ...], fmt: str, output) -> None:
    """Read files or folders (recursively) and print what each one says.

    A file that cannot be read gets one line on stderr naming it and the reason, and so does
    each kind of entry that is skipped; the run goes on, and the exit code is 1 if any file failed.
    """
    from extractor.extract import walk
    from extractor.progress import skipped_lines
    from extractor.readers import SUPPORTED

    found = walk(paths)
    for line in skipped_lines([(str(path), reason) for path, reason in found.skipped]):
        click.echo(line, err=True)
    if not found.files:
        message = _("error: no supported files ({kinds}) under the given paths")
        click.echo(message.format(kinds=" ".join(sorted(SUPPORTED))), err=True)
        sys.exit(2)
    failed: list[Path] = []
    results = _extracted(found.files, failed)
    several = len(paths) > 1 or Path(paths[0]).is_dir()
    if fmt == "json" and not several:  # one file: one object, or an array for a bound volume's parts
        results = list(results)
        several = len(results) > 1
    if fmt == "json" and several:
        _write_json_array(results, output)
    else:
        for result in results:
            output.write(_rendered(result, fmt) + "\n")
    if failed:
        sys.exit(1)


def _extracted(files: list[Path], failed: list[Path]):
    """Each file's result in turn (each part's, for a bound volume); a file that cannot be read is one
    line on stderr, and is added to `failed`."""
    from extractor.extract import extract_parts
    from extractor.readers import ReadError

    for path in files:
        try:
            yield from extract_parts(path)
        except ReadError as exc:
            failed.append(path)
            click.echo(_("error: {path}: {reason}").format(path=printable(str(path)),
                                                           reason=printable(error(str(exc)))),
                       err=True)


def _rendered(result: dict, fmt: str) -> str:
    if fmt == "json":
        return json.dumps(result, ensure_ascii=False, indent=2)
    if fmt == "jsonl":
        return json.dumps(result, ensure_ascii=False)
    from extractor.report import summary

    return summary(result)


def _write_json_array(results, output) -> None:
    """Several documents as one JSON array, written as each is read: one object per document, as
    the contract says, and still one JSON value a program can parse (objects back to back are not)."""
    output.write("[")
    for k, result in enumerate(results):
        output.write(("\n" if k == 0 else ",\n") + _rendered(result, "json"))
    output.write("\n]\n")


DB_OPTION = option("--db", "db", type=click.Path(dir_okay=False), default=None,
                   help=N_("database file (default: $XHHT_DB, else ./xhht.db)"))


def _db(db: str | None) -> str:
    from extractor.store import default_db_path

    return str(db or default_db_path())


def _readonly(db: str | None):
    from extractor.store import connect

    path = _db(db)
    try:
        return connect(path, readonly=True)
    except FileNotFoundError:
        raise Failure(_("no database at {path}; run `xhht import FOLDER` first").format(path=path)) from None


@main.command("import")
@click.argument("paths", nargs=-1, type=click.Path(exists=True))
@DB_OPTION
@option("--workers", "-w", type=click.IntRange(1, 64), default=None,
        help=N_("extraction processes (default: the machine's cores)"))
@option("--reextract", is_flag=True, help=N_("re-read stored documents whose extractor or patterns changed "
                                             "(with PATHS: only those found under them)"))
@option("--force", is_flag=True, help=N_("with --reextract: re-read every stored document"))
@option("--cluster", metavar="ADDRESS", help=N_("run the extraction on a Dask cluster (tcp://HOST:8786)"))
@option("--cluster-files", type=click.Choice(["send", "shared"]), default="send", show_default=True,
        help=N_("send: ship each file's bytes to the workers; shared: workers read the same path"))
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
        raise click.UsageError(_("give files or folders to import (or --reextract)"))
    target = _db(db)
    reporter = ProgressReporter()
    remote = Cluster(cluster, cluster_files) if cluster else None
    try:
        with reporter:
            if reextract:
                summary = run_reextract(target, workers, reporter.event, force=force, cluster=remote,
                                         paths=paths)
            else:
                summary = import_paths(target, paths, workers, reporter.event, cluster=remote)
    except KeyboardInterrupt:
        click.echo(_("interrupted: what was stored is complete; run the same command again to finish"),
                   err=True)
        sys.exit(130)
    except (RuntimeError, OSError) as exc:
        if not remote:
            raise
        raise Failure(_("cluster {address}: {reason}").format(address=cluster, reason=exc)) from exc
    click.echo(reporter.closing(summary, target), err=True)
    if reextract and summary.current and not summary.reextracted and not summary.failed:
        click.echo(ngettext("{n} stored document was already read by this version of the extractor and its "
                            "patterns: nothing to read again (--force reads every document again)",
                            "{n} stored documents were already read by this version of the extractor and its "
                            "patterns: nothing to read again (--force reads every document again)",
                            summary.current).format(n=summary.current), err=True)
    sys.exit(1 if summary.failed else 0)


@main.command()
@click.argument("code")
@DB_OPTION
@option("--unit", help=N_("unit name, with or without diacritics"))
@option("--district", help=N_("district name"))
@option("--province", help=N_("province name"))
@option("--from", "year_from", type=int, help=N_("first year"))
@option("--to", "year_to", type=int, help=N_("last year"))
@option("--format", "fmt", type=click.Choice(["table", "csv", "xlsx", "json"]), default="table",
        show_default=True)
@option("--output", "-o", type=OutputPath(dir_okay=False), help=N_("write to this file"))
@option("--plot", "plot_file", type=OutputPath(dir_okay=False), help=N_("also draw a line chart (PNG)"))
@option("--as-of", "as_of", type=int, metavar="2025",
        help=N_("one row per unit after the 2025 merger, its predecessors' counts summed"))
@option("--by", type=click.Choice(["district", "province"]),
        help=N_("sum the communes of each district or province, beside its own figure"))
@option("--change", is_flag=True, help=N_("add the change against the previous reported year"))
@option("--sort", "sort", metavar="COLUMN",
        help=N_("sort on a column: unit, or YEAR:KIND:PART with PART value, coverage, own, change or pct "
                "(e.g. 2023:actual:change)"))
@option("--desc", is_flag=True, help=N_("sort in descending order (with --sort)"))
def compare(code: str, db: str | None, unit, district, province, year_from, year_to, fmt, output,
            plot_file, as_of, by, change, sort, desc) -> None:
    """One indicator across units (rows) and years (columns); Đề án codes show targets and results."""
    from extractor import output as out
    from extractor.query import QueryError
    from extractor.research import research

    if desc and not sort:
        raise Failure(_("--desc sorts the column given by --sort: give --sort COLUMN (e.g. unit)"))
    conn = _readonly(db)
    try:
        view = research(conn, code, unit, district, province, year_from, year_to, as_of, by, change, sort,
                        desc)
    except QueryError as exc:
        raise Failure(str(exc)) from None
    pivot = view.pivot
    if not pivot.rows and not view.apart:
        raise Failure(_("no values of {code} for the units and years asked").format(code=code))
    title = f"{pivot.label} ({pivot.code}{', ' + pivot.unit if pivot.unit else ''})" + _view_title(view)
    columns, rows, notes = out.view_table(view, fmt)
    try:
        text = out.render(columns, rows, fmt, output, title, pivot.unit, localized=True)
        if plot_file:
            out.plot(pivot, plot_file)
    except ValueError as exc:
        raise Failure(str(exc)) from None
    if text is not None:
        click.echo(text, nl=False)
    for note in notes:
        click.echo(note)
    for note in view_notes(view, bool(plot_file)):
        click.echo(note, err=True)


def view_notes(view, plotted: bool = False) -> list[str]:
    """What a reader of a sum must know beside it: change cells left empty because the units summed
    differ between the two years, and (on a chart) sum lines over units that vary by year."""
    from extractor.research import coverage_varies, withheld_changes

    notes = []
    if view.changes and withheld_changes(view):
        notes.append(_("{count} change cells left empty: the units reporting differ between the two "
                       "years (see the coverage columns)").format(count=withheld_changes(view)))
    if plotted and coverage_varies(view):
        notes.append(_("the chart's sums add up different units in different years (see the coverage "
                       "columns)"))
    return notes


def _view_title(view) -> str:
    """What a research view gathers, said after the indicator's name."""
    if view.as_of and view.by:
        return " — " + _("by province as of {year}").format(year=view.as_of)
    if view.as_of:
        return " — " + _("units as of {year}").format(year=view.as_of)
    if view.by:
        return " — " + (_("communes summed by district") if view.by == "district"
                        else _("communes summed by province"))
    return ""


def _shown(columns: list[str], rows: list[list], fmt: str) -> tuple[list[str], list[list]]:
    """A table for people (fmt "table"): column names and codes in the interface's language;
    CSV and JSON keep the codes and column names that programs read."""
    if fmt != "table":
        return columns, rows
    from extractor import i18n

    shown = {"report_type": i18n.report_type_name, "status": i18n.status_name, "category": i18n.category_name,
             "reason": i18n.reason, "location": i18n.location}
    rows = [[shown[c](v) if c in shown else v for c, v in zip(columns, row, strict=True)] for row in rows]
    return [i18n.column_name(c) for c in columns], rows


@main.command()
@DB_OPTION
@option("--format", "fmt", type=click.Choice(["table", "csv", "json"]), default="table",
        show_default=True)
def indicators(db: str | None, fmt: str) -> None:
    """The indicator catalogue with how many values each code has."""
    from extractor import output as out
    from extractor.query import indicators as list_indicators

    rows = list_indicators(_readonly(db))
    columns = ["code", "report_type", "label", "unit", "observations"]
    click.echo(out.render(*_shown(columns, [[r[c] for c in columns] for r in rows], fmt), fmt), nl=False)


@main.command()
@DB_OPTION
@option("--format", "fmt", type=click.Choice(["table", "csv", "json"]), default="table",
        show_default=True)
def units(db: str | None, fmt: str) -> None:
    """Reporting units with the years their documents cover."""
    from extractor import output as out
    from extractor.query import units as list_units

    rows = list_units(_readonly(db))
    columns = ["level", "name", "district", "province", "merged_into", "documents", "years"]
    click.echo(out.render(*_shown(columns, [[r[c] for c in columns] for r in rows], fmt), fmt), nl=False)


@main.command()
@DB_OPTION
@option("--format", "fmt", type=click.Choice(["jsonl", "csv", "panel"]), default="jsonl",
        show_default=True, help=N_("jsonl: one spot-check object per document; csv: one row per value; "
                                   "panel: one tidy row per value with its unit, its 2025 unit and its "
                                   "document (Parquet when the output file ends in .parquet)"))
@option("--output", "-o", type=OutputPath(dir_okay=False, allow_dash=True), default="-")
def export(db: str | None, fmt: str, output: str) -> None:
    """Export the stored documents (current versions only)."""
    conn = _readonly(db)
    if fmt == "panel":
        _export_panel(conn, output)
        return
    with click.open_file(output, "w", encoding="utf-8") as stream:
        _export_documents(conn, fmt, stream)


def _export_panel(conn, output: str) -> None:
    from extractor import output as out
    from extractor.research import panel_rows

    if output.endswith(".parquet"):
        try:
            out.panel_parquet(panel_rows(conn), output)
        except ImportError:
            raise Failure(_("Parquet needs pyarrow: pip install 'xhht-extractor[panel]'")) from None
        return
    with click.open_file(output, "w", encoding="utf-8") as stream:
        out.panel_csv(panel_rows(conn), stream, bom=output != "-")


def _export_documents(conn, fmt: str, output) -> None:
    import csv

    from extractor.query import export_documents, observation_rows

    if fmt == "jsonl":
        for doc in export_documents(conn):
            output.write(json.dumps(doc, ensure_ascii=False) + "\n")
        return
    writer = None
    if output.name not in ("-", "<stdout>", "<stdin>"):
        output.write("\ufeff")  # a CSV file starts with a BOM so that Excel reads it as UTF-8
    for row in observation_rows(conn):
        if writer is None:
            writer = csv.DictWriter(output, fieldnames=list(row))
            writer.writeheader()
        writer.writerow(row)


@main.command()
@click.argument("query")
@DB_OPTION
@option("--format", "fmt", type=click.Choice(["table", "csv", "json"]), default="table",
        show_default=True)
@option("--timeout", type=click.FloatRange(min=0, min_open=True), default=30.0, show_default=True,
        metavar="SECONDS", help=N_("stop the query after this long"))
def sql(query: str, db: str | None, fmt: str, timeout: float) -> None:
    """Run a read-only SQL query (writes, ATTACH and PRAGMAs that change anything are refused)."""
    from extractor import output as out
    from extractor.query import QueryError, run_sql

    try:
        columns, rows = run_sql(_readonly(db), query, timeout)
    except QueryError as exc:
        raise Failure(str(exc)) from None
    click.echo(out.render(columns, [list(r) for r in rows], fmt), nl=False)


def _writable(db: str | None):
    from extractor.store import connect

    path = _db(db)
    if not Path(path).exists():
        raise Failure(_("no database at {path}; run `xhht import FOLDER` first").format(path=path))
    return connect(path)


def _who(by: str | None, note: str | None):
    import getpass

    from extractor.corrections import Who

    return Who(by or getpass.getuser(), note)


def _print_json(value) -> None:
    click.echo(json.dumps(value, ensure_ascii=False, indent=2))


@contextmanager
def _corrections_errors():
    from extractor.corrections import CorrectionError

    try:
        yield
    except CorrectionError as exc:
        raise Failure(str(exc)) from None


WHO_OPTIONS = [option("--note", help=N_("why: kept with the correction")),
               option("--by", help=N_("who decides (default: your login name)"))]


def _with_who(func):
    for who in reversed(WHO_OPTIONS):
        func = who(func)
    return func


REASON_WIDTH = 140  # characters of a reason in the review list, cut between words (`review show` has it all)

REPLACE_OPTION = option("--replace", is_flag=True,
                        help=N_("record it even over a different value already stored for that indicator"))


@main.group()
def review() -> None:
    """The review queue: what the extractor left for a person, and how to resolve it."""


@review.command("list")
@DB_OPTION
@option("--kind", help=N_("category, as the list writes it or by its code: unmatched_label, unclear_value, "
                          "low_confidence, ambiguous_cell, conflict, inconsistent, ambiguous_unit, "
                          "unknown_unit, other"))
@option("--unit", help=N_("unit name, with or without diacritics"))
@option("--year", type=int)
@option("--path", "path_glob", help=N_("glob on the document's path or file name"))
@option("--open/--all", "open_only", default=True, show_default=True, help=N_("only open items, or all"))
@option("--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True)
def review_list(db, kind, unit, year, path_glob, open_only, fmt) -> None:
    """List review items (JSON gives every field, with the item's stable id)."""
    from extractor import output as out
    from extractor.corrections import list_items

    with _corrections_errors():
        items = list_items(_writable(db), kind, unit, year, path_glob, open_only)
    if fmt == "json":
        _print_json(items)
        return
    columns = ["id", "status", "category", "unit_name", "year", "location", "label", "raw_value", "reason"]
    columns, rows = _shown(columns, [[i[c] for c in columns] for i in items], "table")
    rows = [[*row[:-1], textwrap.shorten(row[-1], REASON_WIDTH, placeholder=" …")] for row in rows]
    click.echo(out.render(columns, rows, "table"), nl=False)
    click.echo(ngettext("{n} item", "{n} items", len(items)).format(n=len(items)), err=True)


@review.command("show")
@click.argument("item_id", type=int)
@DB_OPTION
@option("--image", type=OutputPath(dir_okay=False), help=N_("write the scanned region's crop to this PNG"))
def review_show(item_id: int, db, image) -> None:
    """One item with its context, suggestion and candidates."""
    from extractor.corrections import crop_of, get_item

    conn = _writable(db)
    with _corrections_errors():
        item = get_item(conn, item_id)
        if image:
            data = crop_of(conn, item_id)
            if data is None:
                raise Failure(_("review item {id} has no scanned region to crop").format(id=item_id))
            Path(image).write_bytes(data)
    _print_json(item)


@review.command("accept")
@click.argument("item_id", type=int)
@DB_OPTION
@REPLACE_OPTION
@_with_who
def review_accept(item_id: int, db, replace: bool, note, by) -> None:
    """Take the extractor's suggestion."""
    from extractor.corrections import accept

    with _corrections_errors():
        _print_json(accept(_writable(db), item_id, _who(by, note), replace))


@review.command("set")
@click.argument("item_id", type=int)
@option("--value", required=True, help=N_("the value as written (count, percent, Đạt / Chưa đạt)"))
@option("--code", help=N_("indicator code (default: the suggestion's)"))
@option("--kind", type=click.Choice(["actual", "target"]), help=N_("default: the suggestion's, else actual"))
@DB_OPTION
@REPLACE_OPTION
@option("--force", is_flag=True, help=N_("accept a code of another report type than the document's"))
@_with_who
def review_set(item_id: int, value: str, code, kind, db, replace: bool, force: bool, note, by) -> None:
    """Say what the item's value is (a second answer to an item replaces the first)."""
    from extractor.corrections import set_value

    with _corrections_errors():
        _print_json(set_value(_writable(db), item_id, value, _who(by, note), code, kind, replace, force))


@review.command("reject")
@click.argument("item_id", type=int)
@DB_OPTION
@_with_who
def review_reject(item_id: int, db, note, by) -> None:
    """Nothing to record: close the item."""
    from extractor.corrections import reject

    with _corrections_errors():
        _print_json(reject(_writable(db), item_id, _who(by, note)))


@review.command("pick")
@click.argument("item_id", type=int)
@click.argument("number", type=int)
@DB_OPTION
@REPLACE_OPTION
@_with_who
def review_pick(item_id: int, number: int, db, replace: bool, note, by) -> None:
    """Choose candidate NUMBER (1-based): the unit of an ambiguous name, or one of two readings."""
    from extractor.corrections import pick

    with _corrections_errors():
        _print_json(pick(_writable(db), item_id, number, _who(by, note), replace))


@review.command("pair")
@click.argument("item_id", type=int)
@click.argument("pairs", nargs=-1)
@option("--yes", is_flag=True, help=N_("record the pairing shown (the likeliest, with PAIRS over it)"))
@DB_OPTION
@REPLACE_OPTION
@_with_who
def review_pair(item_id: int, pairs: tuple[str, ...], yes: bool, db, replace: bool, note, by) -> None:
    """Settle a cell of several labels and values in one step: `xhht review pair ID 1=2 2=1 3=-`
    gives label 1 value 2, label 2 value 1 and label 3 none; labels not named take the likeliest
    pairing. Without PAIRS or --yes it shows that pairing and records nothing."""
    from extractor.corrections import cell_pairing, pair

    chosen = {}
    for text in pairs:
        label, _sep, number = text.partition("=")
        if not label.isdigit() or not (number.isdigit() or number == "-"):
            raise click.UsageError(_("a pair is LABEL=VALUE (numbers as listed, - for no value), not "
                                     "'{pair}'").format(
                pair=text))
        chosen[int(label)] = None if number == "-" else int(number)
    conn = _writable(db)
    with _corrections_errors():
        if not pairs and not yes:
            found = cell_pairing(conn, item_id)
            for k, value in enumerate(found["values"], 1):
                click.echo(f"  [{k}] {value}")
            for k, (label, code, number) in enumerate(zip(found["labels"], found["codes"], found["proposed"],
                                                          strict=True), 1):
                shown = f"[{number}] {found['values'][number - 1]}" if number else "—"
                click.echo(f"{k}. {label}  ({code or _('no indicator')})  ← {shown}")
            click.echo(_("record this pairing with `xhht review pair {id} --yes`, or give "
                         "LABEL=VALUE pairs").format(
                id=item_id), err=True)
            return
        _print_json(pair(conn, item_id, chosen, _who(by, note), replace))


@main.command()
@click.argument("document")
@click.argument("code")
@click.argument("value", required=False)
@option("--kind", type=click.Choice(["actual", "target"]), default="actual", show_default=True)
@option("--delete", is_flag=True, help=N_("remove a wrong value instead of setting one"))
@option("--force", is_flag=True, help=N_("accept a code of another report type than the document's"))
@DB_OPTION
@_with_who
def correct(document: str, code: str, value: str | None, kind: str, delete: bool, force: bool, db, note,
            by) -> None:
    """Fix one stored value of DOCUMENT (a file or its sha256): `xhht correct FILE CODE VALUE`."""
    from extractor.corrections import correct as run_correct
    from extractor.corrections import resolve_document

    if value is None and not delete:
        raise click.UsageError(_("give the VALUE, or --delete"))
    conn = _writable(db)
    with _corrections_errors():
        _print_json(run_correct(conn, resolve_document(conn, document), code, value, _who(by, note), kind,
                                delete, force=force))


@main.command()
@DB_OPTION
@option("--all", "everything", is_flag=True,
        help=N_("every document and cell of the archive (after checks.yaml changed), not only those changed"))
def check(db, everything: bool) -> None:
    """Run the consistency checks again: a unit's years (history) and a district against its communes
    (rollup) for the cells changed since the last run, and the report checks of the documents changed.

    An import runs them for what it imports and a correction for what it corrects; this catches up
    after an interrupted import, and with --all after the checks themselves changed.
    """
    from extractor.checks.results import run

    summary = run(_writable(db), "all" if everything else "changed", identity=True)
    click.echo(_("checked {cells} cells and {documents} documents: {opened} failing anew, {closed} resolved, "
                 "{failing} open in all (`xhht review list --kind inconsistent`)").format(
        cells=summary.cells, documents=summary.documents, opened=summary.opened, closed=summary.closed,
        failing=summary.failing), err=True)


@main.group()
def corrections() -> None:
    """Carry corrections from one database to another."""


@corrections.command("export")
@DB_OPTION
@option("--output", "-o", type=OutputFile("w", encoding="utf-8"), default="-")
def corrections_export(db, output) -> None:
    """Every correction as JSON lines (a header line first)."""
    from extractor.corrections import export_corrections

    for record in export_corrections(_writable(db)):
        output.write(json.dumps(record, ensure_ascii=False) + "\n")


@corrections.command("import")
@click.argument("file", type=click.File("r", encoding="utf-8"))
@DB_OPTION
def corrections_import(file, db) -> None:
    """Apply a corrections file in the order its corrections were decided (the latest decision on a
    thing wins); those for documents not in this database, or before the database exists, are kept
    for later."""
    from extractor.corrections import import_corrections
    from extractor.store import connect

    with _corrections_errors():
        report = import_corrections(connect(_db(db)), file, file.name)
    click.echo(_("applied {applied}, already present {already}, kept in the history {history} (a later "
                 "decision is in force), kept for {waiting} document(s) not in this database").format(
        applied=report.applied, already=report.already, history=report.history,
        waiting=len(set(report.waiting))), err=True)


@main.command()
@DB_OPTION
@option("--port", "-p", type=click.IntRange(0, 65535), default=8001, show_default=True)
@option("--host", default="127.0.0.1", show_default=True,
        help=N_("address to listen on; the site answers only to it and to localhost"))
@option("--review", is_flag=True,
        help=N_("add the review pages, which record corrections (this machine only)"))
def serve(db: str | None, port: int, host: str, review: bool) -> None:
    """Browse the database in a web browser (Datasette on localhost; read-only unless --review)."""
    from extractor.serve import bind, make_app, run

    path = _db(db)
    _readonly(db).close()
    try:
        sock = bind(host, port)  # before saying "serving": a busy port is a one-line error
    except OSError as exc:
        raise Failure(str(exc)) from None
    try:
        app = make_app(path, review, host, sock.getsockname()[1])
    except RuntimeError as exc:
        sock.close()
        raise Failure(str(exc)) from None
    mode = _("with the review pages") if review else _("read-only")
    shown = f"[{host}]" if ":" in host else host
    click.echo(_("serving {path} {mode} at {url} (Ctrl-C to stop)").format(
        path=path, mode=mode, url=f"http://{shown}:{sock.getsockname()[1]}/"), err=True)
    run(app, sock)


if __name__ == "__main__":  # pragma: no cover
    main()
