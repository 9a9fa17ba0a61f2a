"""Y011 stray-file: a YAML file that belongs to no file kind."""

from __future__ import annotations

from gbstd.findings import Severity
from gbstd.i18n import Text
from gbstd.rules.base import LoadRule


class StrayFile(LoadRule):
    """不属于任何文件类型的文件 / stray file

    What it does:
        Reports a YAML file under the catalog that is not a record (under records/), a project, a pilot
        plan, bulletin notes or the system file, with the folder it most likely belongs in, guessed from
        its top-level keys (code + title: a record; id + history: a project; phases: a plan; period:
        notes). Dot-files and dot-directories, the cache directory, templates/, virtual environments and
        the paths listed in ``[catalog] exclude`` are not looked at.

    Why it matters:
        A record saved at the catalog root or in a misspelled folder is in no count, report, bulletin or
        site, and nobody would otherwise be told.

    Example:
        recrods/local/DB41-T-2144-2021.yaml

    Use instead:
        records/local/DB41-T-2144-2021.yaml
        (or, for a YAML file that is not catalog data, in gbstd.toml: [catalog] exclude = ["docs/"])
    """

    code = "Y011"
    name = "stray-file"
    summary = Text("不属于任何文件类型的文件", "stray file")
    severity = Severity.WARNING
