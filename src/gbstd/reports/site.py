"""The static, offline catalog site: an index with search and filters, and one page per standard.

Everything is relative links and local files (no CDN, no server): open ``index.html`` from a USB stick or a
file share. Pages come from jinja2 templates (``templates/site/``, overridable per catalog) rendered in the
sandbox with autoescaping; the only URLs written from record data are ``http(s)`` source links.
Review state and likely duplicates come from the same sources as the bulletin (:mod:`gbstd.reports.sources`).

Templates see the pages as plain view data (:mod:`gbstd.reports.view`), never the record objects. The site is
written into a temporary directory beside the target and swapped in whole when complete
(:func:`gbstd.catalog.atomic.replace_directory`), so a failure leaves the previous site as it was; a directory
that cannot be swapped (the current directory, a mount point) is updated in place, file by file, once the new
site is complete; its marker then lists the old files and the new until the last is in place, so that an update
stopped midway is put right by the next run (nothing of the old site taken for a file of someone's). Page names
come from the codes; two records whose names would collide (``GB/T-41568-2022`` and ``GB/T 41568-2022``, or
any two that differ only in case) each keep a page: the one with a valid code (then the first by file) gets
the plain name, the others a stable name with a hash of their file (``GB-T-41568-2022~3f2a9c1d.html``), and
the command says so. Over-long names are shortened with a hash of the code.

Scale: the index's rows are a compact data file (``assets/index-data.js``, a script, because browsers block
``fetch`` of local files under ``file://``) that ``site.js`` pages through, so the index stays small and quick
at 100 000 standards; the per-standard pages of a large catalog are rendered and written by a pool of processes.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import gc
import hashlib
import json
import multiprocessing
import os
import shutil
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from itertools import count
from pathlib import Path, PurePosixPath
from typing import Any

from jinja2 import TemplateError

from gbstd.catalog.atomic import IN_PLACE_STAGE, replace_directory, write_atomic
from gbstd.catalog.catalog import Catalog, Record
from gbstd.catalog.lineage import Lineage
from gbstd.catalog.references import resolve_reference
from gbstd.model.regions import region_choices, region_name
from gbstd.model.standard import Standard
from gbstd.reports.period import Period
from gbstd.reports.site_names import Renamed, page_names, page_stem
from gbstd.reports.sources import (
    DetectionProgress,
    Diagram,
    DuplicatePair,
    Unavailable,
    duplicate_figures,
    framework_diagram,
    review_figures,
)
from gbstd.reports.templating import Renderer, render, static_file
from gbstd.undecodable import json_escaped, utf8_bytes
from gbstd.workers import pool_imap

STATIC_FILES = ("site/site.css", "site/site.js")
INDEX_DATA = "assets/index-data.js"
PAGE_SIZE = 100  # rows of the index table shown at once (and written into index.html for readers without JS)
PARALLEL_FROM = 2000  # standards; below this, starting worker processes costs more than it saves
CHUNK = 200  # pages per task handed to a worker
# Tasks before a worker is replaced by a fresh fork: reading the shared catalog writes reference counts, which
# copies the pages it touches into the worker; a fresh worker starts again with none of its own.
RECYCLE = 25
FILTERS = ("tier", "region", "status", "module", "review", "member")
OWN_MEMBER = "."  # the member filter's value for the federating catalog's own records (no member name starts with ".")
OWN_MEMBER_LABEL = "本级"
SITE_MARKER = ".gbstd-site"  # marks a directory as a gbstd site, and lists the files the run wrote (the manifest)
MANIFEST_VERSION = 1
KEPT_TAG = "~kept"  # a user's file set aside from a name the new site writes: X.html → X~kept.html (no page has "~kept")
# A site written before the manifest: the files its run wrote under these names, and pages carrying this tag.
EARLIER_OWN = (SITE_MARKER, "index.html", "assets/site.css", "assets/site.js", INDEX_DATA, "assets/framework.svg")
GENERATOR_TAG = b'<meta name="generator" content="gbstd">'
Progress = Callable[[int], None]

FIELD_LABELS: dict[str, str] = {
    "code": "标准号", "title": "标准名称", "title_en": "英文名称", "tier": "标准层级", "nature": "标准性质",
    "status": "状态", "published": "发布日期", "effective": "实施日期", "abolished": "废止日期",
    "replaces": "代替标准", "replaced_by": "被代替", "references": "规范性引用文件", "issuer": "发布部门",
    "competent_department": "主管部门", "administering_body": "归口单位", "drafters": "起草单位",
    "scope": "适用范围", "region": "行政区划", "member": "成员", "ccs": "CCS 分类", "ics": "ICS 分类", "module": "体系模块",
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
    region: str  # division code (41, 4101, 410102) or ""; the region filter matches by prefix
    region_label: str
    status: str
    module: str
    module_label: str
    review_state: str
    review_due: str
    published: str
    effective: str
    member: str = ""  # federation member holding the record; OWN_MEMBER for the federating catalog's own
    member_label: str = ""
    fields: list[tuple[str, str]] = field(default_factory=list)
    chain: list[Link] = field(default_factory=list)
    references: list[Link] = field(default_factory=list)
    duplicates: list[Link] = field(default_factory=list)
    duplicate_group: int = 0  # standards in its group of likely duplicates, itself included; 0: in none
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
    kept: list[str] = field(default_factory=list)  # files of the earlier site that gbstd did not make: kept
    # Such files at a name the new site writes (a page edited by hand), each with the name it is kept under.
    set_aside: list[tuple[str, str]] = field(default_factory=list)


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


@dataclass(frozen=True)
class Details:
    """Fills in a page's details (fields, chain, references, duplicates) from facts computed once.

    Kept apart from the index row so that large catalogs compute details in the worker that renders the
    page, and the parent holds only the index rows.
    """

    catalog: Catalog
    lineage: Lineage
    partners: dict[str, list[DuplicatePair]]
    names: dict[str, str]  # record file → page
    group_sizes: dict[str, int] = field(default_factory=dict)  # code → standards in its duplicate group

    def page_name(self, record: Record) -> str:
        return self.names.get(record.rel) or f"standards/{page_stem(record.key)}.html"

    def fill(self, page: StandardPage) -> StandardPage:
        catalog, record, page_name = self.catalog, page.record, self.page_name
        std = record.standard
        return replace(
            page,
            fields=_fields(std, record, page),
            chain=_chain(self.lineage, record, page_name),
            references=[_link(catalog, raw, page_name) for raw in std.references],
            duplicates=[
                Link(other, page_name(target) if (target := catalog.get(other)) else None,
                     f"{pair.kind} · {pair.score:.2f} · {pair.reason}")
                for pair in self.partners.get(record.key, [])
                for other in [pair.b if pair.a == record.key else pair.a]
            ],
            duplicate_group=self.group_sizes.get(record.key, 0),
            sources=[s for s in std.sources if s.startswith(("https://", "http://"))],
        )  # fmt: skip


def group_sizes(pairs: Sequence[DuplicatePair]) -> dict[str, int]:
    """Each code's number of standards in its group of likely duplicates.

    A page lists only the pairs of its group's spanning set that touch it (O(n) for a group of n, where every
    pair would be O(n²)); the spanning set connects the whole group, so its components are the groups.
    """
    parent: dict[str, str] = {}

    def root(key: str) -> str:
        parent.setdefault(key, key)
        while parent[key] != key:
            parent[key] = parent[parent[key]]  # path halving keeps the trees flat
            key = parent[key]
        return key

    for pair in pairs:
        a, b = root(pair.a), root(pair.b)
        if a != b:
            parent[a] = b
    sizes: dict[str, int] = {}
    for key in parent:
        top = root(key)
        sizes[top] = sizes.get(top, 0) + 1
    return {key: sizes[root(key)] for key in parent}


def index_pages(
    catalog: Catalog, as_of: dt.date, names: dict[str, str] | None = None, stages: DetectionProgress | None = None
) -> tuple[list[StandardPage], Details]:
    """Every standard's index row (a page without details), sorted by code, and what fills in the details;
    ``stages`` hears of duplicate detection's progress."""
    if names is None:
        names = page_names(catalog.records)[0]
    whole = Period(dt.date.min, as_of, "all")
    reviews = review_figures(catalog, whole, as_of)
    duplicates = duplicate_figures(catalog, as_of, stages)
    details = Details(catalog, Lineage(catalog), duplicates.partners(), names, group_sizes(duplicates.pairs))
    states, dues = reviews.state_by_code, reviews.due_by_code
    modules = catalog.modules
    federated = any(record.member for record in catalog.records)
    pages = []
    for record in sorted(catalog.records, key=lambda r: r.key):
        std = record.standard
        tier = record.tier
        region = record.region or ""
        module = std.module or ""
        pages.append(StandardPage(
            record=_in_union(catalog, record),
            href=details.page_name(record),
            tier=tier.value if tier else "",
            tier_label=tier.label.zh if tier else "未知",
            region=region,
            region_label=region_name(region) if region else "",
            status=std.status.value,
            module=module,
            module_label=f"{module} {modules[module]}" if module in modules else module,
            review_state=states.get(record.key, ""),
            review_due=dues.get(record.key, ""),
            published=_value(std.published),
            effective=_value(std.effective),
            member=(record.member or OWN_MEMBER) if federated else "",
            member_label=(record.member or OWN_MEMBER_LABEL) if federated else "",
        ))  # fmt: skip
    return pages, details


def _in_union(catalog: Catalog, record: Record) -> Record:
    """A member's record as templates see it: its file at its union path (``<member>/<path>``) under the
    federating catalog's root, since templates only get paths inside the catalog (the member's own directory
    lies elsewhere, or in the sync cache)."""
    if record.member is None:
        return record
    return replace(record, where=catalog.root / record.rel)


def build_pages(catalog: Catalog, as_of: dt.date, names: dict[str, str] | None = None) -> list[StandardPage]:
    """Every standard's page with all its details."""
    pages, details = index_pages(catalog, as_of, names)
    return [details.fill(page) for page in pages]


def _fields(std: Standard, record: Record, page: StandardPage) -> list[tuple[str, str]]:
    derived = {"tier": page.tier_label, "nature": record.nature.label.zh if record.nature else "",
               "region": page.region_label, "module": page.module_label, "code": record.key,
               "member": record.member or ""}
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


def index_data(pages: Sequence[StandardPage]) -> str:
    """The index's rows as ``assets/index-data.js``: one script assigning ``window.GBSTD_INDEX``.

    Repeated values (tier, region, status, module, review state, issuer, member) are lookup tables that rows
    point into by position, which keeps the file about a third the size of the same rows as HTML. The row
    layout is the one ``site.js`` reads: code, title, page file stem, tier, region, status, module, effective
    date, review state, issuer, member (appended last, so an older overriding ``site.js`` still reads the
    rest). ``members`` says whether any row has a member (a federation: the index shows the 成员 column).
    ``<`` and the JavaScript line separators are escaped, so no text can end the script.
    """
    tables: dict[str, dict[tuple[str, str], int]] = {key: {} for key in FILTERS}
    issuers: dict[str, int] = {}

    def ref(key: str, value: str, label: str) -> int:
        return tables[key].setdefault((value, label), len(tables[key]))

    rows = []
    for page in pages:
        issuer = _value(page.record.standard.issuer)
        rows.append([
            page.code, page.title, PurePosixPath(page.href).stem,
            ref("tier", page.tier, page.tier_label), ref("region", page.region, page.region_label),
            ref("status", page.status, page.status), ref("module", page.module, page.module_label),
            page.effective, ref("review", page.review_state, page.review_state),
            issuers.setdefault(issuer, len(issuers)), ref("member", page.member, page.member_label),
        ])  # fmt: skip
    data: dict[str, Any] = {"version": 1, "total": len(rows), "members": any(page.member for page in pages)}
    data.update({key: [list(entry) for entry in table] for key, table in tables.items()})
    data["issuer"] = list(issuers)
    data["rows"] = rows
    text = json_escaped(json.dumps(data, ensure_ascii=False, separators=(",", ":")))  # a file name not in UTF-8
    text = text.replace("<", "\\u003c").replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")
    return f"window.GBSTD_INDEX={text};\n"


# What the worker processes render: set in the parent just before the pool forks, so the pages are shared
# copy-on-write instead of pickled to every worker.
_JOB: tuple[Renderer, Path, dict[str, Any], Sequence[StandardPage], Details] | None = None


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _write_pages(start: int, end: int) -> list[tuple[str, str]]:
    """Render and write pages ``start:end`` of the current job into the staging directory; each page written,
    with the hash of what was written (for the manifest).

    Plain writes: the staging directory is swapped in whole at the end (``replace_directory``).
    """
    assert _JOB is not None
    renderer, stage, context, pages, details = _JOB
    written = []
    for page in map(details.fill, pages[start:end]):
        data = utf8_bytes(renderer(page=page, **context))  # a file name not in UTF-8
        (stage / page.href).write_bytes(data)
        written.append((page.href, _sha(data)))
    return written


def _write_chunk(bounds: tuple[int, int]) -> list[tuple[str, str]] | str:
    """A worker's task: a template failure comes back as its message (jinja2's errors do not all unpickle)."""
    try:
        return _write_pages(*bounds)
    except TemplateError as exc:
        return str(exc.message or exc)


def _workers(count: int) -> int:
    if count < PARALLEL_FROM or "fork" not in multiprocessing.get_all_start_methods():
        return 1
    cpus = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
    return max(1, min(cpus, 8))


def write_pages(
    root: Path | None, stage: Path, context: dict[str, Any], pages: Sequence[StandardPage], details: Details,
    progress: Progress | None = None, workers: int | None = None,
) -> dict[str, str]:
    """Write one page per standard; in parallel (forked processes) for large catalogs where ``fork`` exists.
    Returns each page written (relative to the site) with the hash of its content."""
    global _JOB
    written: dict[str, str] = {}
    workers = _workers(len(pages)) if workers is None else workers
    for folder in {(stage / page.href).parent for page in pages}:
        folder.mkdir(parents=True, exist_ok=True)
    # Looked up and compiled once, here: the workers inherit the compiled template instead of each page
    # finding the template directories and the template again.
    _JOB = (Renderer(root, "site/standard.html.j2"), stage, context, pages, details)
    try:
        if workers <= 1:
            for start in range(0, len(pages), CHUNK):
                done = _write_pages(start, min(start + CHUNK, len(pages)))
                written.update(done)
                if progress:
                    progress(len(done))
            return written
        done = _write_pages(0, 1)  # in the parent first: a broken template fails here, before any fork
        written.update(done)
        if progress:
            progress(len(done))
        chunks = [(start, min(start + CHUNK, len(pages))) for start in range(1, len(pages), CHUNK)]
        # Keep the garbage collector of the workers off the parent's objects: a collection touching them
        # would copy every page of the shared heap into each worker.
        gc.freeze()
        results = pool_imap(_write_chunk, chunks, workers, ordered=False, maxtasksperchild=RECYCLE)
        with contextlib.closing(results):  # an error winds the pool down now, the pages left skipped
            for result in results:
                if isinstance(result, str):
                    raise TemplateError(result)
                written.update(result)
                if progress:
                    progress(len(result))
    finally:
        _JOB = None
        gc.unfreeze()
    return written


def member_choices(catalog: Catalog, pages: Sequence[StandardPage]) -> list[tuple[str, str]]:
    """The member filter's choices, empty unless a record has a member: the federating catalog's own records
    first, then the members in their configured order (a nested member ``outer/inner`` after ``outer``)."""
    present = {page.member: page.member_label for page in pages if page.member}
    if not present:
        return []
    order = {info.name: position for position, info in enumerate(catalog.members)}
    names = sorted(present, key=lambda name: (name != OWN_MEMBER, order.get(name, len(order)), name))
    return [(name, present[name]) for name in names]


def build_site(
    catalog: Catalog, out_dir: Path, as_of: dt.date, progress: Progress | None = None, workers: int | None = None,
    stages: DetectionProgress | None = None,
) -> SiteResult:
    """Write the site into ``out_dir`` (created if needed), replacing it whole once every page is written.

    ``workers``: processes writing the standards' pages (default: one per core for large catalogs);
    ``progress`` advances by one per page; ``stages`` hears of duplicate detection's progress.
    """
    names, renamed = page_names(catalog.records)
    pages, details = index_pages(catalog, as_of, names, stages)
    root = catalog.root
    title = catalog.system.name if catalog.system else "标准目录"
    options = {
        "tier": sorted({(p.tier, p.tier_label) for p in pages if p.tier}),
        "region": region_choices(p.region for p in pages if p.region),
        "status": sorted({(p.status, p.status) for p in pages}),
        "module": sorted({(p.module, p.module_label) for p in pages if p.module}),
        "review": sorted({(p.review_state, p.review_state) for p in pages if p.review_state}),
        "member": member_choices(catalog, pages),
    }
    written: dict[str, str] = {}  # file → hash of what this run wrote: the manifest the next run goes by
    own: dict[str, str] = {}  # the earlier site's own files (unchanged since), with their hashes
    set_aside: list[tuple[str, str]] = []

    def mark_both(top: Path) -> None:
        # Updated in place, the directory holds old and new files until the last is moved: its marker lists
        # both meanwhile, so that a run stopped midway leaves nothing the next run takes for someone's own file.
        # Not over a directory without the marker (a site of an older layout), which is replaced whole.
        for rel, aside in set_aside:  # an edited page is kept under its new name before a page replaces it
            _copy(top / rel, top / aside)
        if (top / SITE_MARKER).is_file() or not any(
            not entry.name.startswith(IN_PLACE_STAGE) for entry in top.iterdir()
        ):
            write_atomic(top / SITE_MARKER, _manifest(written, own))

    with replace_directory(out_dir, marker=SITE_MARKER, before_in_place=mark_both) as stage:

        def write(rel: str, data: str | bytes) -> None:
            path = stage / rel
            path.parent.mkdir(parents=True, exist_ok=True)
            blob = utf8_bytes(data) if isinstance(data, str) else data
            path.write_bytes(blob)
            written[rel] = _sha(blob)

        for name in STATIC_FILES:
            write(f"assets/{Path(name).name}", static_file(root, name))
        diagram = framework_diagram(catalog, as_of)
        unavailable = [diagram] if isinstance(diagram, Unavailable) else []
        if isinstance(diagram, Diagram):
            write("assets/framework.svg", diagram.svg)
        write(INDEX_DATA, index_data(pages))
        # The template gets the first page of rows (the rest are in the data file): converting every row to
        # template data would cost more than the whole index at 100 000 standards.
        write("index.html", render(root, "site/index.html.j2", title=title, pages=pages[:PAGE_SIZE], total=len(pages),
                                   options=options, as_of=as_of.isoformat(), unavailable=unavailable,
                                   page_size=PAGE_SIZE, index_data=INDEX_DATA,
                                   diagram="assets/framework.svg" if isinstance(diagram, Diagram) else None))
        if progress:
            progress(1)
        written.update(write_pages(root, stage, {"title": title, "as_of": as_of.isoformat(),
                                                 "unavailable": unavailable}, pages, details, progress, workers))
        kept, aside = _keep_foreign(out_dir, stage, own)
        set_aside.extend(aside)
        # Last, with every file of the run known: the marker lists them, so the next run replaces only those.
        (stage / SITE_MARKER).write_text(_manifest(written), encoding="utf-8")
    files = [out_dir / SITE_MARKER, *(out_dir / rel for rel in written)]
    return SiteResult(pages=len(pages), files=files, unavailable=unavailable, renamed=renamed, kept=kept,
                      set_aside=set_aside)


def _manifest(written: dict[str, str], earlier: dict[str, str] | None = None) -> str:
    """The marker's text: each file of the site with the SHA-256 of its content. With ``earlier`` (the files of
    the site being updated in place), a file in both with different content lists both hashes, either of which
    is the site's: the directory may be left holding either."""
    note = ("gbstd report site: the files listed are the site's own (SHA-256 of what the run wrote); the next run "
            "replaces them, and keeps any other file of this directory or one edited since")
    earlier = earlier or {}
    files: dict[str, str | list[str]] = {}
    for rel in set(earlier) | set(written):
        hashes = list(dict.fromkeys(sha for sha in (earlier.get(rel), written.get(rel)) if sha is not None))
        files[rel] = hashes[0] if len(hashes) == 1 else hashes
    # ASCII only: a page name may hold a character that is not valid UTF-8 (a code read from such a file).
    return json.dumps({"note": note, "version": MANIFEST_VERSION, "files": dict(sorted(files.items()))},
                      indent=1) + "\n"


def _earlier_manifest(top: Path) -> dict[str, frozenset[str]] | None:
    """The files an earlier run wrote, with their hashes (two for a file an update in place was stopped
    replacing); None for a site written before the manifest (its marker a line of text) or a marker that does
    not read as one."""
    try:
        data = json.loads((top / SITE_MARKER).read_bytes())
    except (OSError, ValueError):
        return None
    files = data.get("files") if isinstance(data, dict) and data.get("version") == MANIFEST_VERSION else None
    if not isinstance(files, dict):
        return None
    manifest: dict[str, frozenset[str]] = {}
    for rel, hashes in files.items():
        if isinstance(hashes, str):
            hashes = [hashes]
        if not isinstance(hashes, list) or not all(isinstance(sha, str) for sha in hashes):
            return None
        manifest[rel] = frozenset(hashes)
    return manifest


def _made_by_gbstd(path: Path, rel: str, manifest: dict[str, frozenset[str]] | None) -> str | None:
    """The hash of a file the earlier run wrote and nobody changed since (listed in its manifest, with the
    same content); None for any other.

    A site written before the manifest: its fixed files, and the standards' pages carrying gbstd's generator
    tag (a page someone added without it is theirs). A link or anything but a regular file is never the site's.
    """
    if path.is_symlink() or not path.is_file():
        return None
    if manifest is not None:
        sha = _sha(path.read_bytes())
        return sha if sha in manifest.get(rel, ()) else None
    if rel not in EARLIER_OWN:
        if not (rel.startswith("standards/") and rel.endswith(".html") and rel.count("/") == 1):
            return None
        with path.open("rb") as handle:
            if GENERATOR_TAG not in handle.read(4096):  # in the <head>, near the top
                return None
    return _sha(path.read_bytes())


def _keep_foreign(
    out_dir: Path, stage: Path, own: dict[str, str] | None = None
) -> tuple[list[str], list[tuple[str, str]]]:
    """Copy into the new site what the earlier one held that gbstd did not make (a page or a logo someone
    added, a page edited by hand): the directory is replaced whole, but nobody's files are lost with it.

    Returns the files kept as they were, and those at a name the new site writes with the name each is kept
    under instead (``X~kept.html``). Only an earlier site of this layout (its marker) is sorted so; links are
    copied as links, never followed. ``own`` is given the earlier site's own files, with their hashes.
    """
    top = out_dir.resolve() if out_dir.is_symlink() else out_dir
    if not (top / SITE_MARKER).is_file():  # missing, empty, or a site of an older layout: replaced whole
        return [], []
    manifest = _earlier_manifest(top)
    kept: list[str] = []
    clashing: list[str] = []
    for path in sorted(top.rglob("*")):
        rel = path.relative_to(top).as_posix()
        if rel.startswith(IN_PLACE_STAGE):  # the new site's stage, when written in place, or a stopped run's
            continue
        if rel == SITE_MARKER or (path.is_dir() and not path.is_symlink()):
            continue
        if (sha := _made_by_gbstd(path, rel, manifest)) is not None:
            if own is not None:
                own[rel] = sha
            continue
        if os.path.lexists(stage / rel):  # the new site writes this name: the file is set aside below
            clashing.append(rel)
            continue
        _copy(path, stage / rel)
        kept.append(rel)
    set_aside = []
    for rel in clashing:  # after the others, so a name taken by a file kept as it was is not chosen
        aside = _kept_name(stage, rel)
        _copy(top / rel, stage / aside)
        set_aside.append((rel, aside))
    return kept, set_aside


def _copy(source: Path, target: Path) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copy2(source, target, follow_symlinks=False)


def _kept_name(stage: Path, rel: str) -> str:
    """A name in the new site for a file whose own name it writes: ``X~kept.html``, ``X~kept-2.html``…"""
    path = PurePosixPath(rel)
    for number in count(1):
        tag = KEPT_TAG if number == 1 else f"{KEPT_TAG}-{number}"
        name = path.with_name(f"{path.stem}{tag}{path.suffix}").as_posix()
        if not os.path.lexists(stage / name):
            return name
    raise AssertionError("unreachable")
