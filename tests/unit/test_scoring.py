import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tracker.errors import ValidationError
from tracker.scoring import (
    BRS_ANSWERS,
    BRS_ITEMS,
    BURNOUT_OPTIONS,
    CheckInAnswers,
    CheckInScore,
    brs_band,
    crosses_cutoff,
    score_checkin,
)

VALID = CheckInAnswers(brs=(3, 3, 3, 3, 3, 3), burnout=1, load=4)


def answers(brs=VALID.brs, burnout=VALID.burnout, load=VALID.load) -> CheckInAnswers:
    return CheckInAnswers(brs=brs, burnout=burnout, load=load)


def test_published_wording_is_exposed():
    assert len(BRS_ITEMS) == 6
    assert BRS_ITEMS[0] == "I tend to bounce back quickly after hard times."
    assert BRS_ANSWERS[1] == "Strongly disagree" and BRS_ANSWERS[5] == "Strongly agree"
    assert len(BURNOUT_OPTIONS) == 5
    assert BURNOUT_OPTIONS[1] == "I enjoy my work. I have no symptoms of burnout."


@pytest.mark.parametrize(
    "brs, expected",
    [
        # Most resilient answers: agree fully with 1, 3, 5 and disagree fully with 2, 4, 6.
        ((5, 1, 5, 1, 5, 1), 5.0),
        ((1, 5, 1, 5, 1, 5), 1.0),
        # All 5s: items 2, 4, 6 become 1, so (5+1+5+1+5+1)/6 = 3.
        ((5, 5, 5, 5, 5, 5), 3.0),
        # 4, 6-2=4, 3, 6-4=2, 5, 6-1=5 -> 23/6.
        ((4, 2, 3, 4, 5, 1), 23 / 6),
    ],
)
def test_brs_reverse_scores_items_2_4_6(brs, expected):
    assert score_checkin(answers(brs=brs)).brs_score == pytest.approx(expected)


@pytest.mark.parametrize(
    "score, band",
    [(1.0, "low"), (2.99, "low"), (3.00, "normal"), (4.30, "normal"), (4.31, "high"), (5.0, "high")],
)
def test_brs_band_edges(score, band):
    assert brs_band(score) == band


def test_attainable_scores_fall_in_the_right_band():
    assert score_checkin(answers(brs=(3, 3, 3, 3, 3, 3))).brs_band == "normal"  # exactly 3.00
    assert score_checkin(answers(brs=(3, 3, 3, 3, 2, 3))).brs_band == "low"  # 17/6 = 2.83
    assert score_checkin(answers(brs=(5, 2, 4, 1, 3, 2))).brs_band == "normal"  # 25/6 = 4.17
    assert score_checkin(answers(brs=(5, 2, 4, 1, 4, 2))).brs_band == "high"  # 26/6 = 4.33


@pytest.mark.parametrize("burnout, symptoms", [(1, False), (2, False), (3, True), (4, True), (5, True)])
def test_burnout_cutoff_is_three(burnout, symptoms):
    assert score_checkin(answers(burnout=burnout)).burnout_symptoms is symptoms


def test_load_is_kept():
    assert score_checkin(answers(load=0)).load == 0
    assert score_checkin(answers(load=10)).load == 10


def test_missing_statement_is_named():
    with pytest.raises(ValidationError, match="Please answer statement 3 of the resilience scale."):
        score_checkin(answers(brs=(3, 3, None, 3, 3, 3)))


@pytest.mark.parametrize("brs", [(3, 3, 3, 3, 3), (3, 3, 3, 3, 3, 3, 3), ()])
def test_wrong_number_of_statements_is_refused(brs):
    with pytest.raises(ValidationError, match="6 statements"):
        score_checkin(answers(brs=brs))


@pytest.mark.parametrize("bad", [0, 6, -1, True, False, 3.0, "3"])
def test_out_of_range_or_non_integer_statement_is_refused(bad):
    with pytest.raises(ValidationError, match="Statement 2 of the resilience scale"):
        score_checkin(answers(brs=(3, bad, 3, 3, 3, 3)))


@pytest.mark.parametrize("bad", [0, 6, True, 2.5])
def test_out_of_range_burnout_is_refused(bad):
    with pytest.raises(ValidationError, match="burnout"):
        score_checkin(answers(burnout=bad))


def test_missing_burnout_is_refused():
    with pytest.raises(ValidationError, match="burnout"):
        score_checkin(answers(burnout=None))


@pytest.mark.parametrize("bad", [-1, 11, True, 5.5, None])
def test_out_of_range_load_is_refused(bad):
    with pytest.raises(ValidationError, match="0 to 10"):
        score_checkin(answers(load=bad))


def test_crosses_cutoff_names_each_reason():
    calm = CheckInScore(brs_score=3.5, brs_band="normal", burnout=2, burnout_symptoms=False, load=3)
    assert crosses_cutoff(calm) == []
    low = score_checkin(answers(brs=(1, 5, 1, 5, 1, 5), burnout=4))
    reasons = crosses_cutoff(low)
    assert len(reasons) == 2
    assert "resilience" in reasons[0] and "1.00" in reasons[0]
    assert "burnout" in reasons[1]


item = st.integers(min_value=1, max_value=5)


@settings(deadline=None)  # timing varies on a shared machine; the property is what matters
@given(brs=st.tuples(item, item, item, item, item, item), burnout=st.integers(1, 5), load=st.integers(0, 10))
def test_any_valid_answers_score_between_1_and_5(brs, burnout, load):
    score = score_checkin(CheckInAnswers(brs=brs, burnout=burnout, load=load))
    assert 1.0 <= score.brs_score <= 5.0
    assert score.brs_band == brs_band(score.brs_score)
    assert score.burnout_symptoms == (burnout >= 3)


out_of_range = st.one_of(st.integers(max_value=0), st.integers(min_value=6))


@settings(deadline=None)
@given(position=st.integers(0, 5), bad=out_of_range)
def test_any_out_of_range_statement_is_refused(position, bad):
    brs = [3] * 6
    brs[position] = bad
    with pytest.raises(ValidationError, match=f"Statement {position + 1} "):
        score_checkin(answers(brs=tuple(brs)))


@settings(deadline=None)
@given(bad=st.one_of(st.integers(max_value=-1), st.integers(min_value=11)))
def test_any_out_of_range_load_is_refused(bad):
    with pytest.raises(ValidationError):
        score_checkin(answers(load=bad))


@settings(deadline=None)
@given(bad=st.one_of(st.integers(max_value=0), st.integers(min_value=6)))
def test_any_out_of_range_burnout_is_refused(bad):
    with pytest.raises(ValidationError):
        score_checkin(answers(burnout=bad))
