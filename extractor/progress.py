"""Import progress for people: a progress bar on a terminal, plain log lines otherwise, and the
closing summary that names every failed file with its reason."""

from __future__ import annotations

import sys
import time

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

from extractor.i18n import _


class ProgressReporter:
    """Receives the importer's events (see importer.Listener) and shows them."""

    def __init__(self, stream=None) -> None:
        self.stream = stream or sys.stderr
        self.console = Console(file=self.stream)
        self.live = self.console.is_terminal
        self.total = 0
        self.done = 0
        self.failed = 0
        self.started = time.perf_counter()
        self.progress: Progress | None = None
        self.task = None

    def __enter__(self) -> ProgressReporter:
        if self.live:
            self.progress = Progress(
                TextColumn("[bold]" + _("import")), BarColumn(), MofNCompleteColumn(),
                TextColumn("{task.fields[rate]:.1f} " + _("files/s")),
                TextColumn(_("failed") + ": {task.fields[failed]}"),
                TimeRemainingColumn(), console=self.console, transient=True)
            self.progress.__enter__()
            self.task = self.progress.add_task("import", total=None, rate=0.0, failed=0)
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
                self._log(_("{n} files to import").format(n=self.total))
            return
        if kind == "skipped":
            return
        self.done += 1
        self.failed += kind == "failed"
        rate = self.done / max(time.perf_counter() - self.started, 1e-6)
        if self.progress:
            self.progress.update(self.task, completed=self.done, rate=rate, failed=self.failed)
            if kind == "failed":
                self.progress.console.print("[red]" + _("error") + f"[/red]: {path}: {detail}", markup=True,
                                            highlight=False)
        else:
            reason = f": {detail}" if kind == "failed" else ""
            self._log(f"[{self.done}/{self.total}] {kind} {path}{reason}")

    def _log(self, line: str) -> None:
        print(line, file=self.stream, flush=True)

    def closing(self, summary, db: str) -> str:
        elapsed = time.perf_counter() - self.started
        lines = [_("{db}: imported {imported}, unchanged {unchanged}, re-extracted {reextracted}, skipped {skipped}, "
                   "failed {failed} ({seconds}s)").format(
            db=db, imported=summary.imported, unchanged=summary.unchanged, reextracted=summary.reextracted,
            skipped=len(summary.skipped), failed=len(summary.failed), seconds=f"{elapsed:.1f}")]
        if summary.skipped:
            lines.append(_("skipped (not a supported type): {n} files, e.g. {path}").format(
                n=len(summary.skipped), path=summary.skipped[0]))
        lines += [_("failed: {path}: {reason}").format(path=path, reason=reason) for path, reason in summary.failed]
        return "\n".join(lines)
