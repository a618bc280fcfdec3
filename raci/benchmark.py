"""Time the analysis engine on a large matrix: `python -m raci.benchmark`.

The matrix is 1,000 activities by 20 roles (the four canonical ones and 16
custom ones), every tenth row linked to the catalogue, with a staffed team, so
that every group of rules runs. Letters are random but seeded, so two runs
analyse the same matrix.
"""

import random
import sys
import time

from raci.catalogue import CATALOGUE
from raci.rules import Activity, Matrix, Person, Role, TeamContext, analyse
from raci.vocabulary import CanonicalRole, Letter

# Mostly empty cells, as in real matrices, with the odd crowded or broken row.
CELL_CHOICES = [(), (), (), (), (Letter.INFORMED,), (Letter.CONSULTED,), (Letter.RESPONSIBLE,)]
CELL_CHOICES += [(Letter.ACCOUNTABLE,), (Letter.ACCOUNTABLE, Letter.RESPONSIBLE)]


def build_matrix(activities: int = 1000, roles: int = 20, seed: int = 1) -> Matrix:
    rng = random.Random(seed)
    role_values = [Role(key=kind.value, name=kind.label, kind=kind) for kind in CanonicalRole]
    role_values += [Role(key=f"custom-{n}", name=f"Custom role {n}") for n in range(roles - 4)]
    activity_values = [
        Activity(
            key=str(n),
            name=f"Activity {n}",
            catalogue_key=CATALOGUE[n % len(CATALOGUE)].key if n % 10 == 0 else None,
        )
        for n in range(activities)
    ]
    cells = {}
    for activity in activity_values:
        for role in role_values:
            letters = rng.choice(CELL_CHOICES)
            if letters:
                cells[(activity.key, role.key)] = frozenset(letters)
    people = tuple(
        Person(key=str(n), name=f"Person {n}", role_keys=frozenset({role_values[n % roles].key}))
        for n in range(roles * 2)
    )
    return Matrix(
        activities=tuple(activity_values),
        roles=tuple(role_values),
        cells=cells,
        context=TeamContext(),
        people=people,
        name="Benchmark",
    )


def measure(matrix: Matrix, runs: int = 20) -> list[float]:
    """Seconds per run of analyse()."""
    timings = []
    for _ in range(runs):
        start = time.perf_counter()
        analyse(matrix)
        timings.append(time.perf_counter() - start)
    return timings


def main() -> None:
    matrix = build_matrix()
    findings = analyse(matrix)
    timings = sorted(measure(matrix))
    best, median, worst = (timings[0], timings[len(timings) // 2], timings[-1])
    size = f"{len(matrix.activities)} activities x {len(matrix.roles)} roles"
    print(f"{size}, {len(matrix.cells)} filled cells, {len(findings)} findings")
    print(
        f"analyse(): best {best * 1000:.1f} ms, median {median * 1000:.1f} ms, "
        f"worst {worst * 1000:.1f} ms over {len(timings)} runs"
    )
    if median > 0.1:
        sys.exit("The median run took more than 100 ms.")


if __name__ == "__main__":
    main()
