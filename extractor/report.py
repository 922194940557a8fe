"""The human-readable spot-check summary of one extraction result."""

from __future__ import annotations

from io import StringIO

from rich.console import Console
from rich.markup import escape
from rich.table import Table

from extractor.wording import count, printable


def summary(result: dict) -> str:
    """Metadata, then a table of values with where each came from, then what went to review."""
    buffer = StringIO()
    console = Console(file=buffer, width=160, force_terminal=False, color_system=None)
    source, doc = result["source"], result["document"]
    shown = escape(printable(source["path"]))
    console.print(f"[b]{shown}[/b]  ({source['format']}, sha256 {source['sha256'][:12]})")
    unit = " ".join(x for x in (doc.get("unit_level"), doc.get("unit_name")) if x) or "?"
    where = ", ".join(x for x in (doc.get("district"), doc.get("province")) if x)
    console.print(f"type: {doc['report_type']}   unit: {unit}" + (f" ({where})" if where else "")
                  + f"   period: {doc.get('period')}   issued: {doc.get('issued_date')}   number: {doc.get('doc_number')}")
    notes = result.get("reader", {}).get("notes") or []
    if notes:
        console.print("reader: " + "; ".join(notes))
    if result["indicators"]:
        table = Table(title=count(len(result['indicators']), "indicator value"), show_lines=False)
        for column in ("code", "kind", "value", "unit", "label", "location", "score"):
            table.add_column(column, overflow="fold")
        for ind in result["indicators"]:
            table.add_row(ind["code"], ind["kind"], str(ind["value"]), ind["unit"], ind["label"][:50],
                          ind["location"], f"{ind['score']:.0f}")
        console.print(table)
    if result["activities"]:
        table = Table(title=count(len(result['activities']), "activity", "activities"))
        for column in ("name", "participants", "host", "partners", "location"):
            table.add_column(column, overflow="fold")
        for act in result["activities"]:
            table.add_row(act["name"][:60], str(act["participants"] if act["participants"] is not None else ""),
                          act["host"] or "", act["partners"] or "", act["location"])
        console.print(table)
    if result["unmatched"] or result["warnings"]:
        console.print(f"[b]for review[/b]: {count(len(result['unmatched']), 'label')}, "
                      f"{count(len(result['warnings']), 'warning')}")
        for item in result["unmatched"]:
            best = f" (closest: {item['best']} {item.get('score', '')})" if item.get("best") else ""
            console.print(f"  - {item['location']}: '{item['label'][:70]}' = '{item['raw_value'][:30]}': {item['reason']}{best}")
        for warning in result["warnings"]:
            console.print(f"  ! {warning}")
    return buffer.getvalue().rstrip()
