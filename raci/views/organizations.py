"""The organizations a user belongs to, their teams and their members."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_POST

from raci import services
from raci.forms import MemberInviteForm, MemberLevelForm, OrganizationForm
from raci.models import Membership, Organization, finding_totals
from raci.views.access import membership_for_user


@login_required
def home(request):
    """Straight to the user's only organization; a list if several; a form if none."""
    form = OrganizationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            organization = services.organization_create(
                name=form.cleaned_data["name"], owner=request.user
            )
        except services.NameTakenError as error:
            form.add_error("name", str(error))
        else:
            messages.success(request, f"Created {organization.name}.")
            return redirect("raci:organization", org_slug=organization.slug)
    organizations = list(Organization.objects.for_user(request.user))
    if len(organizations) == 1 and request.method == "GET":
        return redirect("raci:organization", org_slug=organizations[0].slug)
    return render(
        request,
        "raci/organization_list.html",
        {"organizations": organizations, "form": form},
    )


@login_required
@require_GET
def organization_detail(request, org_slug):
    """The organization's teams, each with its open findings by severity and the
    number it has accepted (which do not count among the open ones)."""
    membership = membership_for_user(request, org_slug)
    organization = membership.organization
    all_teams = sorted(organization.teams.all(), key=lambda team: team.name.lower())
    totals = finding_totals(all_teams)
    teams = [
        (team, list(totals[team.pk].open.items()), totals[team.pk].accepted) for team in all_teams
    ]
    return render(
        request,
        "raci/organization_detail.html",
        {"organization": organization, "membership": membership, "teams": teams},
    )


@login_required
def members(request, org_slug):
    """Every member sees who belongs; only owners add, change or remove members."""
    membership = membership_for_user(request, org_slug, manage=request.method == "POST")
    organization = membership.organization
    form = MemberInviteForm(request.POST or None, organization=organization)
    if request.method == "POST" and form.is_valid():
        added, emailed = services.member_invite(
            organization=organization,
            email=form.cleaned_data["email"],
            level=form.cleaned_data["level"],
            invited_by=request.user,
            domain=request.get_host(),
            use_https=request.is_secure(),
        )
        who = f"{form.cleaned_data['email']} as {added.get_level_display()}"
        if emailed is False:
            messages.error(
                request,
                f"Added {who}, but the email with their link to set a password could not "
                "be sent. Use “Resend invitation” beside them to try again.",
            )
        else:
            # The same words whether or not the email already had an account,
            # so that adding someone does not tell who is registered here.
            messages.success(
                request,
                f"Added {who}. If they are new here, they have been emailed a link "
                "to set their password.",
            )
        return redirect("raci:members", org_slug=organization.slug)
    return render(
        request,
        "raci/membership_list.html",
        {
            "organization": organization,
            "membership": membership,
            "memberships": organization.memberships.select_related("user").order_by(
                "user__username"
            ),
            "form": form,
            "levels": MemberLevelForm.base_fields["level"].choices,
        },
    )


def _member_for_owner(request, org_slug, membership_id):
    """The membership to change, if the request comes from one of the organization's owners."""
    own = membership_for_user(request, org_slug, manage=True)
    member = get_object_or_404(
        own.organization.memberships.select_related("user"), pk=membership_id
    )
    return own, member


@login_required
@require_POST
def member_update(request, org_slug, membership_id):
    own, member = _member_for_owner(request, org_slug, membership_id)
    form = MemberLevelForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Choose owner, editor or viewer.")
    else:
        try:
            changed = services.member_set_level(
                membership=member, level=form.cleaned_data["level"], by=own
            )
        except services.LastOwnerError as error:
            messages.error(request, str(error))
        except Membership.DoesNotExist:
            raise Http404("Removed meanwhile") from None
        else:
            messages.success(request, f"{member.user} is now {changed.get_level_display()}.")
    return redirect("raci:members", org_slug=org_slug)


@login_required
@require_POST
def member_remove(request, org_slug, membership_id):
    own, member = _member_for_owner(request, org_slug, membership_id)
    leaving = member.pk == own.pk
    try:
        services.member_remove(membership=member, by=own)
    except services.LastOwnerError as error:
        messages.error(request, str(error))
        return redirect("raci:members", org_slug=org_slug)
    except Membership.DoesNotExist:
        raise Http404("Removed meanwhile") from None
    messages.success(request, f"Removed {member.user} from {own.organization}.")
    if leaving:
        # They removed themselves and can no longer see this organization.
        return redirect("raci:home")
    return redirect("raci:members", org_slug=org_slug)


@login_required
@require_POST
def member_resend(request, org_slug, membership_id):
    """Email a member who has not set a password yet a fresh invitation link."""
    _own, member = _member_for_owner(request, org_slug, membership_id)
    if member.user.has_usable_password():
        messages.info(request, f"{member.user.email} has set a password already: they can sign in.")
    elif services.invitation_send(
        user=member.user,
        organization=member.organization,
        invited_by=request.user,
        domain=request.get_host(),
        use_https=request.is_secure(),
    ):
        messages.success(request, f"Sent {member.user.email} a fresh link to set their password.")
    else:
        messages.error(
            request, f"The email to {member.user.email} could not be sent. Try again later."
        )
    return redirect("raci:members", org_slug=org_slug)
