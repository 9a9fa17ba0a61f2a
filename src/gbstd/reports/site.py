"""The static, offline catalog site: an index with search and filters, and one page per standard.

Everything is relative links and local files (no CDN, no server): open ``index.html`` from a USB stick or a
file share. Pages come from jinja2 templates (``templates/site/``, overridable per catalog) rendered in the
sandbox with autoescaping; the only URLs written from record data are ``http(s)`` source links.
Review state and likely duplicates come from the same sources as the bulletin (:mod:`gbstd.reports.sources`).

Templates see the pages as plain view data (:mod:`gbstd.reports.view`), never the record objects. The site is
written into a temporary directory beside the target and swapped in whole when complete
(:func:`gbstd.catalog.atomic.replace_directory`), so a failure leaves the previous site as it was. Page names
are distinct and stable even when codes collide or are over-long (:mod:`gbstd.reports.site_names`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from gbstd.catalog.atomic import replace_directory
from gbstd.catalog.catalog import Catalog, Record
from gbstd.catalog.lineage import Lineage
from gbstd.catalog.references import resolve_reference
from gbstd.model.regions import PROVINCES, region_name
from gbstd.model.standard import Standard
from gbstd.reports.period import Period
from gbstd.reports.site_names import Renamed, page_names, page_stem
from gbstd.reports.sources import (
    Diagram,
    Unavailable,
    duplicate_figures,
    framework_diagram,
    review_figures,
)
from gbstd.reports.templating import render, static_file

STATIC_FILES = ("site/site.css", "site/site.js")
SITE_MARKER = ".gbstd-site"  # marks a directory as a gbstd site, which the next run may replace whole
Progress = Callable[[int], None]

FIELD_LABELS: dict[str, str] = {
    "code": "标准号", "title": "标准名称", "title_en": "英文名称", "tier": "标准层级", "nature": "标准性质",
    "status": "状态", "published": "发布日期", "effective": "实施日期", "abolished": "废止日期",
    "replaces": "代替标准", "replaced_by": "被代替", "references": "规范性引用文件", "issuer": "发布部门",
    "competent_department": "主管部门", "administering_body": "归口单位", "drafters": "起草单位",
    "scope": "适用范围", "region": "行政区划", "ccs": "CCS 分类", "ics": "ICS 分类", "module": "体系模块",
    "note": "备注",
}  # fmt: skip


@dataclass
class Link:
    text: str
    href: str | None  # relative page link, or None when the target is not in the catalog
    detail: str = ""


@dataclass
class StandardPage:
    """What one standard's page shows; also a row of the index."""

    record: Record
    href: str  # relative to the site root: standards/GB-T-41568-2022.html
    tier: str
    tier_label: str
    region: str  # province code or ""
    region_label: str
    status: str
    module: str
    module_label: str
    review_state: str
    review_due: str
    published: str
    effective: str
    fields: list[tuple[str, str]] = field(default_factory=list)
    chain: list[Link] = field(default_factory=list)
    references: list[Link] = field(default_factory=list)
    duplicates: list[Link] = field(default_factory=list)
    sources: list[str] = field(default_factory=list)

    @property
    def code(self) -> str:
        return self.record.key

    @property
    def title(self) -> str:
        return self.record.title


@dataclass
class SiteResult:
    pages: int
    files: list[Path]
    unavailable: list[Unavailable]
    renamed: list[Renamed] = field(default_factory=list)


def is_site_directory(path: Path) -> bool:
    """True for a directory the site may replace: missing, empty, or written by gbstd before."""
    if not path.exists():
        return True
    if not path.is_dir():
        return False
    if (path / SITE_MARKER).is_file() or not any(path.iterdir()):
        return True
    index = path / "index.html"  # sites written before the marker existed
    return index.is_file() and '<meta name="generator" content="gbstd">' in index.read_text("utf-8", "replace")


def _value(value: object) -> str:
    if value is None or value == [] or value == "":
        return ""
    if isinstance(value, list):
        return "；".join(str(v) for v in value)
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(getattr(value, "value", value))


def build_pages(catalog: Catalog, as_of: dt.date, names: dict[str, str] | None = None) -> list[StandardPage]:
    if names is None:
        names = page_names(catalog.records)[0]

    def page_name(record: Record) -> str:
        return names.get(record.rel) or f"standards/{page_stem(record.key)}.html"

    lineage = Lineage(catalog)
    whole = Period(dt.date.min, as_of, "all")
    reviews = review_figures(catalog, whole, as_of)
    duplicates = duplicate_figures(catalog, as_of)
    states, dues, partners = reviews.state_by_code, reviews.due_by_code, duplicates.partners()
    modules = catalog.modules
    pages = []
    for record in sorted(catalog.records, key=lambda r: r.key):
        std = record.standard
        tier = record.tier
        region = record.region or ""
        module = std.module or ""
        page = StandardPage(
            record=record,
            href=page_name(record),
            tier=tier.value if tier else "",
            tier_label=tier.label.zh if tier else "未知",
            region=region[:2],
            region_label=region_name(region) if region else "",
            status=std.status.value,
            module=module,
            module_label=f"{module} {modules[module]}" if module in modules else module,
            review_state=states.get(record.key, ""),
            review_due=dues.get(record.key, ""),
            published=_value(std.published),
            effective=_value(std.effective),
        )
        page.fields = _fields(std, record, page)
        page.chain = _chain(lineage, record, page_name)
        page.references = [_link(catalog, raw, page_name) for raw in std.references]
        page.duplicates = [
            Link(other, page_name(target) if (target := catalog.get(other)) else None,
                 f"{pair.kind} · {pair.score:.2f} · {pair.reason}")
            for pair in partners.get(record.key, [])
            for other in [pair.b if pair.a == record.key else pair.a]
        ]
        page.sources = [s for s in std.sources if s.startswith(("https://", "http://"))]
        pages.append(page)
    return pages


def _fields(std: Standard, record: Record, page: StandardPage) -> list[tuple[str, str]]:
    derived = {"tier": page.tier_label, "nature": record.nature.label.zh if record.nature else "",
               "region": page.region_label, "module": page.module_label, "code": record.key}
    rows = []
    for name, label in FIELD_LABELS.items():
        value = derived.get(name) or _value(getattr(std, name, None))
        if value:
            rows.append((label, value))
    return rows


def _link(catalog: Catalog, raw: str, page_name: Callable[[Record], str]) -> Link:
    target = resolve_reference(catalog, raw)
    if target is None:
        return Link(raw, None, "不在目录中")
    return Link(target.key, page_name(target), f"{target.title}（{target.status.value}）")


def _chain(lineage: Lineage, record: Record, page_name: Callable[[Record], str]) -> list[Link]:
    """The whole supersession chain this record is on, oldest first; empty when it stands alone."""
    related = lineage.related(record.key)
    if not related:
        return []
    members = [r for key in related | {record.key} if (r := lineage.record(key)) is not None]
    members.sort(key=lambda r: (r.standard.published or dt.date(r.code.year if r.code else 1, 1, 1), r.key))
    return [Link(r.key, page_name(r), f"{r.title}（{r.status.value}）") for r in members]


def build_site(
    catalog: Catalog, out_dir: Path, as_of: dt.date, progress: Progress | None = None
) -> SiteResult:
    """Write the site into ``out_dir`` (created if needed), replacing it whole once every page is written."""
    names, renamed = page_names(catalog.records)
    pages = build_pages(catalog, as_of, names)
    root = catalog.root
    title = catalog.system.name if catalog.system else "标准目录"
    options = {
        "tier": sorted({(p.tier, p.tier_label) for p in pages if p.tier}),
        "region": sorted({(p.region, PROVINCES.get(p.region, p.region)) for p in pages if p.region}),
        "status": sorted({(p.status, p.status) for p in pages}),
        "module": sorted({(p.module, p.module_label) for p in pages if p.module}),
        "review": sorted({(p.review_state, p.review_state) for p in pages if p.review_state}),
    }
    written: list[Path] = []
    with replace_directory(out_dir) as stage:

        def write(rel: str, data: str | bytes) -> None:
            path = stage / rel
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)
            written.append(out_dir / rel)

        write(SITE_MARKER, "gbstd report site: this directory is replaced whole on every run\n")
        for name in STATIC_FILES:
            write(f"assets/{Path(name).name}", static_file(root, name))
        diagram = framework_diagram(catalog, as_of)
        unavailable = [diagram] if isinstance(diagram, Unavailable) else []
        if isinstance(diagram, Diagram):
            write("assets/framework.svg", diagram.svg)
        write("index.html", render(root, "site/index.html.j2", title=title, pages=pages, options=options,
                                   as_of=as_of.isoformat(), unavailable=unavailable,
                                   diagram="assets/framework.svg" if isinstance(diagram, Diagram) else None))
        if progress:
            progress(1)
        for page in pages:
            write(page.href, render(root, "site/standard.html.j2", title=title, page=page,
                                    as_of=as_of.isoformat(), unavailable=unavailable))
            if progress:
                progress(1)
    return SiteResult(pages=len(pages), files=written, unavailable=unavailable, renamed=renamed)
