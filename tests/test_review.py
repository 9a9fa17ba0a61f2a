"""The review clock (gbstd.review): due-date arithmetic, policy overrides, states, worklist, summary."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from dateutil.relativedelta import relativedelta
from pydantic import ValidationError

from gbstd.catalog.loader import load_catalog
from gbstd.model.code import Tier
from gbstd.model.config import Config, ReviewPolicy
from gbstd.model.standard import Conclusion, Standard
from gbstd.review import (
    DueState,
    ReviewSummary,
    add_years,
    conclusion_counts,
    in_force_on,
    is_zombie,
    parse_window,
    review_states,
    review_worklist,
    reviews_between,
    zombie_states,
)
from tests.review_support import review, review_catalog

D = dt.date.fromisoformat


def state_of(tmp_path: Path, record: dict, as_of: str, review_toml: str = ""):
    catalog = load_catalog(review_catalog(tmp_path / "cat", [record], review_toml))
    assert len(catalog.records) == 1, catalog.load_findings
    (state,) = review_states(catalog, catalog.config.review, D(as_of))
    return state


# --- calendar arithmetic -----------------------------------------------------------------------------------

def test_leap_day_plus_three_years_is_feb_28() -> None:
    assert add_years(D("2024-02-29"), 3) == D("2027-02-28")
    assert add_years(D("2024-02-29"), 4) == D("2028-02-29")
    assert add_years(D("2023-03-01"), 3) == D("2026-03-01")


def test_leap_day_effective_date_due_on_feb_28(tmp_path: Path) -> None:
    record = {"code": "DB41/T 1-2024", "effective": "2024-02-29"}
    assert state_of(tmp_path, record, "2027-02-28").due == D("2027-02-28")
    assert state_of(tmp_path, record, "2027-02-28").state is DueState.DUE_SOON
    assert state_of(tmp_path, record, "2027-03-01").state is DueState.OVERDUE


def test_exactly_three_years_is_due_not_overdue(tmp_path: Path) -> None:
    record = {"code": "DB41/T 1-2023", "effective": "2023-11-23"}
    on_the_day = state_of(tmp_path, record, "2026-11-23")
    assert (on_the_day.due, on_the_day.days, on_the_day.state) == (D("2026-11-23"), 0, DueState.DUE_SOON)
    next_day = state_of(tmp_path, record, "2026-11-24")
    assert (next_day.state, next_day.days_overdue, next_day.days) == (DueState.OVERDUE, 1, -1)


def test_due_soon_window_boundary(tmp_path: Path) -> None:
    record = {"code": "DB41/T 1-2023", "effective": "2023-11-23"}  # due 2026-11-23; window opens 2026-05-23
    assert state_of(tmp_path, record, "2026-05-22").state is DueState.CURRENT
    assert state_of(tmp_path, record, "2026-05-23").state is DueState.DUE_SOON
    assert state_of(tmp_path, record, "2026-05-22", "due_soon_months = 12").state is DueState.DUE_SOON


def test_hard_limit_boundary(tmp_path: Path) -> None:
    record = {"code": "DB41/T 1-2020", "effective": "2020-03-01"}  # hard limit 2025-03-01
    assert state_of(tmp_path, record, "2025-03-01").state is DueState.OVERDUE
    hard = state_of(tmp_path, record, "2025-03-02")
    assert (hard.state, hard.hard_due) == (DueState.OVERDUE_HARD, D("2025-03-01"))


def test_review_restarts_the_clock(tmp_path: Path) -> None:
    record = {"code": "DB41/T 1-2020", "effective": "2020-03-01", "reviews": [review("2023-02-10", "修订")]}
    state = state_of(tmp_path, record, "2026-11-23")
    assert (state.anchor, state.anchor_source, state.due) == (D("2023-02-10"), "review", D("2026-02-10"))
    assert state.state is DueState.OVERDUE and state.days_overdue == 286
    assert state.last_review is not None and state.last_review.conclusion is Conclusion.REVISE


def test_review_on_the_due_date_counts(tmp_path: Path) -> None:
    record = {"code": "DB41/T 1-2020", "effective": "2020-03-01", "reviews": [review("2023-03-01")]}
    state = state_of(tmp_path, record, "2023-03-02")
    assert state.state is DueState.CURRENT and state.due == D("2026-03-01")


def test_reviews_after_as_of_do_not_count(tmp_path: Path) -> None:
    record = {"code": "DB41/T 1-2020", "effective": "2020-03-01", "reviews": [review("2024-05-01")]}
    before = state_of(tmp_path, record, "2024-04-30")
    assert before.last_review is None and before.anchor_source == "effective"
    assert before.state is DueState.OVERDUE


def test_latest_review_wins_whatever_the_list_order(tmp_path: Path) -> None:
    record = {"code": "DB41/T 1-2020", "effective": "2020-03-01",
              "reviews": [review("2025-01-05", "修订"), review("2022-06-01")]}
    state = state_of(tmp_path, record, "2026-11-23")
    assert state.last_review_index == 0 and state.due == D("2028-01-05")


def test_review_before_effective_does_not_start_the_clock(tmp_path: Path) -> None:
    record = {"code": "DB41/T 1-2023", "effective": "2023-06-01", "reviews": [review("2023-01-01")]}
    state = state_of(tmp_path, record, "2024-01-01")
    assert state.anchor == D("2023-06-01") and state.anchor_source == "effective"


def test_published_date_when_effective_unknown(tmp_path: Path) -> None:
    state = state_of(tmp_path, {"code": "DB41/T 1-2023", "published": "2023-05-17"}, "2026-11-23")
    assert (state.anchor_source, state.due) == ("published", D("2026-05-17"))


@pytest.mark.parametrize(
    ("record", "as_of"),
    [
        ({"code": "DB41/T 1-2020", "status": "废止", "effective": "2020-01-01", "abolished": "2024-01-01"},
         "2026-11-23"),
        ({"code": "DB41/T 1-2026", "status": "即将实施", "effective": "2027-01-01"}, "2026-11-23"),
        ({"code": "DB41/T 1-2020", "status": "废止"}, "2026-11-23"),
        ({"code": "DB41/T 1-2020", "status": "现行"}, "2026-11-23"),  # no date to start a clock
    ],
)
def test_not_applicable(tmp_path: Path, record: dict, as_of: str) -> None:
    assert state_of(tmp_path, record, as_of).state is DueState.NOT_APPLICABLE


def test_upcoming_without_an_effective_date_is_not_in_force(tmp_path: Path) -> None:
    # 即将实施 with only its publication date: the clock started at publication, and a standard not yet in force
    # was listed as overdue past the legal limit (R002 error) and a zombie "in force for about 6 years".
    record = {"code": "DB41/T 1-2020", "status": "即将实施", "published": "2020-01-01"}
    state = state_of(tmp_path, record, "2026-11-23")
    assert (state.state, state.in_force, state.zombie) == (DueState.NOT_APPLICABLE, False, False)
    catalog = load_catalog(tmp_path / "cat")
    assert review_worklist(catalog, catalog.config.review, D("2026-11-23")).items == []
    # a 现行 record without an effective date still starts its clock at publication
    in_force = state_of(tmp_path / "b", {**record, "status": "现行"}, "2026-11-23")
    assert (in_force.anchor_source, in_force.state) == ("published", DueState.OVERDUE_HARD)


def test_in_force_judged_by_dates_for_past_days() -> None:
    std = Standard.model_validate({"code": "GB/T 1-2020", "title": "t", "status": "废止",
                                   "effective": "2020-01-01", "abolished": "2024-01-01"})
    assert in_force_on(std, D("2023-12-31")) and not in_force_on(std, D("2024-01-01"))
    assert not in_force_on(std, D("2019-12-31"))


# --- policy ------------------------------------------------------------------------------------------------

def test_per_tier_override(tmp_path: Path) -> None:
    toml = '[review.tiers]\nnational = 5\n"内部标准" = 2'
    day = "2026-01-01"
    national = state_of(tmp_path / "a", {"code": "GB/T 1-2021", "effective": "2021-06-01"}, day, toml)
    internal = state_of(tmp_path / "b", {"code": "HNJGSW 1-2022", "effective": "2022-06-01"}, day, toml)
    local = state_of(tmp_path / "c", {"code": "DB41/T 1-2022", "effective": "2022-06-01"}, "2026-01-01", toml)
    assert (national.period_years, national.due) == (5, D("2026-06-01"))
    assert (internal.period_years, internal.due) == (2, D("2024-06-01"))
    assert (local.period_years, local.due) == (3, D("2025-06-01"))


def test_per_module_override_beats_tier_and_reaches_sub_modules(tmp_path: Path) -> None:
    toml = 'period_years = 3\n[review.tiers]\nlocal = 4\n[review.modules]\n"200" = 2\n"201" = 5'
    in_202 = state_of(tmp_path / "a", {"code": "DB41/T 1-2022", "effective": "2022-06-01"},
                      "2026-01-01", toml)
    in_201 = state_of(tmp_path / "b", {"code": "DB41/T 2-2022", "effective": "2022-06-01", "module": "201"},
                      "2026-01-01", toml)
    in_101 = state_of(tmp_path / "c", {"code": "DB41/T 3-2022", "effective": "2022-06-01", "module": "101"},
                      "2026-01-01", toml)
    assert (in_202.period_years, in_201.period_years, in_101.period_years) == (2, 5, 4)


def test_policy_defaults_and_lookup() -> None:
    policy = ReviewPolicy()
    assert (policy.period_years, policy.due_soon_months, policy.hard_limit_years) == (3, 6, 5)
    assert policy.period_for(Tier.LOCAL) == 3


@pytest.mark.parametrize(
    "section",
    [{"tiers": {"national": 6}}, {"period_years": 7}, {"tiers": {"nation": 2}}, {"modules": {"202": 0}},
     {"due_soon": 3}],
)
def test_bad_policy_is_rejected(section: dict) -> None:
    with pytest.raises(ValidationError):
        Config.model_validate({"review": section})


# --- zombie, worklist, summary, period ------------------------------------------------------------------

def test_zombie(tmp_path: Path) -> None:
    base = {"code": "DB41/T 1-2020", "effective": "2020-03-01"}
    assert is_zombie(state_of(tmp_path / "a", base, "2026-11-23"))
    assert not is_zombie(state_of(tmp_path / "b", base, "2022-11-23"))  # within its period
    used = {**base, "implementations": [{"unit": "某单位", "since": "2021-01-01"}]}
    assert not is_zombie(state_of(tmp_path / "c", used, "2026-11-23"))
    later = {**base, "implementations": [{"unit": "某单位", "since": "2026-01-01"}]}
    assert is_zombie(state_of(tmp_path / "e", later, "2025-12-31"))
    reviewed = {**base, "reviews": [review("2021-01-01")]}
    assert not is_zombie(state_of(tmp_path / "f", reviewed, "2026-11-23"))


def _worklist_catalog(tmp_path: Path):
    records = [
        {"code": "DB41/T 1-2020", "effective": "2020-03-01"},                      # hard overdue
        {"code": "DB4103/T 2-2022", "effective": "2022-06-01", "module": "201"},   # overdue
        {"code": "GB/T 3-2023", "effective": "2023-12-01"},                        # due soon (2026-12-01)
        {"code": "DB11/T 4-2024", "effective": "2024-10-01", "module": "101"},     # current
        {"code": "DB41/T 5-2019", "status": "废止", "effective": "2019-01-01", "abolished": "2022-01-01"},
    ]
    return load_catalog(review_catalog(tmp_path / "w", records))


def test_zombie_states(tmp_path: Path) -> None:
    catalog = _worklist_catalog(tmp_path)
    zombies = zombie_states(catalog, catalog.config.review, D("2026-11-23"))
    assert [s.key for s in zombies] == ["DB41/T 1-2020", "DB4103/T 2-2022"]


def test_worklist_sorted_by_urgency_with_summary(tmp_path: Path) -> None:
    catalog = _worklist_catalog(tmp_path)
    worklist = review_worklist(catalog, catalog.config.review, D("2026-11-23"))
    assert [s.key for s in worklist.items] == [
        "DB41/T 1-2020", "DB4103/T 2-2022", "GB/T 3-2023", "DB11/T 4-2024"]
    assert worklist.summary == ReviewSummary(overdue=2, overdue_hard=1, due_soon=1, current=1, zombies=2)
    assert worklist.summary.line(catalog.config.review).en == (
        "2 overdue (1 past the 5-year limit), 1 due within 6 months, 1 current")


def test_worklist_filters(tmp_path: Path) -> None:
    catalog = _worklist_catalog(tmp_path)
    policy, day = catalog.config.review, D("2026-11-23")

    def keys(**filters: object) -> list[str]:
        return [s.key for s in review_worklist(catalog, policy, day, **filters).items]  # type: ignore[arg-type]

    assert keys(regions=["41"]) == ["DB41/T 1-2020", "DB4103/T 2-2022"]  # province includes its cities
    assert keys(regions=["4103"]) == ["DB4103/T 2-2022"]
    assert keys(tiers=[Tier.NATIONAL]) == ["GB/T 3-2023"]
    assert keys(modules=["200"]) == ["DB41/T 1-2020", "DB4103/T 2-2022", "GB/T 3-2023"]
    assert keys(modules=["201"]) == ["DB4103/T 2-2022"]
    assert keys(overdue=True) == ["DB41/T 1-2020", "DB4103/T 2-2022"]
    assert keys(due_within=parse_window("6m")) == ["GB/T 3-2023"]
    assert keys(due_within=parse_window("2y")) == ["GB/T 3-2023", "DB11/T 4-2024"]
    assert keys(overdue=True, due_within=parse_window("1m")) == ["DB41/T 1-2020", "DB4103/T 2-2022",
                                                                 "GB/T 3-2023"]


def test_same_as_of_same_answer(tmp_path: Path) -> None:
    catalog = _worklist_catalog(tmp_path)
    first = review_worklist(catalog, catalog.config.review, D("2025-01-01"))
    second = review_worklist(catalog, catalog.config.review, D("2025-01-01"))
    assert [s.to_json() for s in first.items] == [s.to_json() for s in second.items]


def test_reviews_between_and_counts(tmp_path: Path) -> None:
    records = [
        {"code": "DB41/T 1-2020", "effective": "2020-03-01",
         "reviews": [review("2023-01-01"), review("2025-06-30", "修订")]},
        {"code": "DB41/T 2-2020", "effective": "2020-03-01", "reviews": [review("2025-01-01", "废止")]},
    ]
    catalog = load_catalog(review_catalog(tmp_path / "p", records))
    events = reviews_between(catalog, D("2025-01-01"), D("2025-06-30"))
    assert [(e.record.key, e.review.date) for e in events] == [("DB41/T 2-2020", D("2025-01-01")),
                                                              ("DB41/T 1-2020", D("2025-06-30"))]
    assert conclusion_counts(events) == {Conclusion.CONTINUE: 0, Conclusion.REVISE: 1, Conclusion.ABOLISH: 1}


@pytest.mark.parametrize(
    ("text", "delta"),
    [("6m", relativedelta(months=6)), ("1y", relativedelta(years=1)), ("90d", relativedelta(days=90)),
     ("2w", relativedelta(weeks=2)), ("6个月", relativedelta(months=6)),
     (" 18 months ", relativedelta(months=18))],
)
def test_parse_window(text: str, delta: relativedelta) -> None:
    assert parse_window(text) == delta


@pytest.mark.parametrize("text", ["", "6", "m", "six months", "-1m", "1.5y"])
def test_parse_window_rejects(text: str) -> None:
    with pytest.raises(ValueError):
        parse_window(text)


def test_conclusion_aliases() -> None:
    base = {"code": "GB/T 1-2020", "title": "t", "status": "现行"}
    for spelling, expected in [("continue", Conclusion.CONTINUE), ("Revise", Conclusion.REVISE),
                               ("abolish", Conclusion.ABOLISH), ("继续有效", Conclusion.CONTINUE)]:
        std = Standard.model_validate({**base, "reviews": [{"date": "2021-01-01", "conclusion": spelling,
                                                            "by": "x"}]})
        assert std.reviews[0].conclusion is expected
    with pytest.raises(ValidationError):
        bad = {"date": "2021-01-01", "conclusion": "maybe", "by": "x"}
        Standard.model_validate({**base, "reviews": [bad]})
