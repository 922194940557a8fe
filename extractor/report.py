"""The human-readable spot-check summary of one extraction result."""

from __future__ import annotations

from io import StringIO

from rich.console import Console
from rich.markup import escape
from rich.table import Table

from extractor import i18n
from extractor.checks.document import warning_line
from extractor.i18n import N_, _, ngettext
from extractor.wording import printable

# The kinds of misreading a repair undoes (extractor.checks.repairs), shown translated.
MISREADINGS = (N_("digit confusion"), N_("dropped digit"), N_("doubled digit"), N_("separator"))
MISSING = "—"  # a field the document does not give (never "None")


def summary(result: dict) -> str:
    """Metadata, then a table of values with where each came from, then what went to review."""
    buffer = StringIO()
    console = Console(file=buffer, width=160, force_terminal=False, color_system=None)
    source, doc = result["source"], result["document"]
    shown = escape(printable(source["path"]))
    console.print(f"[b]{shown}[/b]  ({source['format']}, sha256 {source['sha256'][:12]})")
    if source.get("pages"):
        console.print(_("part {part} of {parts}: pages {first}-{last}").format(
            part=source["part"], parts=source["parts"], first=source["pages"][0], last=source["pages"][1]))
    unit = " ".join(x for x in (doc.get("unit_level"), doc.get("unit_name")) if x) or "?"
    where = ", ".join(x for x in (doc.get("district"), doc.get("province")) if x)
    kind = f"{i18n.report_type_name(doc['report_type'])} ({doc['report_type']})"
    console.print(_("type: {type}   unit: {unit}").format(type=kind, unit=unit)
                  + (f" ({where})" if where else "")
                  + _("   period: {period}   issued: {issued}   number: {number}").format(
                      period=doc.get("period") or MISSING, issued=doc.get("issued_date") or MISSING,
                      number=doc.get("doc_number") or MISSING))
    notes = result.get("reader", {}).get("notes") or []
    if notes:
        console.print(_("reader: ") + "; ".join(i18n.note(n) for n in notes))
    if result["indicators"]:
        count = len(result["indicators"])
        table = Table(title=ngettext("{n} indicator value", "{n} indicator values", count).format(n=count),
                      show_lines=False)
        for column in (_("code"), _("kind"), _("value"), _("unit"), _("label"), _("location"), _("score")):
            table.add_column(column, overflow="fold")
        for ind in result["indicators"]:
            table.add_row(ind["code"], i18n.kind_name(ind["kind"]), i18n.number(ind["value"]), ind["unit"],
                          ind["label"][:50], i18n.location(ind["location"]), f"{ind['score']:.0f}")
        console.print(table)
    else:  # said, so that an empty reading is not mistaken for a cut-off output
        console.print(_("no indicator value read in this document (its figures may be in an annex "
                        "beside it, or in words the patterns do not know: see what went to review)"))
    if result["activities"]:
        count = len(result["activities"])
        table = Table(title=ngettext("{n} activity", "{n} activities", count).format(n=count))
        for column in (_("name"), _("participants"), _("host"), _("partners"), _("location")):
            table.add_column(column, overflow="fold")
        for act in result["activities"]:
            table.add_row(act["name"][:60], i18n.number(act["participants"]), act["host"] or "",
                          act["partners"] or "", i18n.location(act["location"]))
        console.print(table)
    failed = result.get("checks") or []
    if failed:
        console.print("[b]" + ngettext("{n} failed check", "{n} failed checks",
                                       len(failed)).format(n=len(failed))
                      + "[/b]:")
        for check in failed:
            console.print("  ✗ " + escape(_check_line(check)))
    shown = {warning_line(check) for check in failed}  # listed above, with their values
    if result["unmatched"] or result["warnings"]:
        labels, warnings = len(result["unmatched"]), len(result["warnings"])
        console.print("[b]" + _("for review") + "[/b]: " + ngettext("{n} label", "{n} labels", labels).format(
            n=labels)
                      + ", " + ngettext("{n} warning", "{n} warnings", warnings).format(n=warnings))
        for item in result["unmatched"]:
            best = _closest(item)
            console.print(f"  - {i18n.location(item['location'])}: '{item['label'][:70]}' = "
                          f"'{item['raw_value'][:30]}': {i18n.reason(item['reason'])}{best}")
        for warning in result["warnings"]:
            if warning not in shown:
                console.print(f"  ! {i18n.reason(warning)}")
    return buffer.getvalue().rstrip()


def _closest(item: dict) -> str:
    """The catalogue code an unmatched label came closest to, with its score when it has one (a
    label that matched but whose value is unclear has none)."""
    if not item.get("best"):
        return ""
    if item.get("score") is None:
        return _(" (closest: {code})").format(code=item["best"])
    return _(" (closest: {code} {score})").format(code=item["best"], score=i18n.number(item["score"]))


def _misreading(how: str) -> str:
    """A kind of misreading (one of MISREADINGS) in the reader's language."""
    return _(how)


def _check_line(check: dict) -> str:
    """A failed check: where, its message in the reader's language, and the repair it suggests."""
    where = ", ".join(i18n.location(place) for place in check["locations"][:2])
    text = check["message_vi"] if i18n.language() == "vi" else check["message"]
    line = f"{where}: {text} [{check['id']}]"
    repair = check.get("repair")
    if repair:
        line += " — " + _("suggested: {code} = {value} (read {was}, {misreading})").format(
            code=repair["code"], value=i18n.number(repair["value"]), was=i18n.number(repair["was"]),
            misreading=_misreading(repair["misreading"]))
    elif check.get("repairs_fitting", 0) > 1:
        line += " — " + _("{n} single-figure repairs fit; none suggested").format(n=check["repairs_fitting"])
    return line
