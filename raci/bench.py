"""`manage.py raci bench` and `manage.py raci loadtest`: the app timed from outside.

Both build their own throw-away data (a temporary SQLite file, or a PostgreSQL
database they create and drop), start the app under gunicorn with production
settings on a free loopback port, sign in like a browser and measure.

The bench runs every measurement in one interleaved loop against the same
server, so that the ratios it prints compare numbers taken under the same
noise. The load test drives sixteen editors at once with locust
(`raci/load_test.py`) and then checks every acknowledged edit in the database.
"""

import json
import os
import random
import re
import secrets
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

from raci import rules
from raci.vocabulary import CanonicalRole, Category

BASE_DIR = Path(__file__).resolve().parent.parent
PASSWORD = "bench-password-not-secret"
SIZES = ((60, 8), (300, 12), (1000, 20))
TEAM_COUNT = 50
EDITORS = 16
LOAD_TEAM = "300x12"

# --- The data: built in a child process, against the throw-away database ----------------


def size_name(activities: int, roles: int) -> str:
    return f"{activities}x{roles}"


def team_letters(activities: int, roles: int, seed: int = 7) -> list[list[str]]:
    """Cell texts row by row, as in matrices being edited: mostly one A and
    one or two R per row, a few C and I, and about one row in ten broken (no
    A, two A's, or nothing at all)."""
    rng = random.Random(seed * 100_003 + activities * 31 + roles)
    rows = []
    for _ in range(activities):
        row = [set() for _ in range(roles)]
        accountable = rng.randrange(roles)
        broken = rng.random()
        if broken > 0.97:
            rows.append([""] * roles)
            continue
        if broken > 0.94:
            row[(accountable + 1) % roles].add("A")  # two A's
        if not 0.91 < broken <= 0.94:  # else nobody is accountable
            row[accountable].add("A")
        for column in rng.sample(range(roles), rng.choice((1, 1, 2))):
            row[column].add("R")
        for column in rng.sample(range(roles), rng.randrange(0, min(3, roles))):
            if not row[column]:
                row[column].add("C")
        for column in rng.sample(range(roles), rng.randrange(0, min(4, roles))):
            if not row[column]:
                row[column].add("I")
        rows.append(["".join(letter for letter in "ARCI" if letter in cell) for cell in row])
    return rows


def _category(index: int, activities: int) -> str:
    categories = list(Category)
    return categories[index * len(categories) // activities].value


def build_data() -> None:
    """Create the bench organization and print what the measuring side needs
    as JSON (run by `manage.py shell -c` with the bench's DATABASE_URL)."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.hashers import make_password
    from django.db import connection, transaction

    from raci import services
    from raci.models import (
        Activity,
        Assignment,
        Membership,
        Person,
        Role,
        RoleHolder,
        Team,
        TeamRole,
    )

    with transaction.atomic():
        # One hash for all: the password hasher costs most of a second a user.
        password = make_password(PASSWORD)
        users = get_user_model().objects.bulk_create(
            get_user_model()(username=f"editor{n}", password=password) for n in range(EDITORS)
        )
        organization = services.organization_create(name="Bench Org", owner=users[0])
        Membership.objects.bulk_create(
            Membership(organization=organization, user=user, level=Membership.Level.EDITOR)
            for user in users[1:]
        )
        canonical = [organization.roles.get(canonical=kind.value) for kind in CanonicalRole]
        custom = [
            Role.objects.create(organization=organization, name=f"Custom role {n}")
            for n in range(max(roles for _, roles in SIZES) - len(canonical))
        ]
        people = Person.objects.bulk_create(
            Person(organization=organization, name=f"Person {n}", email=f"p{n}@example.com")
            for n in range(40)
        )
        described = {}
        for activities, roles in SIZES:
            name = size_name(activities, roles)
            team = Team.objects.create(organization=organization, name=f"Team {name}", slug=name)
            columns = (canonical + custom)[:roles]
            TeamRole.objects.bulk_create(
                TeamRole(team=team, role=role, position=n) for n, role in enumerate(columns)
            )
            rows = Activity.objects.bulk_create(
                Activity(
                    team=team,
                    name=f"Activity {n} of {name}",
                    category=_category(n, activities),
                    position=n,
                )
                for n in range(activities)
            )
            letters = team_letters(activities, roles)
            Assignment.objects.bulk_create(
                Assignment(activity=activity, role=role, letters=text)
                for activity, texts in zip(rows, letters, strict=True)
                for role, text in zip(columns, texts, strict=True)
                if text
            )
            RoleHolder.objects.bulk_create(
                RoleHolder(team=team, person=people[n % len(people)], role=role)
                for n, role in enumerate(columns)
            )
            described[name] = {
                "url": f"/o/{organization.slug}/t/{team.slug}/",
                "activities": [[a.pk, a.name] for a in rows],
                "roles": [[r.pk, r.name, r.canonical or r.acts_as] for r in columns],
                "letters": letters,
            }
        for n in range(TEAM_COUNT - len(SIZES)):
            team = services.team_create(
                organization=organization,
                name=f"Reference team {n}",
                uses_scrum=n % 3 != 0,
                stage="established" if n % 2 else "startup",
                start_from=services.StartFrom.REFERENCE,
            )
            RoleHolder.objects.bulk_create(
                RoleHolder(team=team, person=people[(n + i) % len(people)], role=column.role)
                for i, column in enumerate(team.team_roles.all())
            )
    # A live database has its planner statistics (autovacuum keeps them; a
    # server may run without it): without them, the planner guesses a table
    # just filled holds a few rows and joins the team's cells the slow way.
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    print(
        json.dumps(
            {
                "organization_url": f"/o/{organization.slug}/",
                "users": [user.username for user in users],
                "teams": described,
            }
        )
    )


def cells_in_database(team_slug: str) -> None:
    """Print the stored cells of a bench team as JSON: {"activity-role": [letters, version]}."""
    from raci.models import Assignment

    cells = Assignment.objects.filter(activity__team__slug=team_slug).values_list(
        "activity_id", "role_id", "letters", "version"
    )
    print(json.dumps({f"{a}-{r}": [letters, version] for a, r, letters, version in cells}))


def move_revision_on(database_url: str, team_slug: str) -> None:
    """What a colleague's write does to the workers' kept grids (raci/grid.py,
    RecentGrids): the team's revision moves on, so that the next view of its
    matrix reads and analyses the team again, whichever worker serves it."""
    # As an app write does, the colleague's also kept the organization page's counts.
    sql = (
        "UPDATE raci_team SET revision = revision + 1, findings_revision = CASE "
        "WHEN findings_revision = revision THEN revision + 1 ELSE findings_revision END "
        "WHERE slug = {}"
    )
    if database_url.startswith("sqlite:///"):
        import sqlite3

        with sqlite3.connect(database_url.removeprefix("sqlite:///")) as database:
            database.execute(sql.format("?"), [team_slug])
        return
    import psycopg

    with psycopg.connect(database_url, autocommit=True) as database:
        database.execute(sql.format("%s"), [team_slug])


def engine_matrix(team: dict) -> rules.Matrix:
    """The bench team as the engine's value, for timing the engine alone."""
    activities = tuple(rules.Activity(key=str(pk), name=name) for pk, name in team["activities"])
    roles = tuple(
        rules.Role(key=str(pk), name=name, kind=CanonicalRole(kind) if kind else None)
        for pk, name, kind in team["roles"]
    )
    cells = {
        (activity.key, role.key): frozenset(text)
        for activity, texts in zip(activities, team["letters"], strict=True)
        for role, text in zip(roles, texts, strict=True)
        if text
    }
    return rules.Matrix(
        activities=activities, roles=roles, cells=cells, context=rules.TeamContext()
    )


# --- The rendering floor -------------------------------------------------------------------


def rendering_floor(team: dict) -> str:
    """The simplest plain-Python loop writing the cell markup the matrix page
    sends (an editor's), over every cell of the team; kept in step with
    raci/grid.py."""
    out = []
    roles = [pk for pk, _name, _kind in team["roles"]]
    for (a, _name), texts in zip(team["activities"], team["letters"], strict=True):
        for r, text in zip(roles, texts, strict=True):
            letters = "".join(f'<b class="letter-{x}">{x}</b>' for x in text) or "&middot;"
            data = f' data-letters="{text}" data-version="1"' if text else ""
            out.append(
                f'<td id="cell-{a}-{r}" class="raci-cell"{data}><a class="cell-button" '
                f'id="btn-cell-{a}-{r}" href="cells/{a}/{r}/"><span class="letters">'
                f"{letters}</span></a></td>"
            )
    return "".join(out)


# --- The server ----------------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _run(args, env, **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, *args], env=env, cwd=BASE_DIR, check=True, text=True, **kwargs
    )


class BenchSetupError(ValueError):
    """The bench or load test cannot start: said to the user, not a traceback."""


@contextmanager
def _database(database_url: str | None):
    """A throw-away database: a temporary SQLite file, or a PostgreSQL database
    created for the run (refused if it exists) and dropped afterwards."""
    if not database_url:
        with tempfile.TemporaryDirectory(prefix="raci-bench-") as folder:
            yield f"sqlite:///{folder}/bench.sqlite3"
        return
    import psycopg

    parts = urlsplit(database_url)
    name = parts.path.lstrip("/")
    if not parts.scheme.startswith("postgres") or not re.fullmatch(r"\w+", name):
        raise BenchSetupError(f"--database-url must name a PostgreSQL database: {database_url}")
    admin = urlunsplit(parts._replace(path="/postgres"))
    try:
        server = psycopg.connect(admin, autocommit=True)
    except psycopg.OperationalError as error:
        raise BenchSetupError(f"Cannot reach PostgreSQL at {parts.hostname}: {error}") from None
    with server:
        exists = server.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if exists:
            raise BenchSetupError(
                f"The database {name} exists: name one the bench can create and drop."
            )
        server.execute(f'CREATE DATABASE "{name}"')
    try:
        yield database_url
    finally:
        with psycopg.connect(admin, autocommit=True) as server:
            server.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _static_files_changed() -> bool:
    """Whether production's collected static files are missing or older than
    the project's own (installed packages' files change only on upgrades)."""
    manifest = BASE_DIR / "staticfiles" / "staticfiles.json"
    if not manifest.exists():
        return True
    ours = (path.stat().st_mtime for path in (BASE_DIR / "static").rglob("*") if path.is_file())
    return max(ours, default=0) > manifest.stat().st_mtime


@dataclass
class Server:
    url: str
    env: dict
    data: dict


@contextmanager
def serve(database_url: str | None, *, workers: int | None = None, log=print):
    """Migrate and fill a throw-away database, then serve it under gunicorn
    (sync workers, by default one per core) with production settings."""
    with _database(database_url) as url, tempfile.TemporaryDirectory() as folder:
        env = {
            **os.environ,
            "DEBUG": "0",
            "SECRET_KEY": secrets.token_urlsafe(50),
            "ALLOWED_HOSTS": "127.0.0.1",
            "DATABASE_URL": url,
            "LOG_LEVEL": "WARNING",
            "PYTHONUNBUFFERED": "1",
        }
        log(f"database: {url.split('@')[-1]}; migrating and building the data...")
        _run(["manage.py", "migrate", "--no-input", "-v", "0"], env)
        if _static_files_changed():
            log("collecting the static files (once, or after they change)...")
            _run(["manage.py", "collectstatic", "--no-input", "-v", "0"], env)
        built = _run(
            ["manage.py", "shell", "-c", "from raci import bench; bench.build_data()"],
            env,
            stdout=subprocess.PIPE,
        )
        data = json.loads(built.stdout.strip().splitlines()[-1])
        port = _free_port()
        workers = workers or os.cpu_count() or 1
        error_log = Path(folder) / "gunicorn.log"
        gunicorn = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "gunicorn",
                "raci.bench_app:application",
                f"--bind=127.0.0.1:{port}",
                f"--workers={workers}",
                "--worker-class=sync",
                f"--error-logfile={error_log}",
                "--no-control-socket",
                "--timeout=120",
            ],
            env=env,
            cwd=BASE_DIR,
        )
        try:
            server = Server(url=f"http://127.0.0.1:{port}", env=env, data=data)
            try:
                _wait_until_up(server, gunicorn)
            except RuntimeError:
                log(error_log.read_text()[-3000:] if error_log.exists() else "no gunicorn log")
                raise
            log(f"gunicorn: {workers} sync workers on {server.url}")
            yield server
        finally:
            gunicorn.terminate()
            try:
                gunicorn.wait(timeout=20)
            except subprocess.TimeoutExpired:
                gunicorn.kill()
                gunicorn.wait()
            errors = error_log.read_text() if error_log.exists() else ""
            if "Traceback" in errors:
                log("gunicorn logged errors:\n" + errors[-4000:])


def _wait_until_up(server: Server, process) -> None:
    import requests

    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError("gunicorn stopped before it answered")
        try:
            Browser(server.url).get("/bench/bare/", timeout=5)
            return
        except requests.RequestException:
            time.sleep(0.2)
    raise RuntimeError("gunicorn did not answer within 60 seconds")


# --- A signed-in browser -------------------------------------------------------------------


def _loopback_cookie_jar():
    from requests.cookies import RequestsCookieJar

    class LoopbackCookieJar(RequestsCookieJar):
        """Production cookies are Secure; the TLS proxy is played by a header,
        so let them travel over the loopback's plain HTTP."""

        def set_cookie(self, cookie, *args, **kwargs):
            cookie.secure = False
            return super().set_cookie(cookie, *args, **kwargs)

    return LoopbackCookieJar()


def cell_state(html: str, cell_dom_id: str) -> tuple[str, int] | None:
    """The letters and version a page or row shows for a cell."""
    tag = re.search(rf'<td id="{cell_dom_id}"[^>]*>', html)
    if tag is None:
        return None
    version = re.search(r'data-version="(\d+)"', tag.group())
    letters = re.search(r'data-letters="([ARCI]*)"', tag.group())
    return (letters.group(1) if letters else ""), int(version.group(1)) if version else 0


def rest_of_rows(html: str) -> str | None:
    """The address of the rows a large team's page fetches after its first screen."""
    found = re.search(r'class="grid-rest" hx-get="([^"]+)"', html)
    return found.group(1).replace("&amp;", "&") if found else None


def findings_digest(html: str) -> str | None:
    found = re.search(r'id="findings"[^>]*data-digest="(\w+)"', html)
    return found.group(1) if found else None


class Browser:
    def __init__(self, base_url: str, session=None):
        import requests

        self.base_url = base_url
        self.session = session or requests.Session()
        self.session.cookies = _loopback_cookie_jar()
        # The TLS-terminating proxy of a deployment says the request was HTTPS.
        self.session.headers["X-Forwarded-Proto"] = "https"
        self.origin = "https://" + urlsplit(base_url).netloc

    def get(self, path, **kwargs):
        return self.session.get(self.base_url + path, **kwargs)

    def sign_in(self, username: str) -> None:
        self.get("/accounts/login/")
        response = self.session.post(
            self.base_url + "/accounts/login/",
            data={
                "username": username,
                "password": PASSWORD,
                "csrfmiddlewaretoken": self.session.cookies["csrftoken"],
            },
            headers={"Origin": self.origin},
            allow_redirects=False,
        )
        if response.status_code != 302:
            raise RuntimeError(f"signing in as {username} failed ({response.status_code})")

    def edit(self, team_url: str, activity: int, role: int, letters: str, version: int, digest):
        """A cell edit as the editor's script sends it."""
        data = {"letters": list(letters), "version": version}
        if digest:
            data["digest"] = digest
        return self.session.post(
            f"{self.base_url}{team_url}cells/{activity}/{role}/",
            data=data,
            headers={
                "HX-Request": "true",
                "HX-Current-URL": self.origin + team_url,
                "X-CSRFToken": self.session.cookies["csrftoken"],
                "Origin": self.origin,
            },
        )


# --- The bench -----------------------------------------------------------------------------

# Views of a page before it counts as seen: each worker is then all but sure
# to have drawn it once (which worker answers is up to the operating system).
WARM_UP_VIEWS = 4


# The matrix page, measured three ways: after a change that makes every worker
# read and analyse the team whole (an admin's edit, a new column: what a
# worker's first view of a team costs too), after a colleague's cell edit
# made once every worker had drawn the page (each brings the grid it kept up
# to date from the change log), and unchanged since the worker drew it.
PAGE_KINDS = {
    "whole": "read whole",
    "caught": "a colleague edited",
    "seen": "seen unchanged",
}


def _cell_to_toggle(team: dict, page: str, *, row: int, letter: str) -> dict:
    column = team["letters"][row].index("") if "" in team["letters"][row] else 0
    activity, role = team["activities"][row][0], team["roles"][column][0]
    letters, version = cell_state(page, f"cell-{activity}-{role}")
    return {
        "cell": (activity, role),
        "letter": letter,
        "letters": letters,
        "version": version,
        "digest": findings_digest(page),
    }


def _toggle(browser: Browser, team: dict, name: str, edit: dict):
    """Edit the cell `edit` names, from "" to its letter or back; the answer."""
    wanted = "" if edit["letters"] else edit["letter"]
    response = browser.edit(team["url"], *edit["cell"], wanted, edit["version"], edit["digest"])
    state = cell_state(response.text, "cell-{}-{}".format(*edit["cell"]))
    if state is None or state[0] != wanted:
        raise RuntimeError(f"the {name} edit was not saved: {response.text[:300]}")
    edit["letters"], edit["version"] = state
    edit["digest"] = findings_digest(response.text) or edit["digest"]
    return response


def _view_whole(browser: Browser, team_url: str) -> None:
    page = browser.get(team_url)
    if rest := rest_of_rows(page.text):
        browser.get(team_url + rest, headers={"HX-Request": "true"})


@dataclass
class Measure:
    what: str
    timings: list[float] = field(default_factory=list)
    size: int = 0
    queries: str = ""
    ratio: float | None = None
    target: float | None = None
    status: set = field(default_factory=set)

    @property
    def median(self) -> float:
        return statistics.median(self.timings) * 1000

    @property
    def p95(self) -> float:
        ordered = sorted(self.timings)
        return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))] * 1000

    def as_dict(self) -> dict:
        return {
            "what": self.what,
            "median_ms": round(self.median, 2),
            "p95_ms": round(self.p95, 2),
            "bytes": self.size,
            "queries": self.queries,
            "ratio": None if self.ratio is None else round(self.ratio, 2),
            "target": self.target,
            "met": None if self.target is None else self.ratio <= self.target,
            "status": sorted(self.status),
        }


def _timed(measure: Measure, request):
    start = time.perf_counter()
    response = request()
    measure.timings.append(time.perf_counter() - start)
    measure.size = len(response.content)
    measure.queries = response.headers.get("X-Bench-Queries", "")
    measure.status.add(response.status_code)
    return response


def _in_process(measure: Measure, function):
    start = time.perf_counter()
    result = function()
    measure.timings.append(time.perf_counter() - start)
    measure.size = len(result) if isinstance(result, str) else 0
    return result


def _timed_log(log):
    """The log, each line with the seconds since the start."""
    start = time.monotonic()
    return lambda line: log(f"[{time.monotonic() - start:5.1f} s] {line}")


def run_bench(*, database_url: str | None, runs: int, log=print) -> list[Measure]:
    log = _timed_log(log)
    with serve(database_url, log=log) as server:
        browser, colleague = Browser(server.url), Browser(server.url)
        browser.sign_in(server.data["users"][0])
        colleague.sign_in(server.data["users"][1])
        teams = server.data["teams"]
        measures = {"bare": Measure("bare view (framework floor)")}
        edits, colleague_edits = {}, {}
        for activities, roles in SIZES:
            name = size_name(activities, roles)
            team = teams[name]
            measures[f"floor {name}"] = Measure(f"rendering floor {name} (in process)")
            for kind, what in PAGE_KINDS.items():
                measures[f"{kind} {name}"] = Measure(f"matrix page {name}, {what}")
                measures[f"{kind} rest {name}"] = Measure("  its rows after the first screen")
            measures[f"edit {name}"] = Measure(f"cell edit {name} (htmx)")
            # The 21st row's first empty cell (on the first screen of every
            # size) is toggled between "" and "I"; the colleague toggles the
            # 41st row's between "" and "C".
            page = browser.get(team["url"]).text
            edits[name] = _cell_to_toggle(team, page, row=20, letter="I")
            colleague_edits[name] = _cell_to_toggle(team, page, row=40, letter="C")
        measures["organization"] = Measure(f"organization page, {TEAM_COUNT} teams")
        big = teams[size_name(*SIZES[-1])]
        measures["csv"] = Measure(f"CSV export {size_name(*SIZES[-1])}")
        measures["json"] = Measure(f"JSON export {size_name(*SIZES[-1])}")
        measures["xlsx"] = Measure(f"XLSX export {size_name(*SIZES[-1])}")
        measures["engine"] = Measure(f"engine alone {size_name(*SIZES[-1])} (in process)")
        big_matrix = engine_matrix(big)

        log(f"measuring {runs} interleaved rounds...")
        for _ in range(runs):
            _timed(measures["bare"], lambda: browser.get("/bench/bare/"))
            for activities, roles in SIZES:
                name = size_name(activities, roles)
                team = teams[name]
                _in_process(measures[f"floor {name}"], lambda team=team: rendering_floor(team))
                for kind in PAGE_KINDS:
                    if kind == "whole":
                        # A change no worker can catch up with from the change log.
                        move_revision_on(server.env["DATABASE_URL"], name)
                    else:
                        # Seen by every worker first: the read whole just
                        # before left the other worker a revision it cannot
                        # catch up from.
                        for _ in range(WARM_UP_VIEWS):
                            _view_whole(browser, team["url"])
                        if kind == "caught":
                            _toggle(colleague, team, name, colleague_edits[name])
                    page = _timed(measures[f"{kind} {name}"], lambda t=team: browser.get(t["url"]))
                    if rest := rest_of_rows(page.text):
                        _timed(
                            measures[f"{kind} rest {name}"],
                            lambda t=team, rest=rest: browser.get(
                                t["url"] + rest, headers={"HX-Request": "true"}
                            ),
                        )
                # The edit is sent from the page just seen, with its digest.
                edits[name]["digest"] = findings_digest(page.text) or edits[name]["digest"]
                _timed(
                    measures[f"edit {name}"],
                    lambda t=team, n=name: _toggle(browser, t, n, edits[n]),
                )
            _timed(measures["organization"], lambda: browser.get(server.data["organization_url"]))
            _timed(measures["csv"], lambda: browser.get(big["url"] + "export.csv"))
            _timed(measures["json"], lambda: browser.get(big["url"] + "export.json"))
            _timed(measures["xlsx"], lambda: browser.get(big["url"] + "export.xlsx"))
            _in_process(measures["engine"], lambda: rules.analyse(big_matrix))
        # The PDF of a large team takes WeasyPrint many seconds: once, of the mid-size team.
        measures["pdf"] = Measure(f"PDF export {LOAD_TEAM} (one run)")
        _timed(measures["pdf"], lambda: browser.get(teams[LOAD_TEAM]["url"] + "export.pdf"))
        log("done; stopping gunicorn and dropping the data")

    bare = measures["bare"].median
    for activities, roles in SIZES:
        name = size_name(activities, roles)
        floor = bare + measures[f"floor {name}"].median
        for kind in PAGE_KINDS:
            page, rest = measures[f"{kind} {name}"], measures.pop(f"{kind} rest {name}")
            page.ratio = page.median / floor
            page.target = 3 if activities >= 300 else None
            if rest.timings:
                # A large team's page is its first screen; the whole matrix is
                # that and the rest, and it is the whole that meets the target.
                page.what += ": first screen"
                page.target = None
                whole = Measure(
                    "  whole matrix (page + rest)",
                    timings=[a + b for a, b in zip(page.timings, rest.timings, strict=True)],
                    size=page.size + rest.size,
                    queries=f"{page.queries}+{rest.queries}",
                    target=3,
                )
                whole.ratio = whole.median / floor
                measures[f"{kind} rest {name}"] = rest
                measures[f"{kind} whole {name}"] = whole
        edit = measures[f"edit {name}"]
        edit.ratio, edit.target = edit.median / bare, 10
    organization = measures["organization"]
    organization.ratio, organization.target = organization.median / bare, 10
    order = ["bare"] + [
        f"{kind} {size_name(*size)}"
        for size in SIZES
        for kind in (
            "floor",
            *(f"{page}{part}" for page in PAGE_KINDS for part in ("", " rest", " whole")),
            "edit",
        )
    ]
    order += ["organization", "csv", "json", "xlsx", "pdf", "engine"]
    return [measures[key] for key in order if key in measures]


def bench_table(measures: list[Measure]) -> str:
    lines = [
        f"{'what':<52} {'median ms':>10} {'p95 ms':>8} {'KB':>8} {'queries':>7} "
        f"{'ratio':>6} {'target':>7}",
    ]
    for m in measures:
        ratio = "" if m.ratio is None else f"{m.ratio:.1f}x"
        target = ""
        if m.target is not None:
            target = f"<={m.target}x " + ("ok" if m.ratio <= m.target else "MISSED")
        answered = "" if m.status <= {200} else f" status {sorted(m.status)}"
        lines.append(
            f"{m.what:<52} {m.median:>10.1f} {m.p95:>8.1f} {m.size / 1024:>8.1f} "
            f"{m.queries:>7} {ratio:>6} {target:>7}{answered}"
        )
    lines.append(
        "ratio: a matrix page to (bare view + rendering floor of its cells); "
        "an edit or the organization page to the bare view."
    )
    return "\n".join(lines)


# --- The load test -------------------------------------------------------------------------


def run_loadtest(*, database_url: str | None, seconds: int, pause: float = 0, log=print) -> dict:
    log = _timed_log(log)
    # As many workers as production runs (config/gunicorn.py: one per core
    # and one more, to use the time another waits on the database).
    workers = (os.cpu_count() or 1) + 1
    with (
        serve(database_url, workers=workers, log=log) as server,
        tempfile.TemporaryDirectory() as folder,
    ):
        team = server.data["teams"][LOAD_TEAM]
        sessions = []
        for username in server.data["users"]:
            editor = Browser(server.url)
            editor.sign_in(username)
            sessions.append([(c.name, c.value, c.domain, c.path) for c in editor.session.cookies])
        # Each editor owns every sixteenth row, so that the last acknowledged
        # edit of each cell is the one the database must hold at the end.
        config = {
            "team_url": team["url"],
            "sessions": sessions,
            "cells": [
                [
                    [activity, role]
                    for activity, _name in team["activities"][n::EDITORS]
                    for role, _name, _kind in team["roles"]
                ]
                for n in range(EDITORS)
            ],
            "results": str(Path(folder) / "results.json"),
            "pause": pause,
        }
        config_path = Path(folder) / "config.json"
        config_path.write_text(json.dumps(config))

        browser = Browser(server.url)
        bare = Measure("bare view")
        for _ in range(100):
            _timed(bare, lambda: browser.get("/bench/bare/"))
        log(f"bare view median before the load: {bare.median:.1f} ms")

        log(f"{EDITORS} editors for {seconds} s...")
        subprocess.run(
            [
                sys.executable,
                "-m",
                "locust",
                "-f",
                str(Path(__file__).with_name("load_test.py")),
                "--headless",
                f"--users={EDITORS}",
                f"--spawn-rate={EDITORS}",
                f"--run-time={seconds}s",
                f"--host={server.url}",
                "--only-summary",
                "--stop-timeout=30",
                "--loglevel=WARNING",
            ],
            env={**os.environ, "RACI_LOADTEST_CONFIG": str(config_path)},
            cwd=BASE_DIR,
            check=False,
            stdout=subprocess.DEVNULL,
        )
        stored = json.loads(
            _run(
                [
                    "manage.py",
                    "shell",
                    "-c",
                    f"from raci import bench; bench.cells_in_database({LOAD_TEAM!r})",
                ],
                server.env,
                stdout=subprocess.PIPE,
            )
            .stdout.strip()
            .splitlines()[-1]
        )
        result = json.loads(Path(config["results"]).read_text())

    lost = [
        cell
        for cell, (letters, version) in result["acknowledged"].items()
        if stored.get(cell, ["", 0]) != [letters, version]
    ]
    return {
        "seconds": seconds,
        "pause": pause,
        "editors": EDITORS,
        "workers": workers,
        "bare_median_ms": bare.median,
        "stats": result["stats"],
        "server_errors": result["server_errors"],
        "cells": len(result["acknowledged"]),
        "edits": result["edits"],
        "lost": lost,
    }


def loadtest_report(result: dict) -> str:
    lines = [
        f"{result['editors']} editors, {result['seconds']} s, "
        f"{result.get('workers', '?')} gunicorn workers, 80% reads of the "
        f"{LOAD_TEAM} matrix, 20% cell edits, "
        + (
            f"{result['pause']:g} s between requests on average"
            if result.get("pause")
            else "no pause"
        ),
        f"{'endpoint':<12} {'requests':>8} {'req/s':>7} {'p50 ms':>7} {'p95 ms':>7} "
        f"{'p99 ms':>7} {'failures':>8}",
    ]
    for name, row in result["stats"].items():
        lines.append(
            f"{name:<12} {row['requests']:>8} {row['per_second']:>7.1f} {row['p50']:>7.0f} "
            f"{row['p95']:>7.0f} {row['p99']:>7.0f} {row['failures']:>8}"
        )
    edit_p95 = result["stats"].get("cell edit", {}).get("p95", 0)
    bare = result["bare_median_ms"]
    lines += [
        f"bare view median (same run, idle server): {bare:.1f} ms; "
        f"edit p95 = {edit_p95 / bare:.0f}x the bare view",
        f"5xx answers: {result['server_errors']}",
        f"edits acknowledged: {result['edits']} on {result['cells']} cells; "
        f"missing from the database at the end: {len(result['lost'])}",
    ]
    return "\n".join(lines)
