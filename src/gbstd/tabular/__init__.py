"""Spreadsheets ⇄ records: the 标准体系明细表 that bureaus keep in Excel, read by ``gbstd import`` and
written by ``gbstd report catalog``.

``columns`` owns the column set and its header aliases, ``cells`` parses what people type into cells,
``mapping`` turns a row into record data and a record back into a row (one mapping for both directions, so
export → import → export is lossless), ``readers`` reads XLSX/CSV, ``writers`` writes XLSX/CSV/Markdown and
``importer`` plans and applies an import into a catalog.
"""
