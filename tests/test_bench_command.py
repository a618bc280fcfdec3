"""`raci bench` and `raci loadtest` that cannot start say why, without a traceback."""

import pytest
from django.core.management import CommandError, call_command
from django.db import connection


@pytest.mark.parametrize("action", ["bench", "loadtest"])
def test_a_database_url_that_is_not_postgresql_is_refused_with_a_message(action):
    with pytest.raises(CommandError, match="must name a PostgreSQL database"):
        call_command("raci", action, "--database-url", "sqlite:///tmp/bench.sqlite3")


@pytest.mark.django_db
@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs a PostgreSQL server")
def test_an_existing_database_is_never_taken_over():
    # The test database itself exists: the bench must not use (and drop) it.
    settings = connection.settings_dict
    url = (
        f"postgres://{settings['USER']}@{settings['HOST'] or '127.0.0.1'}:"
        f"{settings['PORT'] or 5432}/{settings['NAME']}"
    )
    with pytest.raises(CommandError, match="exists: name one the bench can create and drop"):
        call_command("raci", "bench", "--database-url", url)
    assert connection.cursor().execute("SELECT 1") is not None
