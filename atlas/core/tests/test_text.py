from atlas.core.text import fold, highlight, query_terms, snippet


def test_folding_ignores_accents_and_case() -> None:
    assert fold("PADRÓN Zürich São Paulo") == "padron zurich sao paulo"


def test_folding_keeps_arabic_and_cyrillic_letters() -> None:
    assert fold("الصحة Здоровье") == "الصحة здоровье"


def test_query_terms_drop_every_kind_of_query_syntax() -> None:
    assert query_terms('title:x OR "y" NEAR(z) * ^ - ; DROP TABLE') == [
        "title",
        "x",
        "or",
        "y",
        "near",
        "z",
        "drop",
        "table",
    ]


def test_query_terms_are_capped() -> None:
    assert len(query_terms(" ".join(f"w{i}" for i in range(50)))) == 12


def test_highlight_marks_the_original_accented_word() -> None:
    assert highlight("Registro en el Padrón.", ["padron"]) == [
        ("Registro en el ", False),
        ("Padrón", True),
        (".", False),
    ]


def test_highlight_matches_prefixes_like_the_search_does() -> None:
    assert ("registration", True) in highlight("registration", ["regist"])


def test_snippet_centres_on_the_first_match() -> None:
    text = "word " * 100 + "Frankfurt clinic " + "tail " * 100
    segments = snippet(text, ["frankfurt"], width=60)
    assert ("Frankfurt", True) in segments
    assert segments[0] == ("… ", False)
    assert segments[-1] == (" …", False)


def test_snippet_without_terms_is_the_opening() -> None:
    assert snippet("short text", []) == [("short text", False)]
