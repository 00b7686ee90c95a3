"""My trends, Check-in, My data and Home as pages (the chart data is tested in the services)."""

from __future__ import annotations

from datetime import timedelta

from tests.conftest import token
from tracker.domain import InteractionDraft
from tracker.queries import checkin_history
from tracker.scoring import CheckInAnswers
from tracker.services import checkins, interactions


def log_days(db, actor, days: int, ratings=(2, -1, 1)) -> None:
    for days_ago in range(days):
        for rating in ratings:
            interactions.log(
                db,
                actor,
                InteractionDraft(
                    token=token(),
                    occurred_on=actor.today() - timedelta(days=days_ago),
                    rating=rating,
                    time_of_day="afternoon",
                ),
            )


def test_trends_without_entries_is_a_friendly_empty_state(open_page, clinician):
    at = open_page("me.trends", clinician)
    assert not at.exception
    assert "Nothing to show yet" in at.info[0].value
    assert not at.error


def test_trends_shows_charts_tables_and_downloads(open_page, db, clinician):
    log_days(db, clinician, 25)
    checkins.submit(db, clinician, token=token(), answers=CheckInAnswers(brs=(4, 2, 4, 2, 4, 2), burnout=1, load=3))
    at = open_page("me.trends", clinician)
    assert not at.exception
    subheaders = [s.value for s in at.subheader]
    assert subheaders[:2] == ["Daily balance", "Fulfilling and draining, week by week"]
    assert "Check-ins" in subheaders and "Weekday and time of day" in subheaders
    assert len(at.expander) == len(subheaders)  # every chart has its table


def test_a_new_entry_shows_at_once_despite_the_cache(open_page, db, clinician):
    log_days(db, clinician, 2)
    at = open_page("me.trends", clinician)
    before = at.dataframe[0].value["entries"].sum()
    log_days(db, clinician, 1, ratings=(3,))
    at.run()
    assert at.dataframe[0].value["entries"].sum() == before + 1


def test_period_selector_changes_the_rows(open_page, db, clinician):
    interactions.log(
        db, clinician, InteractionDraft(token=token(), occurred_on=clinician.today() - timedelta(days=200), rating=2)
    )
    interactions.log(db, clinician, InteractionDraft(token=token(), occurred_on=clinician.today(), rating=2))
    at = open_page("me.trends", clinician)
    assert len(at.dataframe[0].value) == 1
    at.segmented_control(key="trends:period").set_value("All").run()
    assert len(at.dataframe[0].value) == 2


def test_home_reminds_of_a_due_check_in_and_prompts_when_strained(open_page, db, clinician):
    at = open_page("me.home", clinician)
    assert any("check-in is due" in i.value for i in at.info)
    checkins.submit(db, clinician, token=token(), answers=CheckInAnswers(brs=(1, 5, 1, 5, 1, 5), burnout=4, load=9))
    at.run()
    assert not any("check-in is due" in i.value for i in at.info)
    assert "Ask for a shared-load conversation" in [b.label for b in at.button]


def test_check_in_form_saves_and_refuses_missing_answers(open_page, db, clinician):
    at = open_page("me.checkin", clinician)
    at.button[0].click().run()
    assert "statement 1" in at.error[0].value
    assert checkin_history.history(db, clinician) == []
    for radio in at.radio[:6]:
        radio.set_value(3)
    at.radio[6].set_value(2)
    at.pills[0].set_value(5)
    at.button[0].click().run()
    assert not at.exception
    [row] = checkin_history.history(db, clinician)
    assert (row.brs_score, row.burnout, row.load) == (3.0, 2, 5)


def test_my_data_offers_download_and_erase(open_page, db, clinician):
    log_days(db, clinician, 1)
    at = open_page("me.my_data", clinician)
    assert not at.exception
    next(b for b in at.button if b.label == "Prepare my download").click().run()
    assert isinstance(at.session_state["my_data_zip"], bytes)


def test_chart_csv_downloads_neutralise_a_formula_in_a_tag_name(open_page, db, administrator, clinician, monkeypatch):
    from streamlit.runtime.memory_media_file_storage import MemoryMediaFileStorage

    from tracker.services import named_lists

    offered: dict[str, bytes] = {}
    keep = MemoryMediaFileStorage.load_and_get_id

    def record(self, path_or_data, mimetype, kind, filename=None):
        offered[filename] = path_or_data
        return keep(self, path_or_data, mimetype, kind, filename)

    monkeypatch.setattr(MemoryMediaFileStorage, "load_and_get_id", record)
    formula = '=HYPERLINK("http://x")'
    tag_id = named_lists.create_tag(db, administrator, token=token(), name=formula)
    for _ in range(3):
        interactions.log(
            db, clinician, InteractionDraft(token=token(), occurred_on=clinician.today(), rating=-2, tag_ids=(tag_id,))
        )
    at = open_page("me.trends", clinician)
    assert not at.exception
    assert '\'=HYPERLINK(""http://x"")' in offered["tags.csv"].decode()
    assert not any(line.startswith("=") for line in offered["tags.csv"].decode().splitlines())


def answer_check_in(at) -> None:
    for radio in at.radio[:6]:
        radio.set_value(4)
    at.radio[6].set_value(1)
    at.pills[0].set_value(2)


def test_a_second_check_in_in_a_week_is_a_question_not_an_error(open_page, db, clinician):
    checkins.submit(db, clinician, token=token(), answers=CheckInAnswers(brs=(3,) * 6, burnout=2, load=5))
    at = open_page("me.checkin", clinician)
    answer_check_in(at)
    next(b for b in at.button if b.label == "Save check-in").click().run()
    assert not at.exception and not at.error
    assert "replace" in at.warning[0].value.lower()
    assert [row.load for row in checkin_history.history(db, clinician)] == [5]
