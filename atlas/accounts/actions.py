"""Writes about accounts: role groups and their permissions."""

from django.contrib.auth.models import Group, Permission

from atlas.accounts.models import Role, User

# The model permissions each role's group holds (app_label.codename).
ROLE_PERMISSIONS: dict[Role, tuple[str, ...]] = {
    Role.CONTRIBUTOR: ("practices.add_practice",),
    Role.EDITOR: (
        "practices.add_practice",
        "practices.change_practice",
        "practices.view_practice",
        "practices.publish_practice",
        "practices.view_event",
        "entitlements.add_entitlement",
        "entitlements.change_entitlement",
        "entitlements.view_entitlement",
        "entitlements.add_entitlementsource",
        "entitlements.change_entitlementsource",
        "entitlements.view_entitlementsource",
        "places.add_place",
        "places.change_place",
        "places.view_place",
    ),
    Role.PLACE_TEAM: ("places.view_place",),
    Role.DATA_STEWARD: ("places.view_place",),
}


def ensure_role_groups() -> dict[Role, Group]:
    """Create or refresh one auth group per role with its permissions. Safe to run again."""
    groups: dict[Role, Group] = {}
    for role, names in ROLE_PERMISSIONS.items():
        group, _created = Group.objects.get_or_create(name=role.value)
        permissions = []
        for name in names:
            app_label, codename = name.split(".")
            permissions.append(
                Permission.objects.get(content_type__app_label=app_label, codename=codename)
            )
        group.permissions.set(permissions)
        groups[role] = group
    return groups


def grant_role(*, user: User, role: Role) -> None:
    """Give a person a role; editors also get access to the admin."""
    group = ensure_role_groups()[role]
    user.groups.add(group)
    if role == Role.EDITOR and not user.is_staff:
        user.is_staff = True
        user.save(update_fields=["is_staff"])
