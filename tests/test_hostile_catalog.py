"""Issue 20, "safe on a stranger's catalog": every attack tried on a copy of the sample catalog, in one module.

The cases live in three files by area and are collected here (they are not collected on their own):

- ``tests/hostile/templates.py`` — item 1 (templates see plain immutable data; 31 escape payloads exit 2 and
  write nothing), item 2 for templates and assets (symlinks, symlinked directories, FIFOs, oversized files), item 6
  for the site (colliding page names, a 300-character code, the site written whole or not at all).
- ``tests/hostile/catalog_files.py`` — item 2 for configured paths, records, notes and the cache directory, item 3
  (``internal_code_pattern`` under RE2), item 5 (one safe reader for history, import --update, fmt and review add;
  control characters stripped from terminal output) and item 7 (quoted hints).
- ``tests/hostile/exports.py`` — item 4 (CSV/XLSX cells and headers neutralised, the round trip restores them,
  Markdown exports escape HTML) and item 6 outside the site (long codes in ``new`` and ``import``, long DOCX text).
"""

from __future__ import annotations

from tests.hostile.catalog_files import *  # noqa: F403
from tests.hostile.exports import *  # noqa: F403
from tests.hostile.templates import *  # noqa: F403
