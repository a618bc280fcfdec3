from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("admin/", admin.site.urls),
    path("accounts/", include("django.contrib.auth.urls")),
    path("", include("raci.urls")),
]

# Uncaught errors: a 503 when the database is away, the plain 500 page otherwise.
handler500 = "raci.views.errors.server_error"
