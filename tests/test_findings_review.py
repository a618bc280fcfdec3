"""Reviewing findings in the editor: accept one with a reason, see it reopen when
a cell it concerns changes, reopen it by hand, link a row matched by name to
its catalogue entry, and pick a fix when two columns play the documented owner."""

import io
from urllib.parse import urlencode

import pytest
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils.html import escape
from pypdf import PdfReader

from raci.grid import finding_identity, identity_query, recent_grids
from raci.models import AcceptedFinding, Assignment, Role, TeamRole, find_finding
from raci.vocabulary import CanonicalRole
from tests.builders import canonical_role, make_activity, make_team

PM, PO, SM, DEV = (
    CanonicalRole.PRODUCT_MANAGER,
    CanonicalRole.PRODUCT_OWNER,
    CanonicalRole.SCRUM_MASTER,
    CanonicalRole.DEVELOPERS,
)
HTMX = {"HTTP_HX_REQUEST": "true"}
REASON = "Maya orders the backlog until Tom takes over in Q3."


@pytest.fixture
def team(organization):
    return make_team(organization, "Checkout")


@pytest.fixture
def ordering(team):
    """The PM holds the A on backlog ordering: an owner-mismatch warning."""
    return make_activity(
        team,
        "Backlog ordering",
        category="backlog",
        catalogue_key="backlog-ordering",
        letters={PM: "AR", PO: "C", DEV: "C"},
    )


def url(name, team, *args):
    return reverse(f"raci:{name}", args=[team.organization.slug, team.slug, *args])


def mismatch(team):
    return next(f for f in team.analyse() if f.rule == "owner-mismatch")


def accept(team, finding, user, reason=REASON):
    return team.accept_finding(
        rule=finding.rule,
        activity=finding.activity_key or "",
        role=finding.role_key or "",
        letters_digest=finding.letters_digest,
        reason=reason,
        user=user,
    )


def accept_data(finding, reason=REASON, **overrides):
    data = {
        "rule": finding.rule,
        "activity": finding.activity_key or "",
        "role": finding.role_key or "",
        "person": finding.person_key or "",
        "subject": finding.subject,
        "letters": finding.letters_digest,
        "reason": reason,
    }
    return data | overrides


def panel_counts(client, team):
    """Open owner-mismatch findings in the panel, and accepted findings."""
    grid = client.get(url("matrix", team)).context["grid"]
    return sum(f.rule == "owner-mismatch" for f in grid.findings), len(grid.accepted)


def test_accepting_a_finding_records_who_when_and_why_and_takes_it_out_of_the_totals(
    editor_client, editor, team, ordering
):
    assert panel_counts(editor_client, team) == (1, 0)

    response = editor_client.post(url("finding_accept", team), accept_data(mismatch(team)), **HTMX)

    page = response.content.decode()
    assert response.status_code == 200 and 'id="workspace"' in page
    assert "Accepted: the finding no longer counts" in page
    assert f"“{REASON}”" in page and "Accepted by edgar" in page
    acceptance = AcceptedFinding.objects.get()
    assert (acceptance.team, acceptance.accepted_by, acceptance.reason) == (team, editor, REASON)
    assert (acceptance.rule, acceptance.activity, acceptance.role) == (
        "owner-mismatch",
        ordering,
        canonical_role(team.organization, PM),
    )
    assert "Backlog ordering / Product Manager: AR" in acceptance.letters
    assert panel_counts(editor_client, team) == (0, 1)


def test_undoing_an_acceptance_says_its_reason_with_one_full_stop(
    editor_client, editor, team, ordering
):
    accept(team, mismatch(team), editor)  # REASON ends with a full stop

    page = editor_client.post(url("undo", team), **HTMX).content.decode()

    assert "Undid: Accepted a finding (" in page
    assert mismatch(team).rule not in page.split("Undid:")[1].split("</")[0]  # no rule slug
    assert escape(REASON) in page and escape(REASON) + "." not in page


def test_the_panel_shows_what_users_typed_as_text_never_as_markup(
    editor_client, editor, team, ordering
):
    """A row's name reaches the messages and the buttons named after them, a
    reason the accepted list: escaped, like the grid."""
    name = '<img src=x onerror="alert(1)">'
    make_activity(team, name)  # no letters: an error that names the row
    accept(team, mismatch(team), editor, reason="<script>alert(2)</script>")

    page = editor_client.get(url("matrix", team)).content.decode()

    panel = page[page.index('<section id="findings"') :]
    assert "<img" not in panel and "<script>" not in panel
    assert f'Accept…<span class="visually-hidden"> “{escape(name)}” has no letters' in panel
    assert f"“{escape('<script>alert(2)</script>')}”" in panel


def test_the_print_view_and_the_pdf_list_an_accepted_finding_apart_from_the_open_ones(
    editor_client, editor, team, ordering
):
    finding = mismatch(team)
    accept(team, finding, editor)

    page = editor_client.get(url("print", team)).content.decode()
    listed, accepted = page.split("<h3>Accepted (1)</h3>")
    assert escape(finding.message) not in listed
    for severity in ("error", "warning"):
        listed_count = listed.count(f'<li class="finding-{severity}">')
        assert f" {listed_count} {severity}" in listed.split('class="finding-counts">')[1]
    assert escape(finding.message) in accepted
    assert "Accepted by edgar on " in accepted and f"“{escape(REASON)}”" in accepted

    pdf = PdfReader(io.BytesIO(editor_client.get(url("export", team, "pdf")).content))
    text = " ".join(" ".join(page.extract_text() for page in pdf.pages).split())
    listed, accepted = text.split("Accepted (1)")
    assert finding.message not in listed and finding.message in accepted
    assert "Accepted by edgar" in accepted and REASON in accepted


def test_a_plain_accept_redirects_to_the_findings(editor_client, team, ordering):
    response = editor_client.post(url("finding_accept", team), accept_data(mismatch(team)))

    assert response.status_code == 302 and response.url.endswith("#findings")
    assert AcceptedFinding.objects.count() == 1


def test_a_finding_cannot_be_accepted_without_a_reason(editor_client, team, ordering):
    response = editor_client.post(
        url("finding_accept", team), accept_data(mismatch(team), reason="   "), follow=True
    )

    assert "Say why the team lives with this finding." in response.content.decode()
    assert not AcceptedFinding.objects.exists()


def test_accepting_letters_the_user_did_not_see_changes_nothing(editor_client, team, ordering):
    seen = mismatch(team)
    # A colleague changes the row after the page was shown; the finding is still there.
    Assignment.objects.filter(activity=ordering, role__canonical="dev").update(letters="I")

    response = editor_client.post(url("finding_accept", team), accept_data(seen), follow=True)

    assert "nothing was accepted" in response.content.decode()
    assert not AcceptedFinding.objects.exists()


def test_a_forged_finding_cannot_be_accepted(editor_client, team, ordering):
    forged = accept_data(mismatch(team), rule="empty-activity")

    editor_client.post(url("finding_accept", team), forged)

    assert not AcceptedFinding.objects.exists()


def test_viewers_cannot_accept_or_reopen_and_outsiders_see_nothing(
    viewer_client, team, ordering, editor
):
    assert (
        viewer_client.post(url("finding_accept", team), accept_data(mismatch(team))).status_code
        == 403
    )
    finding = mismatch(team)
    acceptance = accept(team, finding, editor)
    assert viewer_client.post(url("finding_reopen", team, acceptance.pk)).status_code == 403
    page = viewer_client.get(url("accepted_findings", team)).content.decode()
    assert REASON in page and "Reopen</button>" not in page


def test_outsiders_get_404_for_every_review_page(outsider_client, team, ordering):
    assert outsider_client.get(url("accepted_findings", team)).status_code == 404
    assert outsider_client.post(url("finding_accept", team), {}).status_code == 404
    assert outsider_client.post(url("finding_reopen", team, 1)).status_code == 404
    assert outsider_client.post(url("activity_link", team, ordering.pk)).status_code == 404


def test_review_views_refuse_other_methods(editor_client, team, ordering):
    assert editor_client.put(url("finding_accept", team)).status_code == 405
    assert editor_client.get(url("finding_reopen", team, 1)).status_code == 405
    assert editor_client.get(url("activity_link", team, ordering.pk)).status_code == 405
    assert editor_client.post(url("accepted_findings", team)).status_code == 405


def test_an_accepted_finding_reopens_when_a_cell_it_concerns_changes(editor_client, team, ordering):
    editor_client.post(url("finding_accept", team), accept_data(mismatch(team)), **HTMX)
    assert panel_counts(editor_client, team) == (0, 1)
    dev = canonical_role(team.organization, DEV)

    # The Developers' C on the same row becomes an I, through the editor.
    response = editor_client.post(
        url("cell", team, ordering.pk, dev.pk), {"letters": ["I"], "version": 1}, **HTMX
    )

    page = response.content.decode()
    assert "Reopened: accepted by edgar" in page
    assert panel_counts(editor_client, team) == (1, 0)
    accepted_page = editor_client.get(url("accepted_findings", team)).content.decode()
    assert "Reopened</span>" in accepted_page


def test_a_change_elsewhere_leaves_the_acceptance_alone(editor_client, team, ordering):
    other = make_activity(team, "Build", letters={DEV: "AR"})
    editor_client.post(url("finding_accept", team), accept_data(mismatch(team)), **HTMX)
    pm = canonical_role(team.organization, PM)

    editor_client.post(url("cell", team, other.pk, pm.pk), {"letters": ["I"], "version": 0}, **HTMX)

    assert panel_counts(editor_client, team) == (0, 1)


def test_reopen_from_the_panel_and_from_the_accepted_list(editor_client, team, ordering):
    editor_client.post(url("finding_accept", team), accept_data(mismatch(team)), **HTMX)
    acceptance = AcceptedFinding.objects.get()

    response = editor_client.post(
        url("finding_reopen", team, acceptance.pk), {"back_to": "matrix"}, **HTMX
    )
    assert "Reopened: the finding counts again." in response.content.decode()
    assert panel_counts(editor_client, team) == (1, 0)

    editor_client.post(url("finding_accept", team), accept_data(mismatch(team)))
    acceptance = AcceptedFinding.objects.get()
    response = editor_client.post(
        url("finding_reopen", team, acceptance.pk), {"back_to": "accepted"}
    )
    assert response.status_code == 302 and response.url == url("accepted_findings", team)
    assert not AcceptedFinding.objects.exists()


def test_accepting_twice_keeps_one_acceptance_with_the_latest_reason(editor_client, team, ordering):
    editor_client.post(url("finding_accept", team), accept_data(mismatch(team)))
    finding = next(f for f in team.analyse() if f.rule == "owner-mismatch")
    # The accepted finding can no longer be accepted: it is not open.
    editor_client.post(url("finding_accept", team), accept_data(finding, reason="Again"))

    assert list(AcceptedFinding.objects.values_list("reason", flat=True)) == [REASON]


def test_the_accepted_list_says_which_acceptances_hold(editor_client, editor, team, ordering):
    finding = mismatch(team)
    accept(team, finding, editor)
    page = editor_client.get(url("accepted_findings", team)).content.decode()
    assert "Holds</span>" in page and REASON in page and "edgar" in page

    # The PO takes the A: the finding is gone, and the acceptance with nothing to hold.
    Assignment.objects.filter(activity=ordering, role__canonical="pm").update(letters="C")
    Assignment.objects.filter(activity=ordering, role__canonical="po").update(letters="AR")
    page = editor_client.get(url("accepted_findings", team)).content.decode()
    assert "Resolved</span>" in page and "Forget</button>" in page


def test_an_activity_deleted_takes_its_acceptances_with_it(editor_client, editor, team, ordering):
    finding = mismatch(team)
    accept(team, finding, editor)
    ordering.delete()
    assert not AcceptedFinding.objects.exists()


def test_acceptances_do_not_add_queries_to_the_matrix_page(editor_client, editor, team):
    def queries():
        recent_grids.clear()  # both views read the team whole
        with CaptureQueriesContext(connection) as captured:
            assert editor_client.get(url("matrix", team)).status_code == 200
        return len(captured)

    make_activity(team, "Lonely", letters={PM: "A"})
    few = queries()
    for number in range(10):
        make_activity(team, f"More {number}", letters={PM: "A"})
    for finding in [f for f in team.analyse() if f.rule == "no-responsible"]:
        accept(team, finding, editor, reason="The PM does these alone.")
    assert AcceptedFinding.objects.count() == 11
    assert queries() == few


def test_accepted_findings_travel_in_the_json_export(editor_client, editor, team, ordering):
    finding = mismatch(team)
    accept(team, finding, editor)

    document = editor_client.get(url("export", team, "json")).json()

    (accepted,) = document["accepted"]
    assert (accepted["rule"], accepted["activity"], accepted["role"]) == (
        "owner-mismatch",
        "Backlog ordering",
        "Product Manager",
    )
    assert accepted["reason"] == REASON and accepted["by"] == "edgar"
    assert accepted["at"] == AcceptedFinding.objects.get().accepted_at.isoformat()


# Rows matched by name.


@pytest.fixture
def own_words(team):
    """The stories row in the team's own words, no catalogue key, the PM accountable."""
    return make_activity(team, "Draft stories", letters={PM: "A", PO: "R", DEV: "C"})


def test_a_finding_on_a_row_matched_by_name_offers_to_link_it(editor_client, team, own_words):
    page = editor_client.get(url("matrix", team)).content.decode()

    assert "(matched by name to “User stories”)" in page
    assert url("activity_link", team, own_words.pk) in page
    assert "Link to catalogue entry" in page


def test_linking_a_row_gives_it_the_catalogue_key(editor_client, team, own_words):
    response = editor_client.post(
        url("activity_link", team, own_words.pk), {"key": "user-stories"}, **HTMX
    )

    own_words.refresh_from_db()
    assert own_words.catalogue_key == "user-stories"
    page = response.content.decode()
    assert "Linked “Draft stories” to the catalogue entry “User stories”." in page
    assert "matched by name" not in page
    finding = next(f for f in team.analyse() if f.rule == "owner-mismatch")
    assert not finding.matched_by_name


def test_linking_to_an_unknown_entry_changes_nothing(editor_client, team, own_words):
    response = editor_client.post(
        url("activity_link", team, own_words.pk), {"key": "no-such-entry"}, follow=True
    )
    assert "Choose an entry of the catalogue" in response.content.decode()
    own_words.refresh_from_db()
    assert own_words.catalogue_key == ""


def test_viewers_cannot_link_a_row(viewer_client, team, own_words):
    response = viewer_client.post(url("activity_link", team, own_words.pk), {"key": "user-stories"})
    assert response.status_code == 403
    own_words.refresh_from_db()
    assert own_words.catalogue_key == ""


def test_the_activity_form_sets_or_clears_the_catalogue_entry(editor_client, team, own_words):
    editor_client.post(
        url("activity_update", team, own_words.pk),
        {
            "name": "Draft stories",
            "category": "backlog",
            "catalogue_key": "acceptance-criteria",
            "based_on": own_words.version,
        },
    )
    own_words.refresh_from_db()
    assert own_words.catalogue_key == "acceptance-criteria"


# Fixes when two columns play the documented owner.


@pytest.fixture
def analyst(team):
    role = Role.objects.create(
        organization=team.organization, name="Business Analyst", acts_as="po"
    )
    TeamRole.objects.create(team=team, role=role, position=9)
    return role


def test_one_fix_per_candidate_column_and_the_chosen_one_is_applied(editor_client, team, analyst):
    criteria = make_activity(
        team,
        "Acceptance criteria",
        catalogue_key="acceptance-criteria",
        letters={analyst: "R", DEV: "C"},
    )
    page = editor_client.get(url("matrix", team)).content.decode()
    assert "Make Product Owner accountable" in page and "Make Business Analyst accountable" in page
    assert "2 columns play the Product Owner" in page

    finding = find_finding(team.analyse(), rule="no-accountable", activity=str(criteria.pk))
    response = editor_client.post(
        url("apply_fix", team),
        {"rule": finding.rule, "activity": str(criteria.pk), "role": "", "fix": str(analyst.pk)},
        **HTMX,
    )

    assert "Business Analyst on “Acceptance criteria” is now AR" in response.content.decode()
    assert Assignment.objects.get(activity=criteria, role=analyst).letters == "AR"


def test_a_fix_without_a_choice_between_candidates_changes_nothing(editor_client, team, analyst):
    criteria = make_activity(
        team, "Acceptance criteria", catalogue_key="acceptance-criteria", letters={analyst: "R"}
    )

    response = editor_client.post(
        url("apply_fix", team),
        {"rule": "no-accountable", "activity": str(criteria.pk), "role": ""},
        follow=True,
    )

    assert "nothing was changed" in response.content.decode()
    assert Assignment.objects.get(activity=criteria, role=analyst).letters == "R"


# Team settings.


def test_the_convention_setting_silences_no_responsible_and_shows_in_the_panel(editor_client, team):
    make_activity(team, "Ship it", letters={PM: "A", DEV: "C"})
    assert "no-responsible" in {f.rule for f in team.analyse()}
    data = {
        "name": team.name,
        "uses_scrum": "on",
        "stage": "small",
        "accountable_does_work": "on",
        "max_responsible": 3,
        "max_consulted": 4,
        "based_on": team.settings_version,
    }

    editor_client.post(url("team_settings", team), data)

    team.refresh_from_db()
    assert team.accountable_does_work and team.stage == "small"
    assert "no-responsible" not in {f.rule for f in team.analyse()}
    page = editor_client.get(url("matrix", team)).content.decode()
    assert "Convention: the accountable also does the work" in page
    assert "Smaller organization" in page


def test_the_database_keeps_one_acceptance_per_finding_and_requires_a_reason(team, ordering):
    pm = canonical_role(team.organization, PM)
    fields = {"team": team, "rule": "owner-mismatch", "activity": ordering, "role": pm}
    AcceptedFinding.objects.create(**fields, reason=REASON)
    with pytest.raises(IntegrityError), transaction.atomic():
        AcceptedFinding.objects.create(**fields, reason="Twice")
    # Findings that name no activity are told apart just as well (NULLs compare equal here).
    column = {"team": team, "rule": "idle-role", "role": pm}
    AcceptedFinding.objects.create(**column, reason=REASON)
    with pytest.raises(IntegrityError), transaction.atomic():
        AcceptedFinding.objects.create(**column, reason="Twice")
    with pytest.raises(IntegrityError), transaction.atomic():
        AcceptedFinding.objects.create(team=team, rule="idle-role", reason="")


def test_a_reopened_finding_can_be_accepted_again_for_its_new_letters(
    editor_client, team, ordering
):
    editor_client.post(url("finding_accept", team), accept_data(mismatch(team)))
    Assignment.objects.filter(activity=ordering, role__canonical="dev").update(letters="I")
    reopened = mismatch(team)
    assert reopened.reopened is not None and reopened.accepted is None

    editor_client.post(url("finding_accept", team), accept_data(reopened, reason="Still true."))

    acceptance = AcceptedFinding.objects.get()
    assert acceptance.reason == "Still true."
    assert "Backlog ordering / Developers: I" in acceptance.letters
    assert mismatch(team).accepted is not None


def test_without_javascript_the_accept_form_is_a_page_of_its_own(editor_client, team, ordering):
    finding = mismatch(team)
    page_url = url("finding_accept", team) + "?" + identity_query(finding)
    matrix = editor_client.get(url("matrix", team)).content.decode()
    assert escape(page_url) in matrix  # The panel links to it; htmx loads it in place.

    page = editor_client.get(page_url)

    text = page.content.decode()
    assert page.status_code == 200
    assert "Accept a finding" in text and escape(finding.message) in text
    assert "Why does the team live with it?" in text and "hx-post" not in text
    response = editor_client.post(url("finding_accept", team), accept_data(finding))
    assert response.status_code == 302 and AcceptedFinding.objects.count() == 1


def test_htmx_loads_only_the_accept_form_into_the_panel(editor_client, team, ordering):
    query = urlencode(finding_identity(mismatch(team)))

    response = editor_client.get(url("finding_accept", team) + "?" + query, **HTMX)

    text = response.content.decode()
    assert text.lstrip().startswith("<form") and 'hx-target="#workspace"' in text
    assert "<html" not in text


def test_an_empty_reason_on_the_page_shows_the_form_again(editor_client, team, ordering):
    response = editor_client.post(
        url("finding_accept", team), accept_data(mismatch(team), reason="")
    )

    assert response.status_code == 400
    assert "Say why the team lives with this finding." in response.content.decode()


def test_asking_to_accept_a_finding_that_is_gone_says_so(editor_client, team, ordering):
    query = urlencode(finding_identity(mismatch(team)))
    Assignment.objects.filter(activity=ordering, role__canonical="pm").update(letters="C")
    Assignment.objects.filter(activity=ordering, role__canonical="po").update(letters="AR")

    plain = editor_client.get(url("finding_accept", team) + "?" + query, follow=True)
    htmx = editor_client.get(url("finding_accept", team) + "?" + query, **HTMX)

    assert "no longer there" in plain.content.decode()
    assert htmx["HX-Retarget"] == "#workspace" and "no longer there" in htmx.content.decode()
