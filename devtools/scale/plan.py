"""The shape of a national dataset: boards, their schools and the schools' sizes.

Pure functions over a seeded random generator, so the same ``--pupils --schools --seed`` give
the same country. The first board is a large one (40,000 pupils, a normal customer; all pupils
when there are fewer), so the benchmark compares the same board at every size.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass, field

LARGE_BOARD = 40_000
AVERAGE_SCHOOL = 300
VO_SHARE = 0.1  # one school in ten is secondary, with about five times the pupils
PO_SIZE, VO_SIZE = 230, 1_100
CLASS_SIZE = 27

# Schools per board: many one-school boards, a few with a hundred or more (the Dutch spread).
BOARD_SPREAD = [(0.45, 1, 1), (0.25, 2, 5), (0.20, 6, 20), (0.08, 21, 60), (0.02, 61, 160)]


@dataclass
class SchoolPlan:
    onderwijssoort: str  # "po" or "vo"
    pupils: int


@dataclass
class BoardPlan:
    schools: list[SchoolPlan] = field(default_factory=list)

    @property
    def pupils(self) -> int:
        return sum(s.pupils for s in self.schools)


def _school_sizes(rng: random.Random, pupils: int, schools: int) -> list[SchoolPlan]:
    kinds = ["vo" if rng.random() < VO_SHARE else "po" for _ in range(schools)]
    weights = [(VO_SIZE if k == "vo" else PO_SIZE) * rng.uniform(0.5, 1.5) for k in kinds]
    total = sum(weights)
    sizes = [max(1, int(pupils * w / total)) for w in weights]
    sizes[0] += pupils - sum(sizes)  # rounding
    if sizes[0] < 1:  # more schools than pupils: fold the surplus into one-pupil schools
        sizes = [1] * pupils + [0] * (schools - pupils)
    return [SchoolPlan(k, n) for k, n in zip(kinds, sizes, strict=True) if n > 0]


def _schools_in_board(rng: random.Random) -> int:
    roll, acc = rng.random(), 0.0
    for share, low, high in BOARD_SPREAD:
        acc += share
        if roll <= acc:
            return rng.randint(low, high)
    return rng.randint(*BOARD_SPREAD[-1][1:])


def plan_country(*, pupils: int, schools: int | None = None, seed: int = 1) -> list[BoardPlan]:
    rng = random.Random(seed)
    schools = schools or max(1, round(pupils / AVERAGE_SCHOOL))
    plans = _school_sizes(rng, pupils, schools)
    rng.shuffle(plans)
    boards: list[BoardPlan] = []
    # The large board first: schools until it holds LARGE_BOARD pupils (or all of them).
    large = BoardPlan()
    while plans and (large.pupils < min(LARGE_BOARD, pupils)) and (len(plans) > 1 or not boards):
        large.schools.append(plans.pop())
    boards.append(large)
    while plans:
        count = _schools_in_board(rng)
        board = BoardPlan(schools=plans[:count])
        del plans[:count]
        boards.append(board)
    return boards


def groups_for(school: SchoolPlan) -> list[tuple[int, int]]:
    """(jaargroep, pupils) per class: eight year groups in primary, six in secondary."""
    years = 8 if school.onderwijssoort == "po" else 6
    out = []
    per_year, rest = divmod(school.pupils, years)
    for jaar in range(1, years + 1):
        n = per_year + (1 if jaar <= rest else 0)
        if n == 0:
            continue
        classes = max(1, math.ceil(n / CLASS_SIZE))
        base, extra = divmod(n, classes)
        out += [(jaar, base + (1 if c < extra else 0)) for c in range(classes)]
    return out
