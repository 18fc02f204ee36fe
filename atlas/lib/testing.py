"""Named personas for tests. Each is a real account with the role it describes.

Use them through the fixtures in conftest.py (`city_officer`, `ngo_editor`, …),
so a test reads as a scenario: "an NGO editor publishes a submitted practice".
"""

from atlas.accounts.actions import grant_role
from atlas.accounts.models import Organisation, PlaceMembership, Role, User
from atlas.core.places import PlaceRef
from atlas.places.actions import resolve_place

PASSWORD = "correct horse battery staple 42"  # noqa: S105 - test accounts only


def make_user(username: str, *, organisation: Organisation | None = None) -> User:
    return User.objects.create_user(
        username=username,
        email=f"{username}@example.org",
        password=PASSWORD,
        organisation=organisation,
    )


def make_city_officer() -> User:
    """Marta works for Barcelona City Council and is on the team that will assess
    the city's services. She may not publish practices."""
    barcelona = resolve_place(PlaceRef(kind="city", code=None, country="ES", city="Barcelona"))
    council, _ = Organisation.objects.get_or_create(
        name="Barcelona City Council",
        defaults={"kind": Organisation.Kind.CITY_GOVERNMENT, "place": barcelona},
    )
    user = make_user("marta", organisation=council)
    grant_role(user=user, role=Role.PLACE_TEAM)
    PlaceMembership.objects.create(user=user, place=barcelona)
    return user


def make_ngo_editor() -> User:
    """Ewa edits the practice library for an NGO: she reviews submissions and publishes them."""
    ngo, _ = Organisation.objects.get_or_create(
        name="Migrant Rights Network (test)", defaults={"kind": Organisation.Kind.NGO}
    )
    user = make_user("ewa", organisation=ngo)
    grant_role(user=user, role=Role.EDITOR)
    return user


def make_contributor() -> User:
    """Kofi is a researcher who proposes practices under his own name; editors review them."""
    lab, _ = Organisation.objects.get_or_create(
        name="Migration Research Centre (test)",
        defaults={"kind": Organisation.Kind.RESEARCH_BODY},
    )
    user = make_user("kofi", organisation=lab)
    grant_role(user=user, role=Role.CONTRIBUTOR)
    return user


def make_moderator() -> User:
    """Noor moderates public contributions: an editor whose work is the review queue."""
    user = make_user("noor")
    grant_role(user=user, role=Role.EDITOR)
    return user


def make_data_steward() -> User:
    """Tomás works at a statistics office and will publish disclosure-controlled tables."""
    office, _ = Organisation.objects.get_or_create(
        name="National Statistics Office (test)",
        defaults={"kind": Organisation.Kind.NATIONAL_GOVERNMENT},
    )
    user = make_user("tomas", organisation=office)
    grant_role(user=user, role=Role.DATA_STEWARD)
    return user
