"""Sign-up. Sign-in, sign-out and password resets are Django's own views."""

from django.contrib import messages
from django.contrib.auth import login
from django.db import IntegrityError
from django.shortcuts import redirect, render

from raci import services
from raci.forms import SignupForm, conflict_shown


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
            login(request, user)
            messages.success(request, f"Welcome! {organization.name} is ready for its first team.")
            return redirect("raci:organization", org_slug=organization.slug)
    return render(request, "registration/signup.html", {"form": form})
