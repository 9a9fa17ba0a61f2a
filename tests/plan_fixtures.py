"""Small catalogs with pilot plans, built in a temporary directory, for the plan tests."""

from __future__ import annotations

import textwrap
from pathlib import Path

from tests.conftest import write_catalog

SYSTEM = """\
name: 测试体系
modules:
  - id: "200"
    name: 管理
    modules:
      - id: "201"
        name: 办公用房
      - id: "202"
        name: 公务用车
  - id: "300"
    name: 保障服务
    modules:
      - id: "301"
        name: 物业服务
"""

PLAN = """\
title: 测试试点工作方案
issuers: [河南省机关事务管理局]
issued: 2021-09-13
status: active
targets:
  - id: local
    description: 不少于3项地方标准
    at_least: 3
    filter: {tiers: [local], regions: ["41"]}
    from: 2021-09-13
    to: 2022-12-31
phases:
  - {name: 前期准备, start: 2021-09, end: 2021-11}
  - {name: 组织实施, start: 2021-12, end: 2022-12}
tasks:
  - phase: 前期准备
    subject: 宣传动员
    deadline: 2021-10
  - phase: 组织实施
    subject: 标准制定
    deadline: 2022-12
"""


def record(
    code: str,
    published: str | None = None,
    *,
    status: str = "现行",
    module: str = "201",
    effective: str | None = None,
    abolished: str | None = None,
    extra: str = "",
) -> str:
    lines = [f"code: {code}", f"title: 标准 {code}", f"status: {status}", f'module: "{module}"']
    for key, value in (("published", published), ("effective", effective), ("abolished", abolished)):
        if value:
            lines.append(f"{key}: {value}")
    return "\n".join(lines) + "\n" + extra


def make_catalog(
    tmp_path: Path,
    plan: str | None = PLAN,
    records: dict[str, str] | None = None,
    *,
    system: bool = True,
    plan_name: str = "test-plan",
) -> Path:
    files: dict[str, str | bytes] = {f"records/{name}": text for name, text in (records or {}).items()}
    if system:
        files["system.yaml"] = SYSTEM
    if plan is not None:
        files[f"plans/{plan_name}.yaml"] = textwrap.dedent(plan)
    root = write_catalog(tmp_path / "catalog", files)
    (root / "records").mkdir(exist_ok=True)
    return root
