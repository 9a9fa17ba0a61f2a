"""The read-only pages: standards list, review worklist, duplicate groups, system tree, plan status.

Each view is a thin layer over the library call the matching command uses; the page gets plain rows.
"""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from gbstd.coverage import ModuleNode, summarize
from gbstd.plans import plan_progress
from gbstd.reports.plan_status import plan_sections
from gbstd.review import review_worklist
from gbstd.searchtext import fold, record_haystack
from gbstd.serve.paging import paged
from gbstd.serve.state import Server


def standards(server: Server, request: Request) -> Response:
    catalog = server.catalog()
    typed = request.query_params.get("q", "").strip()
    query = fold(typed)  # full-width, odd spaces, case: folded as each record's text is (gbstd.searchtext)
    words = query.split()  # each must be found, in any order, as the offline site's search asks
    bare = query.replace(" ", "")  # part of a code typed without its spaces (GB/T41568) or with more
    code = catalog.resolve(typed) if typed else None  # a code in any spelling finds its record (DB41/T2144—2021)
    status = request.query_params.get("status", "")
    tier = request.query_params.get("tier", "")
    rows = []
    for record in sorted(catalog.records, key=lambda r: r.key):
        if query and (code is None or record.key != code.canonical):
            text, code_text = record_haystack(record.key, record.title, record.standard.module or "")
            if bare not in code_text and not all(word in text for word in words):
                continue
        if status and record.status.value != status:
            continue
        if tier and (record.tier.value if record.tier else "") != tier:
            continue
        rows.append({"code": record.key, "title": record.title, "status": record.status.value,
                     "tier": server.text(record.tier.label) if record.tier else "", "module": record.standard.module or "",
                     "effective": record.standard.effective, "rel": record.rel})
    statuses = sorted({r.status.value for r in catalog.records})
    # filtered by the tier's key (?tier=local), shown in the page's language (地方标准, as `gbstd review` has it)
    tiers = [{"value": t.value, "label": server.text(t.label)}
             for t in sorted({r.tier for r in catalog.records if r.tier}, key=lambda t: t.value)]
    shown, pager = paged(rows, request, server.page_size)
    return server.page(request, "list.html.j2", rows=shown, pager=pager, matched=len(rows),
                       total=len(catalog.records), q=typed, status=status, tier=tier, statuses=statuses,
                       tiers=tiers, unread=catalog.unread())


def reviews(server: Server, request: Request) -> Response:
    catalog = server.catalog()
    worklist = review_worklist(catalog, catalog.config.review, server.today())
    rows = [{"code": s.key, "title": s.record.title, "state": server.text(s.state.label),
             "due": s.due, "last": s.last_review.date if s.last_review else None,
             "last_conclusion": s.last_review.conclusion.value if s.last_review else "",
             "overdue": s.is_overdue} for s in worklist.items]
    shown, pager = paged(rows, request, server.page_size)
    return server.page(request, "reviews.html.j2", rows=shown, pager=pager, unread=catalog.unread(),
                       summary=server.text(worklist.summary.line(catalog.config.review)), as_of=server.today())


def dupes(server: Server, request: Request) -> Response:
    catalog = server.catalog()
    rows = server.duplicate_groups(catalog)  # what `gbstd dupes` lists
    shown, pager = paged(rows, request, server.page_size)
    return server.page(request, "dupes.html.j2", groups=shown, pager=pager, unread=catalog.unread())


def _tree_rows(nodes: list[ModuleNode], rows: list[dict[str, object]]) -> None:
    for node in nodes:
        counts = node.total
        rows.append({"depth": node.depth, "id": node.module.id, "name": node.module.name,
                     "in_force": counts.in_force, "upcoming": counts.upcoming, "abolished": counts.abolished,
                     "in_progress": counts.in_progress, "overdue": counts.overdue_reviews,
                     "gap": counts.standards == 0 and counts.in_progress == 0})
        _tree_rows(node.children, rows)


def system(server: Server, request: Request) -> Response:
    catalog = server.catalog()
    rows: list[dict[str, object]] = []
    summary = None
    if catalog.system is not None:
        summary = summarize(catalog, server.today())
        _tree_rows(summary.roots, rows)
    return server.page(request, "system.html.j2", rows=rows, system_name=summary.name if summary else "",
                       unassigned=summary.unassigned.total.standards if summary else 0, unread=catalog.unread())


def plans(server: Server, request: Request) -> Response:
    catalog = server.catalog()
    progress = [plan_progress(plan, catalog, server.today()) for plan in catalog.plans]
    # what `gbstd plan status` says, as plain text laid out by the template: its Markdown, shown in a <pre>,
    # had "<br>" and "&amp;" as text
    return server.page(request, "plans.html.j2", plans=plan_sections(progress, server.lang), unread=catalog.unread())
