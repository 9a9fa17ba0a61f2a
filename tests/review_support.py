"""Small catalogs for the review tests, built in tmp_path (JSON is valid YAML, so records are JSON)."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from gbstd.model.code import StandardCode

INTERNAL = r"^HNJGSW \d+-\d{4}$"

SYSTEM = {
    "name": "测试体系",
    "modules": [
        {"id": "100", "name": "基础通用", "modules": [{"id": "101", "name": "基础"}]},
        {"id": "200", "name": "管理",
         "modules": [{"id": "201", "name": "办公用房"}, {"id": "202", "name": "公务用车"}]},
    ],
}


def review_catalog(root: Path, records: list[dict[str, Any]], review: str = "", system: bool = True) -> Path:
    """Write gbstd.toml (with an optional [review] body), system.yaml and one file per record."""
    root.mkdir(parents=True, exist_ok=True)
    toml = f"[catalog]\ninternal_code_pattern = '{INTERNAL}'\n"
    if review:
        toml += f"\n[review]\n{review}\n"
    (root / "gbstd.toml").write_text(toml, encoding="utf-8")
    if system:
        (root / "system.yaml").write_text(json.dumps(SYSTEM, ensure_ascii=False), encoding="utf-8")
    for data in records:
        write_record(root, data)
    return root


def write_record(root: Path, data: dict[str, Any]) -> Path:
    data = {"title": "测试标准", "status": "现行", "module": "202", **data}
    code = StandardCode.parse(data["code"], re.compile(INTERNAL))
    path = root / "records" / code.filename
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    return path


def review(date: str, conclusion: str = "继续有效", by: str = "某局") -> dict[str, str]:
    return {"date": date, "conclusion": conclusion, "by": by}
