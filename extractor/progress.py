"""Import progress for people: a progress bar on a terminal, plain log lines otherwise, and the
closing summary that names every failed file with its reason.

The counter counts files (a bound volume is one file, its parts logged under the same count); the
closing line says how many files were read and how many documents they held, apart."""

from __future__ import annotations

import sys
import time
from typing import TYPE_CHECKING

from extractor import i18n
from extractor.i18n import N_, _, ngettext
from extractor.wording import printable

if TYPE_CHECKING:
    from rich.progress import Progress

# The importer's events as a log line names them (see importer.Listener).
EVENTS = {"imported": N_("imported"), "unchanged": N_("unchanged"), "reextracted": N_("re-extracted"),
          "failed": N_("failed")}


class ProgressReporter:
    """Receives the importer's events (see importer.Listener) and shows them."""

    def __init__(self, stream=None) -> None:
        # rich is imported here, by an import only: `xhht extract` needs `skipped_lines` alone,
        # and rich's import is a tenth of its start-up
        from rich.console import Console

        self.stream = stream or sys.stderr
        self.console = Console(file=self.stream)
        self.live = self.console.is_terminal
        self.total = 0
        self.done = 0
        self.failed = 0
        self.seen: set[str] = set()  # the files counted (a volume's parts come one by one, any first)
        self.started = time.perf_counter()
        self.progress: Progress | None = None
        self.task = None

    def __enter__(self) -> ProgressReporter:
        if self.live:
            from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

            self.progress = Progress(
                TextColumn("[bold]" + _("import")), BarColumn(), MofNCompleteColumn(),
                TextColumn("{task.fields[rate]} " + _("files/s")),
                TextColumn(_("failed") + ": {task.fields[failed]}"),
                TimeRemainingColumn(), console=self.console, transient=True)
            self.progress.__enter__()
            self.task = self.progress.add_task("import", total=None, rate=i18n.number(0), failed=0)
        return self

    def __exit__(self, *exc) -> None:
        if self.progress:
            self.progress.__exit__(*exc)

    def event(self, kind: str, path: str, detail: object) -> None:
        if kind == "start":
            self.total = int(detail)
            if self.progress:
                self.progress.update(self.task, total=self.total)
            else:
                self._log(ngettext("{n} file to import", "{n} files to import",
                                   self.total).format(n=self.total))
            return
        if kind == "skipped":
            if not self.progress:  # on a terminal the closing summary says it once, grouped by reason
                self._log(_("skipped {path}: {reason}").format(path=printable(path),
                                                               reason=i18n.error(detail)))
            return
        source = detail.get("source", {}) if isinstance(detail, dict) else {}
        counted = path
        if source.get("pages"):  # a part of a bound volume: named with its pages, the file counted once
            path = _("{path} (part {part} of {parts}, pages {first}-{last})").format(
                path=path, part=source["part"], parts=source["parts"], first=source["pages"][0],
                last=source["pages"][1])
        self.done += counted not in self.seen  # a file is counted when its first document is in
        self.seen.add(counted)
        self.failed += kind == "failed"
        rate = self.done / max(time.perf_counter() - self.started, 1e-6)
        if self.progress:
            self.progress.update(self.task, completed=self.done, rate=i18n.number(round(rate, 1)),
                                 failed=self.failed)
            if kind == "failed":
                from rich.markup import escape

                shown = f"{escape(printable(path))}: {escape(printable(i18n.error(detail)))}"
                self.progress.console.print("[red]" + _("error") + f"[/red]: {shown}", markup=True,
                                            highlight=False)
        else:
            self._log(f"[{self.done}/{self.total}] {self._line(kind, path, detail)}")

    @staticmethod
    def _line(kind: str, path: str, detail: object) -> str:
        """What happened to one file or part, as the log line says it after the counter."""
        if kind == "failed":
            return f"{_(EVENTS[kind])} {printable(path)}: {printable(i18n.error(detail))}"
        if isinstance(detail, dict) and detail.get("same_as"):  # a copy read in this same run
            return _("{path}: same content as {first}").format(path=printable(path),
                                                               first=printable(detail["same_as"]))
        return f"{_(EVENTS.get(kind, kind))} {printable(path)}"

    def _log(self, line: str) -> None:
        print(line, file=self.stream, flush=True)

    def closing(self, summary, db: str) -> str:
        elapsed = time.perf_counter() - self.started
        documents = summary.imported + summary.unchanged + summary.reextracted
        lines = [_("{db}: {files} read, {documents} — imported {imported}, unchanged {unchanged}, "
                   "re-extracted {reextracted}, skipped {skipped}, failed {failed} ({seconds}s)").format(
            db=printable(db), files=ngettext("{n} file", "{n} files", self.done).format(n=self.done),
            documents=ngettext("{n} document", "{n} documents", documents).format(n=documents),
            imported=summary.imported, unchanged=summary.unchanged,
            reextracted=summary.reextracted, skipped=len(summary.skipped), failed=len(summary.failed),
            seconds=i18n.number(round(elapsed, 1)))]
        lines += skipped_lines(summary.skipped)
        lines += [_("failed: {path}: {reason}").format(path=printable(path),
                                                       reason=printable(i18n.error(reason)))
                  for path, reason in summary.failed]
        return "\n".join(lines)


def skipped_lines(skipped: list[tuple[str, str]]) -> list[str]:
    """One line per reason for what a walk skipped, with how many and the first one met: a folder
    of reports and photos says "skipped (unsupported file type): 412 paths" once, not 412 times."""
    by_reason: dict[str, list[str]] = {}
    for path, reason in skipped:
        by_reason.setdefault(reason, []).append(str(path))
    return [_("skipped ({reason}): {paths}, e.g. {path}").format(
                reason=i18n.error(reason), path=printable(paths[0]),
                paths=ngettext("{n} path", "{n} paths", len(paths)).format(n=len(paths)))
            if len(paths) > 1 else _("skipped ({reason}): {path}").format(reason=i18n.error(reason),
                                                                          path=printable(paths[0]))
            for reason, paths in by_reason.items()]
