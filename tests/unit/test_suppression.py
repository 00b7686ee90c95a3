import statistics
from dataclasses import dataclass, replace

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tracker.suppression import HIDDEN_FOR_SMALL_GROUP, Row, View, fewer_than, suppress, suppress_period

ADDITIVE = ("requests", "met")
UNITS = ["ICU", "Oncology", "Emergency", "Paediatrics", "Surgery", "Maternity", "Cardiology", "Geriatrics"]
UNITS += ["Neurology", "Radiology", "Pharmacy", "Palliative care", "Psychiatry", "Renal", "Theatres"]
PROFESSIONS = ["nurse", "physician", "resident", "therapist", "allied health"]
MONTHS = ["2024-01", "2024-02", "2024-03", "2024-04"]


@dataclass(frozen=True)
class Table:
    """A view as the outcomes query would build it, and who really counts in each cell."""

    view: View
    members: dict[str, frozenset[int]]
    min_size: int


def cell(label: str, people: int, requests: int | None = None, met: int = 0, helpfulness: float | None = 4.0) -> Row:
    measures = {"requests": people if requests is None else requests, "met": met, "median_helpfulness": helpfulness}
    return Row(label, people, measures)


def view_of(*sizes: tuple[str, int], one_cell_per_person: bool = True, total: int | None = None) -> View:
    cells = tuple(cell(label, people) for label, people in sizes)
    people = sum(people for _, people in sizes) if total is None else total
    return View(cells, cell("all", people, requests=sum(c.measures["requests"] for c in cells)), one_cell_per_person)


def shown(view: View) -> dict[str, int]:
    return {c.label: c.people for c in view.cells if not c.suppressed}


def reasons(view: View) -> dict[str, str | None]:
    return {c.label: c.reason for c in (*view.cells, view.total)}


# ---------------------------------------------------------------- random tables


small_or_any = st.one_of(st.integers(0, 6), st.integers(0, 30))  # small groups are where the rules act


@st.composite
def tables(draw, one_cell_per_person: bool | None = None) -> Table:
    """0-12 cells of 0-30 people; by unit (each person in one cell) or by month (in one or several)."""
    if one_cell_per_person is None:
        one_cell_per_person = draw(st.booleans())
    min_size = draw(st.integers(5, 8))
    labels = draw(st.lists(st.sampled_from(UNITS), max_size=12, unique=True))
    # Sizes at the edges of the minimum are where a reason can give a hidden count away.
    edges = st.sampled_from([0, min_size - 1, min_size, min_size + 1])
    size = draw(st.sampled_from([small_or_any, edges]))
    sizes = [draw(size) for _ in labels]
    members = {}
    if one_cell_per_person:
        start = 0
        for label, size in zip(labels, sizes, strict=True):
            members[label] = frozenset(range(start, start + size))
            start += size
    else:
        pool = draw(st.integers(max(sizes, default=0), 40))
        for label, size in zip(labels, sizes, strict=True):
            members[label] = frozenset(draw(st.permutations(range(pool)))[:size])
    cells = []
    for label in labels:
        people = len(members[label])
        requests = people + draw(st.integers(0, 2 * people))
        met = draw(st.integers(0, requests))
        cells.append(cell(label, people, requests, met, draw(st.none() | st.floats(1, 5))))
    everyone = frozenset().union(*members.values())
    total = cell(
        "all",
        len(everyone),
        sum(c.measures["requests"] for c in cells),
        sum(c.measures["met"] for c in cells),
        draw(st.none() | st.floats(1, 5)),
    )
    return Table(View(tuple(cells), total, one_cell_per_person), members, min_size)


@st.composite
def periods(draw) -> tuple[list[View], int]:
    """One period's people seen by unit, by profession and by month: one total, three groupings."""
    min_size = draw(st.integers(5, 8))
    units = draw(st.lists(st.sampled_from(UNITS), min_size=1, max_size=6, unique=True))
    person = st.tuples(
        st.sampled_from(units),
        st.sampled_from(PROFESSIONS),
        st.sets(st.sampled_from(MONTHS), min_size=1, max_size=3),
        st.integers(1, 2),  # requests in each month the person asked
        st.integers(0, 2),  # of which met
        st.integers(1, 5),  # helpfulness
    )
    people = [
        (unit, profession, dict.fromkeys(months, asked), dict.fromkeys(months, min(met, asked)), helpfulness)
        for unit, profession, months, asked, met, helpfulness in draw(
            st.integers(0, 60).flatmap(lambda n: st.lists(person, min_size=n, max_size=n))
        )
    ]

    def row(label: str, group: list[tuple]) -> Row:
        helpfulness = [h for *_, h in group]
        measures = {
            "requests": sum(sum(r.values()) for _, _, r, _, _ in group),
            "met": sum(sum(m.values()) for _, _, _, m, _ in group),
            "median_helpfulness": statistics.median(helpfulness) if helpfulness else None,
        }
        return Row(label, len(group), measures)

    def month_row(month: str) -> Row:
        group = [p for p in people if month in p[2]]
        helpfulness = [h for *_, h in group]
        measures = {
            "requests": sum(p[2][month] for p in group),
            "met": sum(p[3][month] for p in group),
            "median_helpfulness": statistics.median(helpfulness) if helpfulness else None,
        }
        return Row(month, len(group), measures)

    total = row("all", people)
    by_unit = View(tuple(row(u, [p for p in people if p[0] == u]) for u in units), total)
    by_profession = View(tuple(row(f, [p for p in people if p[1] == f]) for f in PROFESSIONS), total)
    by_month = View(tuple(month_row(m) for m in MONTHS), total, one_cell_per_person=False)
    return [by_unit, by_profession, by_month], min_size


def feasible_people(view: View, min_size: int) -> dict[str, range]:
    """What a reader can work out of each hidden cell's people from the published rows alone.

    The reasons bound each hidden cell ("fewer than" 0..min_size-1, "hidden to protect" min_size
    up to the total) and, where each person counts once, the hidden cells sum to total - shown.
    Sums of integer ranges are contiguous, so these ranges are exact.
    """
    total = view.total.people
    hidden = [c for c in view.cells if c.suppressed]
    bounds = {c.label: (0, min_size - 1) if c.reason == fewer_than(min_size) else (min_size, total) for c in hidden}
    residual = total - sum(c.people for c in view.cells if not c.suppressed)
    out = {}
    for label, (low, high) in bounds.items():
        others = [b for other, b in bounds.items() if other != label]
        if view.one_cell_per_person:
            low = max(low, residual - sum(h for _, h in others))
            high = min(high, residual - sum(lo for lo, _ in others))
        out[label] = range(low, high + 1)
    return out


def assert_protected(before: View, after: View, min_size: int, members: dict[str, frozenset[int]] | None = None):
    """Every promise of the module, checked on one suppressed view against the rows it came from."""
    assert [c.label for c in after.cells] == [c.label for c in before.cells]
    assert after.one_cell_per_person == before.one_cell_per_person
    everything = after.total.suppressed and all(c.suppressed for c in after.cells)
    if after.total.suppressed:
        assert everything, "a hidden total leaves no cell shown"
    for old, new in zip((*before.cells, before.total), (*after.cells, after.total), strict=True):
        if new.suppressed:
            # (c) a hidden row carries no number at all, and a reason that tells the truth
            assert new.people is None
            assert set(new.measures) == set(old.measures)
            assert all(value is None for value in new.measures.values())
            expected = fewer_than(min_size) if old.people < min_size else HIDDEN_FOR_SMALL_GROUP
            assert new.reason == (old.reason if old.suppressed else expected)
        else:
            # (a) a shown row is the row as given, and counts enough people
            assert new == old
            assert new.people >= min_size
    if everything:
        return
    hidden = [old for old, new in zip(before.cells, after.cells, strict=True) if new.suppressed]
    shown_cells = [c for c in after.cells if not c.suppressed]
    # (b) none, or two cells or more with enough people together (and really distinct people)
    if hidden:
        assert len(hidden) >= 2
        assert sum(c.people for c in hidden) >= min_size
        if members is not None:
            assert len(frozenset().union(*(members[c.label] for c in hidden))) >= min_size
    # (d) a hidden value never follows: the residual of each count is the hidden cells' sum only
    for name in ADDITIVE:
        residual = after.total.measures[name] - sum(c.measures[name] for c in shown_cells)
        assert residual == sum(c.measures[name] for c in hidden)
    for label, values in feasible_people(after, min_size).items():
        assert len(values) >= 2, f"{label} has {values[0]} people, as anyone can work out"
    # smallest first: every cell hidden to protect another comes before every shown cell
    extra = [(c.people, c.label) for c in hidden if c.people >= min_size]
    assert all(e < (c.people, c.label) for e in extra for c in shown_cells)


# ---------------------------------------------------------------- properties


@given(tables())
def test_every_suppressed_view_keeps_every_promise(table):
    assert_protected(table.view, suppress(table.view, table.min_size), table.min_size, table.members)


@given(tables(one_cell_per_person=False))
def test_months_that_share_people_hide_enough_distinct_people(table):
    assert_protected(table.view, suppress(table.view, table.min_size), table.min_size, table.members)


@given(tables())
def test_suppressing_twice_changes_nothing(table):
    once = suppress(table.view, table.min_size)
    assert suppress(once, table.min_size) == once


@given(tables(), st.randoms(use_true_random=False))
def test_the_order_of_the_cells_changes_nothing_but_their_order(table, rnd):
    cells = list(table.view.cells)
    rnd.shuffle(cells)
    shuffled = suppress(replace(table.view, cells=tuple(cells)), table.min_size)
    original = suppress(table.view, table.min_size)
    assert {c.label: c for c in shuffled.cells} == {c.label: c for c in original.cells}
    assert shuffled.total == original.total


@given(tables(), st.integers(-10, 4))
def test_a_minimum_size_below_5_is_refused(table, min_size):
    with pytest.raises(ValueError, match="5 or more"):
        suppress(table.view, min_size)
    with pytest.raises(ValueError, match="5 or more"):
        suppress_period([table.view], min_size)


@given(periods())
def test_views_of_one_period_agree_on_their_total_and_each_keeps_every_promise(period):
    views, min_size = period
    out = suppress_period(views, min_size)
    assert all(v.total == out[0].total for v in out)
    for before, after in zip(views, out, strict=True):
        assert_protected(before, after, min_size)
        alone = suppress(before, min_size)
        if not after.total.suppressed:
            assert after == alone, "views are only ever hidden further together when the total must go"
    assert suppress_period(out, min_size) == out


# ---------------------------------------------------------------- examples


def test_a_small_group_says_fewer_than_5_and_never_a_number():
    out = suppress(view_of(("ICU", 3), ("Oncology", 4), ("Surgery", 12)))
    assert reasons(out) == {"ICU": "fewer than 5", "Oncology": "fewer than 5", "Surgery": None, "all": None}
    hidden = out.cells[0]
    assert hidden.people is None
    assert hidden.measures == {"requests": None, "met": None, "median_helpfulness": None}
    assert shown(out) == {"Surgery": 12}
    assert out.total.people == 19


def test_one_small_group_is_hidden_with_the_smallest_other_group():
    out = suppress(view_of(("ICU", 3), ("Surgery", 12), ("Oncology", 9), ("Emergency", 20)))
    assert reasons(out)["ICU"] == "fewer than 5"
    assert reasons(out)["Oncology"] == "hidden to protect a small group"
    assert shown(out) == {"Surgery": 12, "Emergency": 20}


def test_groups_of_the_same_size_are_taken_by_label():
    out = suppress(view_of(("Surgery", 7), ("ICU", 2), ("Oncology", 7), ("Cardiology", 9)))
    assert shown(out) == {"Surgery": 7, "Cardiology": 9}
    assert reasons(out)["Oncology"] == "hidden to protect a small group"


def test_two_small_groups_with_enough_people_together_hide_nothing_else():
    out = suppress(view_of(("ICU", 3), ("Oncology", 3), ("Surgery", 6)))
    assert shown(out) == {"Surgery": 6}


def test_the_reason_names_a_larger_minimum_size():
    out = suppress(view_of(("ICU", 5), ("Oncology", 2), ("Surgery", 12), ("Renal", 11)), min_size=6)
    assert reasons(out) == {
        "ICU": "fewer than 6",
        "Oncology": "fewer than 6",
        "Surgery": None,
        "Renal": None,
        "all": None,
    }


def test_a_total_under_the_minimum_hides_everything():
    out = suppress(view_of(("ICU", 1), ("Oncology", 3)))
    assert all(row.suppressed and row.people is None for row in (*out.cells, out.total))
    assert out.total.reason == "fewer than 5"
    assert out.total.measures == {"requests": None, "met": None, "median_helpfulness": None}


def test_an_empty_group_is_not_hidden_beside_exactly_five_people():
    # {Renal 0, ICU 5} would hold 5 people in 2 cells, but its residual of 5 could only be 0 + 5:
    # ICU's requests would be the residual. The next group joins them.
    out = suppress(view_of(("Renal", 0), ("ICU", 5), ("Oncology", 9), ("Surgery", 40)))
    assert shown(out) == {"Surgery": 40}
    assert reasons(out)["Oncology"] == "hidden to protect a small group"


def test_two_groups_of_four_cannot_be_hidden_alone():
    # 8 people in two groups of "fewer than 5": both must be 4. Another group joins them ...
    out = suppress(view_of(("ICU", 4), ("Oncology", 4), ("Surgery", 20), ("Renal", 30)))
    assert shown(out) == {"Renal": 30}
    # ... and where there is none, nothing can be shown.
    alone = suppress(view_of(("ICU", 4), ("Oncology", 4)))
    assert alone.total.suppressed and alone.total.reason == "hidden to protect a small group"
    assert [c.reason for c in alone.cells] == ["fewer than 5", "fewer than 5"]


def test_months_counting_the_same_three_people_do_not_shelter_each_other():
    # Three people asked in both January and February; ten others in March. The months sum to
    # 6 hidden people, but the residual would be about 3: March is hidden with them.
    months = View(
        (cell("2024-01", 3), cell("2024-02", 3), cell("2024-03", 10), cell("2024-04", 13)),
        cell("all", 13, requests=29),
        one_cell_per_person=False,
    )
    out = suppress(months)
    assert shown(out) == {"2024-04": 13}
    assert reasons(out)["2024-03"] == "hidden to protect a small group"
    assert out.total.people == 13


def test_a_total_hidden_in_one_view_is_hidden_in_every_view_of_the_period():
    by_unit = view_of(("ICU", 4), ("Oncology", 4))
    by_profession = view_of(("nurse", 3), ("physician", 5))
    assert not suppress(by_profession).total.suppressed  # alone it would show 8 people ...
    out = suppress_period([by_unit, by_profession])  # ... which gives both units away as 4 each
    for view in out:
        assert view.total.suppressed
        assert all(c.suppressed and c.people is None for c in view.cells)
    assert reasons(out[1]) == {
        "nurse": "fewer than 5",
        "physician": "hidden to protect a small group",
        "all": "hidden to protect a small group",
    }


def test_views_of_one_period_must_share_their_total():
    with pytest.raises(ValueError, match="same total"):
        suppress_period([view_of(("ICU", 6), ("Oncology", 7)), view_of(("nurse", 6), ("physician", 8))])


def test_cells_that_miss_people_of_the_total_are_refused():
    with pytest.raises(ValueError, match="every person"):
        suppress(view_of(("ICU", 6), ("Oncology", 7), total=15))
    with pytest.raises(ValueError, match="every person"):
        suppress(view_of(("2024-01", 6), ("2024-02", 7), one_cell_per_person=False, total=15))


def test_rows_no_aggregation_produces_are_refused():
    with pytest.raises(ValueError, match="same label"):
        suppress(view_of(("ICU", 6), ("ICU", 7)))
    with pytest.raises(ValueError, match="whole number"):
        suppress(view_of(("ICU", -1), ("Oncology", 7), total=6))
    made_up = replace(view_of(("ICU", 6), ("Oncology", 7)), cells=(Row("ICU", None, {}, True, "secret"),))
    with pytest.raises(ValueError, match="reason"):
        suppress(made_up)


def test_no_cells_and_no_people_hides_the_total():
    out = suppress(View((), Row("all", 0, {"requests": 0})))
    assert out.total == Row("all", None, {"requests": None}, True, "fewer than 5")


@given(st.integers(5, 8), st.integers(0, 6), st.integers(0, 6))
def test_groups_whose_sizes_anyone_could_work_out_are_hidden_with_their_total(min_size, empty, exact):
    # Groups of min_size - 1 hidden together are each min_size - 1; an empty group hidden beside
    # groups of exactly min_size leaves a residual that only 0 + min_size + ... can make.
    for sizes in ([min_size - 1] * (empty + exact + 2), [0] * (empty + 1) + [min_size] * (exact + 1)):
        before = view_of(*((UNITS[i], size) for i, size in enumerate(sizes)))
        after = suppress(before, min_size)
        assert after.total.suppressed
        assert_protected(before, after, min_size)
