"""Forms. Those of the matrix editor come first; the set-up forms follow."""

from django import forms
from django.contrib.auth import get_user_model
from django.contrib.auth.forms import AuthenticationForm, UserCreationForm
from django.core.validators import MinValueValidator
from django.db import IntegrityError, models, transaction
from django.db.models import Exists, F, OuterRef, Q, Subquery

from raci import history
from raci.blocks import read_versions
from raci.catalogue import CATALOGUE
from raci.matrix_io import RESERVED_HEADERS
from raci.models import (
    CATEGORY_CHOICES,
    Activity,
    Change,
    EditorPreferences,
    Membership,
    Person,
    Role,
    RoleHolder,
    StaleEdit,
    Team,
    TeamRole,
    TeamVersion,
    claim_version,
    role_names,
)
from raci.services import StartFrom
from raci.vocabulary import LETTER_ORDER, CanonicalRole, Category, Letter, role_kind_for_header

LETTER_CHOICES = [(letter.value, f"{letter.value} · {letter.label}") for letter in LETTER_ORDER]


class BasedOnVersionForm(forms.ModelForm):
    """A model form that carries the version of the object it was based on
    (`version_field` of the model), so that a save from a page opened before
    a colleague's save is refused instead of overwriting it.

    On a refused save the form keeps the user's input, says why, lists the
    values saved meanwhile (`current_values`), and is based on the current
    version from then on: saving it again deliberately overwrites them.
    """

    version_field = "version"
    STALE_MESSAGE = (
        "A colleague changed this while you were editing, so it was not saved. "
        "Their values are shown below; your input is kept in the form. "
        "Save again to replace theirs with yours."
    )

    based_on = forms.IntegerField(min_value=0, widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.current_values: list[tuple[str, str]] = []
        if self.instance.pk:
            self.initial["based_on"] = getattr(self.instance, self.version_field)
        else:
            del self.fields["based_on"]

    def claim_version(self) -> bool:
        """Inside the save's transaction: whether the object is still at the
        version the form was based on (see models.claim_version)."""
        if "based_on" not in self.fields:
            return True
        return claim_version(self.instance, self.version_field, self.cleaned_data["based_on"])

    def refuse_stale(self) -> None:
        current = type(self.instance)._base_manager.get(pk=self.instance.pk)
        self.current_values = [
            (str(self.fields[name].label or name), self._shown(current, name))
            for name in self._meta.fields
            if name in self.fields
        ]
        self.data = self.data.copy()
        self.data[self.add_prefix("based_on")] = getattr(current, self.version_field)
        self.add_error(None, self.STALE_MESSAGE)

    @staticmethod
    def _shown(instance, name: str) -> str:
        display = getattr(instance, f"get_{name}_display", None)
        value = display() if display else getattr(instance, name)
        if isinstance(value, bool):
            return "Yes" if value else "No"
        return str(value) if value not in ("", None) else "—"


class CellForm(forms.Form):
    """The full new content of one cell, and the version the edit was based on."""

    letters = forms.MultipleChoiceField(
        choices=LETTER_CHOICES, required=False, widget=forms.CheckboxSelectMultiple
    )
    version = forms.IntegerField(min_value=0, widget=forms.HiddenInput)
    # The fingerprint of the findings and column headers the page shows
    # (grid.Grid.digest): the answer leaves them out when they did not change.
    digest = forms.CharField(required=False, max_length=64, widget=forms.HiddenInput)
    # The revision the page shows (its live poll's): colleagues' rows changed
    # since then come back with the answer.
    seen = forms.IntegerField(required=False, min_value=0, widget=forms.HiddenInput)

    def clean_letters(self):
        return frozenset(Letter(value) for value in self.cleaned_data["letters"])


class ActivityForm(BasedOnVersionForm):
    class Meta:
        model = Activity
        fields = ["name", "category", "description", "catalogue_key"]
        # Bootstrap's classes, for the matrix page, which writes these fields itself.
        widgets = {
            "name": forms.TextInput(attrs={"class": "form-control"}),
            "category": forms.Select(attrs={"class": "form-select"}),
            "description": forms.Textarea(attrs={"rows": 2, "class": "form-control"}),
        }
        labels = {"catalogue_key": "Documented responsibility"}

    def __init__(self, *args, team, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.team = team
        self.fields["category"].choices = [("", "Other"), *CATEGORY_CHOICES]
        if not self.instance.pk:
            del self.fields["catalogue_key"]
            return
        # The catalogue entry the row is checked against; without one, its name is
        # matched to an entry when it confidently can be.
        choices = [("", "None (matched by name when it clearly names one)")]
        choices += [(entry.key, entry.name) for entry in CATALOGUE]
        key = self.instance.catalogue_key
        if key and key not in dict(choices):
            # Keep a key the catalogue no longer has, so saving does not drop it silently.
            choices.append((key, f"{key} (not in the catalogue)"))
        self.fields["catalogue_key"] = forms.ChoiceField(
            label="Documented responsibility",
            required=False,
            choices=choices,
            help_text="The role definition this activity is checked against.",
        )

    def clean_name(self):
        return _clean_unique_name(
            self,
            self.instance.team.activities.all(),
            "This team already has an activity with that name.",
        )


class ActivityRenameForm(forms.ModelForm):
    """A new name typed in place in the grid."""

    class Meta:
        model = Activity
        fields = ["name"]

    def clean_name(self):
        return _clean_unique_name(
            self,
            self.instance.team.activities.all(),
            "This team already has an activity with that name.",
        )

    def save(self, commit=True):
        # Only the name, and the version moved on: an edit page opened before
        # this rename is then refused instead of putting the old name back.
        self.instance.version = models.F("version") + 1
        self.instance.save(update_fields=["name", "version"])
        self.instance.refresh_from_db(fields=["version"])
        return self.instance


class ActivityMoveForm(forms.Form):
    direction = forms.ChoiceField(choices=[("up", "Up"), ("down", "Down")])


class ActivityPlaceForm(forms.Form):
    """Where a row goes: a category, and the row it goes before (else last)."""

    category = forms.ChoiceField(choices=[("", "Other"), *CATEGORY_CHOICES], required=False)
    before = forms.IntegerField(min_value=1, required=False)


class ActivityInsertForm(forms.Form):
    """Where a new row goes beside another, and the name typed for it in the
    grid; without one (a plain POST) it is named to be renamed."""

    where = forms.ChoiceField(choices=[("above", "Above"), ("below", "Below")])
    name = forms.CharField(required=False, max_length=160)

    def __init__(self, *args, team, **kwargs):
        super().__init__(*args, **kwargs)
        self.team = team

    def clean_name(self):
        name = self.cleaned_data["name"]
        if name and self.team.activities.filter(name__iexact=name).exists():
            raise forms.ValidationError("This team already has an activity with that name.")
        return name


class CellsWriteForm(forms.Form):
    """A block of cells to write (raci/blocks.py): its tab-separated text, the
    cell its top-left corner goes to, and the versions of the cells the page
    shows."""

    ACTIONS = [("paste", "Paste"), ("fill", "Fill down"), ("clear", "Clear")]

    action = forms.ChoiceField(choices=ACTIONS)
    activity = forms.IntegerField(min_value=1)
    role = forms.IntegerField(min_value=1)
    text = forms.CharField(required=False, strip=False, max_length=400_000)
    versions = forms.CharField(max_length=1_000_000)
    digest = forms.CharField(required=False, max_length=64)

    def clean_versions(self):
        try:
            return read_versions(self.cleaned_data["versions"])
        except ValueError:
            raise forms.ValidationError("unreadable versions") from None


class CategoryCollapseForm(forms.Form):
    """A category of the grid collapsed or opened again ("other": no category)."""

    category = forms.ChoiceField(
        choices=[(c.value, c.label) for c in Category] + [("other", "Other")]
    )
    collapsed = forms.TypedChoiceField(
        choices=[("1", "Collapsed"), ("0", "Open")], coerce=lambda value: value == "1"
    )


class EditorPreferencesForm(forms.Form):
    """One or both of the editor's layout choices; what is not sent stays."""

    density = forms.ChoiceField(choices=EditorPreferences.Density, required=False)
    findings_collapsed = forms.TypedChoiceField(
        choices=[("1", "Collapsed"), ("0", "Open")],
        coerce=lambda value: value == "1",
        required=False,
        empty_value=None,
    )

    def changes(self) -> dict:
        return {name: value for name, value in self.cleaned_data.items() if value not in ("", None)}


class ColumnAddForm(forms.Form):
    role = forms.ModelChoiceField(
        queryset=None, empty_label=None, widget=forms.Select(attrs={"class": "form-select"})
    )

    def __init__(self, *args, team, columns=None, **kwargs):
        """`columns`, the role ids of the team's columns, when the caller has
        them (the page's grid): the options are then read by the cheaper query."""
        super().__init__(*args, **kwargs)
        field = self.fields["role"]
        if columns is None or self.is_bound:
            # Costly to build (its exclusion is a subquery): the page's form,
            # never checked, does without.
            field.queryset = team.organization.roles.exclude(teams=team)
        # The options, read once: the select would read the roles twice (and the
        # page asks whether there are any), each a query of its own.
        if columns is None:
            field.choices = list(field.queryset.values_list("pk", "name"))
        else:
            shown = set(columns)
            roles = role_names(team.organization_id)
            field.choices = [(pk, name) for pk, name in roles if pk not in shown]


class FixForm(forms.Form):
    """Names a finding by its rule, activity and role, and which of its fixes
    (the column it is about, when it offers one per candidate column); the fix
    is recomputed on the server from the current matrix, never taken from the
    client."""

    rule = forms.SlugField()
    activity = forms.CharField(required=False)
    role = forms.CharField(required=False)
    fix = forms.CharField(required=False)


class FindingForm(forms.Form):
    """Names a finding as the engine does (see `raci.grid.finding_identity`)."""

    rule = forms.SlugField(widget=forms.HiddenInput)
    activity = forms.CharField(required=False, widget=forms.HiddenInput)
    role = forms.CharField(required=False, widget=forms.HiddenInput)
    person = forms.CharField(required=False, widget=forms.HiddenInput)
    subject = forms.CharField(required=False, widget=forms.HiddenInput)


class FindingAcceptForm(FindingForm):
    """A finding, the letters the user saw (as a digest) and the reason for living with it."""

    letters = forms.CharField(max_length=64, widget=forms.HiddenInput)
    reason = forms.CharField(
        label="Why does the team live with it?",
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": "Say why the team lives with this finding."},
    )

    def clean_reason(self):
        return self.cleaned_data["reason"].strip()


class ReopenForm(forms.Form):
    """Where to go back to after reopening: the matrix, or the list of accepted findings."""

    back_to = forms.ChoiceField(choices=[("matrix", "matrix"), ("accepted", "accepted")])


class ActivityLinkForm(forms.Form):
    key = forms.ChoiceField(choices=[(entry.key, entry.name) for entry in CATALOGUE])


class HistoryFilterForm(forms.Form):
    """The history page's filters: who, which activity, which role."""

    user = forms.ModelChoiceField(
        queryset=None, required=False, label="Person", empty_label="Anyone"
    )
    activity = forms.ModelChoiceField(queryset=None, required=False, empty_label="Any activity")
    role = forms.ModelChoiceField(queryset=None, required=False, empty_label="Any role")

    def __init__(self, *args, team, **kwargs):
        super().__init__(*args, **kwargs)
        # Only those who changed this team: not the organization's member list.
        self.fields["user"].queryset = (
            get_user_model().objects.filter(changeset__team=team).distinct().order_by("username")
        )
        self.fields["user"].label_from_instance = lambda user: user.get_username()
        self.fields["activity"].queryset = team.activities.order_by("name")
        self.fields["role"].queryset = Role.objects.filter(
            organization=team.organization_id
        ).order_by("name")
        for field in self.fields.values():
            field.widget.attrs["class"] = "form-select form-select-sm"

    def filter(self, change_sets):
        """`change_sets` narrowed to those by the person chosen that touch the
        activity and the role chosen; all of them unless every filter is valid."""
        if not self.is_valid():
            return change_sets
        data = self.cleaned_data
        if data["user"]:
            change_sets = change_sets.filter(user=data["user"])
        touching = Change.objects.filter(change_set=OuterRef("pk"))
        if data["activity"]:
            touching = touching.filter(activity_id=data["activity"].pk)
        if data["role"]:
            touching = touching.filter(role_id=data["role"].pk)
        if data["activity"] or data["role"]:
            change_sets = change_sets.filter(Exists(touching))
        return change_sets


# Set-up forms (sign-up, members, teams, people, roles) follow.


def save_unless_taken(form, message, *, team=None, by=None, action="", summary=""):
    """Save a valid model form; if a colleague took the name since the form
    was checked, the database refuses it and the form shows `message`; if the
    form is based on a version a colleague saved over, it says so. A change to
    what `team`'s matrix shows is recorded with it, as one change set by `by`
    (an activity form's or the team settings')."""
    try:
        if team is None:
            with transaction.atomic():
                _claim_version(form)
                return form.save()
        parts = ("settings",) if isinstance(form.instance, Team) else ("activities",)
        with history.recording(team, by=by, action=action, summary=summary, parts=parts):
            _claim_version(form)
            return form.save()
    except IntegrityError:
        form.add_error("name", message)
        return None
    except StaleEdit:
        form.refuse_stale()
        return None


def _claim_version(form) -> None:
    """Inside the save's transaction: StaleEdit when a colleague saved the
    object since the form was based on it."""
    if isinstance(form, BasedOnVersionForm) and not form.claim_version():
        raise StaleEdit


def conflict_shown(form) -> bool:
    """After the database refused a save that the form had checked (someone took
    the username, email or name at the same moment), check the form again so
    that it says which. False when it still finds nothing wrong."""
    form.full_clean()
    return not form.is_valid()


def _clean_unique_name(form, queryset, message):
    """The stripped name, or an error when another row of `queryset` has it (any case)."""
    name = form.cleaned_data["name"].strip()
    clash = queryset.filter(name__iexact=name)
    if form.instance.pk:
        clash = clash.exclude(pk=form.instance.pk)
    if clash.exists():
        raise forms.ValidationError(message)
    return name


class SignInForm(AuthenticationForm):
    """Django's sign-in form, taking an email address as well as a username."""

    error_messages = {
        **AuthenticationForm.error_messages,
        "invalid_login": "That username or email and password do not match an account. "
        "The password is case-sensitive.",
    }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["username"]
        field.label = "Username or email"
        field.max_length = get_user_model()._meta.get_field("email").max_length
        field.widget.attrs["maxlength"] = field.max_length
        field.widget.attrs["autocomplete"] = "username"


class SignupForm(UserCreationForm):
    """A new account and the organization it will own."""

    email = forms.EmailField(help_text="For password resets and invitations.")
    organization_name = forms.CharField(
        max_length=120,
        help_text="Your company or department. You can invite colleagues afterwards.",
    )

    field_order = ["username", "email", "password1", "password2", "organization_name"]

    class Meta(UserCreationForm.Meta):
        fields = ("username", "email")

    def clean_email(self):
        email = self.cleaned_data["email"]
        existing = get_user_model().objects.filter(email__iexact=email).first()
        if existing and not existing.has_usable_password():
            raise forms.ValidationError(
                "You have been invited already: use the link in the invitation email, or "
                "ask whoever invited you to add you again for a fresh one."
            )
        if existing:
            raise forms.ValidationError(
                "An account with this email already exists. Sign in, or reset its password."
            )
        return email

    def clean_organization_name(self):
        return self.cleaned_data["organization_name"].strip()


class OrganizationForm(forms.Form):
    name = forms.CharField(label="Organization name", max_length=120)

    def clean_name(self):
        return self.cleaned_data["name"].strip()


class MemberInviteForm(forms.Form):
    email = forms.EmailField(
        max_length=get_user_model()._meta.get_field("email").max_length,
        help_text="Someone without an account gets an email to set one up.",
    )
    level = forms.ChoiceField(choices=Membership.Level.choices, initial=Membership.Level.VIEWER)

    def __init__(self, *args, organization, **kwargs):
        super().__init__(*args, **kwargs)
        self.organization = organization

    def clean_email(self):
        email = self.cleaned_data["email"]
        # Adding someone who never set their password again resends their
        # invitation; anyone else is already in.
        member = self.organization.memberships.filter(user__email__iexact=email).first()
        if member and member.user.has_usable_password():
            raise forms.ValidationError("This person is already a member.")
        return email


class MemberLevelForm(forms.Form):
    level = forms.ChoiceField(choices=Membership.Level.choices)


class TeamNameMixin:
    def clean_name(self):
        return _clean_unique_name(
            self,
            self.instance.organization.teams.all(),
            "This organization already has a team with that name.",
        )


class TeamCreateForm(TeamNameMixin, forms.ModelForm):
    start_from = forms.ChoiceField(
        choices=StartFrom.choices, initial=StartFrom.REFERENCE, widget=forms.RadioSelect
    )
    source_team = forms.ModelChoiceField(
        queryset=None, required=False, label="Team to copy", help_text="Only used for a copy."
    )

    class Meta:
        model = Team
        fields = ["name", "uses_scrum", "stage"]

    def __init__(self, *args, organization, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.organization = organization
        self.fields["source_team"].queryset = organization.teams.all()

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("start_from") == StartFrom.COPY and not cleaned.get("source_team"):
            self.add_error("source_team", "Choose the team to copy.")
        return cleaned


class TeamSettingsForm(TeamNameMixin, BasedOnVersionForm):
    version_field = "settings_version"

    class Meta:
        model = Team
        fields = [
            "name",
            "uses_scrum",
            "stage",
            "accountable_does_work",
            "max_responsible",
            "max_consulted",
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # The database refuses 0; saying so here gives a readable error instead.
        for name in ("max_responsible", "max_consulted"):
            self.fields[name].min_value = 1
            self.fields[name].validators.append(MinValueValidator(1))
            self.fields[name].widget.attrs["min"] = 1


class RoleChoiceField(forms.ModelMultipleChoiceField):
    widget = forms.CheckboxSelectMultiple

    def __init__(self, **kwargs):
        kwargs.setdefault("label", "Roles in this team")
        kwargs.setdefault(
            "error_messages",
            {"required": "Pick at least one role; use Remove to take someone off the team."},
        )
        super().__init__(queryset=Role.objects.none(), **kwargs)

    def label_from_instance(self, role):
        if role.acts_as:
            return f"{role.name} (acts as {role.get_acts_as_display()})"
        return role.name


def team_role_choices(team, person=None):
    """The roles someone can hold in `team`: its columns in order, then any
    role `person` still holds there that is no longer a column, so that saving
    a form never drops a role silently."""
    column = TeamRole.objects.filter(team=team, role=OuterRef("pk"))
    held = RoleHolder.objects.filter(
        team=team, person_id=person.pk if person else None, role=OuterRef("pk")
    )
    return (
        Role.objects.filter(organization=team.organization)
        .annotate(column=Subquery(column.values("position")[:1]))
        .filter(Q(column__isnull=False) | Exists(held))
        .order_by(F("column").asc(nulls_last=True), "name")
    )


class PersonForm(BasedOnVersionForm):
    """A person's details and the roles they hold in one team."""

    roles = RoleChoiceField()

    class Meta:
        model = Person
        fields = ["name", "email", "title"]

    def __init__(self, *args, team, **kwargs):
        super().__init__(*args, **kwargs)
        self.team = team
        self.instance.organization = team.organization
        person = self.instance if self.instance.pk else None
        self.fields["roles"].queryset = team_role_choices(team, person)
        if person:
            self.initial.setdefault(
                "roles", list(person.held_roles.filter(team=team).values_list("role", flat=True))
            )

    def clean_email(self):
        email = self.cleaned_data["email"]
        clash = self.team.organization.people.filter(email__iexact=email)
        if self.instance.pk:
            clash = clash.exclude(pk=self.instance.pk)
        if email and clash.exists():
            raise forms.ValidationError(
                "Someone in this organization already has this email: "
                "add them as an existing person."
            )
        return email


class PersonPickForm(forms.Form):
    """Adds someone the organization already knows to a team."""

    person = forms.ModelChoiceField(queryset=None, label="Person")
    roles = RoleChoiceField()

    def __init__(self, *args, team, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["person"].queryset = team.organization.people.exclude(
            held_roles__team=team
        ).distinct()
        self.fields["roles"].queryset = team_role_choices(team)


class RoleForm(forms.ModelForm):
    class Meta:
        model = Role
        fields = ["name", "acts_as"]
        labels = {"acts_as": "Acts as"}

    def __init__(self, *args, organization, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.organization = organization
        self.fields["acts_as"].choices = [("", "— no documented role —")] + [
            (kind.value, kind.label) for kind in CanonicalRole
        ]

    def clean_name(self):
        name = _clean_unique_name(
            self,
            self.instance.organization.roles.all(),
            "This organization already has a role with that name.",
        )
        # In a matrix file these names mean a documented role or a fixed column.
        folded = " ".join(name.split()).lower()
        if kind := role_kind_for_header(name):
            raise forms.ValidationError(
                f"In matrix files “{name}” means the {kind.label}: choose another name, or "
                f"use the {kind.label} role."
            )
        if folded in RESERVED_HEADERS:
            raise forms.ValidationError(
                f"“{name}” is a column of every matrix file: choose another name."
            )
        return name


# Named versions


class TeamVersionForm(forms.ModelForm):
    class Meta:
        model = TeamVersion
        fields = ["name", "note"]
        widgets = {"note": forms.Textarea(attrs={"rows": 2})}
        help_texts = {"name": "For instance “Agreed split, Q3”."}

    def __init__(self, *args, team, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.team = team

    def clean_name(self):
        return _clean_unique_name(
            self, self.instance.team.versions.all(), "This team already has a version of that name."
        )


NOW = "now"


class CompareForm(forms.Form):
    """Two sides to compare: saved versions of the team (by id) or NOW."""

    before = forms.ChoiceField(label="Compare")
    after = forms.ChoiceField(label="with")

    def __init__(self, *args, versions, **kwargs):
        super().__init__(*args, **kwargs)
        self.versions = {str(version.pk): version for version in versions}
        choices = [(NOW, "Now"), *((key, v.name) for key, v in self.versions.items())]
        for name in ("before", "after"):
            self.fields[name].choices = choices
        self.fields["before"].initial = next(iter(self.versions), NOW)
        self.fields["after"].initial = NOW

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("before") and cleaned.get("before") == cleaned.get("after"):
            raise forms.ValidationError("Choose two different sides to compare.")
        return cleaned

    def side_version(self, name: str):
        """The version chosen as side `name`, or None for now."""
        return self.versions.get(self.cleaned_data[name])
