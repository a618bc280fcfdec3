from django import forms
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin
from django.contrib.auth.forms import UserChangeForm
from django.db import transaction
from django.db.models import Q

from raci.models import (
    AcceptedFinding,
    Activity,
    Assignment,
    Membership,
    Organization,
    Person,
    Role,
    RoleHolder,
    Team,
    TeamRole,
)


class RecordsTeamChanges:
    """Admin edits change matrices as the app's own writes do: each records
    the change on the teams it touches (TeamQuerySet.record_change), in the
    transaction of the edit."""

    # Paths from Team to this model; a team is touched when one leads to the object.
    team_lookups: tuple[str, ...] = ()

    def _record(self, objects) -> None:
        touched = Q()
        for lookup in self.team_lookups:
            touched |= Q(**{f"{lookup}__in": [obj.pk for obj in objects]})
        with transaction.atomic():
            Team.objects.filter(touched).record_change()

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        self._record([obj])

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        self._record([form.instance])

    def delete_model(self, request, obj):
        with transaction.atomic():
            self._record([obj])
            super().delete_model(request, obj)

    def delete_queryset(self, request, queryset):
        with transaction.atomic():
            self._record(list(queryset))
            super().delete_queryset(request, queryset)


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["user"]


@admin.register(Organization)
class OrganizationAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "created"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [MembershipInline]

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        obj.ensure_canonical_roles()


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "organization", "level", "created"]
    list_filter = ["level", "organization"]
    search_fields = ["user__username", "user__email", "organization__name"]
    list_select_related = ["user", "organization"]


class TeamRoleInline(admin.TabularInline):
    model = TeamRole
    extra = 0


@admin.register(Team)
class TeamAdmin(RecordsTeamChanges, admin.ModelAdmin):
    team_lookups = ("pk",)
    list_display = ["name", "organization", "uses_scrum", "stage", "updated"]
    list_filter = ["uses_scrum", "stage", "accountable_does_work", "organization"]
    search_fields = ["name", "slug", "organization__name"]
    list_select_related = ["organization"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [TeamRoleInline]


@admin.register(Person)
class PersonAdmin(RecordsTeamChanges, admin.ModelAdmin):
    team_lookups = ("role_holders__person",)
    list_display = ["name", "email", "title", "organization"]
    list_filter = ["organization"]
    search_fields = ["name", "email", "title"]
    list_select_related = ["organization"]


@admin.register(Role)
class RoleAdmin(RecordsTeamChanges, admin.ModelAdmin):
    team_lookups = ("team_roles__role", "role_holders__role")
    list_display = ["name", "organization", "canonical", "acts_as"]
    list_filter = ["canonical", "acts_as", "organization"]
    search_fields = ["name"]
    list_select_related = ["organization"]


@admin.register(TeamRole)
class TeamRoleAdmin(RecordsTeamChanges, admin.ModelAdmin):
    team_lookups = ("team_roles",)
    list_display = ["team", "role", "position"]
    list_filter = ["team__organization"]
    search_fields = ["team__name", "role__name"]
    list_select_related = ["team", "role"]


@admin.register(RoleHolder)
class RoleHolderAdmin(RecordsTeamChanges, admin.ModelAdmin):
    team_lookups = ("role_holders",)
    list_display = ["person", "role", "team"]
    list_filter = ["role", "team__organization"]
    search_fields = ["person__name", "role__name", "team__name"]
    list_select_related = ["person", "role", "team"]


class AssignmentInline(admin.TabularInline):
    model = Assignment
    extra = 0
    readonly_fields = ["version", "updated"]


@admin.register(Activity)
class ActivityAdmin(RecordsTeamChanges, admin.ModelAdmin):
    team_lookups = ("activities",)
    list_display = ["name", "team", "category", "catalogue_key", "position"]
    list_filter = ["category", "team__organization"]
    search_fields = ["name", "description", "catalogue_key", "team__name"]
    list_select_related = ["team"]
    inlines = [AssignmentInline]


@admin.register(Assignment)
class AssignmentAdmin(RecordsTeamChanges, admin.ModelAdmin):
    team_lookups = ("activities__assignments",)
    list_display = ["activity", "role", "letters", "version", "updated"]
    list_filter = ["letters", "role__canonical", "activity__team__organization"]
    search_fields = ["activity__name", "role__name"]
    list_select_related = ["activity", "role"]
    readonly_fields = ["version", "updated"]


@admin.register(AcceptedFinding)
class AcceptedFindingAdmin(admin.ModelAdmin):
    list_display = ["rule", "team", "activity", "role", "accepted_by", "accepted_at"]
    list_filter = ["rule", "team__organization"]
    search_fields = ["rule", "reason", "team__name", "activity__name", "role__name"]
    list_select_related = ["team", "activity", "role", "accepted_by"]
    autocomplete_fields = ["accepted_by"]
    raw_id_fields = ["activity", "role", "person"]


class AccountChangeForm(UserChangeForm):
    def clean_email(self):
        email = self.cleaned_data["email"]
        others = get_user_model().objects.exclude(pk=self.instance.pk)
        if email and others.filter(email__iexact=email).exists():
            raise forms.ValidationError("Another account has this email: one email, one account.")
        return email


admin.site.unregister(get_user_model())


@admin.register(get_user_model())
class AccountAdmin(UserAdmin):
    """Django's user admin, saying so when an email is taken (the database refuses it)."""

    form = AccountChangeForm
