"""The findings panel's lists, written in Python for the matrix page and the
htmx answers alike (the panel around them stays in the template).

Each finding carries a link to its rule, its sources, its fix and Accept
forms: written by the template language, with a `{% url %}` per form,
the 50 findings per severity took half of a 300 x 12 page. Here the
addresses are built once per panel and each item is a few `format_html`
calls.

The markup of an open finding, in short (the editor's script, the browser
tests and the accept form's htmx swap rely on it):

    <li class="finding finding-SEVERITY" data-rule="RULE">
      <a href="#TARGET" class="finding-link" data-target="TARGET" id="finding-SEVERITY-N">…</a>
      <a class="rule-id" href="…#rule-RULE">…</a>
      [suggestion] [reopened] [matched by name + link form] [<details class="reference">]
      <div class="finding-actions">[<form class="fix-form"> <button class="apply-fix">LABEL</button>
        <span class="fix-effect">CHANGES</span></form>…] <a class="accept-link">Accept…</a></div>
    </li>
"""

from functools import cached_property, lru_cache
from html import escape

from django.middleware.csrf import get_token
from django.urls import reverse
from django.utils import formats
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe
from django.utils.timezone import template_localtime

from raci import rules
from raci.catalogue import CatalogueEntry, Source
from raci.grid import Grid, Placed, SeverityGroup


@lru_cache(maxsize=1024)
def _reference(
    sources: tuple[Source, ...], reference: CatalogueEntry | None, definitions_url: str
) -> SafeString:
    """The role definition and the passages a finding rests on, folded. They
    come from the catalogue, which does not change while the app runs: each is
    written once, however many findings and pages show it."""
    summary = f"Sources ({len(sources)})" if sources else "Role definition"
    definition = ""
    if reference:
        definition = format_html(
            '<p class="mb-1"><a href="{}#{}"><strong>{}</strong></a>: {}</p>',
            definitions_url,
            reference.key,
            reference.name,
            reference.description,
        )
    listed = ""
    if sources:
        listed = format_html(
            '<ul class="sources">{}</ul>',
            format_html_join(
                "",
                '<li>{} <cite title="{}">({}: {})</cite></li>',
                ((source.paraphrase, source.seed, source.title, source.part) for source in sources),
            ),
        )
    return format_html(
        '<details class="reference"><summary>{}</summary>{}{}</details>',
        summary,
        definition,
        listed,
    )


def _day(moment) -> str:
    """A date as the panel writes it ("3 Nov 2026"), in the current time zone."""
    return formats.date_format(template_localtime(moment), "j M Y")


class FindingsMarkup:
    """Writes the findings panel's lists of one grid, when the template asks
    for them (a cell edit's answer mostly leaves the panel out)."""

    def __init__(self, grid: Grid, *, request, team, can_edit: bool):
        self.grid = grid
        self.request = request
        self.team = team
        self.can_edit = can_edit
        slugs = [team.organization.slug, team.slug]
        self.definitions_url = reverse("raci:role_definitions")
        self.apply_fix_url = reverse("raci:apply_fix", args=slugs)
        self.accept_url = reverse("raci:finding_accept", args=slugs)

    # The lists are written with this in place of each form's CSRF field and
    # kept with the grid (a grid seen again is kept: raci/grid.py,
    # RecentGrids); each request puts its own token in. Escaped text can
    # never spell it.
    csrf_field = mark_safe("<!--csrf-field-->")

    @cached_property
    def _csrf_input(self) -> str:
        """The forms' CSRF field, one token for every form of the panel as
        `{% csrf_token %}` gives."""
        return format_html(
            '<input type="hidden" name="csrfmiddlewaretoken" value="{}">', get_token(self.request)
        )

    def _kept(self, part: str, write) -> str:
        """`part` of the panel as `write()` writes it for this grid and
        editing right, written once per grid, with this request's token."""
        key = ("findings panel", part, self.can_edit)
        if key not in self.grid.kept_markup:
            self.grid.kept_markup[key] = write()
        written = self.grid.kept_markup[key]
        if not self.can_edit:
            return mark_safe(written)  # no forms
        return mark_safe(written.replace(self.csrf_field, self._csrf_input))

    @cached_property
    def severity_groups(self) -> list[tuple[SeverityGroup, SafeString]]:
        """Each severity's group with the list items of its findings shown."""
        return [
            (
                group,
                self._kept(
                    group.severity.value,
                    lambda group=group: "".join(
                        self.finding(placed, n) for n, placed in enumerate(group.shown, 1)
                    ),
                ),
            )
            for group in self.grid.findings_by_severity
        ]

    # An open finding

    def finding(self, placed: Placed, number: int) -> str:
        # Plain f-strings with escape() (as the grid's rows): format_html's
        # checks on every argument took most of a finding's 40 microseconds.
        finding = placed.finding
        severity = finding.severity
        rule = escape(finding.rule)
        target = escape(placed.target)
        message = escape(finding.message)  # written up to three times
        parts = [
            # The message describes the buttons below it (id unique per severity).
            f'<li class="finding finding-{severity}" data-rule="{rule}"><a href="#{target}" '
            f'class="finding-link" data-target="{target}" id="finding-{severity}-{number}">'
            f'<span class="marker marker-{severity}" aria-hidden="true">{escape(severity.symbol)}'
            f'</span><span class="visually-hidden">{severity.label}:</span> {message}</a>'
            f'<a class="rule-id" href="{self.definitions_url}#rule-{rule}" '
            f'title="What this rule checks"><code>{rule}</code></a>'
        ]
        if finding.suggestion:
            parts.append(f'<p class="suggestion mb-1">{escape(finding.suggestion)}</p>')
        if finding.reopened:
            parts.append(self._reopened(finding.reopened))
        if finding.matched_by_name:
            link = self.link_form(finding.activity_key, finding.reference) if self.can_edit else ""
            parts.append(
                format_html(
                    '<div class="matched small mb-1">This row has no catalogue key; its name '
                    'matched <a href="{}#{}">{}</a>. {}</div>',
                    self.definitions_url,
                    finding.reference.key,
                    finding.reference.name,
                    link,
                )
            )
        if finding.sources or finding.reference:
            parts.append(_reference(finding.sources, finding.reference, self.definitions_url))
        if self.can_edit:
            parts.append(self._actions(placed, message, target, number))
        parts.append("</li>")
        return "".join(parts)

    def _reopened(self, acceptance: rules.Acceptance) -> str:
        on = format_html(" on {}", _day(acceptance.at)) if acceptance.at else ""
        return format_html(
            '<p class="reopened small mb-1">Reopened: accepted by {}{} (“{}”), but a letter it '
            "concerns has changed since.</p>",
            acceptance.by or "a former member",
            on,
            acceptance.reason,
        )

    @cached_property
    def _role_names(self) -> dict[str, str]:
        """The columns' names by the engine's role key, for saying what a fix changes."""
        return {str(column.role_id): column.name for column in self.grid.columns}

    def _actions(self, placed: Placed, message: str, target: str, number: int) -> str:
        """The fix and Accept forms; `message` and `target` come escaped."""
        finding = placed.finding
        fields = self._finding_fields(finding)
        fixes = "".join(
            # The button says what the fix does and is named after its finding (a
            # page of findings has many of these buttons); the cells it changes
            # are written beside it and describe it.
            f'<form method="post" action="{self.apply_fix_url}" hx-post="{self.apply_fix_url}" '
            f'data-focus="{target}" class="fix-form">{fields}<input type="hidden" name="fix" '
            f'value="{escape(fix.key)}"><button type="submit" class="btn btn-sm '
            f'btn-outline-primary apply-fix" aria-describedby="{effect_id}">{escape(fix.label)}'
            f'<span class="visually-hidden">: {message}</span></button> <span class="fix-effect '
            f'small" id="{effect_id}">{escape(fix.effect(self._role_names))}</span></form>'
            for n, fix in enumerate(finding.fixes, 1)
            for effect_id in [f"finding-{finding.severity}-{number}-fix-{n}"]
        )
        # The reason form comes on demand: the boosted link is replaced by it;
        # without JavaScript it opens on a page of its own.
        return (
            f'<div class="finding-actions">{fixes}<a class="btn btn-sm btn-outline-secondary '
            f'accept-link" href="{self.accept_url}?{escape(placed.identity_query)}" '
            f'hx-boost="true" hx-push-url="false" hx-target="this">Accept…<span '
            f'class="visually-hidden"> {message}</span></a></div>'
        )

    def _finding_fields(self, finding: rules.Finding) -> str:
        """What names a finding in a form; the server finds it again in the current matrix."""
        return (
            f'{self.csrf_field}<input type="hidden" name="rule" value="{escape(finding.rule)}">'
            f'<input type="hidden" name="activity" value="{escape(finding.activity_key or "")}">'
            f'<input type="hidden" name="role" value="{escape(finding.role_key or "")}">'
        )

    # Accepted findings and rows matched by name

    @cached_property
    def accepted(self) -> SafeString:
        """The list items of the findings the team accepted."""
        return self._kept(
            "accepted", lambda: "".join(self._accepted(finding) for finding in self.grid.accepted)
        )

    def _accepted(self, finding: rules.Finding) -> str:
        acceptance = finding.accepted
        on = format_html(" on {}", _day(acceptance.at)) if acceptance.at else ""
        reopen = ""
        if self.can_edit:
            url = reverse(
                "raci:finding_reopen",
                args=[self.team.organization.slug, self.team.slug, acceptance.key],
            )
            reopen = format_html(
                '<form method="post" action="{}" hx-post="{}" data-focus="flash">{}'
                '<input type="hidden" name="back_to" value="matrix"><button type="submit" '
                'class="btn btn-sm btn-outline-secondary reopen-button" aria-label="Reopen: {}">'
                "Reopen</button></form>",
                url,
                url,
                self.csrf_field,
                finding.message,
            )
        return format_html(
            '<li class="finding finding-accepted" data-rule="{}"><span class="marker" '
            'aria-hidden="true">✓</span> {} <code class="rule-id">{}</code>'
            '<p class="small mb-1">Accepted by {}{}: “{}”</p>{}</li>',
            finding.rule,
            finding.message,
            finding.rule,
            acceptance.by or "a former member",
            on,
            acceptance.reason,
            reopen,
        )

    @cached_property
    def name_matches(self) -> SafeString:
        """The list items of the rows checked as the catalogue entry their name matched."""
        return self._kept("name matches", self._name_matches)

    def _name_matches(self) -> str:
        return format_html_join(
            "",
            '<li>“{}” is checked as <a href="{}#{}">{}</a>. {}</li>',
            (
                (
                    activity.name,
                    self.definitions_url,
                    entry.key,
                    entry.name,
                    self.link_form(activity.key, entry) if self.can_edit else "",
                )
                for activity, entry in self.grid.name_matches
            ),
        )

    def link_form(self, activity_key: str, entry) -> str:
        """Gives the row `activity_key` the catalogue key of `entry`, the entry its name matched."""
        url = reverse(
            "raci:activity_link", args=[self.team.organization.slug, self.team.slug, activity_key]
        )
        return format_html(
            '<form method="post" action="{}" hx-post="{}" data-focus="flash" class="d-inline">{}'
            '<input type="hidden" name="key" value="{}"><button type="submit" '
            'class="btn btn-sm btn-outline-primary link-entry" aria-label="Link to catalogue '
            'entry: {}">Link to catalogue entry</button></form>',
            url,
            url,
            self.csrf_field,
            entry.key,
            entry.name,
        )
