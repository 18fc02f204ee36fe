"""Who may see and change an action plan. Views, the API and the admin all ask here.

A plan is its place team's working document, so the rules are those of
`atlas.diagnostics.permissions` for the team, and no others:

- the team of the plan's place (and admins) see and change it, published or not;
- anyone, editors included, sees a plan once the team has published it; nobody else
  changes it;
- a plan is built from a round the team may change.
"""

from django.db.models import Q, QuerySet

from atlas.diagnostics import permissions as rounds
from atlas.diagnostics.models import Assessment
from atlas.diagnostics.permissions import Visitor
from atlas.plans.models import Plan


def can_view(user: Visitor, plan: Plan) -> bool:
    return plan.published or rounds.can_open(user, plan.place)


def can_change(user: Visitor, plan: Plan) -> bool:
    """Edit actions, add notes, publish and withdraw: the team of the plan's place."""
    return rounds.can_open(user, plan.place)


def can_build(user: Visitor, assessment: Assessment) -> bool:
    """Build a plan from a round: its team, from a round it may see."""
    return rounds.can_view(user, assessment) and rounds.can_change(user, assessment)


def visible_plans(user: Visitor) -> QuerySet[Plan]:
    """Every plan this visitor may see."""
    published = Q(published=True)
    if not user.is_authenticated:
        return Plan.objects.filter(published)
    if user.is_superuser:
        return Plan.objects.all()
    return Plan.objects.filter(published | Q(place__team__user_id=user.pk)).distinct()
