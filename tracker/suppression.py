"""Small-group suppression for the program-outcomes tables: no figure about fewer than 5 people.

Method: cell suppression from statistical disclosure control (Cox 1980, JASA 75:377-385;
Hundepool et al., Statistical Disclosure Control, Wiley 2012, ch. 4-5): a threshold rule for
primary suppression and complementary (secondary) suppression chosen so that no hidden value can
be worked out from the published ones, checked with the interval "audit" those texts describe,
which for a one-way table has the closed form used in `_protects`. Pure: the caller passes the
aggregated rows of one view (by unit, by profession or by month) and gets the same rows back, each
shown with its numbers or hidden with a reason and no number at all.

The counting unit is people (distinct seekers), not requests: ten requests from one person are
one person. `min_size` is the program's minimum group size, 5 by default and never lower
(`tracker.policy.MIN_GROUP_SIZE`, the product's promise); anything lower is refused.

Rules, each proved by a property test in tests/unit/test_suppression.py:

1. Primary. A cell counting fewer than `min_size` people is hidden: "fewer than 5". If the total
   counts fewer than `min_size` people, every row is hidden, the total too: each cell holds at
   most the total's people, so there is nothing left to show.
2. Complementary. No hidden value may follow from the shown ones: the total (in a one-way table
   the total is the only margin) minus the shown cells equals, for every additive count
   (requests, met, people), the sum over the hidden cells. So the hidden set must be empty, or
   hold at least `min_size` people together (the residual is itself a figure about them) AND at
   least two cells (a single hidden cell would equal the residual). Cells are added to the hidden
   set smallest first, by people and then by label, so the answer is deterministic and the least
   is hidden; they say "hidden to protect a small group". If no set of cells protects the small
   ones, every row, the total too, is hidden.
3. Another view of the same period. Views by unit, by profession and by month count the same
   requests, so they share their total and nothing else. Per additive count the published
   figures of two views give exactly two equations, sum of unit cells = total and sum of
   profession cells = total, in disjoint unknowns: no published figure counts people by unit AND
   profession, so nothing links one unit cell to one profession cell, and within its own
   equation every hidden cell sits beside at least one other hidden cell (rule 2). A single
   hidden cell therefore never follows from the views together, PROVIDED the total is shown in
   every view or hidden in every view: a total hidden in one view but shown in another would be
   carried across and undo the protection. `suppress_period` applies that: when one view of the
   period must hide its total, every view of the period is hidden entirely (a view with its cells
   shown would give the total back as their sum).

Decisions:

* The reason is part of what is published and narrows a hidden cell: "fewer than 5" means 0-4
  people, "hidden to protect a small group" means 5 or more. Rule 2 as stated above can then
  still give a cell away, for example a unit of 0 people hidden with one of exactly 5 (the
  residual of 5 people can only be 0 + 5, so the second unit's requests are the residual) or
  two units of 4 people with 8 in the residual (both must be 4). The hidden set is therefore
  also required to leave every hidden people count more than one possible value: with only
  "fewer than" cells the residual must stay below (min_size - 1) per cell; with a "hidden to
  protect" cell it must exceed min_size per such cell. A person counts in one cell only in a
  view by unit or by profession; this interval check is exact there.
* Views in which a person may count in several cells (by month: someone who asks in March and
  in May counts in both) say so (`one_cell_per_person=False`). The residual of requests is then
  still exact, but the sum of the hidden cells' people overstates the distinct people behind
  it (three people hidden in two months sum to six). There the hidden set must contain a cell
  of `min_size` or more people (it alone holds enough distinct people) or the people missing
  from the shown cells, total - shown cells, a lower bound of the distinct people behind the
  residual, must reach `min_size`. A hidden "5 or more" cell is pinned only by a total of exactly
  `min_size` (it must hold everyone), so such a view that needs one hides everything.
* Every person in the total must be counted in some cell (people without a unit go in a cell of
  their own); otherwise the residual would be a figure about people in no cell, which no choice
  of cells protects. Views that break it, or totals that differ between views of one period,
  are refused with ValueError rather than published.
* The reason says the configured size: "fewer than 6" when the program asks for 6, since with
  that setting a hidden cell of 5 people is not "fewer than 5".
* Suppressing an output again changes nothing: hidden rows stay hidden with their reasons, and
  the check of rule 2 uses only what is published (the shown counts, the total and the reasons),
  so a published table can be re-checked as it stands.

What this does NOT protect against, honestly:

* Knowledge from outside the table. Someone who knows the unit of every person in a hidden
  profession cell (a coordinator reads unit and profession of each open request in the queue)
  can rebuild counts the table hides; suppression protects the outcome figures (helpfulness,
  load ratio, time to match), not facts the reader already holds. Someone who knows the figures
  of all but one person in a hidden residual learns the last one: any aggregate over 5 people
  has that weakness.
* Homogeneity. If every hidden person shares an outcome, the residual says so: a residual of 0
  met conversations means none of the hidden units had one, however many people they hold.
  The same holds for the total itself.
* Non-additive figures (medians, ratios) are never computed back from shown ones, but the total's
  median and the shown cells' medians can narrow a hidden median to a range.
* Differencing between periods: this module sees one period. Two periods that differ by a day
  differ by a handful of people; the caller must offer periods that do not allow that.
* Cross tables (unit x profession) and supporters' figures: the tables here are one-way, and
  `people` counts the population the row's numbers rest on. A supporters' median rests on the
  supporters, who need their own count (their own view or the smaller of the two counts).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace

from tracker.policy import MIN_GROUP_SIZE

HIDDEN_FOR_SMALL_GROUP = "hidden to protect a small group"


def fewer_than(min_size: int) -> str:
    """The reason of a primary suppression: "fewer than 5" with the default minimum size."""
    return f"fewer than {min_size}"


@dataclass(frozen=True)
class Row:
    """One row of a view: a cell (a unit, a profession, a month) or the view's total ("all").

    `people` counts the distinct people behind the row's numbers; `measures` holds the rest,
    additive counts (requests, met) and non-additive figures (medians, ratios) alike. A hidden row
    has `suppressed` set, a `reason`, `people` None and every measure None.
    """

    label: str
    people: int | None
    measures: Mapping[str, float | None] = field(default_factory=dict)
    suppressed: bool = False
    reason: str | None = None


@dataclass(frozen=True)
class View:
    """The cells of one grouping of a period and its total.

    `one_cell_per_person` is True when every person counts in exactly one cell (by unit, by
    profession) and False when one person may count in several (by month).
    """

    cells: tuple[Row, ...]
    total: Row
    one_cell_per_person: bool = True


def suppress(view: View, min_size: int = MIN_GROUP_SIZE) -> View:
    """The view with every small group hidden (rules 1 and 2), cells in their given order.

    One view alone. Where several groupings of one period are shown (the outcomes page, and the
    CLI that must print what the page shows), `suppress_period` decides them together.
    """
    _check_min_size(min_size)
    _check_view(view, min_size)
    total = view.total
    if total.suppressed or total.people < min_size:
        return _hide_everything(view, min_size)
    hidden = {i for i, cell in enumerate(view.cells) if cell.suppressed or cell.people < min_size}
    candidates = sorted(
        (i for i in range(len(view.cells)) if i not in hidden),
        key=lambda i: (view.cells[i].people, view.cells[i].label),
    )
    while not _protects(view, hidden, min_size):
        if not candidates:
            return _hide_everything(view, min_size)
        hidden.add(candidates.pop(0))
    cells = tuple(_hidden(cell, min_size) if i in hidden else cell for i, cell in enumerate(view.cells))
    return replace(view, cells=cells)


def suppress_period(views: Iterable[View], min_size: int = MIN_GROUP_SIZE) -> tuple[View, ...]:
    """Every view of one period, suppressed together so that they agree on their total (rule 3).

    If one view must hide the total, every view is hidden entirely: a total shown in another view,
    or given back as the sum of its shown cells, would undo that view's protection.
    """
    _check_min_size(min_size)
    views = tuple(views)
    totals = {(v.total.people, tuple(sorted(v.total.measures.items())), v.total.suppressed) for v in views}
    if len(totals) > 1:
        raise ValueError("Views of one period must share the same total.")
    out = tuple(suppress(v, min_size) for v in views)
    if any(v.total.suppressed for v in out):
        return tuple(_hide_everything(v, min_size) for v in views)
    return out


def _protects(view: View, hidden: set[int], min_size: int) -> bool:
    """Whether the hidden cells keep each other safe, judged only on what is published.

    A reader sees the total, the shown cells and the reasons: "fewer than" cells hold 0 to
    min_size - 1 people, "hidden to protect" cells min_size or more. `residual` is total - shown.
    """
    if not hidden:
        return True
    if len(hidden) < 2:
        return False
    shown = sum(cell.people for i, cell in enumerate(view.cells) if i not in hidden)
    residual = view.total.people - shown
    large = sum(1 for i in hidden if _reason(view.cells[i], min_size) == HIDDEN_FOR_SMALL_GROUP)
    small = len(hidden) - large
    if large == 0:
        # Enough people together, but short of min_size - 1 in every cell, which gives them all away.
        return min_size <= residual < (min_size - 1) * small
    if view.one_cell_per_person:
        # The residual is the exact sum; at min_size per large cell every cell would be known.
        return residual > min_size * large
    # A large cell holds enough distinct people by itself, and is pinned only by a total of min_size.
    return view.total.people > min_size


def _reason(cell: Row, min_size: int) -> str:
    if cell.suppressed:
        return cell.reason
    return fewer_than(min_size) if cell.people < min_size else HIDDEN_FOR_SMALL_GROUP


def _hidden(row: Row, min_size: int) -> Row:
    return replace(
        row,
        people=None,
        measures=dict.fromkeys(row.measures),
        suppressed=True,
        reason=_reason(row, min_size),
    )


def _hide_everything(view: View, min_size: int) -> View:
    return replace(
        view,
        cells=tuple(_hidden(cell, min_size) for cell in view.cells),
        total=_hidden(view.total, min_size),
    )


def _check_min_size(min_size: int) -> None:
    if isinstance(min_size, bool) or not isinstance(min_size, int) or min_size < MIN_GROUP_SIZE:
        raise ValueError(f"The minimum group size is {MIN_GROUP_SIZE} or more, not {min_size!r}.")


def _check_view(view: View, min_size: int) -> None:
    """Refuse rows no honest aggregation produces, and views whose cells miss people of the total."""
    rows = (*view.cells, view.total)
    labels = [cell.label for cell in view.cells]
    if len(set(labels)) != len(labels):
        raise ValueError("Two cells of one view have the same label.")
    for row in rows:
        if row.suppressed:
            if row.reason not in (fewer_than(min_size), HIDDEN_FOR_SMALL_GROUP):
                raise ValueError(f"{row.label!r} is hidden for a reason this suppression does not give.")
        elif isinstance(row.people, bool) or not isinstance(row.people, int) or row.people < 0:
            raise ValueError(f"{row.label!r} must count its people as a whole number, 0 or more.")
    if view.total.suppressed:
        return
    counts = [cell.people for cell in view.cells if not cell.suppressed]
    if any(count > view.total.people for count in counts):
        raise ValueError("A cell counts more people than the total.")
    if len(counts) < len(view.cells):
        covered = sum(counts) <= view.total.people or not view.one_cell_per_person
    elif view.one_cell_per_person:
        covered = sum(counts) == view.total.people
    else:
        covered = sum(counts) >= view.total.people
    if not covered:
        raise ValueError("The cells must count every person of the total (one cell each, where people count once).")
