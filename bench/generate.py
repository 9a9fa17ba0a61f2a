"""A deterministic generator of realistic national-scale catalogs for benchmarks.

``generate_catalog(root, n, seed)`` writes ``gbstd.toml``, ``system.yaml`` and ``n`` record files under
``root``: national, industry, group, local (provincial and prefecture-city DB codes from
``gbstd.model.regions``, every one named) and internal standards of provincial,
city and county bureaus; real subject words, publication/effective dates, supersession chains (both sides
declared, abolished on the successor's effective date), normative references to national standards, and a
few planted problems whose expected rule codes are returned in the manifest. Reviews are written when the
record model has a ``reviews`` field that accepts them.

``generate_sibling_catalog(root, n, seed)`` (``--mode sibling``) writes the other shape a national catalog
has: heavy sibling overlap. Short local standards of the 31 provinces and their cities (plus a few national
ones), titles from 24 subjects × 20 aspects × 8 document kinds, so every title recurs in region after region —
the catalog on which duplicate detection must report groups, not pair explosions.

Importable (other benchmarks reuse it) and runnable::

    python bench/generate.py /tmp/catalog-10k --records 10000 --seed 1
    python bench/generate.py /tmp/siblings-100k --records 100000 --mode sibling
"""

from __future__ import annotations

import argparse
import datetime as dt
import itertools
import json
import math
import random
import re
import sys
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from gbstd.model.code import StandardCode, filename_stem
from gbstd.model.regions import CITIES, PROVINCES, region_name

# "Today" of every generated catalog: run lint with ``--as-of`` this day so statuses are as generated.
AS_OF = dt.date(2025, 6, 30)

# GB/T 2260 letter abbreviations of the provinces: the prefix of each bureau's internal codes.
PROVINCE_LETTERS: dict[str, str] = {
    "11": "BJ", "12": "TJ", "13": "HE", "14": "SX", "15": "NM", "21": "LN", "22": "JL", "23": "HL",
    "31": "SH", "32": "JS", "33": "ZJ", "34": "AH", "35": "FJ", "36": "JX", "37": "SD", "41": "HA",
    "42": "HB", "43": "HN", "44": "GD", "45": "GX", "46": "HI", "50": "CQ", "51": "SC", "52": "GZ",
    "53": "YN", "54": "XZ", "61": "SN", "62": "GS", "63": "QH", "64": "NX", "65": "XJ",
}  # fmt: skip

INTERNAL_PATTERN = r"^[A-Z]{2}JGSW(\d{2}){0,2} \d+-\d{4}$"

# Subject (object of the standard) → module of the standard system.
SUBJECTS: dict[str, str] = {
    "机关事务管理": "101", "机关事务标准体系": "101", "机关事务标准化工作": "101",
    "党政机关办公用房": "201", "办公用房维修": "201", "办公用房配置": "201", "办公用房处置": "201",
    "公务用车": "202", "机关公务用车": "202", "公务用车平台": "202", "新能源公务用车": "202",
    "公共机构节能": "203", "公共机构能耗定额": "203", "公共机构能源审计": "203", "公共机构节水": "203",
    "行政事业单位国有资产": "204", "办公家具配置": "204", "办公设备配置": "204",
    "机关运行成本": "205", "机关运行经费": "205",
    "机关办公区物业服务": "301", "办公区保洁服务": "301", "办公区绿化养护": "301", "设施设备运行维护": "301",
    "机关食堂": "302", "机关食堂餐饮服务": "302", "机关食堂食品安全": "302",
    "会议服务": "303", "会务保障": "303", "接待服务": "303",
    "机关办公区安全保卫": "304", "机关办公区消防安全": "304", "机关突发事件应急处置": "304",
    "机关事务信息化": "401", "机关事务数据资源": "401", "公共机构节能信息系统": "401",
    "节约型机关建设": "402", "机关事务服务质量评价": "402", "绿色机关评价": "402",
}  # fmt: skip

ASPECTS = ["", "管理", "服务", "使用管理", "运行维护", "建设", "监督检查", "评价", "验收", "档案管理",
           "采购", "信息公开", "人员培训", "统计", "标识"]  # fmt: skip
KINDS = ["规范", "要求", "指南", "导则", "技术规范", "通则", "服务规范", "管理规范", "评价规范"]
# Distinct titles (different combinations can spell the same title) with the subject they come from.
_COMBOS = list({f"{s}{a}{k}": (s, a, k) for s in reversed(SUBJECTS) for a in ASPECTS for k in KINDS}.values())
_COPRIME_STEPS = [p for p in (7919, 104729, 1299709, 15485863) if math.gcd(p, len(_COMBOS)) == 1]

MODULES: list[tuple[str, str, list[tuple[str, str]]]] = [
    ("100", "基础通用", [("101", "基础通用")]),
    ("200", "管理", [("201", "办公用房"), ("202", "公务用车"), ("203", "公共机构节能"), ("204", "资产管理"),
                     ("205", "经费与成本")]),
    ("300", "保障服务", [("301", "物业服务"), ("302", "机关食堂"), ("303", "会议服务"),
                         ("304", "安全保卫与消防应急")]),
    ("400", "支撑保障", [("401", "信息化"), ("402", "评价与改进")]),
]  # fmt: skip

INDUSTRY = ["JGJ", "JG", "GA", "WS", "DL", "JT", "SB", "CJJ"]
GROUPS = ["CAGA", "CGAA", "CECA", "CPMA", "CAEE", "BJJGSW", "ZJJGSW"]
DRAFTER_KINDS = ["机关事务管理局", "机关事务服务中心", "标准化研究院", "市场监督管理局", "物业服务有限公司",
                 "质量技术监督检验测试中心"]  # fmt: skip

# Planted problem kind → rule codes lint must report for it (at least one of each).
PLANTED: dict[str, tuple[str, ...]] = {
    "status-dates": ("C007",),
    "swapped-dates": ("C006",),
    "file-name": ("C003",),
    "invalid-code": ("C002",),
    "unknown-field": ("C001",),
    "yaml-syntax": ("Y001",),
    "reference-abolished": ("C014",),
    "duplicate-code": ("C008",),
    "supersession-mismatch": ("C011",),
}


@dataclass
class Manifest:
    """What was generated: counts and the planted problems (kind, file, expected rules)."""

    root: Path
    records: int
    by_tier: Counter[str] = field(default_factory=Counter)
    planted: list[tuple[str, str, tuple[str, ...]]] = field(default_factory=list)
    bytes_written: int = 0

    def expected_rules(self) -> Counter[str]:
        return Counter(rule for _, _, rules in self.planted for rule in rules)


@dataclass
class _Edition:
    code: str
    title: str
    tier: str
    region: str | None
    module: str
    published: dt.date
    effective: dt.date
    abolished: dt.date | None = None
    replaces: list[str] = field(default_factory=list)
    replaced_by: list[str] = field(default_factory=list)
    references: list[str] = field(default_factory=list)
    adopts: list[str] = field(default_factory=list)
    issuer: str = ""
    scope: str = ""
    drafters: list[str] = field(default_factory=list)
    folder: str = ""
    extra: dict[str, object] = field(default_factory=dict)

    @property
    def status(self) -> str:
        if self.abolished is not None and self.abolished <= AS_OF:
            return "废止"
        return "即将实施" if self.effective > AS_OF else "现行"


def _q(value: str) -> str:
    """A YAML scalar: plain when safe, else a JSON string (valid YAML double-quoted)."""
    if (
        value
        and value[0] not in "-?:,[]{}#&*!|>'\"%@`0123456789 "
        and ": " not in value
        and " #" not in value
        and not value.endswith((":", " "))
    ):
        return value
    return json.dumps(value, ensure_ascii=False)


class _Generator:
    def __init__(self, n: int, seed: int) -> None:
        self.n = n
        self.rng = random.Random(seed)
        self.numbers: Counter[str] = Counter()
        self.title_walks: dict[tuple[str, str | None], list[int]] = {}
        self.cities = self._cities(n)
        self.national_latest: list[str] = []
        self.abolished_national: list[str] = []
        self.reviews = _reviews_supported()

    def _cities(self, n: int) -> dict[str, list[str]]:
        """Province → its prefecture-level city codes (GB/T 2260, all named); none for the municipalities."""
        return {p: sorted(c for c in CITIES if c.startswith(p)) for p in PROVINCES}

    def title(self, tier: str, region: str | None) -> tuple[str, str]:
        """A title unique within tier and region, and its module.

        Each (tier, region) walks the subject × aspect × kind combinations in its own pseudo-random order
        (an affine permutation), so no per-region list is kept in memory.
        """
        key = (tier, region)
        if key not in self.title_walks:
            step = self.rng.choice(_COPRIME_STEPS)
            self.title_walks[key] = [self.rng.randrange(len(_COMBOS)), step, 0]
        walk = self.title_walks[key]
        start, step, used = walk
        walk[2] += 1
        subject, aspect, kind = _COMBOS[(start + step * used) % len(_COMBOS)]
        part = f" 第{used // len(_COMBOS) + 1}部分" if used >= len(_COMBOS) else ""
        return f"{subject}{aspect}{kind}{part}", SUBJECTS[subject]

    def dates(self, year: int) -> tuple[dt.date, dt.date]:
        last = dt.date(year, 12, 28) if year < AS_OF.year else AS_OF - dt.timedelta(days=40)
        start = dt.date(year, 1, 5)
        published = start + dt.timedelta(days=self.rng.randrange(max(1, (last - start).days)))
        return published, published + dt.timedelta(days=self.rng.choice((30, 60, 90, 92, 120, 183)))

    def unit(self, tier: str) -> list[_Edition]:
        """One subject's chain of editions (1 to 3), oldest first."""
        rng = self.rng
        region: str | None = None
        if tier == "national":
            prefix, folder = "GB/T", "national"
            number = str(20000 + self._next("GB"))
            issuer = "国家市场监督管理总局、国家标准化管理委员会"
        elif tier == "industry":
            head = rng.choice(INDUSTRY)
            prefix, folder = f"{head}/T", "industry"
            number = str(100 + self._next(head))
            issuer = "住房和城乡建设部" if head.startswith(("JG", "CJ")) else "国家有关行业主管部门"
        elif tier == "group":
            org = rng.choice(GROUPS)
            prefix, folder = f"T/{org}", "group"
            number = str(self._next(org))
            issuer = "中国机关后勤协会" if org == "CAGA" else "全国性社会团体"
        elif tier == "local":
            province = rng.choice(sorted(PROVINCES))
            cities = self.cities[province]
            region = province if rng.random() < 0.45 or not cities else rng.choice(cities)
            prefix, folder = f"DB{region}/T", f"local/{province}"
            number = str(self._next(region))
            issuer = f"{region_name(region)}市场监督管理局"
        else:
            province = rng.choice(sorted(PROVINCES))
            level = rng.random()
            if level < 0.2 or not self.cities[province]:
                region = province
            else:
                city = rng.choice(self.cities[province])
                region = city if level < 0.5 else f"{city}{rng.randrange(1, 30):02d}"
            prefix, folder = f"{PROVINCE_LETTERS[province]}JGSW{region[2:]}", f"internal/{province}"
            number = str(self._next(region + "i"))
            issuer = f"{region_name(region)}机关事务管理局"
        title, module = self.title(tier, region)
        count = rng.choices((1, 2, 3), weights=(80, 15, 5))[0]
        years = sorted(rng.sample(range(2004, AS_OF.year + 1), count))
        while any(b - a < 2 for a, b in itertools.pairwise(years)):  # a revision takes at least two years
            years = sorted(rng.sample(range(2004, AS_OF.year + 1), count))
        editions = []
        for year in years:
            published, effective = self.dates(year)
            code = f"{prefix} {number}-{year}"
            drafters = [
                f"{region_name(region) if region else '中国'}{k}" for k in rng.sample(DRAFTER_KINDS, 2)
            ]
            subject = next(
                (title.removesuffix(k) for k in sorted(KINDS, key=len, reverse=True) if title.endswith(k)),
                title,
            )
            scope = (
                f"本文件规定了{subject}的术语和定义、基本要求、管理要求、"
                f"服务要求和评价与改进。本文件适用于{region_name(region) if region else '各级'}党政机关、"
                "事业单位及相关服务机构开展相关工作。"
            )
            editions.append(
                _Edition(
                    code=code,
                    title=title,
                    tier=tier,
                    region=region if tier == "internal" else None,
                    module=module,
                    published=published,
                    effective=effective,
                    issuer=issuer,
                    scope=scope,
                    drafters=drafters,
                    folder=folder,
                )
            )
        for old, new in itertools.pairwise(editions):
            old.replaced_by.append(new.code)
            new.replaces.append(old.code)
            old.abolished = new.effective
        return editions

    def _next(self, key: str) -> int:
        self.numbers[key] += 1
        return self.numbers[key]

    def references(self, edition: _Edition) -> None:
        if edition.status == "废止" or not self.national_latest:
            return
        for raw in self.rng.sample(
            self.national_latest, min(len(self.national_latest), self.rng.randrange(0, 4))
        ):
            # Undated references (GB/T 29118) mean the latest edition; a third are written that way.
            edition.references.append(raw.rsplit("-", 1)[0] if self.rng.random() < 0.33 else raw)


def _region(e: _Edition) -> str | None:
    if e.region:
        return e.region
    head = e.code.split(" ", 1)[0].split("/", 1)[0]
    return head[2:] if head.startswith("DB") and head[2:].isdigit() else None


def _declare_linkage(editions: list[_Edition]) -> None:
    """Local and internal standards adopt the upper-tier standards in force on their subject (衔接, S003)."""
    from gbstd.coverage import reaches, title_core
    from gbstd.model.code import Tier

    uppers: dict[tuple[str, str], list[_Edition]] = {}
    for e in editions:
        if e.tier in ("national", "industry", "local") and e.status == "现行":
            uppers.setdefault((e.module, title_core(e.title)), []).append(e)
    for e in editions:
        if e.tier not in ("local", "internal") or e.status == "废止":
            continue
        for upper in uppers.get((e.module, title_core(e.title)), ()):
            if upper is not e and upper.published <= e.published and upper.code not in e.replaces and reaches(
                Tier(upper.tier), _region(upper), Tier(e.tier), _region(e)
            ):
                # Cited in references (and a national or industry one adopted): 衔接 declared, no re-making.
                e.references.append(upper.code)
                if upper.tier != "local":
                    e.adopts.append(upper.code)


def _reviews_supported() -> bool:
    """True when the record model has a ``reviews`` field that accepts the generated shape."""
    from gbstd.model.standard import Standard

    if "reviews" not in Standard.model_fields:
        return False
    try:
        Standard.model_validate(
            {
                "code": "GB/T 1-2020",
                "title": "x",
                "status": "现行",
                "reviews": [{"date": "2023-01-01", "conclusion": "继续有效", "by": "x"}],
            }
        )
    except ValueError:
        return False
    return True


def _render(e: _Edition, reviews: bool, rng: random.Random) -> str:
    lines = [
        "# yaml-language-server: $schema=../../schemas/standard.schema.json",
        f"code: {_q(e.code)}",
        f"title: {_q(e.title)}",
        f"status: {e.status}",
        f"published: {e.published.isoformat()}",
        f"effective: {e.effective.isoformat()}",
    ]
    if e.abolished:
        lines.append(f"abolished: {e.abolished.isoformat()}")
    for key in ("replaces", "replaced_by", "references", "adopts"):
        values = getattr(e, key)
        if values:
            lines.append(f"{key}: [{', '.join(_q(v) for v in values)}]")
    lines.append(f"issuer: [{_q(e.issuer)}]")
    lines.append(f"drafters: [{', '.join(_q(d) for d in e.drafters)}]")
    lines.append(f"scope: {_q(e.scope)}")
    if e.region:
        lines.append(f'region: "{e.region}"')
    lines.append(f'module: "{e.module}"')
    if reviews and e.status == "现行":
        # Reviewed every two years since taking effect: never overdue, never due within six months.
        day, dates = e.effective, []
        while (day := _years_later(day, 2)) < AS_OF:
            dates.append(day)
        if dates:
            lines.append("reviews:")
            for when in dates:
                lines += [f"  - date: {when.isoformat()}", "    conclusion: 继续有效", f"    by: {_q(e.issuer)}"]
    if e.tier == "internal":
        lines.append("illustrative: true")
    for key, value in e.extra.items():
        lines.append(f"{key}: {value}")
    return "\n".join(lines) + "\n"


def _years_later(day: dt.date, years: int) -> dt.date:
    return day.replace(year=day.year + years, day=min(day.day, 28))


def _path(root: Path, e: _Edition) -> Path:
    parsed = StandardCode.parse(e.code, _INTERNAL_RE)
    return root / "records" / e.folder / parsed.filename


_INTERNAL_RE = re.compile(INTERNAL_PATTERN)

TIER_WEIGHTS = {"national": 2, "industry": 3, "group": 5, "local": 55, "internal": 35}


def _config() -> str:
    return (
        "# Generated benchmark catalog (bench/generate.py): synthetic, illustrative data.\n"
        "[catalog]\n"
        'records = "records"\n'
        'system = "system.yaml"\n'
        f"internal_code_pattern = '{INTERNAL_PATTERN}'\n\n"
        "[lint]\n"
        'select = ["ALL"]\n'
    )


def _system() -> str:
    lines = ["name: 机关事务标准体系（基准测试）", "modules:"]
    for top, name, children in MODULES:
        lines += [f'  - id: "{top}"', f"    name: {name}", "    modules:"]
        lines += [f'      - id: "{cid}"\n        name: {cname}' for cid, cname in children]
    return "\n".join(lines) + "\n"


def generate_catalog(root: Path, n: int, seed: int = 1) -> Manifest:
    """Write a catalog of ``n`` records into ``root`` (created; must be empty or absent)."""
    gen = _Generator(n, seed)
    rng = gen.rng
    root.mkdir(parents=True, exist_ok=True)
    (root / "gbstd.toml").write_text(_config(), encoding="utf-8")
    (root / "system.yaml").write_text(_system(), encoding="utf-8")
    manifest = Manifest(root=root, records=0)
    # National standards first, so that the others can reference them.
    editions: list[_Edition] = []
    national_target = max(3, n * TIER_WEIGHTS["national"] // 100)
    while len(editions) < national_target:
        chain = gen.unit("national")
        editions += chain
        gen.national_latest.append(chain[-1].code)
        gen.abolished_national += [e.code for e in chain[:-1]]
    tiers = [t for t in TIER_WEIGHTS if t != "national"]
    weights = [TIER_WEIGHTS[t] for t in tiers]
    planted_kinds = list(PLANTED)
    per_kind = max(1, n // 5000)
    plant_at = {
        int(n * (i + 1) / (len(planted_kinds) * per_kind + 1)): planted_kinds[i % len(planted_kinds)]
        for i in range(len(planted_kinds) * per_kind)
    }
    while len(editions) < n:
        editions += gen.unit(rng.choices(tiers, weights=weights)[0])
    editions = editions[:n]
    if editions[-1].replaced_by:  # the chain was cut: the last kept edition is the newest
        editions[-1].replaced_by.clear()
        editions[-1].abolished = None
    for e in editions:
        gen.references(e)
    _declare_linkage(editions)
    for index, e in enumerate(editions):
        path = _path(root, e)
        text = _render(e, gen.reviews, rng)
        kind = plant_at.get(index)
        if kind and _plantable(kind, e):
            path, text, extra = _plant(kind, e, root, path, text, gen)
            for extra_path, extra_text in extra:
                _write(extra_path, extra_text, manifest)
                manifest.records += 1
            manifest.planted.append((kind, path.relative_to(root).as_posix(), PLANTED[kind]))
        elif kind:
            plant_at[index + 1] = kind  # try the next record
        _write(path, text, manifest)
        manifest.records += 1
        manifest.by_tier[e.tier] += 1
    return manifest


def _plantable(kind: str, e: _Edition) -> bool:
    """Whether ``e`` can carry the problem without side effects (other findings) of its own."""
    if e.replaces or e.replaced_by or e.tier == "national":
        return False
    if kind == "invalid-code":  # an unknown tier would make its declared links wrong too
        return not e.adopts
    if kind == "supersession-mismatch":  # a newer edition this year must come two years after it
        return int(e.code.rsplit("-", 1)[1]) <= AS_OF.year - 2 and e.status == "现行"
    return True


def _write(path: Path, text: str, manifest: Manifest) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    data = text.encode("utf-8")
    path.write_bytes(data)
    manifest.bytes_written += len(data)


def _plant(
    kind: str, e: _Edition, root: Path, path: Path, text: str, gen: _Generator
) -> tuple[Path, str, list[tuple[Path, str]]]:
    """Turn one record into a planted problem; returns its path, text and any extra files."""
    extra: list[tuple[Path, str]] = []
    if kind == "status-dates":
        text = text.replace(
            f"status: {e.status}", "status: 即将实施" if e.status == "现行" else "status: 现行"
        )
        if e.status == "即将实施":
            text = text.replace(f"effective: {e.effective}", f"effective: {AS_OF + dt.timedelta(days=30)}")
    elif kind == "swapped-dates":
        text = text.replace(f"effective: {e.effective}", f"effective: {e.published - dt.timedelta(days=10)}")
    elif kind == "file-name":
        path = path.with_name(path.stem.lower().replace("-", "_") + ".yaml")
    elif kind == "invalid-code":
        bad = e.code.replace("/T", "/X", 1) if "/T" in e.code else "X" + e.code
        text = text.replace(f"code: {_q(e.code)}", f"code: {_q(bad)}")
        path = path.with_name(filename_stem(bad) + ".yaml")
    elif kind == "unknown-field":
        text = text.replace("effective:", "efective:")
    elif kind == "yaml-syntax":
        text = text.replace(f"title: {_q(e.title)}", f'title: "{e.title}')
    elif kind == "reference-abolished":
        target = gen.abolished_national[0] if gen.abolished_national else gen.national_latest[0]
        if e.status == "废止":
            text = text.replace("status: 废止", "status: 现行")
        text = (
            text.replace("issuer:", f"references: [{_q(target)}]\nissuer:", 1)
            if "references:" not in text
            else text.replace("references: [", f"references: [{_q(target)}, ", 1)
        )
    elif kind == "duplicate-code":
        copy = path.parent.parent / "copies" / path.name
        extra.append((copy, text))
    elif kind == "supersession-mismatch":
        # A newer edition claims to replace this one; this one does not say so.
        newer = _Edition(
            **{
                **e.__dict__,
                "code": e.code.rsplit("-", 1)[0] + f"-{AS_OF.year}",
                "replaces": [e.code],
                "replaced_by": [],
                "references": [],
                "extra": {},
            }
        )
        newer.published, newer.effective = dt.date(AS_OF.year, 1, 10), dt.date(AS_OF.year, 4, 10)
        extra.append((_path(root, newer), _render(newer, False, gen.rng)))
        text = text.replace("status: 现行", "status: 废止").replace(
            f"effective: {e.effective}", f"effective: {e.effective}\nabolished: {newer.effective}"
        )
    return path, text, extra


# Sibling mode: 24 subjects × 20 aspects × 8 document kinds = 3 840 titles shared by every region.
SIBLING_SUBJECTS = [
    "机关事务管理", "党政机关办公用房", "办公用房维修", "公务用车", "公务用车平台", "新能源公务用车", "公共机构节能",
    "公共机构节水", "公共机构能源审计", "行政事业单位国有资产", "办公家具配置", "机关运行成本", "机关办公区物业服务",
    "办公区保洁服务", "办公区绿化养护", "机关食堂", "机关食堂食品安全", "会议服务", "接待服务", "机关办公区安全保卫",
    "机关办公区消防安全", "机关事务信息化", "节约型机关建设", "绿色机关评价",
]  # fmt: skip
SIBLING_ASPECTS = [
    "", "管理", "服务", "使用管理", "运行维护", "建设", "监督检查", "评价", "验收", "档案管理", "采购", "信息公开",
    "人员培训", "统计", "标识", "应急处置", "安全管理", "质量控制", "成本核算", "数据采集",
]  # fmt: skip
SIBLING_KINDS = ["规范", "要求", "指南", "导则", "技术规范", "通则", "服务规范", "管理规范"]
_SIBLING_TITLES = [(s, a, k) for s in SIBLING_SUBJECTS for a in SIBLING_ASPECTS for k in SIBLING_KINDS]


def generate_sibling_catalog(root: Path, n: int, seed: int = 1) -> Manifest:
    """``n`` short records with heavy sibling overlap (see the module docstring); ``root`` must be empty or absent.

    About 1 % are national standards (GB/T), the rest local standards of a province (45 %) or one of its cities;
    each region draws its titles without repetition from the shared 3 840, in its own pseudo-random order.
    """
    rng = random.Random(seed)
    per_province = max(2, min(11, n // 3000))
    cities = {p: sorted(c for c in CITIES if c.startswith(p))[:per_province] for p in PROVINCES}
    for province, codes in cities.items():
        k = 1
        while len(codes) < per_province:
            if (code := f"{province}{k:02d}") not in codes:
                codes.append(code)
            k += 1
    root.mkdir(parents=True, exist_ok=True)
    (root / "gbstd.toml").write_text(_config(), encoding="utf-8")
    (root / "system.yaml").write_text(_system(), encoding="utf-8")
    manifest = Manifest(root=root, records=0)
    walks: dict[str, list[int]] = {}
    numbers: Counter[str] = Counter()
    provinces = sorted(PROVINCES)
    for _ in range(n):
        if rng.random() < 0.01:
            region, prefix, folder, tier = "", "GB/T", "national", "national"
        else:
            province = rng.choice(provinces)
            region = province if rng.random() < 0.45 else rng.choice(cities[province])
            prefix, folder, tier = f"DB{region}/T", f"local/{province}", "local"
        walk = walks.setdefault(region, [rng.randrange(len(_SIBLING_TITLES)), rng.choice((7919, 104729)), 0])
        subject, aspect, kind = _SIBLING_TITLES[(walk[0] + walk[1] * walk[2]) % len(_SIBLING_TITLES)]
        part = f" 第{walk[2] // len(_SIBLING_TITLES) + 1}部分" if walk[2] >= len(_SIBLING_TITLES) else ""
        walk[2] += 1
        numbers[prefix] += 1
        year = rng.randrange(2008, AS_OF.year)
        code = f"{prefix} {numbers[prefix] + (20000 if tier == 'national' else 0)}-{year}"
        published = dt.date(year, 1, 5) + dt.timedelta(days=rng.randrange(300))
        lines = [
            f"code: {_q(code)}",
            f"title: {_q(subject + aspect + kind + part)}",
            "status: 现行",
            f"published: {published.isoformat()}",
            f"effective: {(published + dt.timedelta(days=90)).isoformat()}",
            f"scope: {_q(f'本文件规定了{subject}{aspect}的基本要求和工作内容。')}",
            f'module: "{SUBJECTS.get(subject, "101")}"',
        ]
        path = root / "records" / folder / StandardCode.parse(code).filename
        _write(path, "\n".join(lines) + "\n", manifest)
        manifest.records += 1
        manifest.by_tier[tier] += 1
    return manifest


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("root", type=Path)
    parser.add_argument("--records", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--mode", choices=("default", "sibling"), default="default",
                        help="sibling: short records, titles shared by every region (heavy sibling overlap)")
    args = parser.parse_args(argv)
    if args.root.exists() and any(args.root.iterdir()):
        print(f"{args.root} is not empty", file=sys.stderr)
        return 2
    make = generate_sibling_catalog if args.mode == "sibling" else generate_catalog
    manifest = make(args.root, args.records, args.seed)
    print(
        f"{manifest.records} records ({dict(manifest.by_tier)}), {manifest.bytes_written / 1e6:.1f} MB, "
        f"{len(manifest.planted)} planted problems; lint with --as-of {AS_OF}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
