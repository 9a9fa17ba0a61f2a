"""`gbstd plan status` output: a plan's progress as text (rich progress bars), JSON or Markdown.

Everything shown comes from :class:`gbstd.plans.PlanProgress`; nothing is computed here but layout.
"""

from __future__ import annotations

from dataclasses import dataclass
from io import StringIO

from rich.console import Console, Group
from rich.markup import escape
from rich.progress_bar import ProgressBar
from rich.table import Table

from gbstd.i18n import Lang, Text
from gbstd.jsontext import json_document
from gbstd.plans import (
    CountedStandard,
    PlanProgress,
    PlanState,
    ReportDue,
    TargetProgress,
    TaskProgress,
    TaskState,
)
from gbstd.printable import printable
from gbstd.tabular.safety import markdown_text

# How many counted standards a target lists before "… and N more".
SHOWN_STANDARDS = 10


def render_json(progress: list[PlanProgress]) -> str:
    """A JSON array with one object per plan (see ``PlanProgress.to_json``)."""
    return json_document([p.to_json() for p in progress])


def _t(lang: Lang, zh: str, en: str) -> str:
    return Text(zh, en).get(lang)


def _header(p: PlanProgress, lang: Lang) -> list[str]:
    plan = p.plan
    issuers = "、".join(plan.issuers) if lang == "zh" else ", ".join(plan.issuers)
    answers = plan.answers.number if plan.answers else None
    line2 = _t(lang, f"{issuers} · {plan.issued} 印发", f"{issuers} · issued {plan.issued}")
    if answers:
        line2 += _t(lang, f" · 依据 {answers}", f" · answers {answers}")
    line2 += f" · {plan.status.label.get(lang)}"
    span = f"{plan.first_day}—{plan.last_day}" if lang == "zh" else f"{plan.first_day}…{plan.last_day}"
    line3 = _t(
        lang, f"截至 {p.as_of}：{p.state.label.zh}（{span}", f"As of {p.as_of}: {p.state.label.en} ({span}"
    )
    if p.days_left and p.as_of >= plan.first_day:
        line3 += _t(lang, f"，剩余 {p.days_left} 天）", f", {p.days_left} days left)")
    else:
        line3 += _t(lang, "）", ")")
    return [line2, line3, _phase_line(p, lang)]


def _phase_line(p: PlanProgress, lang: Lang) -> str:
    current, following = p.current_phases, p.next_phase
    parts = []
    if p.state is PlanState.ENDED:
        return _t(lang, f"方案已于 {p.plan.last_day} 结束", f"The plan ended on {p.plan.last_day}")
    if p.state is PlanState.NOT_STARTED:
        parts.append(_t(lang, "方案尚未开始", "The plan has not started"))
    elif current:
        # phases sharing months (P002) all run: naming only the first hid the others
        running = [(c.phase, c.days_left) for c in current]
        parts.append(
            _t(
                lang,
                ("当前阶段：" if len(running) == 1 else f"当前阶段（{len(running)} 个，时间重叠）：")
                + "；".join(f"{ph.name}（{ph.start}—{ph.end}），剩余 {left} 天" for ph, left in running),
                ("Current phase: " if len(running) == 1 else f"Current phases ({len(running)}, overlapping): ")
                + "; ".join(f"{ph.name} ({ph.start}…{ph.end}), {left} days left" for ph, left in running),
            )
        )
    else:
        parts.append(_t(lang, "当前不在任何阶段内", "no phase is running"))
    if following:
        ph = following.phase
        parts.append(_t(lang, f"下一阶段：{ph.name}（{ph.start} 起）", f"next: {ph.name} (from {ph.start})"))
    return ("；" if lang == "zh" else "; ").join(parts)


def _window(t: TargetProgress, p: PlanProgress, lang: Lang) -> str:
    basis = {"published": ("发布日期", "published"), "effective": ("实施日期", "effective")}[
        t.target.basis.value
    ]
    end = min(t.window_end, p.as_of)
    text = _t(
        lang,
        f"计数窗口 {t.window_start}—{t.window_end}（按{basis[0]}",
        f"window {t.window_start}…{t.window_end} (by {basis[1]} date",
    )
    if end < t.window_end:
        text += _t(lang, f"，已计至 {end}", f", counted up to {end}")
    return text + _t(lang, "）", ")")


def _task_summary(p: PlanProgress, lang: Lang) -> str:
    done, open_, overdue = (len(p.tasks_in(s)) for s in (TaskState.DONE, TaskState.OPEN, TaskState.OVERDUE))
    text = _t(
        lang,
        f"任务 {len(p.tasks)} 项：已完成 {done}，未到期 {open_}，逾期 {overdue}",
        f"{len(p.tasks)} tasks: {done} done, {open_} open, {overdue} overdue",
    )
    if not p.tracked:
        text += _t(
            lang,
            "（方案已归档，完成日期未在目录中记录：“逾期”即过了时限而未记录完成）",
            " (archived plan: done dates are not recorded, so 'overdue' means past its deadline with no "
            "done date on record)",
        )
    return text


def _task_state(t: TaskProgress, lang: Lang) -> str:
    label = t.state.label.get(lang)
    if t.state is TaskState.DONE and t.task.done:
        return f"{label} {t.task.done}"
    if t.missed:
        missed = ", ".join(f"{m.what + ' ' if m.what else ''}{m.deadline}" for m in t.missed)
        return f"{label}（{missed}）" if lang == "zh" else f"{label} ({missed})"
    return label


def _deadline(t: TaskProgress) -> str:
    if t.task.deadline_text:
        return t.task.deadline_text
    return str(t.task.deadline) if t.task.deadline else "—"


def _reports_heading(p: PlanProgress, lang: Lang) -> str:
    text = _t(lang, "报告", "Reports")
    if not p.tracked:
        text += _t(
            lang, "（方案已归档，报送情况未在目录中记录）", " (archived plan: submissions are not recorded)"
        )
    return text


def _report_line(r: ReportDue, lang: Lang) -> str:
    return _t(
        lang,
        f"{r.duty.name} {r.period}：应报日期 {r.due}，{r.state.label.zh}",
        f"{r.duty.name} {r.period}: due {r.due}, {r.state.label.en}",
    )


def _title(p: PlanProgress) -> str:
    return f"{p.plan.title} ({p.key})" if p.key else p.plan.title


def _shown(text: str) -> str:
    """Catalog text for the terminal: no control characters (an escape sequence in a title or a plan's task
    reached the terminal: ESC]0;… retitled the window), rich markup escaped."""
    return escape(printable(text))


def _line(text: str) -> str:
    """:func:`_shown` on one line: a title written over two lines broke the indented list it is in."""
    return _shown(text.replace("\r\n", "\n").replace("\r", "\n")).replace("\n", " ").replace("\t", " ")


def render_text(
    progress: list[PlanProgress], lang: Lang = "zh", color: bool = False, width: int = 110
) -> str:
    buffer = StringIO()
    console = Console(file=buffer, force_terminal=color, no_color=not color, highlight=False, width=width)
    for number, p in enumerate(progress):
        if number:
            console.print()
        console.print(f"[bold]{_line(_title(p))}[/]")
        for line in _header(p, lang):
            console.print(_line(line))
        if p.targets:
            console.print()
            console.print(f"[bold]{_t(lang, '目标', 'Targets')}[/]")
            for target in p.targets:
                console.print(_target_block(target, p, lang))
        console.print()
        console.print(f"[bold]{_line(_task_summary(p, lang))}[/]")
        if p.tasks:
            table = Table(box=None, pad_edge=False, show_header=True, header_style="bold")
            for heading in (
                _t(lang, "阶段", "phase"),
                _t(lang, "重点任务", "task"),
                _t(lang, "完成时限", "deadline"),
                _t(lang, "状态", "state"),
            ):
                table.add_column(heading, overflow="fold")
            for task in p.tasks:
                style = {"done": "green", "open": "", "overdue": "yellow"}[task.state.value]
                table.add_row(
                    _shown(task.task.phase),
                    _shown(task.task.subject),
                    _shown(_deadline(task)),
                    f"[{style}]{_shown(_task_state(task, lang))}[/]"
                    if style
                    else _shown(_task_state(task, lang)),
                )
            console.print(table)
        if p.reports:
            console.print()
            console.print(f"[bold]{_line(_reports_heading(p, lang))}[/]")
            due = p.reports_due
            if due:
                for report in due:
                    console.print("  " + _line(_report_line(report, lang)))
            else:
                console.print("  " + _t(lang, "没有待报送的报告", "no report due"))
            if p.next_report:
                console.print(
                    "  " + _line(_t(lang, "下一份：", "next: ") + _report_line(p.next_report, lang))
                )
    return "".join(line.rstrip() + "\n" for line in buffer.getvalue().splitlines())


def _target_block(t: TargetProgress, p: PlanProgress, lang: Lang) -> Group:
    row = Table.grid(padding=(0, 2))
    row.add_column(no_wrap=True)
    row.add_column(width=30)
    row.add_column(no_wrap=True)
    mark = "[green]✓[/]" if t.met else " "
    row.add_row(
        f"  {mark} {t.count} / {t.threshold}",
        ProgressBar(total=t.threshold, completed=min(t.count, t.threshold)),
        f"{t.percent}%  {_line(t.target.description)}",
    )
    lines: list[object] = [row, "      " + _line(_window(t, p, lang))]
    for standard in t.counted[:SHOWN_STANDARDS]:
        lines.append(f"      - {_line(standard.code)} {_line(standard.title)} {_line(_dated(standard, lang))}")
    if len(t.counted) > SHOWN_STANDARDS:
        more = len(t.counted) - SHOWN_STANDARDS
        lines.append("      " + _t(lang, f"… 另有 {more} 项", f"… and {more} more"))
    if t.uncertain:
        codes = ", ".join(s.code for s in t.uncertain)
        lines.append(
            "      " + _line(_t(lang, f"日期不详、可能计入：{codes}", f"date unknown, may count: {codes}"))
        )
    return Group(*lines)


def _dated(standard: CountedStandard, lang: Lang) -> str:
    """A counted standard's date in brackets; one without a recorded date counts because its bounds (the year
    in its code…) lie inside the window: said so, not printed as "(None)"."""
    if standard.date is not None:
        return f"({standard.date})"
    return _t(lang, "（日期未记录，但必在计数窗口内）", "(date not recorded, but certainly inside the window)")


def _bar(t: TargetProgress, width: int = 20) -> str:
    filled = min(width, t.count * width // t.threshold)  # rounded down, as the percent: full only when met
    return "█" * filled + "░" * (width - filled)


def _cell(text: str) -> str:
    return markdown_text(text)


Cell = tuple[str, ...]  # a table cell's lines, as plain text


def _lines(*texts: str) -> Cell:
    """A cell of ``texts``, each line of each one a line of the cell (a task written over two lines)."""
    return tuple(line for text in texts for line in text.replace("\r\n", "\n").replace("\r", "\n").split("\n"))


@dataclass(frozen=True)
class PlanTable:
    columns: tuple[str, ...]
    rows: list[tuple[Cell, ...]]


@dataclass(frozen=True)
class PlanSection:
    """One plan's status as plain text, laid out by :func:`render_markdown` and by the web editor's page
    (which escapes it and breaks a cell's lines with real line breaks: Markdown's ``<br>`` showed as text)."""

    title: str
    header: list[str]
    targets_heading: str
    targets: PlanTable | None
    task_summary: str
    tasks_heading: str
    tasks: PlanTable | None
    reports_heading: str | None  # None: the plan asks for no reports
    reports: list[str]


def plan_sections(progress: list[PlanProgress], lang: Lang = "zh") -> list[PlanSection]:
    sections = []
    for p in progress:
        targets = None
        if p.targets:
            rows: list[tuple[Cell, ...]] = []
            for t in p.targets:
                # one line each: a title written over two lines read as two standards
                standards = tuple(" ".join(_lines(f"{s.code} {s.title} {_dated(s, lang)}")) for s in t.counted) or ("—",)
                if t.uncertain:
                    standards += _lines(_t(lang, "日期不详、可能计入：", "date unknown, may count: ")
                                        + ", ".join(s.code for s in t.uncertain))
                rows.append((_lines(t.target.description), (f"{t.count} / {t.threshold} ({t.percent}%)",),
                             (_bar(t),), _lines(_window(t, p, lang)), standards))
            columns = ("目标", "进度", "", "计数窗口", "计入的标准") if lang == "zh" else (
                "target", "progress", "", "window", "standards")
            targets = PlanTable(columns, rows)
        tasks = None
        if p.tasks:
            columns = ("阶段", "重点任务", "完成时限", "状态") if lang == "zh" else ("phase", "task", "deadline", "state")
            tasks = PlanTable(columns, [(_lines(task.task.phase), _lines(task.task.subject), _lines(_deadline(task)),
                                         _lines(_task_state(task, lang))) for task in p.tasks])
        reports = [_report_line(report, lang) for report in p.reports_due] or [
            _t(lang, "没有待报送的报告", "no report due")]
        if p.next_report:
            reports.append(_t(lang, "下一份：", "next: ") + _report_line(p.next_report, lang))
        sections.append(PlanSection(
            _title(p), _header(p, lang), _t(lang, "目标", "Targets"), targets, _task_summary(p, lang),
            _t(lang, "任务", "Tasks"), tasks, _reports_heading(p, lang) if p.reports else None,
            reports if p.reports else []))
    return sections


def _row(cells: tuple[Cell, ...], code: frozenset[int] = frozenset()) -> str:
    """A Markdown table row: each cell's lines escaped and joined by ``<br>``; the columns in ``code`` in
    backticks (the progress bar)."""
    shown = [f"`{cell[0]}`" if index in code else "<br>".join(_cell(line) for line in cell)
             for index, cell in enumerate(cells)]
    return "| " + " | ".join(shown) + " |"


def _header_row(columns: tuple[str, ...]) -> str:
    return "|" + "|".join(f" {name} " if name else " " for name in columns) + "|"


def render_markdown(progress: list[PlanProgress], lang: Lang = "zh") -> str:
    out: list[str] = []
    for section in plan_sections(progress, lang):
        out.append(f"## {_cell(section.title)}\n")
        out.extend(f"{_cell(line)}  " for line in section.header)
        out.append("")
        if section.targets:
            out.append(f"### {section.targets_heading}\n")
            out.append(_header_row(section.targets.columns))
            out.append("|---|---|---|---|---|")
            out.extend(_row(row, frozenset({2})) for row in section.targets.rows)
            out.append("")
        out.append(f"### {section.tasks_heading}\n")
        out.append(_cell(section.task_summary) + "\n")
        if section.tasks:
            out.append(_header_row(section.tasks.columns))
            out.append("|---|---|---|---|")
            out.extend(_row(row) for row in section.tasks.rows)
            out.append("")
        if section.reports_heading is not None:
            out.append(f"### {_cell(section.reports_heading)}\n")
            out.extend(f"- {_cell(line)}" for line in section.reports)
            out.append("")
    return "\n".join(out).rstrip("\n") + "\n"
