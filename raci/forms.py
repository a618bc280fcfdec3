"""Forms. Those of the matrix editor come first; the set-up forms follow."""

from django import forms

from raci.models import CATEGORY_CHOICES, Activity
from raci.vocabulary import LETTER_ORDER, Letter

LETTER_CHOICES = [(letter.value, f"{letter.value} · {letter.label}") for letter in LETTER_ORDER]


class CellForm(forms.Form):
    """The full new content of one cell, and the version the edit was based on."""

    letters = forms.MultipleChoiceField(
        choices=LETTER_CHOICES, required=False, widget=forms.CheckboxSelectMultiple
    )
    version = forms.IntegerField(min_value=0, widget=forms.HiddenInput)

    def clean_letters(self):
        return frozenset(Letter(value) for value in self.cleaned_data["letters"])


class ActivityForm(forms.ModelForm):
    class Meta:
        model = Activity
        fields = ["name", "category", "description"]
        widgets = {"description": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args, team, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.team = team
        self.fields["category"].choices = [("", "Other")] + CATEGORY_CHOICES

    def clean_name(self):
        name = self.cleaned_data["name"].strip()
        clash = self.instance.team.activities.filter(name__iexact=name)
        if self.instance.pk:
            clash = clash.exclude(pk=self.instance.pk)
        if clash.exists():
            raise forms.ValidationError("This team already has an activity with that name.")
        return name


class ActivityMoveForm(forms.Form):
    direction = forms.ChoiceField(choices=[("up", "Up"), ("down", "Down")])


class ColumnAddForm(forms.Form):
    role = forms.ModelChoiceField(queryset=None, empty_label=None)

    def __init__(self, *args, team, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["role"].queryset = team.organization.roles.exclude(teams=team)


class FixForm(forms.Form):
    """Names a finding by its rule, activity and role; the fix is recomputed
    on the server from the current matrix, never taken from the client."""

    rule = forms.SlugField()
    activity = forms.CharField(required=False)
    role = forms.CharField(required=False)


# Set-up forms (sign-up, members, teams, people, roles) follow.
