"""The review clock's calendar arithmetic (``gbstd.review``) is done by hand for speed: it must give exactly
what dateutil's relativedelta gives, Feb 29 and month ends included, in both directions."""

from __future__ import annotations

import datetime as dt

from dateutil.relativedelta import relativedelta
from hypothesis import given, settings
from hypothesis import strategies as st

from gbstd.review import add_months, add_years, whole_years

# Month ends and Feb 29 are where the clamping rules show; the rest of the range keeps the test honest.
days = st.one_of(
    st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2200, 12, 31)),
    st.sampled_from([dt.date(2024, 2, 29), dt.date(2023, 2, 28), dt.date(2024, 1, 31), dt.date(2023, 12, 31),
                     dt.date(2000, 2, 29), dt.date(2100, 2, 28), dt.date(2024, 3, 31), dt.date(2024, 4, 30)]),
)


@settings(max_examples=3000, deadline=None)
@given(days, st.integers(min_value=-60, max_value=60))
def test_add_years_is_relativedeltas(day: dt.date, years: int) -> None:
    assert add_years(day, years) == day + relativedelta(years=years)


@settings(max_examples=3000, deadline=None)
@given(days, st.integers(min_value=-400, max_value=400))
def test_add_months_is_relativedeltas(day: dt.date, months: int) -> None:
    assert add_months(day, months) == day + relativedelta(months=months)


@settings(max_examples=5000, deadline=None)
@given(days, days)
def test_whole_years_is_relativedeltas(since: dt.date, until: dt.date) -> None:
    assert whole_years(since, until) == relativedelta(until, since).years


def test_whole_years_at_the_edges() -> None:
    leap = dt.date(2024, 2, 29)
    assert whole_years(leap, dt.date(2025, 2, 28)) == relativedelta(dt.date(2025, 2, 28), leap).years == 1
    assert whole_years(leap, dt.date(2028, 2, 28)) == relativedelta(dt.date(2028, 2, 28), leap).years == 3
    assert whole_years(dt.date(2025, 2, 28), leap) == relativedelta(leap, dt.date(2025, 2, 28)).years
    assert whole_years(dt.date(2020, 1, 31), dt.date(2020, 1, 31)) == 0
    assert add_months(dt.date(2024, 1, 31), 1) == dt.date(2024, 2, 29)
    assert add_years(leap, 1) == dt.date(2025, 2, 28)
