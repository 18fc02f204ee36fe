"""No page, API response or export ever shows a confidential location's address, postcode,
position or directions: a sweep over every directory endpoint, every export, and every
finder and leaflet page for the shelter's place, in English and Arabic."""

import json
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import translation

from atlas.core.vocabulary import default_vocabulary
from atlas.directory import actions
from atlas.directory.models import Service
from atlas.directory.tests.conftest import HIDDEN
from atlas.places.models import Place

pytestmark = pytest.mark.django_db

PAGE_NAMESPACES = ("finder", "leaflets")


def assert_no_secret(where: str, text: str) -> None:
    lowered = text.lower()
    for secret in HIDDEN:
        assert secret.lower() not in lowered, (where, secret)


def api_urls(shelter: Service, place: Place) -> list[str]:
    service_id = str(shelter.uuid)
    lists = [
        "",
        "full=true",
        "full=true&per_page=1",
        f"place={place.pk}",
        "place=ES:Barcelona&full=true",
        "place=ES&full=true",
        "sector=housing&full=true",
        "free=true&no_documents=true&full=true",
        "search=safe&full=true",
    ]
    return [
        "/api/hsds/",
        "/api/hsds/profile",
        *(f"/api/hsds/services?{query}" for query in lists),
        f"/api/hsds/services/{service_id}",
        f"/api/hsds/services/{service_id.upper()}",
        "/api/openapi.json",
    ]


def page_patterns() -> list[tuple[str, list[str]]]:
    """Every (namespace:name, its URL keyword arguments) of the finder and leaflet pages."""
    found = []
    resolver = get_resolver()

    def walk(patterns: list[Any], namespace: str | None, params: list[str]) -> None:
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                inner = pattern.namespace or namespace
                names = list(pattern.pattern.regex.groupindex)
                walk(pattern.url_patterns, inner, params + names)
            elif isinstance(pattern, URLPattern) and namespace in PAGE_NAMESPACES:
                names = params + list(pattern.pattern.regex.groupindex)
                found.append((f"{namespace}:{pattern.name}", names))

    walk(resolver.url_patterns, None, [])
    return found


def page_urls(shelter: Service, place: Place, language: str) -> list[str]:
    sectors = [term.slug for term in default_vocabulary().sectors()]
    values: dict[str, list[Any]] = {
        "place_id": [place.pk],
        "service_id": [shelter.uuid],
        "sector": sectors,
    }
    urls = []
    with translation.override(language):
        for name, params in page_patterns():
            unknown = [p for p in params if p not in values]
            assert not unknown, f"{name}: the sweep needs values for {unknown}"
            combos: list[dict[str, Any]] = [{}]
            for param in params:
                combos = [{**c, param: v} for c in combos for v in values[param]]
            urls += [reverse(name, kwargs=kwargs) for kwargs in combos]
    return urls


def test_no_api_response_export_or_page_shows_a_confidential_location(
    shelter: Service, clinic: Service, barcelona: Place, tmp_path: Path
) -> None:
    client = Client()
    checked = 0
    for url in api_urls(shelter, barcelona):
        response = client.get(url)
        assert response.status_code == 200, url
        assert_no_secret(url, response.content.decode())
        checked += 1
    # The shelter is listed, with its way to make contact and its coarse area.
    page = client.get(f"/api/hsds/services/{shelter.uuid}").json()
    assert page["phones"][0]["number"] == "+00 000 000 000"
    [link] = page["service_at_locations"]
    assert link["location"]["name"] == "Barcelona"
    assert "addresses" not in link["location"] or link["location"]["addresses"] == []

    # Exports: the functions, the command's JSON and its tabular package.
    assert_no_secret("export_json", json.dumps(actions.export_json(), ensure_ascii=False))
    assert_no_secret("organizations", json.dumps(actions.export_organizations()))
    out = tmp_path / "directory.json"
    call_command("export_directory", "-o", str(out))
    assert_no_secret("export-directory json", out.read_text(encoding="utf-8"))
    call_command("export_directory", "--format", "tabular", "-o", str(tmp_path / "package"))
    files = sorted((tmp_path / "package").iterdir())
    assert len(files) == 23
    for path in files:
        assert_no_secret(path.name, path.read_text(encoding="utf-8"))
    # The public clinic's address is exported: the check can see an address when there is one.
    assert "1 Carrer Obert" in out.read_text(encoding="utf-8")

    # Every finder and leaflet page for the place, in English and Arabic.
    pages = 0
    for language in ("en", "ar"):
        for url in page_urls(shelter, barcelona, language):
            response = client.get(url)
            assert response.status_code in (200, 404), (url, response.status_code)
            if response.status_code != 200:
                continue
            if not response["Content-Type"].startswith("text/"):
                continue  # the PDF is printed from the HTML leaflet checked here
            assert_no_secret(url, response.content.decode())
            pages += 1
    # The shelter's own page exists and says how to make contact.
    with translation.override("en"):
        detail = client.get(reverse("finder:service", kwargs={"service_id": shelter.uuid}))
    assert detail.status_code == 200
    assert "+00 000 000 000" in detail.content.decode()
    assert pages >= 2 * (3 + len(default_vocabulary().sectors()))
    assert checked == len(api_urls(shelter, barcelona))


def test_a_location_shared_with_a_confidential_service_is_redacted_everywhere(
    shelter: Service, clinic: Service
) -> None:
    """The same HSDS location in a public service stays redacted, there too."""
    shared = shelter.locations.get()
    shared.pk = None
    shared.service = clinic
    shared.confidential = False
    shared.save()
    text = Client().get(f"/api/hsds/services/{clinic.uuid}").content.decode()
    assert_no_secret("shared", text)
    assert "1 Carrer Obert" in text


def test_editors_see_the_confidential_address_in_the_admin_and_nobody_else_does(
    shelter: Service, editor_client: Client, contributor: Any
) -> None:
    url = f"/admin/directory/service/{shelter.pk}/change/"
    assert HIDDEN[0] in editor_client.get(url).content.decode()
    assert Client().get(url).status_code == 302  # to the sign-in page
    other = Client()
    other.force_login(contributor)
    assert HIDDEN[0] not in other.get(url).content.decode()
