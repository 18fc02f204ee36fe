from ninja import Router, Schema

from atlas.core.vocabulary import KINDS, default_vocabulary

router = Router(tags=["vocabulary"])


class TermOut(Schema):
    kind: str
    slug: str
    parent: str | None
    labels: dict[str, str]
    definition: str
    source: str | None


class VocabularyOut(Schema):
    version: str
    terms: list[TermOut]


@router.get(
    "", response=VocabularyOut, summary="The shared vocabulary, with labels in all languages"
)
def vocabulary(request, kind: str | None = None) -> VocabularyOut:  # type: ignore[no-untyped-def]
    vocab = default_vocabulary()
    kinds = [kind] if kind in KINDS else list(KINDS)
    terms = [
        TermOut(
            kind=term.kind,
            slug=term.slug,
            parent=term.parent,
            labels=dict(term.labels),
            definition=term.definition,
            source=term.source,
        )
        for name in kinds
        for term in vocab.terms(name)
    ]
    return VocabularyOut(version=vocab.version, terms=terms)
