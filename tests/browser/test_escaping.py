from collections.abc import Callable

import pytest
from playwright.sync_api import Dialog, Page, expect

pytestmark = pytest.mark.browser

SCRIPT = "<script>alert(1)</script>"
IMAGE = '<img src="x" onerror="alert(2)">'


def test_a_script_in_a_submission_is_shown_escaped(
    page: Page, site: str, propose_practice: Callable[..., None]
) -> None:
    from atlas.accounts.models import User
    from atlas.lib import testing
    from atlas.practices.actions import publish_practice
    from atlas.practices.models import Practice

    dialogs: list[str] = []

    def record_dialog(dialog: Dialog) -> None:
        dialogs.append(dialog.message)
        dialog.dismiss()

    page.on("dialog", record_dialog)
    try:
        propose_practice(page, title=SCRIPT, summary=f"{IMAGE} A clinic open to everyone.")
        practice = Practice.objects.get(title=SCRIPT)
        admin = User.objects.create_superuser(
            username="admin", email="admin@example.org", password=testing.PASSWORD
        )
        publish_practice(practice=practice, user=admin)

        page.goto(f"{site}/en/practices/{practice.slug}/")
        expect(page.get_by_role("heading", level=1)).to_have_text(SCRIPT)
        expect(page.locator(".lead")).to_have_text(f"{IMAGE} A clinic open to everyone.")
        assert page.title().startswith(SCRIPT)
        expect(page.locator("main script, main img")).to_have_count(0)

        # The search results show the title and a highlighted snippet of the summary.
        page.goto(f"{site}/en/practices/?q=clinic+alert")
        expect(page.locator("ol.hits h2 a", has_text=SCRIPT)).to_have_count(1)
        expect(page.locator("main script, main img")).to_have_count(0)
    finally:
        page.remove_listener("dialog", record_dialog)
    assert dialogs == []
