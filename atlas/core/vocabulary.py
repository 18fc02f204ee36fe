"""The shared vocabulary: services, groups, barriers, measures and actor types.

Practices, entitlements, diagnostic questions, finder entries, concerns and statistics are all
tagged with slugs from this one vocabulary, so a gap found in one part of the product leads to
everything relevant in the others (DESIGN.md, "The spine: one shared vocabulary").

The terms live in versioned TOML files under ``atlas/core/data/vocabulary/``, one file (or
more) per kind, each term labelled in every language of ``atlas.core.languages.LANGUAGES``.
`load_vocabulary` reads and checks them all; the first rule broken raises a `VocabularyError`
naming the file, the term and the field, and no vocabulary is returned.

>>> vocabulary = default_vocabulary()
>>> vocabulary.get("service", "health-primary").label("es")
'Atención primaria'
>>> vocabulary.sector_of("health-primary").slug
'health'
"""

import dataclasses
import functools
import re
import tomllib
from collections.abc import Iterable, Mapping
from pathlib import Path
from types import MappingProxyType
from typing import Any

from atlas.core.languages import LANGUAGES

KINDS: tuple[str, ...] = ("service", "group", "barrier", "measure", "actor-type")

# Barriers and measures are claims about how access fails and what fixes it: each must say
# which document it comes from (STYLE.md, "Cite sources").
KINDS_REQUIRING_SOURCE: frozenset[str] = frozenset({"barrier", "measure"})

# Only services form a tree, and only two levels deep: sector → service.
KINDS_WITH_PARENTS: frozenset[str] = frozenset({"service"})

SLUG_PATTERN = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")

DEFAULT_DIRECTORY = Path(__file__).parent / "data" / "vocabulary"

_FILE_KEYS = frozenset({"meta", "term"})
_META_KEYS = frozenset({"kind", "version"})
_TERM_KEYS = frozenset({"slug", "parent", "labels", "definition", "source"})


class VocabularyError(ValueError):
    """A vocabulary file breaks a rule.

    The message names the file, the term slug and the field at fault; the same facts are kept
    as attributes for callers that want to report them their own way.

    >>> str(VocabularyError("unknown parent 'helth'", file=Path("services.toml"),
    ...                     slug="health-primary", field="parent"))
    "services.toml, term 'health-primary', field 'parent': unknown parent 'helth'"
    """

    def __init__(
        self,
        problem: str,
        *,
        file: Path,
        slug: str | None = None,
        field: str | None = None,
    ) -> None:
        self.problem = problem
        self.file = file
        self.slug = slug
        self.field = field
        where = [str(file)]
        if slug is not None:
            where.append(f"term {slug!r}")
        if field is not None:
            where.append(f"field {field!r}")
        super().__init__(f"{', '.join(where)}: {problem}")


@dataclasses.dataclass(frozen=True)
class Term:
    """One entry of the vocabulary, e.g. the service ``health-primary`` under ``health``."""

    kind: str
    slug: str
    parent: str | None
    # A mapping is not hashable; a term is still identified by its other fields.
    labels: Mapping[str, str] = dataclasses.field(hash=False)
    definition: str
    source: str | None

    def label(self, language: str) -> str:
        """Return the term's name in ``language``, or in English for a language it lacks.

        >>> term = Term("group", "refugee", None, {"en": "Refugee", "es": "Persona refugiada"},
        ...             "A person recognised as a refugee.", None)
        >>> term.label("es"), term.label("de")
        ('Persona refugiada', 'Refugee')
        """
        return self.labels.get(language) or self.labels["en"]


class Vocabulary:
    """All terms of one vocabulary version, by kind, in file order.

    Build one with `load_vocabulary` (or `default_vocabulary`), which checks the files first.
    """

    def __init__(self, version: str, terms: Iterable[Term]) -> None:
        self.version = version
        self._terms: dict[str, dict[str, Term]] = {kind: {} for kind in KINDS}
        self._children: dict[tuple[str, str], list[Term]] = {}
        for term in terms:
            self._terms[term.kind][term.slug] = term
            if term.parent is not None:
                self._children.setdefault((term.kind, term.parent), []).append(term)

    def __repr__(self) -> str:
        counts = ", ".join(f"{len(self._terms[kind])} {kind}" for kind in KINDS)
        return f"<Vocabulary {self.version}: {counts}>"

    def _of_kind(self, kind: str) -> dict[str, Term]:
        try:
            return self._terms[kind]
        except KeyError:
            raise ValueError(
                f"unknown vocabulary kind {kind!r}; expected one of {', '.join(KINDS)}"
            ) from None

    def get(self, kind: str, slug: str) -> Term:
        """Return the term ``slug`` of ``kind``; raise KeyError naming it if there is none.

        >>> default_vocabulary().get("barrier", "fear-of-detection").label("en")
        'Fear of detection (no firewall)'
        """
        try:
            return self._of_kind(kind)[slug]
        except KeyError:
            raise KeyError(f"no {kind} term {slug!r} in vocabulary {self.version}") from None

    def has(self, kind: str, slug: str) -> bool:
        """Say whether ``slug`` is a term of ``kind``."""
        return slug in self._of_kind(kind)

    def terms(self, kind: str) -> list[Term]:
        """Return every term of ``kind`` in the order the files give them."""
        return list(self._of_kind(kind).values())

    def children(self, kind: str, slug: str) -> list[Term]:
        """Return the terms directly under ``slug`` (a sector's services), in file order.

        >>> [term.slug for term in default_vocabulary().children("service", "food")]
        ['food-assistance']
        """
        self.get(kind, slug)
        return list(self._children.get((kind, slug), []))

    def sectors(self) -> list[Term]:
        """Return the service sectors: the services without a parent, in file order."""
        return [term for term in self.terms("service") if term.parent is None]

    def sector_of(self, slug: str) -> Term:
        """Return the sector of the service ``slug``; a sector is its own sector.

        >>> default_vocabulary().sector_of("education").slug
        'education'
        """
        term = self.get("service", slug)
        return term if term.parent is None else self.get("service", term.parent)

    def expand(self, kind: str, slugs: Iterable[str]) -> set[str]:
        """Return the slugs with all the terms below them, so a search for a sector finds
        what was tagged with one of its services. Raise KeyError for an unknown slug.

        >>> sorted(default_vocabulary().expand("service", ["financial"]))
        ['financial', 'financial-bank-account']
        """
        pending = list(slugs)
        for slug in pending:
            self.get(kind, slug)
        expanded: set[str] = set()
        while pending:
            slug = pending.pop()
            if slug not in expanded:
                expanded.add(slug)
                pending.extend(child.slug for child in self._children.get((kind, slug), []))
        return expanded

    def validate_slugs(self, kind: str, slugs: Iterable[str]) -> list[str]:
        """Return the slugs that are not terms of ``kind``, once each, in the order given.

        >>> default_vocabulary().validate_slugs("group", ["refugee", "refugees", "refugees"])
        ['refugees']
        """
        known = self._of_kind(kind)
        unknown: list[str] = []
        for slug in slugs:
            if slug not in known and slug not in unknown:
                unknown.append(slug)
        return unknown


def load_vocabulary(directory: Path | None = None) -> Vocabulary:
    """Read and check every ``*.toml`` file in ``directory`` (default: the shipped files).

    Files are read in name order; a kind may be split over several files. Raise
    `VocabularyError` at the first broken rule: a file that is not TOML, an unknown kind, a
    missing or differing version, an unknown field, a bad or duplicate slug, a missing or empty
    label in any language, a missing definition, a missing source on a barrier or measure, a
    parent on a kind other than service, an unknown parent, a parent that is itself a child,
    or a kind with no file.
    """
    directory = DEFAULT_DIRECTORY if directory is None else Path(directory)
    paths = sorted(directory.glob("*.toml"))
    if not paths:
        raise VocabularyError("no vocabulary files (*.toml) found", file=directory)

    files = [(path, *_read_file(path)) for path in paths]
    first_path, _, version, _ = files[0]
    terms: list[Term] = []
    defined_in: dict[tuple[str, str], Path] = {}
    for path, kind, file_version, raw_terms in files:
        if file_version != version:
            raise VocabularyError(
                f"version {file_version!r} differs from version {version!r} "
                f"in {first_path.name}; all files must share one version",
                file=path,
                field="meta.version",
            )
        for position, raw in enumerate(raw_terms, start=1):
            term = _parse_term(path, kind, position, raw)
            first = defined_in.get((kind, term.slug))
            if first is not None:
                where = "earlier in this file" if first == path else f"in {first.name}"
                raise VocabularyError(
                    f"duplicate {kind} slug, already defined {where}",
                    file=path,
                    slug=term.slug,
                    field="slug",
                )
            defined_in[(kind, term.slug)] = path
            terms.append(term)

    missing = [kind for kind in KINDS if not any(term.kind == kind for term in terms)]
    if missing:
        raise VocabularyError(
            f"no file for kind {', '.join(missing)}; every kind in {', '.join(KINDS)} is needed",
            file=directory,
            field="meta.kind",
        )
    _check_parents(terms, defined_in)
    return Vocabulary(version, terms)


@functools.cache
def default_vocabulary() -> Vocabulary:
    """Return the shipped vocabulary, loaded and checked once per process."""
    return load_vocabulary(DEFAULT_DIRECTORY)


def _read_file(path: Path) -> tuple[str, str, list[Any]]:
    """Return a file's kind, version and raw terms, after checking its [meta] table."""
    try:
        with path.open("rb") as file:
            data = tomllib.load(file)
    except tomllib.TOMLDecodeError as error:
        raise VocabularyError(f"not valid TOML: {error}", file=path) from error

    unknown = sorted(data.keys() - _FILE_KEYS)
    if unknown:
        raise VocabularyError(
            "unknown table; expected [meta] and [[term]]", file=path, field=unknown[0]
        )
    meta = data.get("meta")
    if not isinstance(meta, dict):
        raise VocabularyError("missing [meta] table", file=path, field="meta")
    unknown = sorted(meta.keys() - _META_KEYS)
    if unknown:
        raise VocabularyError("unknown field in [meta]", file=path, field=f"meta.{unknown[0]}")
    kind = meta.get("kind")
    if kind not in KINDS:
        raise VocabularyError(
            f"unknown kind {kind!r}; expected one of {', '.join(KINDS)}",
            file=path,
            field="meta.kind",
        )
    version = meta.get("version")
    if not isinstance(version, str) or not version.strip():
        raise VocabularyError("missing version", file=path, field="meta.version")
    raw_terms = data.get("term")
    if not isinstance(raw_terms, list) or not raw_terms:
        raise VocabularyError("no [[term]] entries", file=path, field="term")
    return kind, version, raw_terms


def _parse_term(path: Path, kind: str, position: int, raw: Any) -> Term:
    """Check one raw [[term]] table and turn it into a Term."""
    slug = raw.get("slug") if isinstance(raw, dict) else None
    if not isinstance(slug, str):
        raise VocabularyError(f"term number {position} has no slug", file=path, field="slug")
    if not SLUG_PATTERN.fullmatch(slug):
        raise VocabularyError(
            "bad slug: use lower-case letters and digits in words joined by single hyphens",
            file=path,
            slug=slug,
            field="slug",
        )

    def error(problem: str, field: str) -> VocabularyError:
        return VocabularyError(problem, file=path, slug=slug, field=field)

    unknown = sorted(raw.keys() - _TERM_KEYS)
    if unknown:
        raise error(f"unknown field; expected {', '.join(sorted(_TERM_KEYS))}", unknown[0])

    parent = raw.get("parent")
    if parent is not None:
        if kind not in KINDS_WITH_PARENTS:
            raise error(f"a {kind} term cannot have a parent; only services form sectors", "parent")
        if not isinstance(parent, str):
            raise error("parent must be a slug", "parent")

    labels = raw.get("labels")
    if not isinstance(labels, dict):
        raise error(f"missing labels; one is needed in each of {', '.join(LANGUAGES)}", "labels")
    for language in LANGUAGES:
        if language not in labels:
            raise error("missing label", f"labels.{language}")
        label = labels[language]
        if not isinstance(label, str):
            raise error("the label must be text", f"labels.{language}")
        if not label.strip():
            raise error("empty label", f"labels.{language}")
    unknown = sorted(labels.keys() - set(LANGUAGES))
    if unknown:
        raise error(
            f"unknown language; expected one of {', '.join(LANGUAGES)}", f"labels.{unknown[0]}"
        )

    definition = raw.get("definition")
    if definition is None:
        raise error("missing definition", "definition")
    if not isinstance(definition, str) or not definition.strip():
        raise error("empty definition", "definition")
    if "\n" in definition.strip():
        raise error("the definition must be one line", "definition")

    source = raw.get("source")
    if source is None and kind in KINDS_REQUIRING_SOURCE:
        raise error(f"missing source: every {kind} must say which document it comes from", "source")
    if source is not None and (not isinstance(source, str) or not source.strip()):
        raise error("empty source", "source")

    return Term(
        kind=kind,
        slug=slug,
        parent=parent,
        labels=MappingProxyType({language: labels[language] for language in LANGUAGES}),
        definition=definition.strip(),
        source=source,
    )


def _check_parents(terms: list[Term], defined_in: Mapping[tuple[str, str], Path]) -> None:
    """Check that every parent exists and is a top-level term (two levels at most)."""
    by_key = {(term.kind, term.slug): term for term in terms}
    for term in terms:
        if term.parent is None:
            continue
        path = defined_in[(term.kind, term.slug)]
        parent = by_key.get((term.kind, term.parent))
        if parent is None:
            raise VocabularyError(
                f"unknown parent {term.parent!r}", file=path, slug=term.slug, field="parent"
            )
        if parent.parent is not None:
            raise VocabularyError(
                f"parent {parent.slug!r} is itself under {parent.parent!r}; "
                f"{term.kind} terms have two levels only (sector, then service)",
                file=path,
                slug=term.slug,
                field="parent",
            )
