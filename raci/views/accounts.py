"""Sign-up, and what sign-in throttling answers. Sign-in, sign-out and
password resets are Django's own views."""

import math

from axes.utils import reset as axes_reset
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.db import IntegrityError
from django.http import HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from raci import services
from raci.authentication import paused_until, throttle_key
from raci.forms import EditorPreferencesForm, SignInForm, SignupForm, conflict_shown
from raci.models import EditorPreferences


def signup(request):
    """A new account with its own organization, owned by the new user."""
    if request.user.is_authenticated:
        return redirect("raci:home")
    form = SignupForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            user, organization = services.account_signup(
                username=form.cleaned_data["username"],
                email=form.cleaned_data["email"],
                password=form.cleaned_data["password1"],
                organization_name=form.cleaned_data["organization_name"],
            )
        except IntegrityError:
            # The username or email was taken by a sign-up at the same moment.
            if not conflict_shown(form):
                raise
        else:
            login(request, user, backend="raci.authentication.UsernameOrEmailBackend")
            messages.success(request, f"Welcome! {organization.name} is ready for its first team.")
            return redirect("raci:organization", org_slug=organization.slug)
    return render(request, "registration/signup.html", {"form": form})


def signin_paused(request, original_response=None, credentials=None):
    """django-axes' answer once sign-in is paused for an account or an address
    (on our sign-in page and the admin's): the sign-in page, saying until when."""
    until = paused_until(request, credentials)
    seconds = max(1, math.ceil((until - timezone.now()).total_seconds()))
    response = render(
        request,
        "registration/login.html",
        {
            "form": SignInForm(request),
            "paused_until": until,
            "paused_minutes": math.ceil(seconds / 60),
            "next": request.POST.get("next", ""),
        },
        status=429,
    )
    response["Retry-After"] = str(seconds)
    return response


class PasswordSetView(auth_views.PasswordResetConfirmView):
    """Django's page behind an emailed link. Choosing a new password there also
    lifts a sign-in pause on the account: whoever caused it, the owner of the
    mailbox has shown the account is theirs."""

    def form_valid(self, form):
        response = super().form_valid(form)
        axes_reset(username=throttle_key(self.request, {"username": form.user.get_username()}))
        return response


@login_required
@require_POST
def editor_preferences(request):
    """Keeps the matrix editor's density or the findings panel's state for the
    user. htmx gets an empty answer (the script has already changed the
    page); a plain form goes back to the page it came from."""
    form = EditorPreferencesForm(request.POST)
    if form.is_valid() and form.changes():
        EditorPreferences.objects.update_or_create(user=request.user, defaults=form.changes())
    elif not form.is_valid():
        return HttpResponseBadRequest("That preference could not be read; nothing was changed.")
    if request.htmx:
        return HttpResponse(status=204)
    back = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(back, {request.get_host()}, request.is_secure()):
        back = reverse("raci:home")
    return redirect(back)
