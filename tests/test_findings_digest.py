"""The digest a page carries of the findings it shows (an edit's answer
leaves the findings panel out while it holds) is the same whichever app
server or worker computes it."""

import os
import subprocess
import sys
from pathlib import Path

DIGEST_OF_A_TEAM = """
import django
django.setup()
from raci.grid import build_grid
from raci.models import ActivityRow, CellValue, ColumnRow, Team, TeamSnapshot

snapshot = TeamSnapshot(
    team=Team(name="Checkout"),
    activities=[
        # Documented responsibilities: their findings cite catalogue entries.
        ActivityRow(1, "Order the product backlog", "backlog", "backlog-ordering", 0),
        ActivityRow(2, "Set the product vision", "strategy", "product-vision", 1),
        ActivityRow(3, "Run the retrospective", "delivery", "", 2),
    ],
    columns=[ColumnRow(10, "Product Manager", "pm", ""), ColumnRow(11, "Product Owner", "po", "")],
    cells={1: {10: CellValue("AR", 1)}, 2: {11: CellValue("AC", 1)}, 3: {}},
    holders=[],
    accepted=[],
)
grid = build_grid(snapshot)
assert grid.findings, "the team must have findings for the digest to cover"
print(grid.digest)
"""


def digest_in_a_process(hash_seed: str) -> str:
    result = subprocess.run(
        [sys.executable, "-c", DIGEST_OF_A_TEAM],
        env={
            **os.environ,
            "PYTHONHASHSEED": hash_seed,
            "DJANGO_SETTINGS_MODULE": "config.settings",
        },
        cwd=Path(__file__).resolve().parent.parent,
        capture_output=True,
        text=True,
        check=True,
    )
    return result.stdout.strip()


def test_the_findings_digest_is_the_same_in_every_process():
    digests = {digest_in_a_process(seed) for seed in ("1", "2", "3")}

    assert len(digests) == 1
