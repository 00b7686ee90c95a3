"""CSV downloads never hand a spreadsheet a formula: the chart tables and the zip export alike."""

from __future__ import annotations

import csv
import io
from datetime import date

import pandas as pd
import pytest

from tracker.export import FORMULA_STARTS, neutralise, table_csv, to_csv

FORMULA_TAG = '=HYPERLINK("http://x")'


def cells(data: bytes | str) -> list[list[str]]:
    text = data.decode() if isinstance(data, bytes) else data
    return list(csv.reader(io.StringIO(text, newline="")))


def tag_table(name: str) -> pd.DataFrame:
    """The rows beside the "What fulfils and what drains you" chart, as My trends offers them."""
    return pd.DataFrame(
        {"tag": [name, "Gratitude"], "mean_rating": [-1.5, 2.0], "entries": [3, 4], "ranked": [True, True]}
    )


def test_a_formula_tag_name_is_neutralised_in_the_chart_csv():
    header, first, second = cells(table_csv(tag_table(FORMULA_TAG)))
    assert header == ["tag", "mean_rating", "entries", "ranked"]
    assert first == ["'" + FORMULA_TAG, "-1.5", "3", "True"]  # the negative number stays a number
    assert second == ["Gratitude", "2.0", "4", "True"]


@pytest.mark.parametrize("start", FORMULA_STARTS, ids=repr)
def test_every_formula_start_is_neutralised_the_same_way_in_both_csvs(start):
    name = f"{start}1+1"
    chart = cells(table_csv(pd.DataFrame({"tag": [name]})))[1][0]
    zipped = cells(to_csv([{"tag": name}], ["tag"]))[1][0]
    assert chart == zipped == neutralise(name) == "'" + name


def test_plain_values_are_written_as_before():
    table = pd.DataFrame(
        {"day": [date(2026, 3, 2)], "balance": [-4], "smoothed": [float("nan")], "tag": ["Team debrief"]}
    )
    assert cells(table_csv(table)) == [["day", "balance", "smoothed", "tag"], ["2026-03-02", "-4", "", "Team debrief"]]
