import pytest
from django.test import Client, override_settings

from atlas.lib.testing import PASSWORD

pytestmark = pytest.mark.django_db


def test_a_person_signs_in_with_the_right_password(ngo_editor) -> None:  # type: ignore[no-untyped-def]
    client = Client()
    response = client.post("/en/accounts/login/", {"username": "ewa", "password": PASSWORD})
    assert response.status_code == 302


@override_settings(ATLAS_LOGIN_FAILURE_LIMIT=3)
def test_repeated_failures_lock_the_account_name_even_for_the_right_password(ngo_editor) -> None:  # type: ignore[no-untyped-def]
    client = Client()
    for _ in range(3):
        assert (
            client.post("/en/accounts/login/", {"username": "ewa", "password": "wrong"}).status_code
            == 200
        )
    response = client.post("/en/accounts/login/", {"username": "ewa", "password": PASSWORD})
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session


@override_settings(ATLAS_LOGIN_FAILURE_LIMIT=3)
def test_the_throttle_counts_names_not_addresses(ngo_editor, contributor) -> None:  # type: ignore[no-untyped-def]
    client = Client()
    for _ in range(3):
        client.post("/en/accounts/login/", {"username": "ewa", "password": "wrong"})
    response = client.post("/en/accounts/login/", {"username": "kofi", "password": PASSWORD})
    assert response.status_code == 302


def test_roles_are_groups_with_their_permissions(ngo_editor, city_officer, data_steward) -> None:  # type: ignore[no-untyped-def]
    from atlas.accounts.models import Role

    assert ngo_editor.has_perm("practices.publish_practice")
    assert not city_officer.has_perm("practices.publish_practice")
    assert city_officer.has_role(Role.PLACE_TEAM)
    assert city_officer.place_memberships.get().place.name == "Barcelona"
    assert data_steward.has_role(Role.DATA_STEWARD)
    assert not data_steward.has_role(Role.EDITOR)
