"""Fixtures shared by every test: the starter content and the named personas.

The test database gets regions, countries, roles and the starter practices
once per session; each test runs in a transaction that is rolled back.
"""

from collections.abc import Iterator
from typing import Any

import pytest
from django.core.management import call_command
from django.test import Client, override_settings

from atlas.lib import testing


@pytest.fixture(scope="session", autouse=True)
def static_files_from_the_source_tree() -> Iterator[None]:
    """Link static files by their plain names, as the finders serve them.

    Production's storage hashes names through a manifest that `atlas setup`
    writes with collectstatic; the tests must not depend on a collected tree.
    """
    with override_settings(
        STORAGES={
            "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
            "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
        }
    ):
        yield


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup: Any, django_db_blocker: Any) -> Iterator[None]:
    from atlas.accounts.actions import ensure_role_groups
    from atlas.entitlements.actions import import_starter_entitlements
    from atlas.places.actions import load_regions_and_countries
    from atlas.practices.actions import import_starter_practices

    with django_db_blocker.unblock():
        call_command("createcachetable", verbosity=0)
        load_regions_and_countries()
        ensure_role_groups()
        import_starter_practices()
        import_starter_entitlements()
    yield


@pytest.fixture
def anonymous_visitor() -> Client:
    """Someone on a phone with no account: every public page must work for them."""
    return Client()


@pytest.fixture
def city_officer(db: None) -> Any:
    return testing.make_city_officer()


@pytest.fixture
def ngo_editor(db: None) -> Any:
    return testing.make_ngo_editor()


@pytest.fixture
def contributor(db: None) -> Any:
    return testing.make_contributor()


@pytest.fixture
def moderator(db: None) -> Any:
    return testing.make_moderator()


@pytest.fixture
def data_steward(db: None) -> Any:
    return testing.make_data_steward()


@pytest.fixture
def editor_client(ngo_editor: Any) -> Client:
    client = Client()
    client.force_login(ngo_editor)
    return client
