"""Check-in scoring: the Brief Resilience Scale, a single-item burnout measure and the felt load.

Pure functions over plain data. Both instruments are free to use and validated; their wording and
cut-offs are copied from the publications cited below, so do not paraphrase them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from tracker.errors import ValidationError

# Brief Resilience Scale (BRS): Smith BW, Dalen J, Wiggins K, Tooley E, Christopher P, Bernard J.
# "The Brief Resilience Scale: assessing the ability to bounce back."
# Int J Behav Med 2008;15(3):194-200. Published wording, in the published order.
BRS_ITEMS = (
    "I tend to bounce back quickly after hard times.",
    "I have a hard time making it through stressful events.",
    "It does not take me long to recover from a stressful event.",
    "It is hard for me to snap back when something bad happens.",
    "I usually come through difficult times with little trouble.",
    "I tend to take a long time to get over set-backs in my life.",
)
BRS_ANSWERS = {
    1: "Strongly disagree",
    2: "Disagree",
    3: "Neutral",
    4: "Agree",
    5: "Strongly agree",
}
# Items 2, 4 and 6 are worded negatively and scored 6 - answer (1-based item numbers).
BRS_REVERSED_ITEMS = frozenset({2, 4, 6})
# Bands from the scale's authors: low 1.00-2.99, normal 3.00-4.30, high 4.31-5.00.
BRS_LOW_CUTOFF = 3.00
BRS_HIGH_CUTOFF = 4.30

# Single-item burnout measure: Dolan ED, Mohr D, Lempa M, et al. "Using a single item to measure
# burnout in primary care staff: a psychometric evaluation." J Gen Intern Med 2015;30(5):582-587.
# Validated against the Maslach Burnout Inventory emotional exhaustion scale; the item comes from
# the Physician Worklife Study. An answer of 3 or more means symptoms of burnout.
BURNOUT_OPTIONS = {
    1: "I enjoy my work. I have no symptoms of burnout.",
    2: "Occasionally I am under stress, and I don't always have as much energy as I once did, "
    "but I don't feel burned out.",
    3: "I am definitely burning out and have one or more symptoms of burnout, "
    "such as physical and emotional exhaustion.",
    4: "The symptoms of burnout that I'm experiencing won't go away. I think about frustration at work a lot.",
    5: "I feel completely burned out and often wonder if I can go on. "
    "I am at the point where I may need some changes or may need to seek some sort of help.",
}
BURNOUT_CUTOFF = 3

LOAD_QUESTION = "How heavy does your load feel right now?"
LOAD_MIN = 0
LOAD_MAX = 10


@dataclass(frozen=True)
class CheckInAnswers:
    """The raw answers as the form gives them; None means not answered."""

    brs: tuple[int | None, ...]
    burnout: int | None
    load: int | None


@dataclass(frozen=True)
class CheckInScore:
    brs_score: float
    brs_band: str
    burnout: int
    burnout_symptoms: bool
    load: int


def _is_int(value: object) -> bool:
    """Bools are ints to Python, but True is not an answer on any of these scales."""
    return isinstance(value, int) and not isinstance(value, bool)


def brs_band(score: float) -> str:
    """Name the BRS band of a score: 'low' below 3.00, 'high' above 4.30, else 'normal'."""
    if score < BRS_LOW_CUTOFF:
        return "low"
    if score > BRS_HIGH_CUTOFF:
        return "high"
    return "normal"


def score_brs(answers: tuple[int | None, ...]) -> float:
    """Mean of the six items after reverse-scoring items 2, 4 and 6 (Smith et al., 2008)."""
    if not isinstance(answers, (tuple, list)) or len(answers) != len(BRS_ITEMS):
        raise ValidationError(f"The resilience scale has {len(BRS_ITEMS)} statements; please answer each of them.")
    scored = []
    for number, answer in enumerate(answers, start=1):
        if answer is None:
            raise ValidationError(f"Please answer statement {number} of the resilience scale.")
        if not _is_int(answer) or answer not in BRS_ANSWERS:
            raise ValidationError(
                f"Statement {number} of the resilience scale needs an answer from 1 (strongly disagree) "
                "to 5 (strongly agree)."
            )
        scored.append(6 - answer if number in BRS_REVERSED_ITEMS else answer)
    return sum(scored) / len(scored)


def _clean_burnout(answer: int | None) -> int:
    if answer is None:
        raise ValidationError("Please choose the statement about burnout that fits you best.")
    if not _is_int(answer) or answer not in BURNOUT_OPTIONS:
        raise ValidationError("The burnout answer must be one of the five statements (1 to 5).")
    return answer


def _clean_load(load: int | None) -> int:
    if load is None:
        raise ValidationError("Please say how heavy your load feels right now, from 0 to 10.")
    if not _is_int(load) or not LOAD_MIN <= load <= LOAD_MAX:
        raise ValidationError("The load must be a whole number from 0 to 10.")
    return load


def score_checkin(answers: CheckInAnswers) -> CheckInScore:
    """Score one check-in; raise ValidationError naming the first problem in plain words."""
    brs_score = score_brs(answers.brs)
    burnout = _clean_burnout(answers.burnout)
    load = _clean_load(answers.load)
    return CheckInScore(
        brs_score=brs_score,
        brs_band=brs_band(brs_score),
        burnout=burnout,
        burnout_symptoms=burnout >= BURNOUT_CUTOFF,
        load=load,
    )


def crosses_cutoff(score: CheckInScore) -> list[str]:
    """Plain-words reasons this check-in crosses a validated cut-off; empty when none does.

    The early warning shows these only to the person, so they describe, never diagnose.
    """
    reasons = []
    if score.brs_band == "low":
        reasons.append(
            f"Your latest resilience score ({score.brs_score:.2f}) is in the lower range (below {BRS_LOW_CUTOFF:.2f})."
        )
    if score.burnout_symptoms:
        reasons.append("Your latest answer about burnout describes some symptoms of burnout.")
    return reasons


def checkin_due(latest_week: tuple[int, int] | None, today: date, cadence: str) -> bool:
    """Due when this ISO week (the person's own calendar) has no check-in yet, or, with the
    program's fortnightly cadence, when neither this week nor the week before has one.
    `latest_week` is the (ISO year, ISO week) of the person's latest check-in."""
    this_week = tuple(today.isocalendar()[:2])
    if latest_week == this_week:
        return False
    if cadence == "fortnightly" and latest_week is not None:
        return latest_week != tuple((today - timedelta(days=7)).isocalendar()[:2])
    return True
