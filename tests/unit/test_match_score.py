import math
from dataclasses import replace

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tracker.match_score import (
    PRIVATE_PARTS,
    URGENCIES,
    PairScore,
    Rules,
    Seeker,
    Supporter,
    blocking_rule,
    pair_score,
    score_array,
    score_matrix,
)

BAD_NEWS, DEATH, FAMILY, ICU = 1, 2, 3, 4
TOPICS = {BAD_NEWS: "Breaking bad news", DEATH: "Patient death", FAMILY: "Conflict with family", ICU: "ICU transfer"}
OPEN = Rules(trained_required=False)
STRICT = Rules(trained_required=True)


def seeker(**changes) -> Seeker:
    plain = Seeker(
        request_id=1,
        person_id=10,
        topic_ids=frozenset({BAD_NEWS}),
        urgency="when_possible",
        waiting_days=0.0,
        profession="nurse",
        unit_id=100,
        same_profession=False,
        not_my_unit=False,
        line=frozenset({11}),
        declined_with=frozenset(),
    )
    return replace(plain, **changes)


def supporter(**changes) -> Supporter:
    plain = Supporter(
        person_id=20,
        name="Sam Supporter",
        topic_ids=frozenset(),
        profession="physician",
        unit_id=200,
        trained=True,
        active=True,
        capacity=3,
        used_this_month=0,
        draining=False,
        helpful_before=frozenset(),
    )
    return replace(plain, **changes)


def judge(who: Seeker | None = None, whom: Supporter | None = None, rules: Rules = OPEN) -> PairScore:
    return pair_score(who or seeker(), whom or supporter(), rules, TOPICS)


def test_a_plain_pair_is_allowed_with_nothing_to_say():
    result = judge()
    assert result.allowed and result.blocked_by is None
    assert result.parts == () and result.total == 0.0 and result.reasons() == []


@pytest.mark.parametrize(
    "who, whom, rules, words",
    [
        (seeker(), supporter(person_id=10), OPEN, "same person as the seeker"),
        (seeker(line=frozenset({20})), supporter(), OPEN, "in the seeker's reporting line"),
        (
            seeker(not_my_unit=True),
            supporter(unit_id=100),
            OPEN,
            "in the seeker's own unit, which they asked to avoid",
        ),
        (seeker(declined_with=frozenset({20})), supporter(), OPEN, "declined before with this seeker"),
        (seeker(), supporter(active=False), OPEN, "supporter is paused"),
        (seeker(), supporter(used_this_month=3), OPEN, "no capacity left this month"),
        (seeker(), supporter(capacity=0), OPEN, "no capacity left this month"),
        (seeker(), supporter(trained=False), STRICT, "not trained, and the program requires training"),
    ],
)
def test_each_hard_rule_blocks_with_its_words(who, whom, rules, words):
    result = judge(who, whom, rules)
    assert not result.allowed
    assert result.blocked_by == words
    assert result.parts == () and result.total == -math.inf


@pytest.mark.parametrize(
    "who, whom, rules",
    [
        (seeker(unit_id=200), supporter(), OPEN),  # same unit, but the seeker did not ask to avoid it
        (seeker(not_my_unit=True, unit_id=None), supporter(unit_id=None), OPEN),  # no unit is nobody's unit
        (seeker(), supporter(trained=False), OPEN),  # training not required by this program
        (seeker(line=frozenset({21}), declined_with=frozenset({22})), supporter(), OPEN),
        (seeker(), supporter(used_this_month=2), OPEN),  # one place left
    ],
)
def test_a_rule_that_does_not_apply_does_not_block(who, whom, rules):
    assert judge(who, whom, rules).allowed


def test_the_first_rule_in_order_names_the_block():
    result = judge(seeker(line=frozenset({20})), supporter(active=False, trained=False), STRICT)
    assert result.blocked_by == "in the seeker's reporting line"


def test_every_reason_in_plain_words_and_in_a_fixed_order():
    who = seeker(
        topic_ids=frozenset({DEATH, BAD_NEWS, ICU}),
        urgency="this_week",
        waiting_days=3.7,
        same_profession=True,
    )
    whom = supporter(
        topic_ids=frozenset({BAD_NEWS, DEATH, FAMILY}),
        profession="nurse",
        used_this_month=1,
        helpful_before=frozenset({10}),
    )
    assert judge(who, whom).reasons() == [
        "both know breaking bad news, patient death",
        "same profession as asked",
        "waiting 3 days",
        "asked for this week",
        "an earlier conversation together helped",
        "has 2 of 3 conversations left this month",
    ]


def test_topic_names_keep_an_acronym_and_an_unknown_topic_is_still_named():
    who = seeker(topic_ids=frozenset({ICU, 99}))
    assert judge(who, supporter(topic_ids=frozenset({ICU, 99}))).reasons() == ["both know ICU transfer, topic 99"]


@pytest.mark.parametrize(
    "days, words",
    [(0.5, "waiting less than a day"), (1.0, "waiting 1 day"), (2.99, "waiting 2 days"), (40.0, "waiting 40 days")],
)
def test_waiting_words(days, words):
    assert judge(seeker(waiting_days=days)).reasons() == [words]


def test_waiting_counts_up_to_two_weeks():
    assert judge(seeker(waiting_days=14)).total == judge(seeker(waiting_days=40)).total
    assert judge(seeker(waiting_days=14)).total > judge(seeker(waiting_days=13)).total


def test_urgency_words_and_order():
    totals = {u: judge(seeker(urgency=u)).total for u in URGENCIES}
    assert totals["this_week"] > totals["soon"] > totals["when_possible"]
    assert judge(seeker(urgency="soon")).reasons() == ["asked to meet soon"]


def test_same_profession_counts_only_when_asked():
    nurse = supporter(profession="nurse")
    assert judge(seeker(same_profession=False), nurse).total == 0.0
    assert judge(seeker(same_profession=True), nurse).reasons() == ["same profession as asked"]
    assert judge(seeker(same_profession=True), supporter()).reasons() == []
    assert judge(seeker(same_profession=True, profession=None), supporter(profession=None)).reasons() == []


def test_each_shared_topic_adds_the_same_and_an_unshared_one_nothing():
    who = seeker(topic_ids=frozenset({BAD_NEWS, DEATH}))
    none = judge(who, supporter(topic_ids=frozenset({FAMILY}))).total
    one = judge(who, supporter(topic_ids=frozenset({BAD_NEWS, FAMILY}))).total
    two = judge(who, supporter(topic_ids=frozenset({BAD_NEWS, DEATH}))).total
    assert none == 0.0 and one > 0 and two == 2 * one


def test_the_asked_profession_outweighs_one_shared_topic_but_not_two():
    nurse_asking = seeker(topic_ids=frozenset({BAD_NEWS, DEATH}), same_profession=True)
    physician_knowing_both = supporter(topic_ids=frozenset({BAD_NEWS, DEATH}))
    nurse_knowing_neither = supporter(profession="nurse")
    physician_knowing_one = supporter(topic_ids=frozenset({BAD_NEWS}))
    assert (
        judge(nurse_asking, physician_knowing_both).total
        > judge(nurse_asking, nurse_knowing_neither).total
        > judge(nurse_asking, physician_knowing_one).total
    )


def test_two_weeks_of_waiting_outweigh_asking_for_this_week():
    assert judge(seeker(waiting_days=14)).total > judge(seeker(urgency="this_week")).total


def test_a_busier_supporter_scores_lower_but_less_than_a_shared_topic_is_worth():
    who = seeker()
    free = judge(who, supporter()).total
    busy = judge(who, supporter(used_this_month=2)).total
    busy_with_topic = judge(who, supporter(used_this_month=2, topic_ids=frozenset({BAD_NEWS}))).total
    assert busy < free < busy_with_topic


def test_a_draining_supporter_scores_lower_and_it_is_never_said():
    calm = judge(whom=supporter(topic_ids=frozenset({BAD_NEWS})))
    draining = judge(whom=supporter(topic_ids=frozenset({BAD_NEWS}), draining=True))
    assert draining.total < calm.total
    assert draining.reasons() == calm.reasons() == ["both know breaking bad news"]
    assert [p.name for p in draining.shown_parts()] == [p.name for p in calm.parts] == ["topics"]
    assert {p.name for p in draining.parts} - {p.name for p in calm.parts} == PRIVATE_PARTS
    text = " ".join(draining.reasons()).lower()
    assert "drain" not in text and "balance" not in text and "load" not in text


def test_a_draining_supporter_is_still_allowed():
    assert judge(whom=supporter(draining=True)).allowed


def test_the_total_is_the_sum_of_the_parts():
    who = seeker(topic_ids=frozenset({BAD_NEWS, DEATH}), urgency="soon", waiting_days=5, same_profession=True)
    whom = supporter(topic_ids=frozenset({DEATH}), profession="nurse", used_this_month=1, draining=True)
    result = judge(who, whom)
    assert result.total == pytest.approx(sum(p.points for p in result.parts))
    assert len(result.parts) == 6


@pytest.mark.parametrize(
    "changes, words",
    [({"urgency": "tomorrow"}, "urgency must be one of"), ({"waiting_days": -1.0}, "waiting_days")],
)
def test_an_impossible_seeker_is_refused(changes, words):
    with pytest.raises(ValueError, match=words):
        seeker(**changes)


def test_an_impossible_supporter_is_refused():
    with pytest.raises(ValueError, match="zero or more"):
        supporter(used_this_month=-1)


def test_plain_sets_are_stored_frozen_so_a_seeker_stays_hashable():
    who = seeker(topic_ids={BAD_NEWS}, line={11, 12}, declined_with=[20])
    assert who.line == frozenset({11, 12}) and isinstance(who.declined_with, frozenset)
    assert hash(who) == hash(seeker(topic_ids=frozenset({BAD_NEWS}), line=frozenset({11, 12}), declined_with={20}))


# --- the matrix ---------------------------------------------------------------------------------

PERSONS = st.integers(1, 8)  # few ids, so the same person often appears on both sides
ids = st.frozensets(PERSONS, max_size=3)
seekers = st.builds(
    Seeker,
    request_id=st.integers(1, 1000),
    person_id=PERSONS,
    topic_ids=st.frozensets(st.integers(1, 5), max_size=3),
    urgency=st.sampled_from(URGENCIES),
    waiting_days=st.floats(0, 30),
    profession=st.sampled_from(["nurse", "physician", None]),
    unit_id=st.sampled_from([1, 2, None]),
    same_profession=st.booleans(),
    not_my_unit=st.booleans(),
    line=ids,
    declined_with=ids,
)
supporters = st.builds(
    Supporter,
    person_id=PERSONS,
    name=st.just("Supporter"),
    topic_ids=st.frozensets(st.integers(1, 5), max_size=4),
    profession=st.sampled_from(["nurse", "physician", None]),
    unit_id=st.sampled_from([1, 2, None]),
    trained=st.booleans(),
    active=st.booleans(),
    capacity=st.integers(0, 3),
    used_this_month=st.integers(0, 3),
    draining=st.booleans(),
    helpful_before=ids,
)


@settings(max_examples=150, deadline=None)
@given(st.lists(seekers, max_size=5), st.lists(supporters, max_size=5), st.booleans())
def test_the_vectorised_array_equals_every_pair_judged_alone(who, whom, trained_required):
    rules = Rules(trained_required=trained_required)
    expected, judged = score_matrix(who, whom, rules, TOPICS)
    assert expected.shape == (len(who), len(whom))
    assert np.array_equal(score_array(who, whom, rules), expected)
    for row, s in zip(judged, who, strict=True):
        for cell, p in zip(row, whom, strict=True):
            assert cell == pair_score(s, p, rules, TOPICS)


@settings(max_examples=150, deadline=None)
@given(seekers, st.lists(supporters, max_size=5), st.booleans())
def test_blocking_rule_speaks_exactly_when_nobody_can_serve(who, whom, trained_required):
    rules = Rules(trained_required=trained_required)
    row = score_array([who], whom, rules)[0]
    words = blocking_rule(who, whom, rules)
    assert (words is None) == bool(np.isfinite(row).any())
    if words is not None:
        assert words.startswith("no ") and "supporter" in words


def test_blocking_rule_names_only_the_rules_that_matter():
    who = seeker(not_my_unit=True)
    whom = [
        supporter(person_id=21, unit_id=100),  # in the seeker's own unit
        supporter(person_id=22, trained=False),
        supporter(person_id=23, used_this_month=3),
        supporter(person_id=24, unit_id=100, trained=False, used_this_month=3),
    ]
    assert (
        blocking_rule(who, whom, STRICT)
        == "no trained supporter outside the seeker's unit with capacity left this month"
    )
    assert blocking_rule(who, whom, OPEN) is None  # supporter 22 may serve when training is not required


def test_blocking_rule_leaves_out_a_rule_the_others_already_cover():
    # Everyone is out of capacity; one is also paused. Capacity alone explains it.
    whom = [supporter(person_id=21, used_this_month=3), supporter(person_id=22, used_this_month=3, active=False)]
    assert blocking_rule(seeker(), whom, OPEN) == "no supporter with capacity left this month"


def test_blocking_rule_for_a_paused_supporter_and_for_the_seeker_alone():
    assert blocking_rule(seeker(), [supporter(active=False)], OPEN) == "no active supporter"
    assert blocking_rule(seeker(), [supporter(person_id=10)], OPEN) == "no supporter other than the seeker"
    assert blocking_rule(seeker(line={20}, declined_with={21}), [supporter(), supporter(person_id=21)], OPEN) == (
        "no supporter outside the seeker's reporting line not declined before with this seeker"
    )


def test_blocking_rule_when_nobody_offers_support():
    assert blocking_rule(seeker(), [], OPEN) == "no supporter has offered support yet"
