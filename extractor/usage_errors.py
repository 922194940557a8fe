"""click's usage errors in the run's language.

click writes a usage error (a missing argument, an unknown option, a value out of range) in
English, from its own message templates; the archivist reads Vietnamese. `translated` turns the
usage error click raises into one written from this project's catalogue: the frame ("Error:",
"Try … for help.") and the message, read from the exception's fields where click keeps them (the
option, the parameter) and otherwise matched against click's templates (`MESSAGES`, data: a
template click adds or rewords stays English until a row is added here). An unknown option that
is `--lang` after a command says where it goes.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import click

from extractor.i18n import N_, gettext

NO_SUCH_OPTION = N_("No such option {name}.")

# click's messages, matched whole (`fullmatch`), and the msgid each is written with; the named groups
# are the msgid's fields ("detail": a message of this table itself, translated in turn).
MESSAGES: tuple[tuple[re.Pattern, str], ...] = tuple((re.compile(pattern), msgid) for pattern, msgid in (
    (r"Missing argument (?P<name>.+)\.", N_("Missing argument {name}.")),
    (r"Missing option (?P<name>.+)\.", N_("Missing option {name}.")),
    (r"Missing command\.", N_("Missing command.")),
    (r"No such command (?P<name>.+)\. Did you mean (?P<suggestion>.+)\?",
     N_("No such command {name}. Did you mean {suggestion}?")),
    (r"No such command (?P<name>.+)\.", N_("No such command {name}.")),
    (r"No such option:? (?P<name>\S+?)\.? Did you mean (?P<suggestion>.+)\?",
     N_("No such option {name}. Did you mean {suggestion}?")),
    (r"No such option:? (?P<name>\S+?)\.?", NO_SUCH_OPTION),
    (r"Got unexpected extra arguments? \((?P<arguments>.+)\)", N_("Unexpected extra argument: {arguments}")),
    (r"Invalid value for (?P<name>.+?): (?P<detail>.+)", N_("Invalid value for {name}: {detail}")),
    (r"(?P<value>.+) is not in the range (?P<range>.+)\.", N_("{value} is not in the range {range}.")),
    (r"(?P<value>.+) is not one of (?P<choices>.+)\.", N_("{value} is not one of {choices}.")),
    (r"(?P<value>.+) is not (?P<choice>'[^']*')\.", N_("{value} is not {choice}.")),
    (r"(?P<value>.+) is not a valid integer\.", N_("{value} is not a whole number.")),
    (r"(?P<value>.+) is not a valid float\.", N_("{value} is not a number.")),
    (r"(?:File|Directory|Path) (?P<path>.+) does not exist\.", N_("{path} does not exist.")),
    (r"Option (?P<name>.+) requires an argument\.", N_("Option {name} needs a value.")),
    (r"Option (?P<name>.+) does not take a value\.", N_("Option {name} takes no value.")),
))

ERROR = N_("Error: {message}")
NO_FOLDER = N_("the folder {folder} does not exist")
HINT = N_("Try '{command} {option}' for help.")
LANG_FIRST = N_("--lang goes before the command: {example}")


def message(text: str) -> str:
    """One of click's messages in the run's language (as it is when no template of MESSAGES is it)."""
    for pattern, msgid in MESSAGES:
        found = pattern.fullmatch(text)
        if found:
            fields = found.groupdict()
            if "detail" in fields:
                fields["detail"] = message(fields["detail"])
            return gettext(msgid).format(**fields)
    return text


def _lang_first(ctx: click.Context) -> str:
    """Where `--lang` goes: before the command (`xhht --lang vi|en review list …`)."""
    from extractor.i18n import LANGUAGES

    root = ctx.find_root().info_name or ""
    command = ctx.command_path[len(root):].strip()
    return gettext(LANG_FIRST).format(example=f"{root} --lang {'|'.join(LANGUAGES)} {command} …")


class UsageError(click.UsageError):
    """A usage error written in the run's language, shown as click shows its own."""

    def __init__(self, error: click.UsageError) -> None:
        text = message(error.format_message())
        if isinstance(error, click.NoSuchOption) and error.option_name == "--lang" and error.ctx is not None:
            # click's guess of another option it may be is no help here: where --lang goes is
            text = f"{gettext(NO_SUCH_OPTION).format(name=repr('--lang'))} {_lang_first(error.ctx)}"
        super().__init__(text, error.ctx)

    def show(self, file=None) -> None:
        hint = ""
        if self.ctx is not None and self.ctx.command.get_help_option(self.ctx) is not None:
            names = self.ctx.command.get_help_option_names(self.ctx)
            hint = gettext(HINT).format(command=self.ctx.command_path, option=max(names, key=len)) + "\n"
        if self.ctx is not None:
            click.echo(f"{self.ctx.get_usage()}\n{hint}", file=file, err=file is None, color=self.ctx.color)
        click.echo(gettext(ERROR).format(message=self.format_message()), file=file, err=file is None,
                   color=self.ctx.color if self.ctx is not None else None)


@contextmanager
def translated() -> Iterator[None]:
    """Raise click's usage errors raised inside as `UsageError`s (once: one already translated passes;
    a group called without its command shows its help page, as click does)."""
    try:
        yield
    except (UsageError, getattr(click.exceptions, "NoArgsIsHelpError", UsageError)):
        raise
    except click.UsageError as error:
        raise UsageError(error) from error


def _folder_exists(value: str, param: click.ParamType, ctx: click.Context | None) -> None:
    """An output file goes into a folder that is there: said before anything is read or written
    (a traceback, or click's English "Could not open file", at the end of the work otherwise)."""
    folder = Path(value).parent
    if value != "-" and not folder.is_dir():
        param.fail(gettext(NO_FOLDER).format(folder=folder), None, ctx)


class OutputPath(click.Path):
    """A file to write (`click.Path`), in a folder that exists."""

    def convert(self, value, param, ctx):
        _folder_exists(str(value), self, ctx)
        return super().convert(value, param, ctx)


class OutputFile(click.File):
    """A file to write, opened by click (`click.File`), in a folder that exists."""

    def convert(self, value, param, ctx):
        if isinstance(value, str):
            _folder_exists(value, self, ctx)
        return super().convert(value, param, ctx)
