"""Loaders every view uses: they answer 404 for anything outside the user's
organizations, and 403 when the user's membership level is too low."""

from django.core.exceptions import PermissionDenied
from django.db.models import F, FilteredRelation, Q
from django.shortcuts import get_object_or_404

from raci.models import Membership, Team


def membership_for_user(request, org_slug: str, *, edit=False, manage=False) -> Membership:
    membership = get_object_or_404(
        Membership.objects.select_related("organization"),
        organization__slug=org_slug,
        user=request.user,
    )
    if (edit and not membership.can_edit) or (manage and not membership.can_manage):
        raise PermissionDenied
    return membership


def team_for_user(request, org_slug: str, team_slug: str, *, edit=False) -> tuple[Team, Membership]:
    """The team with the user's membership of its organization, in one query
    (every page and edit of a team starts here)."""
    mine = FilteredRelation(
        "organization__memberships", condition=Q(organization__memberships__user=request.user)
    )
    team = get_object_or_404(
        Team.objects.select_related("organization")
        .annotate(mine=mine, membership_pk=F("mine__pk"), membership_level=F("mine__level"))
        .filter(membership_pk__isnull=False),
        organization__slug=org_slug,
        slug=team_slug,
    )
    # What the query read of the membership; the rest is read if ever asked.
    membership = Membership.from_db(
        team._state.db,
        ["id", "organization_id", "user_id", "level"],
        [team.membership_pk, team.organization_id, request.user.pk, team.membership_level],
    )
    membership.organization = team.organization
    if edit and not membership.can_edit:
        raise PermissionDenied
    return team, membership
