"""The editors of `manage.py raci loadtest`, for locust.

Each simulated editor has their own account, signed in beforehand (own
session and CSRF token); it reads the matrix page (80%) or edits one of their
cells (20%), with no pause between requests or, with `--pause`, at a person's
pace. The editors are locust's FastHttpUser: the load runs on the machine the
server does, and the plain HttpUser took 15% of its two cores to read 16
editors' pages, which the server then lacked. An edit counts as acknowledged
when the answer shows the cell with the letters sent; the last acknowledged
state of every cell is written out at the end for the database check.

Run by `raci loadtest`, which passes its settings in RACI_LOADTEST_CONFIG.
"""

import itertools
import json
import os
import random
import re
from pathlib import Path
from urllib.parse import urlencode, urlsplit

from locust import FastHttpUser, between, constant, events, task

from raci.bench import findings_digest

CONFIG = json.loads(Path(os.environ["RACI_LOADTEST_CONFIG"]).read_text())
CELL_TAG = re.compile(r'<td id="cell-(\d+-\d+)"[^>]*>')
_editor_numbers = itertools.count()
acknowledged = {}  # "activity-role" -> [letters, version]
totals = {"server_errors": 0, "edits": 0}


def cells_shown(html: str) -> dict[str, tuple[str, int]]:
    shown = {}
    for tag in CELL_TAG.finditer(html):
        letters = re.search(r'data-letters="([ARCI]*)"', tag.group())
        version = re.search(r'data-version="(\d+)"', tag.group())
        shown[tag.group(1)] = (
            letters.group(1) if letters else "",
            int(version.group(1)) if version else 0,
        )
    return shown


class Editor(FastHttpUser):
    # No pause saturates the server (the test); a pause is a person's pace.
    wait_time = (
        between(CONFIG["pause"] / 2, CONFIG["pause"] * 3 / 2) if CONFIG["pause"] else constant(0)
    )

    def on_start(self):
        number = next(_editor_numbers) % len(CONFIG["sessions"])
        cookies = {name: value for name, value, _domain, _path in CONFIG["sessions"][number]}
        self.csrf_token = cookies["csrftoken"]
        self.headers = {
            "Cookie": "; ".join(f"{name}={value}" for name, value in cookies.items()),
            # The TLS-terminating proxy of a deployment says the request was HTTPS.
            "X-Forwarded-Proto": "https",
        }
        self.origin = "https://" + urlsplit(self.host).netloc
        mine = {f"{a}-{r}" for a, r in CONFIG["cells"][number]}
        page = self.read()
        self.cells = {key: state for key, state in cells_shown(page).items() if key in mine}

    def _check(self, response):
        if response.status_code >= 500:
            totals["server_errors"] += 1
        if response.status_code >= 400:
            response.failure(f"status {response.status_code}")

    @task(4)
    def read(self) -> str:
        with self.client.get(
            CONFIG["team_url"], name="matrix page", headers=self.headers, catch_response=True
        ) as response:
            self._check(response)
            page = response.text or ""
            self.digest = findings_digest(page)
            return page

    @task(1)
    def edit(self):
        key = random.choice(list(self.cells))
        letters, version = self.cells[key]
        wanted = letters.replace("I", "") if "I" in letters else letters + "I"
        wanted = "".join(letter for letter in "ARCI" if letter in wanted)
        activity, role = key.split("-")
        data = {"letters": list(wanted), "version": version}
        if self.digest:
            data["digest"] = self.digest
        with self.client.post(
            f"{CONFIG['team_url']}cells/{activity}/{role}/",
            data=urlencode(data, doseq=True),
            headers={
                **self.headers,
                "Content-Type": "application/x-www-form-urlencoded",
                "HX-Request": "true",
                "X-CSRFToken": self.csrf_token,
                "Origin": self.origin,
            },
            name="cell edit",
            catch_response=True,
        ) as response:
            self._check(response)
            if response.status_code != 200:
                return
            answer = response.text or ""
            state = cells_shown(answer).get(key)
            if state is None:
                response.failure("the answer does not show the edited cell")
                return
            self.cells[key] = state
            self.digest = findings_digest(answer) or self.digest
            if state[0] == wanted:
                totals["edits"] += 1
                acknowledged[key] = list(state)
            else:
                response.failure("refused as stale")


def _summary(entry) -> dict:
    return {
        "requests": entry.num_requests,
        "failures": entry.num_failures,
        "per_second": entry.total_rps,
        **{
            f"p{round(share * 100)}": entry.get_response_time_percentile(share)
            for share in (0.5, 0.95, 0.99)
        },
    }


@events.quitting.add_listener
def write_results(environment, **kwargs):
    stats = {name: _summary(entry) for (name, _method), entry in environment.stats.entries.items()}
    stats["all"] = _summary(environment.stats.total)
    with open(CONFIG["results"], "w") as file:
        json.dump({"acknowledged": acknowledged, "stats": stats, **totals}, file)
