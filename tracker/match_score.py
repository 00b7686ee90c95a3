"""The score of one seeker-supporter pair, built from parts so every proposal explains itself.

Pure: the caller passes plain data (who asks, who supports, the program's rules, the topic names)
and gets back whether the pair is allowed, the plain-words rule that blocks it if not, and the
parts of its score. `optimal_pairs` (tracker/matching.py) maximises the sum of these scores over
all pairs at once, so a part matters only relative to the others.

Hard rules, checked in this order; the first that applies is the `blocked_by` text a coordinator
reads (PRODUCT.md, "How matching works"):

    same person as the seeker                               never the same person
    in the seeker's reporting line                          either direction, any depth
    in the seeker's own unit, which they asked to avoid     only when the seeker asked
    declined before with this seeker                        never offer a declined pair again
    supporter is paused                                     only active supporters
    no capacity left this month                             capacity - used this month > 0
    not trained, and the program requires training          only when the program says so

Score parts and weights, in the fixed order reasons are shown. The weights are a starting point
chosen by reasoning, not yet measured: once the program has feedback (helpful 1-5, load after
vs before), they should be fitted against it the way tracker/warning.py's settings were.

    topics            +3 per shared topic   "both know breaking bad news, patient death"
    same_profession   +4 when asked and met "same profession as asked"
    waiting           +0.5 per day, <= 14 d "waiting 3 days"
    urgency           +4 this week, +2 soon "asked for this week"
    helpful_before    +3                    "an earlier conversation together helped"
    near_capacity     -2 x used / capacity  "has 2 of 3 conversations left this month"
    supporter_balance -3 when draining      (never shown: no reason text)

Why these sizes:

* Shared experience of the request's own topics is the core of peer support, so it is the
  largest part for a typical request (1-3 topics, 3-9 points) and grows with each topic shared.
* Same profession is a preference the seeker stated, so it outweighs one shared topic (4 > 3) but
  not two (4 < 6): for a nurse who asked for a nurse, a nurse who shares none of the topics beats
  a physician who shares one, and a physician who shares both beats the nurse who shares none.
  It is not a hard rule (the product lists it under the score), so a seeker is never left
  unmatched for want of it.
* Waiting and urgency belong to the seeker and are the same for every supporter, so they never
  change WHO a seeker is matched with; they only decide WHICH seekers are matched when there are
  fewer places than seekers. Two weeks of waiting (7) then outweighs asking for this week (4),
  so nobody waits forever behind a stream of urgent requests; the cap at 14 days keeps an old
  request from outweighing everything else in the run.
* An earlier helpful meeting (rated 4 or 5 of 5) is worth as much as a shared topic: continuity
  with someone who already helped.
* The near-capacity penalty spreads conversations across supporters: a supporter with all their
  places free costs nothing, one with 2 of 3 used costs -1.33. It is smaller than any bonus, so
  it reorders otherwise equal candidates and never overrides a shared topic.
* A supporter whose own recent balance is draining carries load too (PRODUCT.md): -3, as much as
  one shared topic, so they are asked less often without being excluded (they chose to offer
  support, and being asked can be part of what sustains them). This fact is private to the
  supporter's early warning: the part has no reason text and is named in PRIVATE_PARTS so screens
  leave it out (`PairScore.shown_parts`). The total still includes it.

`score_array` builds the whole seekers x supporters matrix with NumPy for large runs (2,000 x
2,000 in about 40 ms, some 400 times faster than `pair_score` cell by cell; bench/matching.py);
`pair_score` explains one pair; the two are tested to agree cell by cell, to the last bit.
`blocking_rule` says in plain words why a seeker has nobody at all; a seeker who is left out
only because others took the places gets None from it.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, fields

import numpy as np

__all__ = [
    "PRIVATE_PARTS",
    "URGENCIES",
    "PairScore",
    "Rules",
    "ScorePart",
    "Seeker",
    "Supporter",
    "blocking_rule",
    "pair_score",
    "score_array",
    "score_matrix",
]

TOPIC_POINTS = 3.0
SAME_PROFESSION_POINTS = 4.0
WAITING_POINTS_PER_DAY = 0.5
WAITING_CAP_DAYS = 14.0
URGENCY_POINTS = {"this_week": 4.0, "soon": 2.0, "when_possible": 0.0}
URGENCIES = tuple(URGENCY_POINTS)
HELPFUL_BEFORE_POINTS = 3.0
NEAR_CAPACITY_POINTS = 2.0
DRAINING_POINTS = -3.0

# Parts a coordinator must never see, not even as a number.
PRIVATE_PARTS = frozenset({"supporter_balance"})

_URGENCY_WORDS = {"this_week": "asked for this week", "soon": "asked to meet soon"}


def _frozen_sets(instance: object) -> None:
    """Accept any set for the set-valued fields, store a frozenset so instances stay hashable."""
    for f in fields(instance):
        value = getattr(instance, f.name)
        if isinstance(value, set | list | tuple):
            object.__setattr__(instance, f.name, frozenset(value))


@dataclass(frozen=True)
class Seeker:
    """One open support request as the engine sees it.

    `line` holds the person ids of everyone in the seeker's reporting line in either direction, at
    any depth (the caller walks the hierarchy); `declined_with` the supporter person ids already
    declined for this request.
    """

    request_id: int
    person_id: int
    topic_ids: frozenset[int]
    urgency: str
    waiting_days: float
    profession: str | None
    unit_id: int | None
    same_profession: bool
    not_my_unit: bool
    line: frozenset[int] = field(default_factory=frozenset)
    declined_with: frozenset[int] = field(default_factory=frozenset)

    def __post_init__(self) -> None:
        _frozen_sets(self)
        if self.urgency not in URGENCY_POINTS:
            raise ValueError(f"urgency must be one of {', '.join(URGENCIES)}, got {self.urgency!r}")
        if not self.waiting_days >= 0:  # also refuses NaN
            raise ValueError(f"waiting_days must be zero or more, got {self.waiting_days!r}")


@dataclass(frozen=True)
class Supporter:
    """One supporter profile. `draining` is private: it only lowers the score, it is never shown.

    `helpful_before` holds the seeker person ids with whom an earlier meeting was rated helpful
    (4 or 5 of 5).
    """

    person_id: int
    name: str
    topic_ids: frozenset[int]
    profession: str | None
    unit_id: int | None
    trained: bool
    active: bool
    capacity: int
    used_this_month: int
    draining: bool
    helpful_before: frozenset[int] = field(default_factory=frozenset)

    def __post_init__(self) -> None:
        _frozen_sets(self)
        if self.capacity < 0 or self.used_this_month < 0:
            raise ValueError("capacity and used_this_month must be zero or more")

    @property
    def places_left(self) -> int:
        return max(self.capacity - self.used_this_month, 0)


@dataclass(frozen=True)
class Rules:
    """Program settings that change the hard rules."""

    trained_required: bool


@dataclass(frozen=True)
class ScorePart:
    """One part of a pair's score; `reason` is the plain words shown for it, None if never shown."""

    name: str
    points: float
    reason: str | None


@dataclass(frozen=True)
class PairScore:
    """Whether a pair may be proposed, what blocks it, and the parts of its score.

    A blocked pair has no parts and a total of -inf, the value `optimal_pairs` reads as forbidden.
    """

    allowed: bool
    blocked_by: str | None
    parts: tuple[ScorePart, ...]
    total: float

    def reasons(self) -> list[str]:
        """Plain words for a coordinator, in the fixed part order; private parts have none."""
        return [part.reason for part in self.parts if part.reason is not None]

    def shown_parts(self) -> tuple[ScorePart, ...]:
        """The parts a screen may show with their points: every part except the private ones."""
        return tuple(part for part in self.parts if part.name not in PRIVATE_PARTS)


@dataclass(frozen=True)
class _HardRule:
    """One hard rule: its words when it blocks a pair, and its words in `blocking_rule`'s sentence."""

    blocked_by: str
    blocks: Callable[[Seeker, Supporter, Rules], bool]
    # In "no <adjective> supporter <condition>": an adjective before the noun or a condition after.
    adjective: str = ""
    condition: str = ""


# The one place the hard rules live for single pairs; score_array is their vectorised twin and
# the tests hold the two equal.
HARD_RULES: tuple[_HardRule, ...] = (
    _HardRule(
        "same person as the seeker",
        lambda s, p, r: s.person_id == p.person_id,
        condition="other than the seeker",
    ),
    _HardRule(
        "in the seeker's reporting line",
        lambda s, p, r: p.person_id in s.line,
        condition="outside the seeker's reporting line",
    ),
    _HardRule(
        "in the seeker's own unit, which they asked to avoid",
        lambda s, p, r: s.not_my_unit and s.unit_id is not None and s.unit_id == p.unit_id,
        condition="outside the seeker's unit",
    ),
    _HardRule(
        "declined before with this seeker",
        lambda s, p, r: p.person_id in s.declined_with,
        condition="not declined before with this seeker",
    ),
    _HardRule("supporter is paused", lambda s, p, r: not p.active, adjective="active"),
    _HardRule(
        "no capacity left this month",
        lambda s, p, r: p.places_left <= 0,
        condition="with capacity left this month",
    ),
    _HardRule(
        "not trained, and the program requires training",
        lambda s, p, r: r.trained_required and not p.trained,
        adjective="trained",
    ),
)


def pair_score(seeker: Seeker, supporter: Supporter, rules: Rules, topic_names: Mapping[int, str]) -> PairScore:
    """Judge one pair: the first hard rule that blocks it, or its score parts and their total.

    Only parts that move the score are listed. The total is the sum of the parts in their fixed
    order, so it equals `score_array`'s cell to the last bit.
    """
    for rule in HARD_RULES:
        if rule.blocks(seeker, supporter, rules):
            return PairScore(allowed=False, blocked_by=rule.blocked_by, parts=(), total=float("-inf"))
    parts = []
    shared = seeker.topic_ids & supporter.topic_ids
    if shared:
        names = sorted(_in_sentence(topic_names.get(t, f"topic {t}")) for t in shared)
        parts.append(ScorePart("topics", len(shared) * TOPIC_POINTS, f"both know {', '.join(names)}"))
    if _same_profession(seeker, supporter):
        parts.append(ScorePart("same_profession", SAME_PROFESSION_POINTS, "same profession as asked"))
    waited = min(seeker.waiting_days, WAITING_CAP_DAYS) * WAITING_POINTS_PER_DAY
    if waited:
        days = int(seeker.waiting_days)
        words = "waiting less than a day" if days == 0 else f"waiting {days} day{'s' if days != 1 else ''}"
        parts.append(ScorePart("waiting", waited, words))
    if URGENCY_POINTS[seeker.urgency]:
        parts.append(ScorePart("urgency", URGENCY_POINTS[seeker.urgency], _URGENCY_WORDS[seeker.urgency]))
    if seeker.person_id in supporter.helpful_before:
        parts.append(ScorePart("helpful_before", HELPFUL_BEFORE_POINTS, "an earlier conversation together helped"))
    if supporter.used_this_month > 0:
        parts.append(
            ScorePart(
                "near_capacity",
                -NEAR_CAPACITY_POINTS * supporter.used_this_month / supporter.capacity,
                f"has {supporter.places_left} of {supporter.capacity} conversations left this month",
            )
        )
    if supporter.draining:
        parts.append(ScorePart("supporter_balance", DRAINING_POINTS, None))
    total = 0.0
    for part in parts:
        total += part.points
    return PairScore(allowed=True, blocked_by=None, parts=tuple(parts), total=total)


def score_matrix(
    seekers: Sequence[Seeker], supporters: Sequence[Supporter], rules: Rules, topic_names: Mapping[int, str]
) -> tuple[np.ndarray, list[list[PairScore]]]:
    """Every pair judged one by one: the score matrix and each cell's PairScore.

    For small runs and for explaining; the matrix equals `score_array`'s. A large run should build
    the matrix with `score_array` and call `pair_score` only for the proposed pairs and the
    alternatives a coordinator looks at.
    """
    judged = [[pair_score(s, p, rules, topic_names) for p in supporters] for s in seekers]
    matrix = np.array([[cell.total for cell in row] for row in judged], dtype=np.float64)
    return matrix.reshape(len(seekers), len(supporters)), judged


def score_array(seekers: Sequence[Seeker], supporters: Sequence[Supporter], rules: Rules) -> np.ndarray:
    """The seekers x supporters score matrix, -inf where a hard rule blocks the pair, built with NumPy.

    Python touches each seeker, supporter and set member once; no Python loop runs over cells.
    Equals `pair_score(...).total` in every cell.
    """
    n, m = len(seekers), len(supporters)
    supporter_ids = np.array([p.person_id for p in supporters], dtype=np.int64)
    seeker_ids = np.array([s.person_id for s in seekers], dtype=np.int64)

    blocked = seeker_ids[:, None] == supporter_ids[None, :]
    blocked |= _members(seekers, lambda s: s.line, supporter_ids)
    seeker_units = _codes([s.unit_id for s in seekers], [p.unit_id for p in supporters])
    avoid_unit = np.array([s.not_my_unit for s in seekers], dtype=bool)
    blocked |= avoid_unit[:, None] & (seeker_units[0][:, None] == seeker_units[1][None, :])
    blocked |= _members(seekers, lambda s: s.declined_with, supporter_ids)
    capacity = np.array([p.capacity for p in supporters], dtype=np.int64)
    used = np.array([p.used_this_month for p in supporters], dtype=np.int64)
    unavailable = ~np.array([p.active for p in supporters], dtype=bool) | (capacity - used <= 0)
    if rules.trained_required:
        unavailable |= ~np.array([p.trained for p in supporters], dtype=bool)
    blocked |= unavailable[None, :]

    # The parts, added in pair_score's order so each cell matches its total bit for bit.
    total = _shared_counts(seekers, supporters) * TOPIC_POINTS
    professions = _codes([s.profession for s in seekers], [p.profession for p in supporters])
    wants_profession = np.array([s.same_profession for s in seekers], dtype=bool)
    total += np.where(
        wants_profession[:, None] & (professions[0][:, None] == professions[1][None, :]), SAME_PROFESSION_POINTS, 0.0
    )
    waiting = np.minimum(np.array([s.waiting_days for s in seekers], dtype=np.float64), WAITING_CAP_DAYS)
    total += (waiting * WAITING_POINTS_PER_DAY)[:, None]
    total += np.array([URGENCY_POINTS[s.urgency] for s in seekers], dtype=np.float64)[:, None]
    helped = _members(supporters, lambda p: p.helpful_before, seeker_ids).T
    total += np.where(helped, HELPFUL_BEFORE_POINTS, 0.0)
    near = -NEAR_CAPACITY_POINTS * used / np.where(capacity > 0, capacity, 1)
    total += np.where(used > 0, near, 0.0)[None, :]
    total += np.where(np.array([p.draining for p in supporters], dtype=bool), DRAINING_POINTS, 0.0)[None, :]
    total[blocked] = -np.inf
    return total.reshape(n, m)


def blocking_rule(seeker: Seeker, supporters: Sequence[Supporter], rules: Rules) -> str | None:
    """Why nobody can serve this seeker, in one plain sentence; None if someone can.

    The hard rules are applied one after another in their fixed order; a rule is named if it
    removed a candidate the earlier ones left. Then each named rule is dropped again if the
    others still leave nobody, so the sentence names only rules that matter, e.g. "no trained
    supporter outside the seeker's unit with capacity left this month".
    """
    if not supporters:
        return "no supporter has offered support yet"
    passes = [[not rule.blocks(seeker, p, rules) for p in supporters] for rule in HARD_RULES]
    if any(all(column) for column in zip(*passes, strict=True)):
        return None
    named, remaining = [], set(range(len(supporters)))
    for index, passed in enumerate(passes):
        kept = {j for j in remaining if passed[j]}
        if kept != remaining:
            named.append(index)
            remaining = kept
    for index in list(named):
        others = [i for i in named if i != index]
        if not any(all(passes[i][j] for i in others) for j in range(len(supporters))):
            named.remove(index)
    adjectives = [HARD_RULES[i].adjective for i in named if HARD_RULES[i].adjective]
    conditions = [HARD_RULES[i].condition for i in named if HARD_RULES[i].condition]
    return " ".join(["no", *adjectives, "supporter", *conditions])


def _same_profession(seeker: Seeker, supporter: Supporter) -> bool:
    return seeker.same_profession and seeker.profession is not None and seeker.profession == supporter.profession


def _in_sentence(name: str) -> str:
    """A tag name inside a sentence: 'Patient death' -> 'patient death', 'ICU transfer' unchanged."""
    first = name.split(" ", 1)[0]
    return name if first.isupper() and len(first) > 1 else name[:1].lower() + name[1:]


def _codes(left: Sequence[object], right: Sequence[object]) -> tuple[np.ndarray, np.ndarray]:
    """Integer codes for two lists of labels; None never equals anything, not even None."""
    table: dict[object, int] = {}
    left_codes = np.array([-1 if v is None else table.setdefault(v, len(table)) for v in left], dtype=np.int64)
    right_codes = np.array([-2 if v is None else table.setdefault(v, len(table)) for v in right], dtype=np.int64)
    return left_codes, right_codes


def _members(
    owners: Sequence[Seeker] | Sequence[Supporter], members: Callable[..., frozenset[int]], ids: np.ndarray
) -> np.ndarray:
    """Boolean owners x ids matrix: cell (a, b) is True when ids[b] is in members(owners[a]).

    `ids` may repeat (one person with several open requests); every position holding the id is
    marked. Vectorised through a sorted copy of `ids` and searchsorted, no loop over cells.
    """
    marked = np.zeros((len(owners), len(ids)), dtype=bool)
    sizes = np.array([len(members(o)) for o in owners], dtype=np.int64)
    if not sizes.sum() or not len(ids):
        return marked
    rows = np.repeat(np.arange(len(owners)), sizes)
    wanted = np.fromiter(itertools.chain.from_iterable(members(o) for o in owners), dtype=np.int64, count=sizes.sum())
    order = np.argsort(ids, kind="stable")
    sorted_ids = ids[order]
    first = np.searchsorted(sorted_ids, wanted, side="left")
    last = np.searchsorted(sorted_ids, wanted, side="right")
    hits = last - first
    # Expand each (owner, member) hit into every position of ids holding that member.
    hit_rows = np.repeat(rows, hits)
    offsets = np.arange(hits.sum()) - np.repeat(np.cumsum(hits) - hits, hits)
    hit_cols = order[np.repeat(first, hits) + offsets]
    marked[hit_rows, hit_cols] = True
    return marked


def _shared_counts(seekers: Sequence[Seeker], supporters: Sequence[Supporter]) -> np.ndarray:
    """Seekers x supporters count of shared topics, as float, from two topic incidence matrices."""
    topics = sorted(set().union(*(s.topic_ids for s in seekers), *(p.topic_ids for p in supporters)))
    column = {t: i for i, t in enumerate(topics)}

    def incidence(owners: Sequence[Seeker] | Sequence[Supporter]) -> np.ndarray:
        matrix = np.zeros((len(owners), len(topics)), dtype=np.float64)
        sizes = [len(o.topic_ids) for o in owners]
        rows = np.repeat(np.arange(len(owners)), sizes)
        cols = np.fromiter((column[t] for o in owners for t in o.topic_ids), dtype=np.int64, count=sum(sizes))
        matrix[rows, cols] = 1.0
        return matrix

    return incidence(seekers) @ incidence(supporters).T
