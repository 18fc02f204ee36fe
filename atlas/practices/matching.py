"""Practices that addressed a barrier to a service elsewhere: the link from a gap to a solution."""

from atlas.core.vocabulary import default_vocabulary
from atlas.practices.models import Facet, Practice

# Stronger evidence first (see docs/domain-model.md).
EVIDENCE_ORDER = {
    Practice.EvidenceLevel.EVALUATED: 0,
    Practice.EvidenceLevel.OUTCOMES_REPORTED: 1,
    Practice.EvidenceLevel.DESCRIBED: 2,
}


def practices_addressing(service: str, barrier: str, limit: int = 3) -> list[Practice]:
    """Published practices tagged with the barrier and the service (or its sector), best first.

    Best: the exact service before the sector, then stronger evidence, then the
    most recently started.
    """
    sector = default_vocabulary().sector_of(service).slug
    with_barrier = Facet.objects.filter(facet="barrier", value=barrier).values("practice_id")
    exact = set(
        Facet.objects.filter(
            facet="service", value=service, practice_id__in=with_barrier
        ).values_list("practice_id", flat=True)
    )
    in_sector = set(
        Facet.objects.filter(
            facet="service", value=sector, practice_id__in=with_barrier
        ).values_list("practice_id", flat=True)
    )
    candidates = Practice.objects.published().filter(pk__in=exact | in_sector)
    ranked = sorted(
        candidates,
        key=lambda p: (
            p.pk not in exact,
            EVIDENCE_ORDER.get(p.evidence_level, 3),  # type: ignore[call-overload]
            -(p.year_started or 0),
            p.title,
        ),
    )
    return ranked[:limit]
