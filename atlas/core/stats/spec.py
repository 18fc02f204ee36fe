"""Table specifications and code lists, as versioned TOML data files.

The code lists (``data/stats/codelists.toml``) give each dimension its codes and hierarchy:
area → province → country, five-year age bands → broad bands → total, gender → total,
migration status group → total, service → sector → total (the services and sectors of the
shared vocabulary). A table specification (``data/stats/specs/*.toml``) names a table: its
slug, version and title, its dimensions (code list names, in order), its measure (persons,
contacts, nights or cost) and the parameters of the disclosure-control rules, read into the one
`Rules` of the protection half (``primary``), which owns them; ``dominance_n``/``dominance_k``
become its ``nk`` and ``sparsity_limit`` its ``max_unsafe_share``.

A code's label (and a list's ``total_label``) is either a string, in English only (other
languages fall back to it), or a table in every language of ``atlas.core.languages``
(``{ en = "Female", es = "Mujer", … }``), as in the project's other versioned data files.
`CodeList.labels` holds the English labels, `CodeList.label` a label in any language. A
table's ``title`` is the same: a string in English, or a table in every language
(`TableSpec.title_in`).

`load_codelists` and `load_spec` check the files; the first rule broken raises a `SpecError`
naming the file and the key, and nothing is returned.

>>> codelists = default_codelists()
>>> codelists["age"].parent["0-4"], codelists["age"].parent["0-17"]
('0-17', 'total')
>>> codelists.status
'status'
>>> codelists["gender"].labels["female"], codelists["gender"].label("female", "es")
('Female', 'Mujer')
>>> spec = default_specs()["service-use-5d"]
>>> spec.dimensions, spec.measure.value, spec.rules.threshold
(('area', 'age', 'gender', 'status', 'service'), 'persons', 10)
>>> spec.rules.status_dimension, spec.rules.max_unsafe_share, spec.rules.nk
('status', 0.5, None)
>>> spec.title_in("en") == spec.title, spec.title_in("es") != spec.title
(True, True)
"""

import dataclasses
import functools
import tomllib
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType
from typing import Any

from atlas.core.datafiles import DataFileError
from atlas.core.languages import LANGUAGES
from atlas.core.stats.primary import MIN_THRESHOLD, SECONDARY_METHODS, Rules
from atlas.core.stats.tables import CodeList, Measure
from atlas.core.vocabulary import Vocabulary, default_vocabulary

DATA_DIRECTORY = Path(__file__).resolve().parent.parent / "data" / "stats"
DEFAULT_CODELISTS_PATH = DATA_DIRECTORY / "codelists.toml"
DEFAULT_SPECS_DIRECTORY = DATA_DIRECTORY / "specs"

# Disclosure control never counts fewer than this many persons as safe, whatever a
# specification says (the floor is the protection half's).
MINIMUM_THRESHOLD = MIN_THRESHOLD
DEFAULT_THRESHOLD = Rules.threshold
DEFAULT_P = Rules.p
DEFAULT_SPARSITY_LIMIT = Rules.max_unsafe_share

_CODELIST_FILE_KEYS = frozenset({"meta", "codelist"})
_CODELIST_KEYS = frozenset({"label", "total", "total_label", "codes", "vocabulary", "role"})
_CODE_KEYS = frozenset({"code", "parent", "label", "ages"})
_SPEC_FILE_KEYS = frozenset({"meta", "table", "rules"})
_TABLE_KEYS = frozenset({"slug", "title", "dimensions", "measure"})
_RULE_KEYS = frozenset(
    {
        "threshold",
        "p",
        "status_dimension",
        "sparsity_limit",
        "dominance_n",
        "dominance_k",
        "secondary",
    }
)
_ROLES = frozenset({"status"})


class SpecError(DataFileError):
    """A code list or table specification file that breaks a rule.

    >>> str(SpecError("threshold 3 is below 5", file=Path("a.toml"), key="rules.threshold"))
    "a.toml, key 'rules.threshold': threshold 3 is below 5"
    """


@dataclass(frozen=True)
class CodeLists(Mapping[str, CodeList]):
    """The code lists of one version of a code list file, by dimension name.

    ``ages`` gives, for each leaf band of the age list, its first and last age in whole years
    (so records may carry an age instead of a band); ``status`` names the list declared the
    status dimension (``role = "status"``), if any.
    """

    version: str
    lists: Mapping[str, CodeList] = dataclasses.field(hash=False)
    ages: Mapping[str, tuple[int, int]] = dataclasses.field(hash=False, default_factory=dict)
    status: str | None = None
    file: Path | None = None

    def __getitem__(self, name: str) -> CodeList:
        return self.lists[name]

    def __iter__(self) -> Iterator[str]:
        return iter(self.lists)

    def __len__(self) -> int:
        return len(self.lists)


@dataclass(frozen=True)
class TableSpec:
    """One table: what it counts, over which dimensions, and how it is to be protected."""

    slug: str
    version: str
    title: str
    dimensions: tuple[str, ...]
    measure: Measure
    rules: Rules
    file: Path | None = None
    # The title in every language of `LANGUAGES` ({} when the spec gives it in English only).
    title_translations: Mapping[str, str] = dataclasses.field(default_factory=dict)

    def title_in(self, language: str) -> str:
        """The title in ``language``; in English where the spec gives no translation."""
        return self.title_translations.get(language) or self.title

    def codelists_of(self, codelists: Mapping[str, CodeList]) -> tuple[CodeList, ...]:
        """The code lists of the table's dimensions, in order."""
        return tuple(codelists[name] for name in self.dimensions)


def _read_toml(path: Path) -> dict[str, Any]:
    try:
        with path.open("rb") as handle:
            return tomllib.load(handle)
    except FileNotFoundError:
        raise SpecError("file not found", file=path) from None
    except tomllib.TOMLDecodeError as error:
        raise SpecError(f"not valid TOML: {error}", file=path) from None


def _version(data: dict[str, Any], path: Path) -> str:
    meta = data.get("meta")
    if not isinstance(meta, dict) or not isinstance(meta.get("version"), str):
        raise SpecError("missing [meta] version (a string)", file=path, key="meta.version")
    unknown = sorted(set(meta) - {"version"})
    if unknown:
        raise SpecError(f"unknown key {unknown[0]!r}", file=path, key=f"meta.{unknown[0]}")
    return str(meta["version"])


def _check_keys(table: Any, allowed: frozenset[str], path: Path, key: str) -> dict[str, Any]:
    if not isinstance(table, dict):
        raise SpecError("expected a table", file=path, key=key)
    unknown = sorted(set(table) - allowed)
    if unknown:
        raise SpecError(f"unknown key {unknown[0]!r}", file=path, key=f"{key}.{unknown[0]}")
    return table


def _string(table: dict[str, Any], name: str, path: Path, key: str) -> str:
    value = table.get(name)
    if not isinstance(value, str) or not value:
        raise SpecError(f"{name} must be a non-empty string", file=path, key=f"{key}.{name}")
    return value


def _label(
    value: Any, path: Path, key: str, code: str, what: str = "label"
) -> tuple[str, dict[str, str]]:
    """A label (or a title: ``what``) as (English, {language: label}): a string is English
    only; a table must give every language of `LANGUAGES`, each a non-empty string."""
    if isinstance(value, str) and value.strip():
        return value.strip(), {}
    if not isinstance(value, dict):
        raise SpecError(
            f"the {what} of {code!r} must be a non-empty string or a table by language",
            file=path,
            key=key,
        )
    for language in LANGUAGES:
        text = value.get(language)
        if not isinstance(text, str) or not text.strip():
            raise SpecError(
                f"the {what} of {code!r} has no text in language {language!r}",
                file=path,
                key=f"{key}.{language}",
            )
    unknown = sorted(set(value) - set(LANGUAGES))
    if unknown:
        raise SpecError(
            f"the {what} of {code!r} is in unknown language {unknown[0]!r}; "
            f"expected {', '.join(LANGUAGES)}",
            file=path,
            key=f"{key}.{unknown[0]}",
        )
    texts = {language: value[language].strip() for language in LANGUAGES}
    return texts["en"], texts


def _vocabulary_codes(
    kind: str, total: str, path: Path, key: str, vocabulary: Vocabulary
) -> list[dict[str, Any]]:
    if kind != "service":
        raise SpecError(
            f"only the service vocabulary forms a tree, not {kind!r}", file=path, key=key
        )
    codes: list[dict[str, Any]] = []
    for sector in vocabulary.sectors():
        codes.append({"code": sector.slug, "parent": total, "label": dict(sector.labels)})
        for service in vocabulary.children("service", sector.slug):
            codes.append(
                {"code": service.slug, "parent": sector.slug, "label": dict(service.labels)}
            )
    return codes


def _codelist(
    name: str, entry: Any, path: Path, vocabulary: Vocabulary
) -> tuple[CodeList, dict[str, tuple[int, int]], str | None]:
    key = f"codelist.{name}"
    entry = _check_keys(entry, _CODELIST_KEYS, path, key)
    total = _string(entry, "total", path, key)
    role = entry.get("role")
    if role is not None and role not in _ROLES:
        raise SpecError(f"unknown role {role!r}", file=path, key=f"{key}.role")
    if "vocabulary" in entry:
        if "codes" in entry:
            raise SpecError("give codes or vocabulary, not both", file=path, key=f"{key}.codes")
        raw = _vocabulary_codes(entry["vocabulary"], total, path, f"{key}.vocabulary", vocabulary)
    else:
        raw = entry.get("codes")
        if not isinstance(raw, list) or not raw:
            raise SpecError("codes must be a non-empty list", file=path, key=f"{key}.codes")
    parent: dict[str, str] = {}
    labels: dict[str, str] = {}
    translations: dict[str, dict[str, str]] = {}
    if "total_label" in entry:
        labels[total], translations[total] = _label(
            entry["total_label"], path, f"{key}.total_label", total
        )
    else:
        labels[total] = total
    ages: dict[str, tuple[int, int]] = {}
    for position, item in enumerate(raw):
        item_key = f"{key}.codes[{position}]"
        item = _check_keys(item, _CODE_KEYS, path, item_key)
        code = _string(item, "code", path, item_key)
        up = _string(item, "parent", path, item_key)
        if code == total or code in parent:
            raise SpecError(f"duplicate code {code!r}", file=path, key=f"{item_key}.code")
        parent[code] = up
        if "label" in item:
            labels[code], translations[code] = _label(
                item["label"], path, f"{item_key}.label", code
            )
        else:
            labels[code] = code
        if "ages" in item:
            span = item["ages"]
            if (
                not isinstance(span, list)
                or len(span) != 2
                or not all(isinstance(a, int) for a in span)
                or not 0 <= span[0] <= span[1]
            ):
                raise SpecError(
                    "ages must be [first, last], whole years, 0 <= first <= last",
                    file=path,
                    key=f"{item_key}.ages",
                )
            ages[code] = (span[0], span[1])
    for code, up in parent.items():
        if up != total and up not in parent:
            raise SpecError(f"unknown parent {up!r} of {code!r}", file=path, key=f"{key}.codes")
    for code in parent:
        seen = {code}
        up = parent[code]
        while up != total:
            if up in seen:
                raise SpecError(f"cycle through {code!r}", file=path, key=f"{key}.codes")
            seen.add(up)
            up = parent[up]
    codelist = CodeList(
        name,
        total=total,
        parent=parent,
        labels=labels,
        translations={code: texts for code, texts in translations.items() if texts},
    )
    if ages:
        not_leaves = sorted(set(ages) - set(codelist.leaves))
        missing = sorted(set(codelist.leaves) - set(ages))
        if not_leaves or missing:
            raise SpecError(
                "ages must be given for every leaf and only for leaves: "
                f"{(not_leaves or missing)[0]!r}",
                file=path,
                key=f"{key}.codes",
            )
        spans = sorted(ages.values())
        for (_a, last), (first, _b) in zip(spans, spans[1:], strict=False):
            if first <= last:
                raise SpecError(f"age bands overlap at {first}", file=path, key=f"{key}.codes")
    return codelist, ages, role


def load_codelists(
    path: Path = DEFAULT_CODELISTS_PATH, *, vocabulary: Vocabulary | None = None
) -> CodeLists:
    """Read and check a code list file (the service list is built from ``vocabulary``).

    >>> codelists = default_codelists()
    >>> codelists["area"].total, codelists["area"].parent["DEMO-A01"]
    ('DEMO', 'DEMO-P1')
    >>> codelists["service"].parent["health-primary"], codelists["service"].parent["health"]
    ('health', 'total')
    >>> codelists.ages["85+"]
    (85, 130)
    """
    vocabulary = vocabulary or default_vocabulary()
    data = _read_toml(path)
    _check_keys(data, _CODELIST_FILE_KEYS, path, "file")
    version = _version(data, path)
    entries = data.get("codelist")
    if not isinstance(entries, dict) or not entries:
        raise SpecError("no [codelist.NAME] table", file=path, key="codelist")
    lists: dict[str, CodeList] = {}
    ages: dict[str, tuple[int, int]] = {}
    status: str | None = None
    for name, entry in entries.items():
        codelist, list_ages, role = _codelist(name, entry, path, vocabulary)
        lists[name] = codelist
        if list_ages:
            if ages:
                raise SpecError(
                    "only one code list may give ages", file=path, key=f"codelist.{name}"
                )
            ages = list_ages
        if role == "status":
            if status is not None:
                raise SpecError(
                    "only one code list may be the status dimension",
                    file=path,
                    key=f"codelist.{name}.role",
                )
            status = name
    return CodeLists(version, MappingProxyType(lists), MappingProxyType(ages), status, path)


def _number(rules: dict[str, Any], name: str, default: float, path: Path) -> float:
    value = rules.get(name, default)
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise SpecError(f"{name} must be a number", file=path, key=f"rules.{name}")
    return float(value)


def _rules(
    raw: Any, dimensions: tuple[str, ...], measure: Measure, codelists: CodeLists, path: Path
) -> Rules:
    rules = _check_keys(raw if raw is not None else {}, _RULE_KEYS, path, "rules")
    threshold = rules.get("threshold", DEFAULT_THRESHOLD)
    if isinstance(threshold, bool) or not isinstance(threshold, int):
        raise SpecError("threshold must be a whole number", file=path, key="rules.threshold")
    if threshold < MINIMUM_THRESHOLD:
        raise SpecError(
            f"threshold {threshold} is below {MINIMUM_THRESHOLD}, the lowest allowed",
            file=path,
            key="rules.threshold",
        )
    p = _number(rules, "p", DEFAULT_P, path)
    if not 0 < p < 100:
        raise SpecError(f"p {p:g} must lie between 0 and 100", file=path, key="rules.p")
    sparsity = _number(rules, "sparsity_limit", DEFAULT_SPARSITY_LIMIT, path)
    if not 0 < sparsity <= 1:
        raise SpecError(
            f"sparsity_limit {sparsity:g} must lie in (0, 1]", file=path, key="rules.sparsity_limit"
        )
    status = rules.get("status_dimension")
    if status is None and codelists.status in dimensions:
        status = codelists.status
    if status is not None and status not in dimensions:
        raise SpecError(
            f"status dimension {status!r} is not a dimension of the table",
            file=path,
            key="rules.status_dimension",
        )
    n, k = rules.get("dominance_n"), rules.get("dominance_k")
    if (n is None) != (k is None):
        raise SpecError("give dominance_n and dominance_k together", file=path, key="rules")
    if n is not None and (isinstance(n, bool) or n not in (1, 2)):
        # The engine keeps the two largest contributions per cell, so n is 1 or 2.
        raise SpecError("dominance_n must be 1 or 2", file=path, key="rules.dominance_n")
    if k is not None and (
        isinstance(k, bool) or not isinstance(k, int | float) or not 0 < k <= 100
    ):
        raise SpecError("dominance_k must lie in (0, 100]", file=path, key="rules.dominance_k")
    secondary = rules.get("secondary", "elimination")
    if secondary not in SECONDARY_METHODS:
        raise SpecError(
            f"secondary {secondary!r} must be one of {', '.join(SECONDARY_METHODS)}",
            file=path,
            key="rules.secondary",
        )
    if secondary == "optimal" and measure != Measure.PERSONS:
        raise SpecError(
            "the optimal secondary suppression is for tables of persons only",
            file=path,
            key="rules.secondary",
        )
    return Rules(
        threshold=threshold,
        p=p,
        status_dimension=status,
        max_unsafe_share=sparsity,
        nk=None if n is None or k is None else (int(n), float(k)),
        secondary=secondary,
    )


def load_spec(path: Path, codelists: CodeLists) -> TableSpec:
    """Read and check one table specification against the code lists it uses."""
    data = _read_toml(path)
    _check_keys(data, _SPEC_FILE_KEYS, path, "file")
    version = _version(data, path)
    table = _check_keys(data.get("table"), _TABLE_KEYS, path, "table")
    slug = _string(table, "slug", path, "table")
    title, title_translations = _label(table.get("title"), path, "table.title", slug, "title")
    raw_dimensions = table.get("dimensions")
    if (
        not isinstance(raw_dimensions, list)
        or not raw_dimensions
        or not all(isinstance(d, str) for d in raw_dimensions)
    ):
        raise SpecError(
            "dimensions must be a non-empty list of code list names",
            file=path,
            key="table.dimensions",
        )
    for name in raw_dimensions:
        if name not in codelists:
            raise SpecError(f"unknown code list {name!r}", file=path, key="table.dimensions")
    if len(set(raw_dimensions)) != len(raw_dimensions):
        raise SpecError("a dimension is named twice", file=path, key="table.dimensions")
    dimensions = tuple(raw_dimensions)
    try:
        measure = Measure(table.get("measure", "persons"))
    except ValueError:
        choices = ", ".join(m.value for m in Measure)
        raise SpecError(
            f"unknown measure {table.get('measure')!r}; expected one of {choices}",
            file=path,
            key="table.measure",
        ) from None
    rules = _rules(data.get("rules"), dimensions, measure, codelists, path)
    return TableSpec(slug, version, title, dimensions, measure, rules, path, title_translations)


@functools.cache
def default_codelists() -> CodeLists:
    """The code lists shipped with the project, read once."""
    return load_codelists()


def default_specs() -> Mapping[str, TableSpec]:
    """The starter table specifications, by slug.

    >>> sorted(default_specs())
    ['contacts-by-service-status', 'persons-by-area-age-gender', 'service-use-5d']
    """
    codelists = default_codelists()
    specs: dict[str, TableSpec] = {}
    for path in sorted(DEFAULT_SPECS_DIRECTORY.glob("*.toml")):
        spec = load_spec(path, codelists)
        if spec.slug in specs:
            raise SpecError(f"duplicate slug {spec.slug!r}", file=path, key="table.slug")
        specs[spec.slug] = spec
    return MappingProxyType(specs)
