"""Storage: the SQLite archive, one module per concern, exported here for its callers
(`from extractor import store; store.connect(...)`, `store.save(...)`).

- `connection`: open, migrate (db/migrations, versioned by user_version), transaction, the clock,
  the indicator catalogue.
- `documents`: one extraction result written, or swapped for a re-extraction, in one transaction.
- `units`: one identity for a reporting unit across documents and years; the unit a person chose.
- `pivot`: `pivot_values` and `pivot_rows` kept up to date for the (unit, year) cells a write touches.
- `corrections`: the corrections table, and a re-extracted document brought in line with it.
- `runs`: import runs and import errors.

Dependencies go one way: documents → corrections → units → pivot → connection (runs → connection).
"""

from extractor.store.connection import (
    connect,
    default_db_path,
    migrate,
    migrations,
    now,
    sync_catalogue,
    transaction,
)
from extractor.store.corrections import (
    correction,
    correction_history,
    correction_row,
    insert_correction,
    later_correction,
    latest_correction_time,
    same_correction_stored,
    stored_number,
    value_correction,
)
from extractor.store.documents import (
    StoreError,
    annex_reports,
    document_id,
    file_documents,
    identities,
    identity,
    insert_children,
    record_path,
    replace_extraction,
    save,
)
from extractor.store.pivot import cell_fill, cells_of, rebuild_pivot, refresh_document
from extractor.store.runs import finish_run, record_error, start_run
from extractor.store.units import set_document_unit, unit_key

__all__ = [
    "StoreError", "annex_reports", "cell_fill", "cells_of", "connect", "correction", "correction_history",
    "correction_row", "default_db_path", "document_id", "file_documents", "finish_run", "identities",
    "identity", "insert_children",
    "insert_correction",
    "later_correction", "latest_correction_time", "migrate", "migrations", "now", "rebuild_pivot",
    "record_error", "record_path", "refresh_document", "replace_extraction", "same_correction_stored", "save",
    "set_document_unit", "start_run", "stored_number", "sync_catalogue", "transaction", "unit_key",
    "value_correction",
]
