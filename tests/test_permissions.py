"""Who may do what, swept over every URL the app has.

The URLs come from the URL resolver, so a URL added without saying who may use
it fails `test_every_url_says_who_may_use_it` until it is classified in ACCESS
below. For each URL, method and persona (anonymous, a user of another
organization, a viewer, an editor and an owner of the organization, and a
non-staff user on the admin) the sweep checks the answer: served, sent to
sign in, 404 (outside the user's organizations: not even its existence is
told), 403 (level too low) or 405; and that a refused request, and any GET,
changes nothing in the database.
"""

import hashlib
from pathlib import Path

import pytest
from django.apps import apps
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from raci import services
from raci.models import (
    AcceptedFinding,
    Assignment,
    ImportUpload,
    Membership,
    Role,
    RoleHolder,
    TeamRole,
)
from raci.vocabulary import CanonicalRole
from tests.builders import canonical_role, make_activity, make_person, make_team

# Who may use a URL, from the least to the most trusted.
PUBLIC = "anyone"
SIGNED_IN = "any signed-in user"
VIEWER = "a viewer of the organization, or more"
EDITOR = "an editor of the organization, or an owner"
OWNER = "an owner of the organization"
STAFF = "staff (Django's admin)"
SAMPLES = Path(__file__).parent / "samples"

# URL name: (who may GET it, who may POST it). None: the method is refused (405).
ACCESS = {
    # Sign-in, sign-up, passwords: Django's views and ours.
    "login": (PUBLIC, PUBLIC),
    "logout": (None, PUBLIC),
    "password_change": (SIGNED_IN, SIGNED_IN),
    "password_change_done": (SIGNED_IN, None),
    "password_reset": (PUBLIC, PUBLIC),
    "password_reset_done": (PUBLIC, None),
    "password_reset_confirm": (PUBLIC, PUBLIC),
    "password_reset_complete": (PUBLIC, None),
    "raci:signup": (PUBLIC, PUBLIC),
    "raci:role_definitions": (PUBLIC, PUBLIC),
    "raci:home": (SIGNED_IN, SIGNED_IN),
    "raci:editor_preferences": (None, SIGNED_IN),
    # An organization
    "raci:organization": (VIEWER, None),
    "raci:members": (VIEWER, OWNER),
    "raci:member_update": (None, OWNER),
    "raci:member_remove": (None, OWNER),
    "raci:member_resend": (None, OWNER),
    "raci:roles": (VIEWER, EDITOR),
    "raci:role_delete": (EDITOR, EDITOR),
    "raci:team_create": (EDITOR, EDITOR),
    "raci:trash": (OWNER, None),
    "raci:trash_restore": (None, OWNER),
    "raci:trash_delete": (OWNER, OWNER),
    # A team
    "raci:team_settings": (EDITOR, EDITOR),
    "raci:team_delete": (EDITOR, EDITOR),
    "raci:team_people": (VIEWER, EDITOR),
    "raci:person_update": (EDITOR, EDITOR),
    "raci:person_remove": (None, EDITOR),
    # The matrix editor
    "raci:matrix": (VIEWER, None),
    "raci:matrix_rows": (VIEWER, None),
    "raci:live": (VIEWER, None),
    "raci:cell": (EDITOR, EDITOR),
    "raci:cells_write": (None, EDITOR),
    "raci:category_collapse": (None, VIEWER),
    "raci:apply_fix": (None, EDITOR),
    "raci:activity_add": (None, EDITOR),
    "raci:activity_update": (EDITOR, EDITOR),
    "raci:activity_move": (None, EDITOR),
    "raci:activity_rename": (None, EDITOR),
    "raci:activity_place": (None, EDITOR),
    "raci:activity_insert": (None, EDITOR),
    "raci:activity_delete": (EDITOR, EDITOR),
    "raci:column_add": (None, EDITOR),
    "raci:column_remove": (EDITOR, EDITOR),
    "raci:export": (VIEWER, None),
    # History: reading it is for every member, undoing and restoring for editors.
    "raci:undo": (None, EDITOR),
    "raci:redo": (None, EDITOR),
    "raci:history": (VIEWER, None),
    "raci:cell_history": (VIEWER, None),
    "raci:restore": (EDITOR, EDITOR),
    # Named versions
    "raci:versions": (VIEWER, EDITOR),
    "raci:version_compare": (VIEWER, None),
    "raci:version_compare_csv": (VIEWER, None),
    "raci:version_delete": (EDITOR, EDITOR),
    "raci:version_restore": (EDITOR, EDITOR),
    # Findings a team accepts
    "raci:finding_accept": (EDITOR, EDITOR),
    "raci:finding_reopen": (None, EDITOR),
    "raci:accepted_findings": (VIEWER, None),
    "raci:activity_link": (None, EDITOR),
    # Exports, printing and imports (an import's preview is its uploader's alone)
    "raci:print": (VIEWER, None),
    "raci:organization_export": (VIEWER, None),
    "raci:team_import": (EDITOR, EDITOR),
    "raci:import_new_team": (EDITOR, EDITOR),
    "raci:import_preview": (EDITOR, EDITOR),
    "raci:import_new_team_preview": (EDITOR, EDITOR),
    # Django's admin: staff only, whatever the page, but its sign-in.
    "admin:login": (PUBLIC, PUBLIC),
    # Sends anyone who is not staff to the admin's front page, which asks them to sign in.
    "admin:logout": (PUBLIC, PUBLIC),
}
NAMESPACES = {"admin": (STAFF, STAFF)}

# The value each URL argument gets, by its name: strings, or the name of an
# object of the world below.
ARGUMENTS = {
    "org_slug": "org",
    "team_slug": "team",
    "activity_id": "activity",
    "role_id": "role",
    "person_id": "person",
    "membership_id": "membership",
    "acceptance_id": "acceptance",
    "upload_id": "team_upload",
    "revision": "revision",
    "team_id": "trashed_team",
    "version_id": "version",
    "file_format": "json",
    "uidb64": "MQ",
    "token": "expired-token",
    "app_label": "raci",
    "object_id": "1",
    "content_type_id": "1",
    "id": "1",
    "url": "nothing-here/",
}

# Where one URL's argument names another object than ARGUMENTS says.
URL_ARGUMENTS = {"raci:import_new_team_preview": {"upload_id": "new_team_upload"}}

PERSONAS = ["anonymous", "outsider", "viewer", "editor", "owner"]
MEMBERS = ["viewer", "editor", "owner"]
NEEDS = {VIEWER: "viewer", EDITOR: "editor", OWNER: "owner"}


def named_urls():
    """(name, the names of its arguments) of every URL, from the resolver."""
    found = {}

    def walk(resolver, namespace):
        for entry in resolver.url_patterns:
            if isinstance(entry, URLResolver):
                inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
                walk(entry, inner)
            elif isinstance(entry, URLPattern):
                pattern = entry.pattern
                arguments = getattr(pattern, "converters", None) or pattern.regex.groupindex
                name = (
                    f"{namespace}{entry.name}" if entry.name else f"{namespace}<unnamed {pattern}>"
                )
                found.setdefault(name, tuple(arguments))

    walk(get_resolver(), "")
    return found


URLS = named_urls()


def access_of(name):
    """(who may GET, who may POST) `name`, or None while it is not classified."""
    if name in ACCESS:
        return ACCESS[name]
    return NAMESPACES.get(name.partition(":")[0] if ":" in name else None)


def urls_where(method, levels):
    """The classified URLs whose `method` ("get" or "post") is open to one of `levels`."""
    index = ("get", "post").index(method)
    return sorted(name for name in URLS if (access_of(name) or (None, None))[index] in levels)


def test_every_url_says_who_may_use_it():
    unclassified = sorted(name for name in URLS if access_of(name) is None)
    unknown_arguments = sorted(
        {argument for arguments in URLS.values() for argument in arguments} - set(ARGUMENTS)
    )
    gone = sorted(set(ACCESS) - set(URLS))
    assert not unclassified and not unknown_arguments and not gone, (
        "Every URL says who may use it, in tests/test_permissions.py.\n"
        f"Not classified: {unclassified}: add each to ACCESS with who may GET and who may "
        "POST it (PUBLIC, SIGNED_IN, VIEWER, EDITOR, OWNER, or None for 405); name it first "
        "if it has no name.\n"
        f"URL arguments without a value: {unknown_arguments}: add them to ARGUMENTS (and the "
        "object they name to the `world` fixture).\n"
        f"Classified but gone: {gone}: take them out of ACCESS."
    )


@pytest.fixture
def world(organization, owner, editor, viewer):
    """One of everything in the personas' organization, for URLs to name."""
    team = make_team(organization, "Checkout")
    role = Role.objects.create(organization=organization, name="Designer")
    TeamRole.objects.create(team=team, role=role, position=9)
    activity = make_activity(team, "Order the backlog", letters={role: "AR"})
    person = make_person(organization, "Pat", team=team, roles=[CanonicalRole.PRODUCT_MANAGER])
    acceptance = AcceptedFinding.objects.create(
        team=team, rule="idle-role", role=role, reason="Designers only advise here."
    )
    # Two recorded edits: one to restore to, one to undo or restore away.
    for version, letters in enumerate(["A", "AR"]):
        team.edit_cell(
            activity_id=activity.pk, role_id=role.pk, letters=letters, version=version + 1, by=owner
        )
    saved_version = services.team_version_save(team=team, name="Agreed", note="", by=owner)
    trashed = make_team(organization, "Old team")
    services.team_trash(team=trashed, by=owner)
    # An upload waiting for its preview is seen by its uploader only: one each.
    uploads = {
        name: {user: _upload(organization, user, team=team if name == "team_upload" else None)
               for user in (owner, editor, viewer)}
        for name in ("team_upload", "new_team_upload")
    }  # fmt: skip
    return {
        "org": organization.slug,
        "team": team.slug,
        "activity": activity.pk,
        "role": role.pk,
        "person": person.pk,
        "membership": Membership.objects.get(user=viewer).pk,
        "acceptance": acceptance.pk,
        "revision": team.change_sets.order_by("revision").first().revision,
        "version": saved_version.pk,
        "trashed_team": trashed.pk,
        **uploads,
    }


def _upload(organization, user, *, team):
    content = (SAMPLES / "good.csv").read_bytes()
    upload = ImportUpload.objects.create(
        organization=organization,
        team=team,
        user=user,
        filename="good.csv",
        content=content,
        sha256=hashlib.sha256(content).hexdigest(),
        team_name="" if team else "Imported",
    )
    return upload.pk


def url_for(name, world, user=None):
    """The URL `name` with the world's objects as arguments; those that belong
    to a user (uploads) are `user`'s, or the first member's."""
    kwargs = {}
    for argument in URLS[name]:
        value = URL_ARGUMENTS.get(name, {}).get(argument) or ARGUMENTS[argument]
        value = world.get(value, value)
        if isinstance(value, dict):
            value = value.get(user, next(iter(value.values())))
        kwargs[argument] = value
    return reverse(name, kwargs=kwargs)


CACHED = {"Team": ("findings_counts", "findings_revision")}


def fingerprint():
    """Everything a request could change that matters: every row of the app, and the accounts.
    A team's kept findings totals are a cache that reading its matrix may fill in."""
    rows = {
        model.__name__: list(
            # The base manager: trashed teams included.
            model._base_manager.order_by("pk").values_list(
                *(
                    field.attname
                    for field in model._meta.concrete_fields
                    if field.name not in CACHED.get(model.__name__, ())
                )
            )
        )
        for model in apps.get_app_config("raci").get_models()
    }
    rows["users"] = list(
        get_user_model().objects.order_by("pk").values_list("username", "email", "password")
    )
    return rows


def expected(level, persona):
    """What `persona` should get from a URL open to `level`."""
    if level is None:
        # Django's login_required speaks before the method check.
        return {"refused_method", "sign_in"} if persona == "anonymous" else {"refused_method"}
    if level == STAFF:
        return {"admin_sign_in"}
    if level == PUBLIC:
        # Some public pages send on to the sign-in page (signing out does).
        return {"served", "sign_in"}
    if persona == "anonymous":
        return {"sign_in"}
    if level == SIGNED_IN:
        return {"served"}
    if persona == "outsider":
        return {"not_found"}
    return {"served"} if MEMBERS.index(persona) >= MEMBERS.index(NEEDS[level]) else {"forbidden"}


def outcome(response):
    location = response.headers.get("Location", "")
    if response.status_code == 302 and location.startswith(reverse("admin:login")):
        return "admin_sign_in"
    if response.status_code == 302 and location.startswith(reverse("login")):
        return "sign_in"
    return {403: "forbidden", 404: "not_found", 405: "refused_method"}.get(
        response.status_code, "served" if response.status_code < 500 else "server_error"
    )


# Unnamed patterns cannot be reversed; the only ones are the admin's catch-all.
CASES = [
    (name, persona)
    for name in sorted(URLS)
    if access_of(name) and "<unnamed" not in name
    for persona in (["anonymous", "owner"] if access_of(name) == NAMESPACES["admin"] else PERSONAS)
]


@pytest.mark.parametrize(("name", "persona"), CASES)
def test_who_may_use_each_url(name, persona, world, request):
    client = request.getfixturevalue("client" if persona == "anonymous" else f"{persona}_client")
    url = url_for(name, world, None if persona == "anonymous" else request.getfixturevalue(persona))
    for method, level in zip(("get", "post"), access_of(name), strict=True):
        before = fingerprint()

        response = getattr(client, method)(url)

        got = outcome(response)
        want = expected(level, persona)
        assert got in want, f"{method.upper()} {url} as {persona}: {got}, expected {want}"
        if got != "served" or method == "get":
            assert fingerprint() == before, f"{method.upper()} {url} as {persona} changed data"


@pytest.mark.parametrize("name", urls_where("get", (VIEWER, EDITOR)))
def test_another_organizations_urls_are_404_to_htmx_too(name, world, outsider_client):
    response = outsider_client.get(url_for(name, world), HTTP_HX_REQUEST="true")
    assert response.status_code == 404


@pytest.mark.parametrize("name", urls_where("post", (SIGNED_IN, VIEWER, EDITOR, OWNER)))
def test_writes_without_a_csrf_token_are_refused(name, world, owner):
    client = Client(enforce_csrf_checks=True)
    client.force_login(owner)
    before = fingerprint()

    response = client.post(url_for(name, world), HTTP_HX_REQUEST="true")

    assert response.status_code == 403
    assert fingerprint() == before


def test_an_unknown_organization_is_404_even_for_a_member(owner_client, world):
    assert owner_client.get(reverse("raci:organization", args=["nope"])).status_code == 404
    url = reverse("raci:team_settings", args=[world["org"], "nope"])
    assert owner_client.get(url).status_code == 404


def test_ids_of_another_organization_are_404_in_our_urls(owner_client, world, outsider):
    """Another organization's person, role, member, activity or team under our own slug."""
    other = outsider.memberships.get().organization
    team = make_team(other, "Secret")
    person = make_person(other, "Spy", team=team, roles=[CanonicalRole.DEVELOPERS])
    role = Role.objects.create(organization=other, name="Agent")
    activity = make_activity(team, letters={canonical_role(other, CanonicalRole.DEVELOPERS): "A"})
    pm = canonical_role(outsider.memberships.get().organization, CanonicalRole.PRODUCT_MANAGER)
    membership = outsider.memberships.get()
    org, our_team = world["org"], world["team"]
    urls = [
        reverse("raci:person_update", args=[org, our_team, person.pk]),
        reverse("raci:person_remove", args=[org, our_team, person.pk]),
        reverse("raci:role_delete", args=[org, role.pk]),
        reverse("raci:member_update", args=[org, membership.pk]),
        reverse("raci:member_remove", args=[org, membership.pk]),
        reverse("raci:member_resend", args=[org, membership.pk]),
        reverse("raci:team_settings", args=[org, team.slug]),
        reverse("raci:cell", args=[org, our_team, activity.pk, pm.pk]),
        reverse("raci:activity_delete", args=[org, our_team, activity.pk]),
    ]
    before = fingerprint()
    for url in urls:
        response = owner_client.post(url, {"name": "x", "level": "viewer", "letters": ["R"]})
        assert response.status_code == 404, url
    assert fingerprint() == before
    assert Role.objects.filter(pk=role.pk).exists()
    assert RoleHolder.objects.filter(person=person).exists()
    assert Assignment.objects.get(activity=activity).letters == "A"
