from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from raci.forms import SignInForm
from raci.views import accounts

urlpatterns = [
    path("admin/", admin.site.urls),
    # Django's sign-in view, with a form that also takes an email address, and
    # its password-reset page, which also lifts a sign-in pause.
    path("accounts/login/", auth_views.LoginView.as_view(form_class=SignInForm), name="login"),
    path(
        "accounts/reset/<uidb64>/<token>/",
        accounts.PasswordSetView.as_view(),
        name="password_reset_confirm",
    ),
    path("accounts/", include("django.contrib.auth.urls")),
    path("", include("raci.urls")),
]

# Uncaught errors: a 503 when the database is away, the plain 500 page otherwise.
handler500 = "raci.views.errors.server_error"
