"""The public role-definitions page shows the catalogue with its sources."""

import re

from django.urls import reverse
from django.utils.html import escape

from raci.catalogue import CATALOGUE, CATALOGUE_BY_KEY, ROLE_PROFILES
from raci.rules import RULES
from raci.vocabulary import CanonicalRole

URL = reverse("raci:role_definitions")


def test_anyone_can_read_the_role_definitions(client, db):
    response = client.get(URL)
    assert response.status_code == 200
    for kind in CanonicalRole:
        assert re.search(
            rf'<h2 id="role-{kind.value}-heading"[^>]*>{kind.label}</h2>', response.text
        )


def test_every_entry_appears_with_its_description_and_sources(client, db):
    text = client.get(URL).text
    for entry in CATALOGUE:
        assert escape(entry.name) in text
        assert escape(entry.description) in text
        for source in entry.sources:
            assert escape(source.title) in text


def test_an_entry_shows_the_letter_it_gives_each_role(client, db):
    response = client.get(URL)
    roles = {role["kind"]: role["entries"] for role in response.context["roles"]}
    backlog = CATALOGUE_BY_KEY["vision-to-backlog"]
    product_owner = {item["entry"].key: item for item in roles[CanonicalRole.PRODUCT_OWNER]}
    assert product_owner[backlog.key]["letters"] == "AR"
    assert product_owner[backlog.key]["meaning"] == "Accountable, Responsible"
    assert '<abbr title="Accountable, Responsible">AR</abbr>' in response.text
    # Accountable entries come first in each role's list.
    first = roles[CanonicalRole.PRODUCT_MANAGER][0]
    assert "A" in first["letters"]


def test_disputed_entries_are_marked_with_their_note(client, db):
    text = client.get(URL).text
    disputed = [entry for entry in CATALOGUE if entry.disputed]
    assert disputed
    assert text.count("Disputed</span>") >= len(disputed)
    for entry in disputed:
        for dispute in entry.disputes:
            # The note is shown in full (autoescaped like the rest of the page), with
            # the role it is about and whether a source describes it as a way to work.
            assert escape(dispute.note) in text
            kind = "Documented alternative" if dispute.alternative else "Minority reading"
            assert f"{kind}: {escape(dispute.holder.label)}." in text


def test_every_rule_is_listed_with_an_anchor_and_its_sources(client, db):
    text = client.get(URL).text
    for rule in RULES:
        assert f'id="rule-{rule.id}"' in text
        assert escape(rule.why) in text
        for source in rule.sources:
            assert escape(source.part) in text


def test_the_product_owner_profile_records_where_the_sources_disagree(client, db):
    text = client.get(URL).text
    assert escape(ROLE_PROFILES[CanonicalRole.PRODUCT_OWNER].dispute_note) in text
