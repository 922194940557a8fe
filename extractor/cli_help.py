"""The command line's help pages in the run's language.

click builds the commands when cli.py is imported, before `--lang` is read, and writes a help page
(`xhht import --help`, the command list of `xhht --help`) from the texts it was given then. The
classes here keep those texts as they are written — English, the msgids — and translate them each
time click reads them, that is when it renders a page: a command's docstring (whose first sentence
is its line in the command list), an option's help, click's own `--help` line and the headings of
the page. Choices, metavars and `[default: …]` stay as click writes them. `Program`, the top
command, ends the run's choice of language (`--lang`) with the run.

An option's help is marked for extraction where it is written (`help=N_("…")`); a docstring cannot
be, so `extract_messages`, which babel.cfg names for cli.py, gives pybabel the commands' docstrings
beside what its Python extraction finds.
"""

from __future__ import annotations

import ast
import inspect
from collections.abc import Callable, Iterator

import click

from extractor import i18n, usage_errors
from extractor.i18n import N_

HELP_LINE = N_("Show this message and exit.")  # click's own `--help` option, written in English
HEADINGS = frozenset({N_("Options"), N_("Commands"), N_("Positional arguments")})  # click's section names
USAGE = N_("Usage:")


class Translated:
    """A click command or parameter whose `help` is read in the current language: click sets the
    English text (kept as `msgid`, dedented as click shows it) and reads the translation wherever it
    shows it (the help page, the command list, an option's line)."""

    msgid: str | None = None

    @property
    def help(self) -> str | None:
        return i18n.gettext(self.msgid) if self.msgid else self.msgid

    @help.setter
    def help(self, text: str | None) -> None:
        self.msgid = inspect.cleandoc(text) if text else text


class Formatter(click.HelpFormatter):
    """click's help formatter with the page's headings (Usage, Options, Commands) translated."""

    def write_usage(self, prog: str, args: str = "", prefix: str | None = None) -> None:
        super().write_usage(prog, args, i18n.gettext(USAGE) + " " if prefix is None else prefix)

    def section(self, name: str):
        """A section under `name`, translated when it is one of click's own headings (click passes
        it through the standard gettext, which leaves it English unless click's catalogue is there)."""
        return super().section(i18n.gettext(name) if name in HEADINGS else name)


class Context(click.Context):
    """click's context, writing its pages with `Formatter`."""

    formatter_class = Formatter


class Option(Translated, click.Option):
    """An option whose help follows the run's language."""


def option(*param_decls: str, **attrs) -> Callable:
    """`click.option` making an `Option` of this module (its help, given as `N_("…")`, translated
    when it is shown)."""
    return click.option(*param_decls, cls=Option, **attrs)


class _CommandHelp(Translated):
    """What a command and a group share: the translated docstring, the formatter, click's `--help`."""

    context_class = Context

    def get_help_option(self, ctx: click.Context) -> click.Option | None:
        """click's `--help` option with its line in the current language: click makes that option
        itself (a plain click.Option), and asks for it whenever it renders the page."""
        help_option = super().get_help_option(ctx)  # type: ignore[misc]
        if help_option is not None:
            help_option.help = i18n.gettext(HELP_LINE)
        return help_option


class Command(_CommandHelp, click.Command):
    """A command whose help page follows the run's language."""


class Group(_CommandHelp, click.Group):
    """A group whose help page follows the run's language, as do its commands and subgroups."""

    command_class = Command
    group_class = type  # a subgroup is of the group's class


class Program(Group):
    """The top command. A language chosen while it runs (`--lang`, an eager option, so that
    `xhht --lang en --help` is English too) lasts until the run ends, however it ends: a help page
    or a usage error ends the run while click is still parsing, before a context could close."""

    group_class = Group  # its subgroups (review, corrections) are groups, not programs

    def main(self, *args, **kwargs):
        with i18n.one_run():
            return super().main(*args, **kwargs)

    def make_context(self, *args, **kwargs) -> click.Context:
        """The top command's parse: its usage errors in the run's language (`usage_errors`)."""
        with usage_errors.translated():
            return super().make_context(*args, **kwargs)

    def invoke(self, ctx: click.Context):
        """A command's parse and run: its usage errors in the run's language (`usage_errors`)."""
        with usage_errors.translated():
            return super().invoke(ctx)


# ---- extraction ------------------------------------------------------------------------------------
def extract_messages(fileobj, keywords, comment_tags, options) -> Iterator[tuple]:
    """pybabel's extraction method for cli.py (babel.cfg): its messages as pybabel's Python extraction
    finds them, and the docstring of each function a `.command(…)` or `.group(…)` decorator makes a
    command of, dedented as click shows it (the msgid `Translated` looks up)."""
    from babel.messages.extract import extract_python

    yield from extract_python(fileobj, keywords, comment_tags, options)
    fileobj.seek(0)
    tree = ast.parse(fileobj.read().decode(options.get("encoding", "utf-8")))
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef) and any(map(_makes_a_command, node.decorator_list)):
            docstring = ast.get_docstring(node)
            if docstring:
                yield node.lineno, None, docstring, []


def _makes_a_command(decorator: ast.expr) -> bool:
    return (isinstance(decorator, ast.Call) and isinstance(decorator.func, ast.Attribute)
            and decorator.func.attr in ("command", "group"))
