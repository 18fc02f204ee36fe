import pytest
from django.test import Client, override_settings

pytestmark = pytest.mark.django_db

PUBLIC_PAGES = ("/en/", "/ar/practices/?q=padron", "/en/practices/idnyc/", "/en/vocabulary/")


@pytest.mark.parametrize("path", PUBLIC_PAGES)
def test_public_pages_send_the_security_headers(anonymous_visitor: Client, path: str) -> None:
    response = anonymous_visitor.get(path)
    csp = response["Content-Security-Policy"]
    assert "default-src 'self'" in csp
    assert "frame-ancestors 'none'" in csp
    assert "unsafe-inline" not in csp
    assert response["Referrer-Policy"] == "no-referrer"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["X-Frame-Options"] == "DENY"


def test_form_pages_keep_the_referrer_on_the_site_so_csrf_checks_pass(
    anonymous_visitor: Client,
) -> None:
    for path in ("/en/practices/submit/", "/en/accounts/login/", "/admin/login/"):
        assert anonymous_visitor.get(path)["Referrer-Policy"] == "same-origin", path


def test_forms_refuse_a_post_without_a_csrf_token() -> None:
    client = Client(enforce_csrf_checks=True)
    response = client.post("/en/practices/submit/", {"title": "x"})
    assert response.status_code == 403


@override_settings(SECURE_HSTS_SECONDS=31536000, SECURE_SSL_REDIRECT=False)
def test_hsts_is_sent_over_https(anonymous_visitor: Client) -> None:
    response = anonymous_visitor.get("/en/", secure=True)
    assert response["Strict-Transport-Security"].startswith("max-age=31536000")


def test_passwords_are_hashed_with_argon2(ngo_editor) -> None:  # type: ignore[no-untyped-def]
    assert ngo_editor.password.startswith("argon2$")
