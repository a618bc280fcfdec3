"""htmx under the strict Content Security Policy: a swap of the whole editor
applies no inline style, and htmx's request indicators are styled by our own
stylesheet instead of a <style> element htmx would add. The page fixture fails
the test on any console error, so a CSP violation fails it too."""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from tests.browser.pages import OWNER, sign_in

pytestmark = pytest.mark.browser


def test_whole_editor_swap_applies_no_inline_style(page, site):
    sign_in(page, OWNER)
    page.goto(reverse("raci:matrix", kwargs={"org_slug": "acme", "team_slug": "checkout"}))
    # A script may style an element through the CSSOM, which the CSP allows
    # (Bootstrap's components do). htmx used to copy that style attribute onto
    # the element's replacement when it settled a swap: an inline style the
    # CSP refuses, logged as "Applying inline style violates ... style-src".
    page.evaluate("document.getElementById('findings').style.maxHeight = '50vh'")
    add_activity = page.locator("form", has=page.get_by_role("heading", name="Add an activity"))
    add_activity.get_by_label("Name").fill("Pricing experiments")

    with page.expect_response(lambda response: "/activities/" in response.url) as response:
        add_activity.get_by_role("button", name="Add activity").click()

    assert response.value.ok
    expect(page.get_by_role("rowheader", name="Pricing experiments")).to_be_visible()
    assert page.evaluate("document.getElementById('findings').getAttribute('style')") is None
    assert page.evaluate("document.querySelectorAll('style').length") == 0


def test_request_indicators_are_hidden_until_a_request_runs(page, site):
    page.goto(reverse("login"))
    opacity = page.evaluate(
        """async () => {
          const form = document.querySelector("main form");
          const indicator = document.createElement("span");
          indicator.className = "htmx-indicator";
          form.append(indicator);
          const idle = getComputedStyle(indicator).opacity;
          form.classList.add("htmx-request");
          // It fades in over 200 ms.
          await new Promise((resolve) => setTimeout(resolve, 400));
          return [idle, getComputedStyle(indicator).opacity];
        }"""
    )
    assert opacity == ["0", "1"]
