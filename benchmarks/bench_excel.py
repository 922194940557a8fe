"""Benchmark: reading a workbook into the document model against python-calamine's own read.

Usage: python benchmarks/bench_excel.py [--rows 2000] [--repeats 5]

For each workbook — the annex samples of corpus_samples/ and a generated district summary (one
row per commune, counts and percent-formatted rates, group rows merged across) written as .xlsx,
.ods and .xls — prints the best-of-N time of `read_document` beside the floor: python-calamine
opening the same file and reading every visible sheet's values (and merged ranges where it has
them), which is all a reader could do without the cell formats. The difference is the cell
formats (openpyxl for .xlsx with percent styles, content.xml for .ods, xlrd for .xls) and the
document model. The full extraction (`extract_file`) is printed for scale.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # this checkout's extractor, installed or not
sys.path.insert(1, str(ROOT / "tests"))  # the tests' workbook writers (xlsx, ods, xls)


def best(fn, repeats: int) -> float:
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times)


def calamine_read(path: Path) -> int:
    """python-calamine's own read: every visible worksheet's values and merged ranges."""
    import python_calamine as calamine

    cells = 0
    with calamine.CalamineWorkbook.from_path(str(path)) as book:
        for meta in book.sheets_metadata:
            if meta.visible != calamine.SheetVisibleEnum.Visible:
                continue
            sheet = book.get_sheet_by_name(meta.name)
            cells += sum(len(row) for row in sheet.to_python())
            sheet.merged_cell_ranges  # noqa: B018 - part of what calamine reads
    return cells


def summary_sheets(rows: int):
    """A district's summary of its communes: counts and percent-formatted rates, a group row merged
    across the table every 25 communes."""
    from workbooks import Pct, Sheet

    table = [["TT", "Đơn vị", "Số hộ", "Gia đình học tập", "Tỷ lệ (%)", "Dòng họ học tập", "Tỷ lệ dòng họ",
              "Số lớp", "Số lượt người tham gia", "Kinh phí (đồng)", "Ghi chú"]]
    merges = []
    for i in range(rows):
        if i % 25 == 0:
            table.append([f"Cụm {i // 25 + 1}"] + [None] * 10)
            merges.append(f"A{len(table)}:K{len(table)}")
        households = 600 + (i * 37) % 900
        families = households * (70 + i % 25) // 100
        table.append([i + 1, f"Xã số {i + 1}", households, families, Pct(families / households), 12 + i % 9,
                      Pct((60 + i % 37) / 100), 3 + i % 5, 80 + (i * 13) % 400, 1_500_000 + 250_000 * (i % 7),
                      None])
    return [Sheet("Tổng hợp", table, merges=merges)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=2000, help="communes in the generated summary")
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()

    from workbooks import write_ods, write_xls, write_xlsx

    from extractor.extract import extract_file
    from extractor.readers import read_document

    folder = Path(tempfile.mkdtemp(prefix="xhht-bench-excel-"))
    books = sorted((ROOT / "corpus_samples").glob("*.xlsx"))
    sheets = summary_sheets(args.rows)
    books.append(write_xlsx(folder / f"tong_hop_{args.rows}.xlsx", sheets))
    books.append(write_ods(folder / f"tong_hop_{args.rows}.ods", sheets))
    try:
        books.append(write_xls(folder / f"tong_hop_{args.rows}.xls", sheets))
    except ImportError:
        print("(no .xls: writing one needs xlwt)")
    extract_file(books[0])  # warm: patterns, register, imports
    print(f"{'workbook':<42} {'cells':>7} {'read':>9} {'calamine':>9} {'ratio':>6} {'extract':>9}")
    for path in books:
        cells = calamine_read(path)
        ours = best(lambda p=path: read_document(p), args.repeats)
        floor = best(lambda p=path: calamine_read(p), args.repeats)
        full = best(lambda p=path: extract_file(p), max(1, args.repeats // 2))
        print(f"{path.name[:42]:<42} {cells:>7} {ours * 1000:>7.1f}ms {floor * 1000:>7.1f}ms "
              f"{ours / floor:>5.1f}× {full * 1000:>7.0f}ms")


if __name__ == "__main__":
    main()
