"""The bulletin as a document: computed figures and human-written notes merged into an ordered list of blocks.

The layout follows the real 2020H1 bulletin (通报) of the national bureau: title, addressee, opening;
一、工作情况 with (一)基本情况 (narrative, then the computed 标准制定 figures), (二)特色做法 and topical sections;
二、工作经验; 三、下一步重点工作; the issuing office and the date. Every writer (Markdown, HTML, DOCX) walks the same
blocks, so the three formats cannot disagree. A section the notes do not supply becomes a ``placeholder`` block
that every format marks visibly; figures come only from :class:`~gbstd.reports.figures.Bulletin`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Literal

from gbstd.model.code import Tier
from gbstd.model.notes import BulletinNotes, NoteItem, NoteSection
from gbstd.reports.figures import OWN, Bulletin, Count, member_label, module_label, region_label, tier_label
from gbstd.reports.period import cn_date
from gbstd.reports.sources import DuplicateFigures, PlanFigures, ProjectFigures, ReviewFigures, Unavailable

BlockKind = Literal["heading1", "paragraph", "placeholder", "table", "chart", "note"]
CN_NUMBERS = "一二三四五六七八九十"
UNDATED_SHOWN = 5  # undated codes named in the bulletin's note before 等N项


@dataclass
class Table:
    caption: str
    header: list[str]
    rows: list[list[str]]
    text_columns: int = 1  # leading columns of text (left-aligned); the rest are counts (right-aligned)


@dataclass
class Chart:
    """A chart to draw: a caption, category labels and one or more named series of counts."""

    name: str  # file-safe: "by-tier"
    caption: str
    labels: list[str]
    series: dict[str, list[int]]
    horizontal: bool = False
    image: bytes | None = None  # a picture drawn elsewhere (the framework diagram), shown as it is


@dataclass
class Block:
    """One piece of the document. ``lead`` is a run-in heading printed before ``text`` (楷体 in DOCX)."""

    kind: BlockKind
    text: str = ""
    lead: str | None = None
    table: Table | None = None
    chart: Chart | None = None


@dataclass
class BulletinDocument:
    title: str
    addressee: str | None
    blocks: list[Block]
    issuer: str | None
    date: str | None
    bulletin: Bulletin
    notes_source: str | None  # relative path of the notes file, or None
    illustrative: bool = False
    placeholders: list[str] = field(default_factory=list)  # what is still to be written or provided
    # 本期目录变化 (``--changes-since``): plain data from gbstd.reports.changes_appendix, or None
    changes: dict[str, Any] | None = None

    @property
    def charts(self) -> list[Chart]:
        return [b.chart for b in self.blocks if b.chart is not None]


def cn_number(n: int) -> str:
    """1 → 一 … 10 → 十, 11 → 十一 (section numbers in an official document)."""
    if n <= 10:
        return CN_NUMBERS[n - 1]
    tens, ones = divmod(n, 10)
    return (CN_NUMBERS[tens - 1] if tens > 1 else "") + "十" + (CN_NUMBERS[ones - 1] if ones else "")


def default_title(bulletin: Bulletin) -> str:
    return f"关于{bulletin.period.label}机关事务标准化工作推进情况的通报"


def compose(bulletin: Bulletin, notes: BulletinNotes | None, notes_source: str | None = None) -> BulletinDocument:
    """Merge figures and notes into the bulletin's blocks, in the order of the real document."""
    doc = BulletinDocument(
        title=(notes.title if notes and notes.title else default_title(bulletin)),
        addressee=notes.addressee if notes else None,
        blocks=[],
        issuer=notes.issuer if notes else None,
        date=cn_date(notes.date) if notes and notes.date else None,
        bulletin=bulletin,
        notes_source=notes_source,
        illustrative=bool(notes and notes.illustrative),
    )
    blocks = doc.blocks
    where = notes_source or f"notes/{bulletin.period.key}.yaml"

    def missing(what: str, key: str) -> Block:
        doc.placeholders.append(what)
        return Block("placeholder", f"【待补充：{what}（在 {where} 的 {key} 中填写）】")

    if doc.addressee is None:
        doc.placeholders.append("主送机关")
    if doc.issuer is None:
        doc.placeholders.append("发文机关署名")
    if doc.date is None:
        doc.placeholders.append("成文日期")
    blocks.append(Block("paragraph", notes.opening) if notes and notes.opening else missing("开头段落", "opening"))

    label = bulletin.period.label
    blocks.append(Block("heading1", f"一、{label}工作情况"))
    situation = notes.situation if notes else []
    if situation:
        first, *rest = situation
        blocks.append(Block("paragraph", _join(first), lead="（一）基本情况。"))
        blocks.extend(Block("paragraph", _join(item)) for item in rest)
    else:
        blocks.append(Block("paragraph", "", lead="（一）基本情况。"))
        blocks.append(missing("基本情况的文字部分（统筹规划、组织建设、试点引领等）", "situation"))
    blocks.extend(_figure_blocks(bulletin))
    if isinstance(bulletin.diagram, Unavailable):  # printed as a placeholder too: counted and named with the rest
        doc.placeholders.append(bulletin.diagram.what)

    number = 2
    blocks.extend(_section(f"（{cn_number(number)}）特色做法。", notes.practices if notes else None,
                           lambda: missing("特色做法", "practices")))
    for topic in notes.topics if notes else []:
        number += 1
        blocks.extend(_section(f"（{cn_number(number)}）{topic.title}。", topic, lambda t=topic.title: missing(t, "topics")))

    blocks.append(Block("heading1", "二、工作经验"))
    blocks.extend(_numbered(notes.experience if notes else None, lambda: missing("工作经验", "experience")))
    blocks.append(Block("heading1", "三、下一步重点工作"))
    blocks.extend(_numbered(notes.next_steps if notes else None, lambda: missing("下一步重点工作", "next_steps")))
    return doc


def _lead(heading: str) -> str:
    """A run-in heading with its punctuation: 统筹规划方面 → 统筹规划方面，; 持续优化 → 持续优化。"""
    if heading.endswith(("。", "，", "：", ":", ",", "；")):
        return heading
    return heading + ("，" if heading.endswith("方面") else "。")


def _join(item: NoteItem) -> str:
    return f"{_lead(item.heading)}{item.text}" if item.heading else item.text


def _section(lead: str, section: NoteSection | None, placeholder: Callable[[], Block]) -> list[Block]:
    """A run-in level-2 section such as (二)特色做法: the lead opens the first paragraph."""
    if section is None or not (section.intro or section.items):
        return [Block("paragraph", "", lead=lead), placeholder()]
    paragraphs = ([section.intro] if section.intro else []) + [_join(item) for item in section.items]
    first, *rest = paragraphs
    return [Block("paragraph", first, lead=lead), *(Block("paragraph", text) for text in rest)]


def _numbered(section: NoteSection | None, placeholder: Callable[[], Block]) -> list[Block]:
    """二、工作经验 / 三、下一步重点工作: an introduction, then items (一)(二)… each with a run-in heading."""
    if section is None or not (section.intro or section.items):
        return [placeholder()]
    blocks = [Block("paragraph", section.intro)] if section.intro else []
    for index, item in enumerate(section.items, start=1):
        lead = f"（{cn_number(index)}）" + (_lead(item.heading) if item.heading else "")
        blocks.append(Block("paragraph", item.text, lead=lead))
    return blocks


def _breakdown(count: Count, labels: dict[str, str], order: list[str]) -> str:
    parts = [f"{labels[key]}{count.by_tier[key]}项" for key in order if count.by_tier.get(key)]
    return "，其中" + "、".join(parts) if parts else ""


def _figure_blocks(bulletin: Bulletin) -> list[Block]:
    """标准制定方面: the computed paragraph, the tables by tier, module and region, and the charts."""
    period = bulletin.period
    tiers = bulletin.tiers()
    labels = {t: tier_label(t) for t in tiers}
    pub, eff, abo, end = bulletin.published, bulletin.effective, bulletin.abolished, bulletin.in_force_at_end
    span = f"{cn_date(period.start)}至{cn_date(bulletin.cutoff)}"
    text = (
        f"{period.short_label}（{span}），目录中共发布标准{pub.total}项{_breakdown(pub, labels, tiers)}；"
        f"开始实施标准{eff.total}项{_breakdown(eff, labels, tiers)}；废止标准{abo.total}项"
        f"{_breakdown(abo, labels, tiers)}。"
    )
    leaves = bulletin.leaf_modules
    covered = sum(1 for m in leaves if end.by_module.get(m))
    text += f"截至{cn_date(bulletin.cutoff)}，标准体系共有现行标准{end.total}项"
    if leaves:
        text += f"，覆盖体系{len(leaves)}个末级模块中的{covered}个"
    text += "。"
    regions = [(r, pub.by_region[r]) for r in bulletin.regions() if pub.by_region.get(r)]
    if regions:
        text += "本期发布的地方标准来自" + "、".join(f"{region_label(r)}{n}项" for r, n in regions) + "。"
    if bulletin.federated:
        own = "及本级目录" if bulletin.records_by_member.get(OWN) else ""
        first = 3 + bool(bulletin.regions())  # the member tables follow those by tier, module (and province)
        text += (f"以上数字汇总自联合目录的{len(bulletin.members)}个成员目录{own}"
                 f"（共{bulletin.records_total}项标准），各成员的数字见表{first}，读取的版本见表{first + 1}。")
    blocks = [Block("paragraph", text, lead="标准制定方面，")]
    if bulletin.undated:
        # only the published count needs the date: their effective, abolished and in-force dates still count
        blocks.append(Block("note", _undated_note(bulletin.undated)))
    if not bulletin.complete:
        blocks.append(Block("note", f"报告期尚未结束：数字统计至{cn_date(bulletin.as_of)}。"))
    sources = [bulletin.projects, bulletin.reviews, bulletin.duplicates, bulletin.plans]
    # A catalog without pilot plans has nothing to say about them (no placeholder either).
    blocks.extend(_source_block(source, bulletin) for source in sources
                  if not (isinstance(source, PlanFigures) and not source.plans))

    header = ["", "本期发布", "本期实施", "本期废止", "期末现行"]

    def row(label: str, key: str, attr: str) -> list[str]:
        return [label, *(str(getattr(c, attr).get(key, 0)) for c in (pub, eff, abo, end))]

    numbers = iter(range(1, 100))

    def table(caption: str, head: list[str], rows: list[list[str]], text_columns: int = 1) -> Block:
        return Block("table", table=Table(f"表{next(numbers)} {caption}", head, rows, text_columns))

    total = ["合计", str(pub.total), str(eff.total), str(abo.total), str(end.total)]
    tier_rows = [row(labels[t], t, "by_tier") for t in tiers]
    blocks.append(table("标准制定情况（按标准层级）", ["标准层级", *header[1:]], [*tier_rows, total]))
    module_rows = [row(module_label(bulletin, m), m, "by_module") for m in bulletin.module_rows()]
    blocks.append(table("标准制定情况（按体系模块）", ["体系模块", *header[1:]], [*module_rows, total]))
    region_keys = bulletin.regions()
    if region_keys:
        region_rows = [row(region_label(r), r, "by_region") for r in region_keys]
        blocks.append(table("地方标准制定情况（按省份）", ["省份", *header[1:]], region_rows))
    if bulletin.federated:
        blocks.extend(_member_blocks(bulletin, row, total, table))

    blocks.append(Block("chart", chart=Chart(
        "by-tier", "图1 各层级标准数量", [labels[t] for t in tiers],
        {"本期发布": [pub.by_tier.get(t, 0) for t in tiers], "期末现行": [end.by_tier.get(t, 0) for t in tiers]},
    )))
    modules = bulletin.module_rows()
    blocks.append(Block("chart", chart=Chart(
        "by-module", "图2 各体系模块标准数量", [module_label(bulletin, m) for m in modules],
        {"本期发布": [pub.by_module.get(m, 0) for m in modules], "期末现行": [end.by_module.get(m, 0) for m in modules]},
        horizontal=True,
    )))
    reviews = bulletin.reviews
    states = {"逾期未复审": reviews.overdue, "临近到期": reviews.due_soon, "未到期": reviews.current}
    if reviews.undated:  # the bars then add up to the standards in force
        states["无日期"] = len(reviews.undated)
    blocks.append(Block("chart", chart=Chart(
        "review-state", "图3 现行标准复审状态（期末）", list(states), {"标准数": list(states.values())},
    )))
    diagram = bulletin.diagram
    if isinstance(diagram, Unavailable):
        blocks.append(Block("note", "图4 标准体系框架图：" + diagram.placeholder))
    else:
        blocks.append(Block("chart", chart=Chart(
            "framework", f"图4 标准体系框架图（截至{cn_date(bulletin.cutoff)}）", [], {}, image=diagram.png,
        )))
    return blocks


def _undated_note(undated: list[str]) -> str:
    """The records the published count may miss: how many, the first few by code and 等N项 (a national catalog
    can hold thousands; the JSON output lists them all)."""
    shown = "、".join(undated[:UNDATED_SHOWN]) + (f"等{len(undated)}项" if len(undated) > UNDATED_SHOWN else "")
    return (f"另有{len(undated)}项标准缺少发布日期，按其标准号年份和实施、废止日期可能在本期发布，未计入本期发布数"
            f"（实施、废止和现行仍按其日期计入）：{shown}。")


def _member_blocks(
    bulletin: Bulletin,
    row: Callable[[str, str, str], list[str]],
    total: list[str],
    table: Callable[..., Block],
) -> list[Block]:
    """A federation: the figures by member (national totals above, each member's share here) and where each
    member's figures come from — the member's catalog and the commit it was read at."""
    overdue = bulletin.reviews.overdue_by_member if isinstance(bulletin.reviews, ReviewFigures) else {}
    rows = []
    for member in bulletin.member_rows():
        rows.append([*row(member_label(member), member, "by_member"), str(overdue.get(member, 0))])
    overdue_total = str(sum(overdue.values())) if isinstance(bulletin.reviews, ReviewFigures) else "—"
    head = ["成员目录", "本期发布", "本期实施", "本期废止", "期末现行", "逾期未复审"]
    blocks = [table("标准制定情况（按成员目录）", head, [*rows, [*total, overdue_total]])]
    sources = []
    if bulletin.records_by_member.get(OWN):
        sources.append([member_label(OWN), "本目录", "—", "—", "—", str(bulletin.records_by_member[OWN])])
    for member in bulletin.members:
        kind = "git 仓库" if member.kind == "git" else "目录"
        commit = member.commit[:12] if member.commit else "（不在 git 中）"
        fetched = _utc(member.fetched_at) if member.fetched_at else "—"
        sources.append([member.name, kind, member.source, commit, fetched, str(member.records)])
    sources.append(["合计", "", "", "", "", str(bulletin.records_total)])
    blocks.append(table("联合目录成员及读取版本", ["成员目录", "类型", "来源", "读取版本（提交）", "同步时间（UTC）", "标准数"],
                        sources, text_columns=5))
    return blocks


def _utc(stamp: str) -> str:
    """An ISO time as ``YYYY-MM-DD HH:MM`` in UTC; a manifest's text that is not one is shown as it is."""
    try:
        moment = dt.datetime.fromisoformat(stamp)
    except ValueError:
        return stamp
    if moment.tzinfo is not None:
        moment = moment.astimezone(dt.timezone.utc)
    return moment.strftime("%Y-%m-%d %H:%M")


def _source_block(source: object, bulletin: Bulletin) -> Block:
    if isinstance(source, ProjectFigures):
        tiers = sorted(source.approved_by_tier, key=lambda t: [x.value for x in Tier].index(t) if t in
                       {x.value for x in Tier} else 99)
        detail = "、".join(f"{tier_label(t)}{source.approved_by_tier[t]}项" for t in tiers)
        return Block("paragraph", f"{bulletin.period.short_label}新立项标准{source.approved}项"
                                  + (f"（{detail}）" if detail else "")
                                  + f"，期末在研标准项目{source.in_progress}项。", lead="标准立项方面，")
    if isinstance(source, ReviewFigures):
        conclusions = "、".join(f"{k}{v}项" for k, v in source.by_conclusion.items() if v)
        hard = f"（其中超过法定复审周期上限{source.overdue_hard}项）" if source.overdue_hard else ""
        zombies = f"；在用多年既无复审也无实施记录的“僵尸标准”{source.zombies}项" if source.zombies else ""
        undated = f"，另有{len(source.undated)}项没有实施或发布日期、无法计算复审期限" if source.undated else ""
        return Block("paragraph", f"{bulletin.period.short_label}完成复审{source.reviewed}次"
                                  + (f"（{conclusions}）" if conclusions else "")
                                  + f"。截至{cn_date(bulletin.cutoff)}，现行标准中逾期未复审{source.overdue}项{hard}，"
                                  f"临近复审期限{source.due_soon}项，未到期{source.current}项{undated}{zombies}。",
                     lead="标准复审方面，")
    if isinstance(source, DuplicateFigures):
        kinds = "、".join(f"{kind}{n}组" for kind, n in sorted(source.by_kind().items(), key=lambda kv: -kv[1]))
        advice = "宜按“一事一标、择优选取、共同使用”的要求合并或直接采用。" if source.total else ""
        groups = f"，归为{source.groups}组、涉及{source.records}项标准" if source.groups else ""
        if bulletin.federated and source.groups:  # copies between provinces are what a national view is for
            groups += f"，其中{source.groups_across_members}组跨越两个以上成员目录"
        return Block("paragraph", f"截至{cn_date(bulletin.cutoff)}，目录中疑似重复建设的标准{source.total}对{groups}"
                                  + (f"（{kinds}）" if kinds else "") + "。" + advice, lead="重复建设方面，")
    if isinstance(source, PlanFigures):
        parts = []
        for plan in source.plans:
            targets = "；".join(f"{t.label}：{t.counted}/{t.target}项" for t in plan.targets)
            # 组织实施 → （组织实施阶段）; a phase named as plans often name them, 准备阶段, is not 准备阶段阶段
            phase = f"（{plan.phase}{'' if plan.phase.endswith('阶段') else '阶段'}）" if plan.phase else ""
            tasks_listed = plan.tasks_done + plan.tasks_open + plan.tasks_overdue
            if not tasks_listed:  # no task table: "已完成0项、未到期0项、逾期0项" read as tasks nobody did
                tasks = "方案未列重点任务"
            elif plan.tracked:
                tasks = f"任务已完成{plan.tasks_done}项、未到期{plan.tasks_open}项、逾期{plan.tasks_overdue}项"
            else:
                tasks = "任务完成情况未登记"
            parts.append(f"《{plan.plan}》期末{plan.state}{phase}，" + (f"目标进度：{targets}；" if targets else "")
                         + tasks)
        return Block("paragraph", "。".join(parts) + "。", lead="试点引领方面，")
    raise TypeError(f"unknown figure source {type(source).__name__}")
