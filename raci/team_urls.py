"""The addresses a team's editor links to, reversed once per team and process.

The matrix page names about forty of them: `{% url %}` reversed each at every
view, 0.8 ms of the page (measured with `raci bench`); a look-up is a fifth of that.
"""

from functools import lru_cache

from django.urls import get_script_prefix, get_urlconf, reverse

# The export menu's formats, as the `export` URL spells them.
EXPORT_FORMATS = {
    "xlsx": "xlsx",
    "pdf": "pdf",
    "svg": "svg",
    "md": "md",
    "html": "html",
    "csv": "csv",
    "excel_csv": "excel.csv",
    "long_csv": "long.csv",
    "json": "json",
}
TEAM_PAGES = (
    "matrix",
    "live",
    "history",
    "team_people",
    "versions",
    "team_settings",
    "team_import",
    "undo",
    "redo",
    "activity_add",
    "column_add",
    "print",
    "accepted_findings",
)


class TeamURLs:
    """`team.urls.history`, `team.urls.export.xlsx`... (see TEAM_PAGES and EXPORT_FORMATS)."""

    def __init__(self, org_slug: str, team_slug: str):
        team = [org_slug, team_slug]
        for name in TEAM_PAGES:
            setattr(self, name, reverse(f"raci:{name}", args=team))
        self.export = {
            key: reverse("raci:export", args=[*team, file_format])
            for key, file_format in EXPORT_FORMATS.items()
        }
        self.organization = reverse("raci:organization", args=[org_slug])
        self.roles = reverse("raci:roles", args=[org_slug])
        self.editor_preferences = reverse("raci:editor_preferences")
        self.role_definitions = reverse("raci:role_definitions")


def team_urls(org_slug: str, team_slug: str) -> TeamURLs:
    # The URLconf and the script prefix are per request in principle.
    return _team_urls(get_urlconf(), get_script_prefix(), org_slug, team_slug)


@lru_cache(maxsize=1024)
def _team_urls(urlconf, script_prefix, org_slug, team_slug) -> TeamURLs:
    return TeamURLs(org_slug, team_slug)
