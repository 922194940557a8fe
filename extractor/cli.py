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


if __name__ == "__main__":  # pragma: no cover
    main()
