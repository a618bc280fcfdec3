"""Time the app end to end on a large team: `manage.py benchmark`.

Builds a team of ACTIVITIES x ROLES (the engine benchmark's seeded matrix) in
a transaction that is rolled back afterwards, then times the matrix page and a
cell edit through Django's test client, with their query counts and sizes.
"""

import statistics
import time

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from raci import benchmark
from raci.models import Activity, Assignment, Membership, Organization, Role, Team, TeamRole
from raci.vocabulary import letters_to_text


class Rollback(Exception):
    pass


class Command(BaseCommand):
    help = "Time the matrix page and a cell edit on a large team (nothing is kept)."

    def add_arguments(self, parser):
        parser.add_argument("--activities", type=int, default=1000)
        parser.add_argument("--roles", type=int, default=20)
        parser.add_argument("--runs", type=int, default=3)

    def handle(self, *args, activities, roles, runs, **options):
        matrix = benchmark.build_matrix(activities=activities, roles=roles)
        timings = benchmark.measure(matrix, runs=max(runs, 5))
        self._report("engine analyse()", timings)
        try:
            with transaction.atomic():
                team, user = self._team(matrix)
                self._time_pages(team, user, runs)
                time_exports(self.stdout, team)
                raise Rollback
        except Rollback:
            pass

    def _team(self, matrix):
        organization = Organization.objects.create(name="Benchmark", slug="benchmark-run")
        user = get_user_model().objects.create_user(username="benchmark-run")
        Membership.objects.create(organization=organization, user=user, level="owner")
        team = Team.objects.create(organization=organization, name="Benchmark", slug="benchmark")
        canonical = {role.canonical: role for role in organization.roles.all()}
        role_rows = [
            canonical[role.kind.value]
            if role.kind
            else Role.objects.create(organization=organization, name=role.name)
            for role in matrix.roles
        ]
        TeamRole.objects.bulk_create(
            TeamRole(team=team, role=role, position=n) for n, role in enumerate(role_rows)
        )
        activity_rows = Activity.objects.bulk_create(
            Activity(
                team=team,
                name=activity.name,
                position=n,
                catalogue_key=activity.catalogue_key or "",
                category="delivery",
            )
            for n, activity in enumerate(matrix.activities)
        )
        role_by_key = dict(zip((r.key for r in matrix.roles), role_rows, strict=True))
        activity_by_key = dict(zip((a.key for a in matrix.activities), activity_rows, strict=True))
        Assignment.objects.bulk_create(
            Assignment(
                activity=activity_by_key[a], role=role_by_key[r], letters=letters_to_text(cell)
            )
            for (a, r), cell in matrix.cells.items()
        )
        self.stdout.write(
            f"team: {len(activity_rows)} activities x {len(role_rows)} roles, "
            f"{len(matrix.cells)} filled cells"
        )
        return team, user

    def _time_pages(self, team, user, runs):
        client = Client()
        client.force_login(user)
        page_url = reverse("raci:matrix", args=[team.organization.slug, team.slug])
        page = self._time(lambda: client.get(page_url), runs)
        self._report("matrix page GET", page.timings, page)

        middle = team.activities.all()[team.activities.count() // 2]
        role = team.roles.first()
        cell_url = reverse(
            "raci:cell", args=[team.organization.slug, team.slug, middle.pk, role.pk]
        )

        def edit():
            cell = Assignment.objects.filter(activity=middle, role=role).first()
            return client.post(
                cell_url,
                {"letters": ["I"], "version": cell.version if cell else 0},
                HTTP_HX_REQUEST="true",
            )

        result = self._time(edit, runs)
        self._report("cell edit POST (htmx)", result.timings, result)

    def _time(self, request, runs):
        timings = []
        for _ in range(runs):
            with CaptureQueriesContext(connection) as queries:
                start = time.perf_counter()
                response = request()
                timings.append(time.perf_counter() - start)
        response.timings = timings
        response.query_count = len(queries)
        return response

    def _report(self, label, timings, response=None):
        line = (
            f"{label}: best {min(timings) * 1000:.0f} ms, "
            f"median {statistics.median(timings) * 1000:.0f} ms over {len(timings)} runs"
        )
        if response is not None:
            line += (
                f"; status {response.status_code}, {len(response.content) / 1024:.0f} KB, "
                f"{response.query_count} queries"
            )
        self.stdout.write(line)


def time_exports(stdout, team, formats=("xlsx", "pdf", "csv", "json", "md", "svg")) -> None:
    """Time each export of `team` once (a PDF of a large team takes seconds), then the
    import of its XLSX into a new team, with sizes."""
    from raci import imports, matrix_io
    from raci.views.exports import chart_for, team_export_content

    chart = chart_for(team.snapshot(), exported_by="benchmark")
    contents = {}
    for file_format in formats:
        start, cpu = time.perf_counter(), time.process_time()
        contents[file_format] = content = team_export_content(chart, file_format)
        elapsed, cpu = time.perf_counter() - start, time.process_time() - cpu
        size = len(content.encode() if isinstance(content, str) else content)
        # CPU time as well: on a shared machine the wall clock also counts the neighbours.
        stdout.write(
            f"export {file_format}: {elapsed * 1000:.0f} ms ({cpu * 1000:.0f} ms CPU), "
            f"{size / 1024:.0f} KB"
        )
    if "xlsx" in contents:
        start = time.perf_counter()
        reading = matrix_io.read_matrix_file(contents["xlsx"], "benchmark.xlsx")
        read = time.perf_counter() - start
        plan = imports.import_plan(
            organization=team.organization, team=None, matrix=reading.matrix, team_name="Copy"
        )
        imports.import_apply(plan=plan, organization=team.organization)
        stdout.write(
            f"import xlsx: read {read * 1000:.0f} ms, "
            f"plan and write {(time.perf_counter() - start - read) * 1000:.0f} ms"
        )
