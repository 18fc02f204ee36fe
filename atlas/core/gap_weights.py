"""Gap weights: how much each kind of gap, and each service, weighs in a gap's severity.

The weights are a versioned data file, ``data/gap_weights.toml``, in which every weight
says where its importance comes from (docs/sources.md). `load_gap_weights` checks the file
against the shared vocabulary and the gap kinds; a broken file is a GapWeightsError naming
the file and the key.
"""

import dataclasses
import functools
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from types import MappingProxyType
from typing import Any

from atlas.core.datafiles import DataFileError
from atlas.core.vocabulary import Vocabulary, default_vocabulary

GAP_KINDS: tuple[str, ...] = (
    "access-emergency-only",
    "access-partial",
    "access-none",
    "access-unclear",
    "cost-full-payment",
    "cost-reduced",
    "documents-valid-permit",
    "firewall-duty-to-report",
    "firewall-no-rule",
    "firewall-unclear",
    "practice-below-law",
)

DEFAULT_WEIGHTS_PATH = Path(__file__).parent / "data" / "gap_weights.toml"
# The [service] key used for a service whose own and sector weights are both absent.
DEFAULT_SERVICE_KEY = "default"
_FILE_KEYS = frozenset({"meta", "service", "kind"})
_META_KEYS = frozenset({"version"})
_ENTRY_KEYS = frozenset({"weight", "why"})


class GapWeightsError(DataFileError):
    """A gap weights file that breaks a rule; the message names the file and the key.

    >>> str(GapWeightsError("weight 1.5 is above 1", file=Path("gap_weights.toml"),
    ...                     key="kind.access-none.weight"))
    "gap_weights.toml, key 'kind.access-none.weight': weight 1.5 is above 1"
    """


@dataclass(frozen=True)
class Weight:
    """One weight of the file: the slug it is written under, its value and why it is so."""

    slug: str
    value: float
    why: str


@dataclass(frozen=True)
class GapWeights:
    """The weights of one version of the gap weights file; build it with `load_gap_weights`.

    ``services`` holds the [service] entries as written (service or sector slugs, and
    ``default``); ``sectors`` maps every service of the vocabulary the file was checked
    against to its sector, for the fallback.
    """

    version: str
    services: Mapping[str, Weight] = dataclasses.field(hash=False, repr=False)
    kinds: Mapping[str, Weight] = dataclasses.field(hash=False, repr=False)
    sectors: Mapping[str, str] = dataclasses.field(hash=False, repr=False)

    def service_weight(self, service: str) -> Weight:
        """Return the weight that applies to ``service``: its own, else its sector's, else
        the default. Raise KeyError for a slug the vocabulary does not know.

        >>> weights = default_gap_weights()
        >>> weights.service_weight("health-emergency").slug
        'health-emergency'
        >>> weights.service_weight("health-dental").slug
        'health'
        """
        try:
            sector = self.sectors[service]
        except KeyError:
            raise KeyError(
                f"unknown service {service!r}; the gap weights {self.version} were checked "
                "against a vocabulary without it"
            ) from None
        for slug in (service, sector, DEFAULT_SERVICE_KEY):
            if slug in self.services:
                return self.services[slug]
        raise AssertionError("load_gap_weights requires a default")  # pragma: no cover

    def kind_weight(self, kind: str) -> Weight:
        """Return the weight of the gap kind ``kind``; raise KeyError naming an unknown one."""
        try:
            return self.kinds[kind]
        except KeyError:
            raise KeyError(
                f"unknown gap kind {kind!r}; expected one of {', '.join(GAP_KINDS)}"
            ) from None

    def severity(self, service: str, kind: str) -> float:
        """Return service weight × kind weight, rounded half up to 3 decimal places.

        The product is taken in decimal, so a weight written 0.35 is 0.35 exactly and a half
        rounds up as a reader would (0.35 × 0.35 = 0.1225 → 0.123; the binary float product,
        0.12249999999999998, would round to 0.122).

        >>> default_gap_weights().severity("health-emergency", "access-none")
        1.0
        """
        product = _decimal(self.service_weight(service).value) * _decimal(
            self.kind_weight(kind).value
        )
        return float(product.quantize(Decimal("0.001"), rounding=ROUND_HALF_UP))


def _decimal(value: float) -> Decimal:
    return Decimal(repr(value))


def load_gap_weights(
    path: Path | str | None = None, *, vocabulary: Vocabulary | None = None
) -> GapWeights:
    """Read and check a gap weights file (default: the shipped ``data/gap_weights.toml``).

    Raise `GapWeightsError` naming the key at the first broken rule: a file that is not
    TOML, an unknown table, a missing [meta] version, a [service] key that is neither
    ``default`` nor a service or sector slug of ``vocabulary`` (default: the shipped one), no
    ``default`` service weight, an unknown or missing gap kind, an entry with an unknown
    field, a missing or empty ``why``, or a weight that is missing, not a number or outside
    [0, 1].
    """
    file = DEFAULT_WEIGHTS_PATH if path is None else Path(path)
    vocabulary = default_vocabulary() if vocabulary is None else vocabulary
    try:
        with file.open("rb") as stream:
            data = tomllib.load(stream)
    except tomllib.TOMLDecodeError as error:
        raise GapWeightsError(f"not valid TOML: {error}", file=file) from error

    unknown = sorted(data.keys() - _FILE_KEYS)
    if unknown:
        raise GapWeightsError(
            "unknown table; expected [meta], [service.<slug>] and [kind.<kind>]",
            file=file,
            key=unknown[0],
        )
    meta = data.get("meta")
    if not isinstance(meta, dict):
        raise GapWeightsError("missing [meta] table", file=file, key="meta")
    unknown = sorted(meta.keys() - _META_KEYS)
    if unknown:
        raise GapWeightsError("unknown field in [meta]", file=file, key=f"meta.{unknown[0]}")
    version = meta.get("version")
    if not isinstance(version, str) or not version.strip():
        raise GapWeightsError("missing version", file=file, key="meta.version")

    raw_services = _table(data, "service", file)
    services: dict[str, Weight] = {}
    for slug, raw in raw_services.items():
        if slug != DEFAULT_SERVICE_KEY and not vocabulary.has("service", slug):
            raise GapWeightsError(
                f"unknown service or sector {slug!r} in vocabulary {vocabulary.version}",
                file=file,
                key=f"service.{slug}",
            )
        services[slug] = _parse_entry(file, f"service.{slug}", slug, raw)
    if DEFAULT_SERVICE_KEY not in services:
        raise GapWeightsError(
            "missing default weight, used for a service whose sector has none",
            file=file,
            key=f"service.{DEFAULT_SERVICE_KEY}",
        )

    raw_kinds = _table(data, "kind", file)
    kinds: dict[str, Weight] = {}
    for kind, raw in raw_kinds.items():
        if kind not in GAP_KINDS:
            raise GapWeightsError(
                f"unknown gap kind {kind!r}; expected one of {', '.join(GAP_KINDS)}",
                file=file,
                key=f"kind.{kind}",
            )
        kinds[kind] = _parse_entry(file, f"kind.{kind}", kind, raw)
    for kind in GAP_KINDS:
        if kind not in kinds:
            raise GapWeightsError(
                "missing gap kind: every kind needs a weight", file=file, key=f"kind.{kind}"
            )

    sectors = {
        term.slug: vocabulary.sector_of(term.slug).slug for term in vocabulary.terms("service")
    }
    return GapWeights(
        version=version,
        services=MappingProxyType(services),
        kinds=MappingProxyType({kind: kinds[kind] for kind in GAP_KINDS}),
        sectors=MappingProxyType(sectors),
    )


@functools.cache
def default_gap_weights() -> GapWeights:
    """Return the shipped gap weights, loaded and checked once per process."""
    return load_gap_weights()


def _table(data: Mapping[str, Any], name: str, file: Path) -> Mapping[str, Any]:
    table = data.get(name)
    if not isinstance(table, dict) or not table:
        raise GapWeightsError(f"missing [{name}.<slug>] tables", file=file, key=name)
    return table


def _parse_entry(file: Path, key: str, slug: str, raw: Any) -> Weight:
    if not isinstance(raw, dict):
        raise GapWeightsError("must be a table with weight and why", file=file, key=key)
    unknown = sorted(raw.keys() - _ENTRY_KEYS)
    if unknown:
        raise GapWeightsError(
            "unknown field; expected weight and why", file=file, key=f"{key}.{unknown[0]}"
        )
    value = raw.get("weight")
    if value is None:
        raise GapWeightsError("missing weight", file=file, key=f"{key}.weight")
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise GapWeightsError(
            f"weight must be a number, not {value!r}", file=file, key=f"{key}.weight"
        )
    if not 0 <= value <= 1:
        raise GapWeightsError(f"weight {value!r} is outside [0, 1]", file=file, key=f"{key}.weight")
    why = raw.get("why")
    if why is None:
        raise GapWeightsError(
            "missing why: every weight must say where its importance comes from",
            file=file,
            key=f"{key}.why",
        )
    if not isinstance(why, str) or not why.strip():
        raise GapWeightsError("empty why", file=file, key=f"{key}.why")
    return Weight(slug=slug, value=float(value), why=" ".join(why.split()))
