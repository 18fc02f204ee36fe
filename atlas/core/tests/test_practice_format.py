import copy
import json
from decimal import Decimal
from typing import Any

import pytest

from atlas.core.practice_format import (
    FieldError,
    RecordError,
    parse_record,
    read_csv,
    read_jsonl,
    write_csv,
    write_jsonl,
)
from atlas.core.vocabulary import default_vocabulary

# A complete record in the interchange format, as docs/formats.md describes it.
VALID: dict[str, Any] = {
    "slug": "test-practice",
    "title": "A municipal ID for every resident",
    "summary": "The city issues an ID card to all residents.",
    "description": "First paragraph.\n\nSecond paragraph.",
    "language": "en",
    "places": [{"country": "US", "city": "New Haven"}, {"iso": "US-CT"}],
    "year_started": 2007,
    "year_ended": None,
    "year_note": None,
    "actors": [{"name": "City of New Haven", "type": "local-government", "role": "lead"}],
    "services": ["identification-municipal-id", "financial"],
    "groups": ["irregular-migrant"],
    "barriers": ["documents-id"],
    "measures": ["municipal-id"],
    "outcomes": [
        {
            "text": "Cards issued",
            "figure": 1000000,
            "unit": "cards",
            "year": 2018,
            "source": "https://example.org/source",
        }
    ],
    "evidence_level": "outcomes-reported",
    "replications": [{"practice": "idnyc", "place": None, "note": "New York followed."}],
    "source_notes": None,
    "sources": [
        {
            "title": "A source",
            "url": "https://example.org/source",
            "year": 2019,
            "accessed": "2026-11-22",
        }
    ],
    "last_verified": "2026-11-22",
    "status": "published",
    "translations": {
        "es": {"title": "Un documento", "summary": "Resumen.", "description": "Texto."}
    },
}


def parse(raw: dict[str, Any]) -> Any:
    return parse_record(raw, vocabulary=default_vocabulary())


def with_change(path: str, value: Any) -> dict[str, Any]:
    raw = copy.deepcopy(VALID)
    target: Any = raw
    keys = path.split(".")
    for key in keys[:-1]:
        target = target[int(key)] if key.isdigit() else target[key]
    last = keys[-1]
    if value is DELETE:
        del target[last]
    elif last.isdigit():
        target[int(last)] = value
    else:
        target[last] = value
    return raw


DELETE = object()


def test_a_complete_record_parses() -> None:
    record = parse(VALID)
    assert record.slug == "test-practice"
    assert record.places[0].city == "New Haven"
    assert record.outcomes[0].figure == Decimal("1000000")
    assert record.translations["es"].title == "Un documento"


@pytest.mark.parametrize(
    ("path", "value", "field", "message"),
    [
        ("services.0", "helth", "services[0]", "unknown service 'helth'"),
        ("groups.0", "alien", "groups[0]", "unknown group"),
        ("sources", [], "sources", "is required"),
        ("sources.0.url", "javascript:alert(1)", "sources[0].url", "http or https"),
        ("sources.0.year", "last year", "sources[0].year", "must be a year"),
        ("places.0", {"iso": "XX"}, "places[0]", "XX"),
        ("places.0", {"iso": "ES", "m49": "150"}, "places[0]", "exactly one"),
        ("actors.0.type", "government", "actors[0].type", "unknown actor type"),
        ("outcomes.0.source", "https://elsewhere.example", "outcomes[0].source", "sources"),
        ("outcomes.0.figure", "many", "outcomes[0].figure", "must be a number"),
        ("slug", "Not A Slug", "slug", "lower-case"),
        ("language", "de", "language", "must be one of"),
        ("year_started", 3000, "year_started", "must be a year"),
        ("year_ended", 2000, "year_ended", "before year_started"),
        ("evidence_level", "anecdotal", "evidence_level", "must be one of"),
        ("title", DELETE, "title", "is required"),
        ("title", 42, "title", "must be text"),
        ("title", "x" * 201, "title", "longer than 200"),
        (
            "translations.en",
            {"title": "t", "summary": "s", "description": "d"},
            "translations.en",
            "another",
        ),
    ],
)
def test_it_names_the_field_of_a_bad_value(path: str, value: Any, field: str, message: str) -> None:
    with pytest.raises(FieldError) as error:
        parse(with_change(path, value))
    assert error.value.field == field
    assert message in error.value.message


def test_it_rejects_an_unknown_field() -> None:
    raw = dict(VALID, colour="blue")
    with pytest.raises(FieldError, match="colour"):
        parse(raw)


def test_bad_json_names_the_line() -> None:
    lines = [json.dumps(VALID), "{not json"]
    with pytest.raises(RecordError) as error:
        list(read_jsonl(lines))
    assert error.value.line == 2
    assert "not valid JSON" in str(error.value)


def test_a_json_line_must_be_an_object() -> None:
    with pytest.raises(RecordError, match="line 1: each line must be one JSON object"):
        list(read_jsonl(["[1, 2]"]))


def test_jsonl_and_csv_round_trip_the_same_record() -> None:
    export = {**VALID}
    jsonl = "".join(write_jsonl([export]))
    csv_text = "".join(write_csv([export]))
    from_jsonl = parse(next(read_jsonl(jsonl.splitlines()))[1])
    from_csv = parse(next(read_csv(csv_text))[1])
    assert from_jsonl == from_csv == parse(VALID)


def test_csv_with_an_unknown_column_is_refused_at_the_header() -> None:
    with pytest.raises(RecordError) as error:
        list(read_csv("slug,colour\nx,blue\n"))
    assert (error.value.line, error.value.field) == (1, "colour")


def test_csv_with_bad_json_in_a_cell_names_row_and_column() -> None:
    text = "".join(write_csv([VALID])).replace('[{""title""', "[{title", 1)
    with pytest.raises(RecordError) as error:
        list(read_csv(text))
    assert error.value.line == 2
    assert error.value.field == "sources"


def test_a_formula_in_a_csv_cell_is_defused_and_reads_back() -> None:
    raw = dict(VALID, title='=HYPERLINK("http://evil")', summary="-1 more")
    csv_text = "".join(write_csv([raw]))
    assert "'=HYPERLINK" in csv_text
    assert parse(next(read_csv(csv_text))[1]).title == raw["title"]
    assert parse(next(read_csv(csv_text))[1]).summary == "-1 more"


def test_a_leading_apostrophe_survives_the_csv_round_trip() -> None:
    raw = dict(VALID, title="'=quoted", summary="'plain")
    record = parse(next(read_csv("".join(write_csv([raw]))))[1])
    assert (record.title, record.summary) == ("'=quoted", "'plain")
