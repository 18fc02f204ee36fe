"""Writes to action plans, and the readings of a plan its page and the API share.

Views, the API and the admin call these, and only after asking permissions.py whether the
user may. Every write saves a `PlanVersion` (a snapshot of the whole plan) in the same
transaction, so the history of a plan is complete by construction.
"""

import dataclasses
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from fractions import Fraction
from typing import Any

from django.db import transaction
from django.db.models import Max, Q, QuerySet

from atlas.accounts.models import User
from atlas.core.diagnostic import Framework, round_score
from atlas.core.diagnostic.gaps import Gap, rank_gaps
from atlas.core.diagnostic.steps import Step, default_steps
from atlas.core.vocabulary import default_vocabulary
from atlas.diagnostics.actions import framework_of, result_of
from atlas.diagnostics.models import Assessment
from atlas.diagnostics.permissions import Visitor
from atlas.plans.models import Plan, PlanAction, PlanVersion, ProgressNote
from atlas.plans.permissions import visible_plans

# The fields of an action a team edits, through a page or the API.
EDITABLE_FIELDS: tuple[str, ...] = (
    "title",
    "description",
    "owner",
    "partners",
    "deadline",
    "budget",
    "currency",
    "indicator",
    "status",
    "step",
    "measures",
)
MAX_NOTE_LENGTH = 5000
MAX_BUDGET = Decimal("999999999999.99")


class PlanError(ValueError):
    """A change refused: the message says why and names the field (and question) concerned."""

    def __init__(self, problem: str, *, field: str | None = None) -> None:
        self.problem = problem
        self.field = field
        super().__init__(problem if field is None else f"{field}: {problem}")


@dataclass(frozen=True)
class Proposal:
    """An action proposed for one gap of a round, not saved yet; the team edits it first."""

    gap_question: str
    title: str
    step: str = ""
    # Every step of the operational framework that addresses the gap, the proposed one first.
    steps: tuple[str, ...] = ()
    measures: tuple[str, ...] = ()
    description: str = ""
    owner: str = ""
    partners: str = ""
    deadline: date | None = None
    budget: Decimal | None = None
    currency: str = ""
    indicator: str = ""
    status: str = PlanAction.Status.PLANNED

    def fields(self) -> dict[str, Any]:
        """The proposal's values for the editable fields of an action."""
        return {name: getattr(self, name) for name in EDITABLE_FIELDS}


@dataclass(frozen=True)
class Progress:
    """How far a plan has come: actions by status, and the share done of those not dropped."""

    counts: Mapping[str, int]
    total: int

    @property
    def done(self) -> int:
        return self.counts.get(PlanAction.Status.DONE, 0)

    @property
    def active(self) -> int:
        """Actions still part of the plan: all but the dropped ones."""
        return self.total - self.counts.get(PlanAction.Status.DROPPED, 0)

    @property
    def share_done(self) -> float | None:
        """Per cent of the actions not dropped that are done, to one decimal; None if none."""
        if self.active == 0:
            return None
        return round_score(Fraction(100 * self.done, self.active))


@dataclass(frozen=True)
class GapClosure:
    """A gap an action addressed, scored in the plan's round and in a later one."""

    action: PlanAction
    question: str
    before: float | None
    after: float | None
    # True when the later round scores it 100 or no longer ranks it as a gap; None when the
    # later round left it unanswered or not applicable, so nothing can be said.
    closed: bool | None


# --- reading -----------------------------------------------------------------------------


def round_gaps(assessment: Assessment) -> list[Gap]:
    """The gaps of a round, most severe first (`atlas.core.diagnostic.gaps.rank_gaps`)."""
    return rank_gaps(framework_of(assessment), result_of(assessment))


def steps_for(gap: Gap) -> tuple[Step, ...]:
    """The steps of the operational framework that address a gap, the one to propose first.

    `Steps.for_gap` gives them in step order; the first proposed is the step sharing most
    barriers with the gap's question, then the one removing the barrier the question names
    first, then step order. So a practice gap about documents leads to accepting other
    documents before the review of laws, which addresses nearly every gap.
    """
    steps = default_steps().for_gap(gap)
    barriers = list(gap.barriers)

    def rank(item: tuple[int, Step]) -> tuple[int, int, int]:
        order, step = item
        shared = [barriers.index(b) for b in step.barriers if b in barriers]
        return (-len(shared), min(shared, default=len(barriers)), order)

    return tuple(step for _, step in sorted(enumerate(steps), key=rank))


def known_steps() -> dict[str, Step]:
    return {step.slug: step for step in default_steps().all}


def question_text(framework: Framework, slug: str, language: str) -> str:
    question = framework.question(slug)
    return question.text.get(language) or question.text["en"]


def propose_actions(
    assessment: Assessment, question_slugs: Iterable[str], *, language: str = "en"
) -> list[Proposal]:
    """One proposed action per chosen gap of ``assessment``, most severe gap first.

    Each proposes the first step that addresses the gap, its measures, its label (in
    ``language``) as title and its summary as description, and lists the other steps the team
    may choose instead. Raise `PlanError` for a question that is not a gap of the round.
    """
    framework = framework_of(assessment)
    wanted = set(question_slugs)
    gaps = {gap.question: gap for gap in round_gaps(assessment)}
    for slug in sorted(wanted - set(gaps)):
        raise PlanError(f"question {slug!r} is not a gap of this round", field="gaps")
    proposals = []
    for slug, gap in gaps.items():
        if slug not in wanted:
            continue
        steps = steps_for(gap)
        if steps:
            first = steps[0]
            proposals.append(
                Proposal(
                    gap_question=slug,
                    step=first.slug,
                    steps=tuple(step.slug for step in steps),
                    measures=tuple(first.measures),
                    title=first.label(language)[:300],
                    description=first.summary(language),
                )
            )
        else:
            proposals.append(
                Proposal(gap_question=slug, title=question_text(framework, slug, language)[:300])
            )
    return proposals


def overdue(action: PlanAction, today: date) -> bool:
    """The deadline has passed (before ``today``) and the action is neither done nor dropped."""
    return action.is_overdue(today)


def progress(plan: Plan) -> Progress:
    counts = {status: 0 for status in PlanAction.Status.values}
    for status in plan.actions.values_list("status", flat=True):
        counts[status] = counts.get(status, 0) + 1
    return Progress(counts=counts, total=sum(counts.values()))


def later_rounds(plan: Plan) -> QuerySet[Assessment]:
    """Scored rounds of the plan's place on the same framework version, after its round."""
    source = plan.assessment
    return Assessment.objects.filter(
        Q(period__gt=source.period) | Q(period=source.period, pk__gt=source.pk),
        place_id=plan.place_id,
        framework=source.framework,
        framework_version=source.framework_version,
        status__in=[Assessment.Status.SUBMITTED, Assessment.Status.PUBLISHED],
    ).order_by("-period", "-id")


def closed_gaps(plan: Plan, later_assessment: Assessment) -> list[GapClosure]:
    """For each action with a gap question: its score before and after, and whether it closed.

    A gap closed when ``later_assessment`` scores the question 100, or no longer ranks it
    among its gaps. Raise `PlanError` when the later round is on another framework version
    (scores do not compare) or is the plan's own round.
    """
    source = plan.assessment
    if later_assessment.pk == source.pk:
        raise PlanError("a plan's own round cannot show which of its gaps closed")
    if (later_assessment.framework, later_assessment.framework_version) != (
        source.framework,
        source.framework_version,
    ):
        raise PlanError(
            f"the later round uses {later_assessment.framework} "
            f"{later_assessment.framework_version}, the plan's round "
            f"{source.framework} {source.framework_version}: their scores do not compare"
        )
    framework = framework_of(source)
    before = result_of(source)
    after = result_of(later_assessment)
    still_gaps = {gap.question for gap in rank_gaps(framework, after)}
    closures = []
    for action in plan.actions.exclude(gap_question=""):
        slug = action.gap_question
        old = before.questions.get(slug)
        new = after.questions.get(slug)
        after_score = None if new is None or new.score is None else float(new.score)
        closed = None if after_score is None else (after_score >= 100 or slug not in still_gaps)
        closures.append(
            GapClosure(
                action=action,
                question=slug,
                before=None if old is None or old.score is None else float(old.score),
                after=after_score,
                closed=closed,
            )
        )
    return closures


def plans_for(assessment: Assessment, user: Visitor) -> QuerySet[Plan]:
    """The plans built from a round that ``user`` may see (for a link from the round's page)."""
    return visible_plans(user).filter(assessment=assessment)


def snapshot(plan: Plan) -> dict[str, Any]:
    """The plan and all its actions and notes as plain JSON-ready data."""
    actions = plan.actions.prefetch_related("notes")
    return {
        "title": plan.title,
        "assessment": plan.assessment_id,
        "place": plan.place_id,
        "published": plan.published,
        "actions": [action_record(action) for action in actions],
    }


def action_record(action: PlanAction) -> dict[str, Any]:
    return {
        "id": action.pk,
        "position": action.position,
        "gap_question": action.gap_question,
        "step": action.step,
        "measures": list(action.measures),
        "title": action.title,
        "description": action.description,
        "owner": action.owner,
        "partners": action.partners,
        "deadline": None if action.deadline is None else action.deadline.isoformat(),
        "budget": None if action.budget is None else str(action.budget),
        "currency": action.currency,
        "indicator": action.indicator,
        "status": action.status,
        # No author: a published plan's history names no one (the note row keeps it).
        "notes": [{"text": note.text, "at": note.at.isoformat()} for note in action.notes.all()],
    }


# --- checking ----------------------------------------------------------------------------


def clean_fields(values: Mapping[str, Any]) -> dict[str, Any]:
    """Check and normalise editable action fields; raise `PlanError` naming the field."""
    unknown = sorted(set(values) - set(EDITABLE_FIELDS))
    if unknown:
        raise PlanError("not a field a team may edit", field=unknown[0])
    cleaned: dict[str, Any] = {}
    for name, value in values.items():
        cleaned[name] = _clean(name, value)
    return cleaned


def _clean(name: str, value: Any) -> Any:
    if name in ("title", "description", "owner", "partners", "indicator"):
        text = "" if value is None else str(value).strip()
        limit = {"title": 300, "owner": 200}.get(name)
        if name == "title" and not text:
            raise PlanError("an action needs a title", field=name)
        if limit is not None and len(text) > limit:
            raise PlanError(f"at most {limit} characters", field=name)
        return text
    if name == "deadline":
        if value is None or value == "":
            return None
        if isinstance(value, date):
            return value
        try:
            return date.fromisoformat(str(value))
        except ValueError:
            raise PlanError(f"{value!r} is not a date (YYYY-MM-DD)", field=name) from None
    if name == "budget":
        if value is None or value == "":
            return None
        try:
            amount = Decimal(str(value))
        except InvalidOperation:
            raise PlanError(f"{value!r} is not an amount", field=name) from None
        if not amount.is_finite() or amount < 0 or amount > MAX_BUDGET:
            raise PlanError(f"{value!r} is not an amount from 0 to {MAX_BUDGET}", field=name)
        return amount.quantize(Decimal("0.01"))
    if name == "currency":
        code = "" if value is None else str(value).strip().upper()
        if code and (len(code) != 3 or not code.isascii() or not code.isalpha()):
            raise PlanError(f"{value!r} is not a three-letter currency code", field=name)
        return code
    if name == "status":
        if value not in PlanAction.Status.values:
            expected = ", ".join(PlanAction.Status.values)
            raise PlanError(f"{value!r} is not one of {expected}", field=name)
        return str(value)
    if name == "step":
        slug = "" if value is None else str(value).strip()
        if slug and slug not in known_steps():
            raise PlanError(f"{slug!r} is not a step of the operational framework", field=name)
        return slug
    if name == "measures":
        slugs = list(value or [])
        vocabulary = default_vocabulary()
        for slug in slugs:
            if not isinstance(slug, str) or not vocabulary.has("measure", slug):
                raise PlanError(f"{slug!r} is not a measure of the vocabulary", field=name)
        return list(dict.fromkeys(slugs))
    raise PlanError("not a field a team may edit", field=name)


def _check_budget(fields: Mapping[str, Any]) -> None:
    if fields.get("budget") is not None and not fields.get("currency"):
        raise PlanError("a budget needs its currency code", field="currency")


# --- writing -----------------------------------------------------------------------------


def save_version(*, plan: Plan, user: User | None, change: str) -> PlanVersion:
    """Write the next version of ``plan``: call inside the transaction of the change."""
    Plan.objects.select_for_update().filter(pk=plan.pk).first()
    last = plan.versions.aggregate(last=Max("number"))["last"] or 0
    return PlanVersion.objects.create(
        plan=plan, number=last + 1, change=change[:200], saved_by=user, snapshot=snapshot(plan)
    )


@transaction.atomic
def create_plan(
    *, assessment: Assessment, user: User | None, title: str, proposals: Sequence[Proposal]
) -> Plan:
    """A plan for ``assessment``'s place with one action per proposal, all or none."""
    if assessment.status == Assessment.Status.DRAFT:
        raise PlanError("a plan is built from a submitted round", field="assessment")
    framework = framework_of(assessment)
    title = title.strip()
    if not title:
        raise PlanError("a plan needs a title", field="title")
    if len(title) > 200:
        raise PlanError("at most 200 characters", field="title")
    rows = []
    for position, proposal in enumerate(proposals, start=1):
        if proposal.gap_question:
            try:
                framework.question(proposal.gap_question)
            except KeyError:
                raise PlanError(
                    f"{proposal.gap_question!r} is not a question of this round's framework",
                    field="gap_question",
                ) from None
        try:
            fields = clean_fields(proposal.fields())
            _check_budget(fields)
        except PlanError as error:
            raise PlanError(f"action {position}: {error.problem}", field=error.field) from None
        rows.append((position, proposal.gap_question, fields))
    plan = Plan.objects.create(
        assessment=assessment, place=assessment.place, title=title, created_by=user
    )
    for position, gap_question, fields in rows:
        PlanAction.objects.create(plan=plan, position=position, gap_question=gap_question, **fields)
    save_version(plan=plan, user=user, change="plan created")
    return plan


@transaction.atomic
def update_action(
    *, action: PlanAction, user: User | None, changes: Mapping[str, Any]
) -> PlanAction:
    """Change some editable fields of an action; a version is saved if anything changed."""
    cleaned = clean_fields(changes)
    merged = {name: getattr(action, name) for name in EDITABLE_FIELDS} | cleaned
    _check_budget(merged)
    changed = [name for name, value in cleaned.items() if getattr(action, name) != value]
    if not changed:
        return action
    for name in changed:
        setattr(action, name, cleaned[name])
    action.save(update_fields=[*changed, "updated_at"])
    save_version(
        plan=action.plan,
        user=user,
        change=f"action {action.position} edited: {', '.join(changed)}",
    )
    return action


def set_status(*, action: PlanAction, user: User | None, status: str) -> PlanAction:
    return update_action(action=action, user=user, changes={"status": status})


@transaction.atomic
def add_note(*, action: PlanAction, user: User | None, text: str) -> ProgressNote:
    text = text.strip()
    if not text:
        raise PlanError("a note needs some text", field="text")
    if len(text) > MAX_NOTE_LENGTH:
        raise PlanError(f"at most {MAX_NOTE_LENGTH} characters", field="text")
    note = ProgressNote.objects.create(action=action, text=text, author=user)
    save_version(plan=action.plan, user=user, change=f"action {action.position}: note added")
    return note


@transaction.atomic
def set_published(*, plan: Plan, user: User | None, published: bool) -> Plan:
    """Publish the plan (anyone may read it) or withdraw it (the team only)."""
    if plan.published == published:
        return plan
    plan.published = published
    plan.save(update_fields=["published", "updated_at"])
    save_version(plan=plan, user=user, change="published" if published else "withdrawn")
    return plan


def replace_proposal(proposal: Proposal, **values: Any) -> Proposal:
    """The proposal with some values edited (as the confirm page does)."""
    return dataclasses.replace(proposal, **values)
