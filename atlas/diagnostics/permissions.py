"""Who may see and change an assessment round. Views, the API and the admin all ask here.

- A draft is seen and changed by its place's team only (PlaceMembership), and by admins.
- A submitted round is seen by its team and by editors, who may review it; nobody changes
  its answers (the team reopens it to change them).
- A published round is seen by everyone.
"""

from django.contrib.auth.models import AnonymousUser
from django.db.models import Q, QuerySet

from atlas.accounts.models import PlaceMembership, Role, User
from atlas.diagnostics.models import Assessment
from atlas.places.models import Place

Visitor = User | AnonymousUser


def is_team_member(user: Visitor, place: Place) -> bool:
    if not user.is_authenticated:
        return False
    return PlaceMembership.objects.filter(user_id=user.pk, place=place).exists()


def can_view(user: Visitor, assessment: Assessment) -> bool:
    if assessment.status == Assessment.Status.PUBLISHED:
        return True
    if not user.is_authenticated:
        return False
    if user.is_superuser or is_team_member(user, assessment.place):
        return True
    return (
        assessment.status == Assessment.Status.SUBMITTED
        and isinstance(user, User)
        and (user.has_role(Role.EDITOR))
    )


def can_change(user: Visitor, assessment: Assessment) -> bool:
    """Answer, invite, submit, reopen and publish are for the team (and admins)."""
    if not user.is_authenticated:
        return False
    return bool(user.is_superuser) or is_team_member(user, assessment.place)


def can_open(user: Visitor, place: Place) -> bool:
    return user.is_authenticated and (bool(user.is_superuser) or is_team_member(user, place))


def visible_assessments(user: Visitor) -> QuerySet[Assessment]:
    """Every round this visitor may see."""
    published = Q(status=Assessment.Status.PUBLISHED)
    if not user.is_authenticated:
        return Assessment.objects.filter(published)
    if user.is_superuser:
        return Assessment.objects.all()
    team = Q(place__team__user_id=user.pk)
    condition = published | team
    if isinstance(user, User) and user.has_role(Role.EDITOR):
        condition |= Q(status=Assessment.Status.SUBMITTED)
    return Assessment.objects.filter(condition).distinct()
