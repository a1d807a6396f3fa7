"""Bulk import and export of achievements and demands: CSV, Excel (.xlsx) and JSON Lines.

An import reads the whole file, validates every row into the listing schemas and collects
(row, column, reason) for each problem before anything is written: all rows or none, or only
the valid rows when the caller asks to skip the invalid ones. Each row is keyed by
(organisation, kind, external id); a row without an external id gets a stable key from its
normalised title, stored as the external id, so importing a file again updates in place.

A platform administrator imports for the organisations named in the ``org`` column (a bureau
migrating a legacy catalogue): the listings are published at once. Anyone else imports drafts
of their own organisation through the catalogue service, with its checks.

An export writes the same columns (Chinese headers in CSV and Excel, English keys in JSON
Lines) with only what the viewer may see; the column list is documented in
docs/import-columns.md.
"""

from __future__ import annotations

from app.listings.transfer.columns import (
    _ATTRIBUTE,
    _COMMON_HEAD,
    _COMMON_TAIL,
    _DATE_COLUMNS,
    _IP_TYPES,
    _KEY_OF_ATTRIBUTE,
    _LIST_COLUMNS,
    _MONEY_COLUMNS,
    COLUMNS,
    KINDS,
    MAX_ROWS,
    Column,
    Format,
    Progress,
    _header_index,
    _header_key,
    columns,
)
from app.listings.transfer.exporting import (
    _ALWAYS_SHOWN,
    _INSIDE_ONLY,
    FILTERS,
    _Facets,
    _json_value,
    _sheet_value,
    _text_filters,
    export,
    export_records,
    listings_for_export,
    template,
    visible_columns,
)
from app.listings.transfer.importing import (
    _fill_defaults,
    _imports_as_admin,
    _refuse_changed_meanwhile,
    _without_same_field,
    _Writer,
    check_imports_for_all,
    import_file,
)
from app.listings.transfer.reading import (
    RawTable,
    _cell_text,
    _table_from_rows,
    decode_text,
    detect_format,
    jsonl_records,
    read,
    read_csv,
    read_jsonl,
    read_xlsx,
)
from app.listings.transfer.report import ImportReport, RowError
from app.listings.transfer.suggest import _GENERIC, FIELD_TERMS, FieldSuggester
from app.listings.transfer.validating import (
    _code_from,
    _column_of,
    _enum_code,
    _looks_like_credit_code,
    _Lookups,
    _parse_date,
    _parse_ip_items,
    _prepare_values,
    _Row,
    _split,
    _Validator,
    stable_key,
)

__all__ = [
    "COLUMNS",
    "FIELD_TERMS",
    "FILTERS",
    "KINDS",
    "MAX_ROWS",
    "_ALWAYS_SHOWN",
    "_ATTRIBUTE",
    "_COMMON_HEAD",
    "_COMMON_TAIL",
    "_DATE_COLUMNS",
    "_GENERIC",
    "_INSIDE_ONLY",
    "_IP_TYPES",
    "_KEY_OF_ATTRIBUTE",
    "_LIST_COLUMNS",
    "_MONEY_COLUMNS",
    "Column",
    "FieldSuggester",
    "Format",
    "ImportReport",
    "Progress",
    "RawTable",
    "RowError",
    "_Facets",
    "_Lookups",
    "_Row",
    "_Validator",
    "_Writer",
    "_cell_text",
    "_code_from",
    "_column_of",
    "_enum_code",
    "_fill_defaults",
    "_header_index",
    "_header_key",
    "_imports_as_admin",
    "_json_value",
    "_looks_like_credit_code",
    "_parse_date",
    "_parse_ip_items",
    "_prepare_values",
    "_refuse_changed_meanwhile",
    "_sheet_value",
    "_split",
    "_table_from_rows",
    "_text_filters",
    "_without_same_field",
    "check_imports_for_all",
    "columns",
    "decode_text",
    "detect_format",
    "export",
    "export_records",
    "import_file",
    "jsonl_records",
    "listings_for_export",
    "read",
    "read_csv",
    "read_jsonl",
    "read_xlsx",
    "stable_key",
    "template",
    "visible_columns",
]
