"""Loaders every view uses: they answer 404 for anything outside the user's
organizations, and 403 when the user's membership level is too low."""

from django.core.exceptions import PermissionDenied
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
    membership = membership_for_user(request, org_slug, edit=edit)
    team = get_object_or_404(
        Team.objects.select_related("organization"),
        organization=membership.organization,
        slug=team_slug,
    )
    return team, membership
