"""The identifier guard: refuse direct identifiers before any row is aggregated.

Record-level service-use data counts people who may fear detection, so the engine takes only
the declared columns (``INPUT_COLUMNS``, described in ``aggregate``) and refuses, before it
aggregates anything, a file that carries a direct identifier:

- by column name: names, identity, passport and social-security numbers, phone numbers,
  emails, street addresses and dates of birth, in English, Spanish, French, Portuguese and
  German (``first_name``, ``Apellidos``, ``date de naissance``, ``Telefon``…);
- by any column outside the declared schema, whatever its name: an unknown column is refused,
  not ignored, because it could carry an identifier under an innocent name;
- by the content of a sample of values: email addresses, phone numbers, long runs of digits
  (identity numbers; a person key must be a pseudonym such as a keyed hash, not an ID
  number), and full dates in any column other than ``date`` (dates of birth).

The first column at fault raises `IdentifierRefused`, naming the column and why.

>>> check_columns(["person", "date", "area", "service", "age", "gender", "status"])
>>> check_columns(["person", "Nombre", "area"])  # doctest: +ELLIPSIS
Traceback (most recent call last):
...
atlas.core.stats.guard.IdentifierRefused: column 'Nombre': its name says it holds a name...
"""

import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence

# The declared input schema: these columns and no others.
REQUIRED_COLUMNS: tuple[str, ...] = ("person", "date", "area", "service", "gender", "status")
AGE_COLUMNS: tuple[str, ...] = ("age", "age_band")  # exactly one of them
OPTIONAL_COLUMNS: tuple[str, ...] = ("provider", "contacts", "nights", "cost")
INPUT_COLUMNS: tuple[str, ...] = (*REQUIRED_COLUMNS, *AGE_COLUMNS, *OPTIONAL_COLUMNS)
NUMERIC_COLUMNS: frozenset[str] = frozenset({"age", "contacts", "nights", "cost"})

# What a column name says it holds: folded name words (accents and case removed) → reason.
# Short words must be whole words of the name; long, distinctive ones may appear inside it.
_NAME_WORDS: dict[str, str] = {
    # a person's name
    **dict.fromkeys(
        (
            "name",
            "names",
            "firstname",
            "lastname",
            "surname",
            "surnames",
            "fullname",
            "givenname",
            "familyname",
            "forename",
            "middlename",
            "maidenname",
            "nombre",
            "nombres",
            "apellido",
            "apellidos",
            "nom",
            "prenom",
            "prenoms",
            "nomdefamille",
            "nome",
            "sobrenome",
            "apelido",
            "vorname",
            "nachname",
            "familienname",
        ),
        "a name",
    ),
    # identity documents and numbers
    **dict.fromkeys(
        (
            "passport",
            "passportno",
            "passportnumber",
            "pasaporte",
            "passeport",
            "passaporte",
            "reisepass",
            "ssn",
            "nin",
            "nino",
            "nif",
            "dni",
            "nie",
            "cpf",
            "idno",
            "idnumber",
            "idnr",
            "nationalid",
            "nationalidnumber",
            "idcard",
            "identitynumber",
            "identity",
            "identification",
            "cedula",
            "documento",
            "numerodocumento",
            "carteidentite",
            "numeroidentite",
            "personalausweis",
            "ausweis",
            "ausweisnummer",
            "socialsecurity",
            "socialsecuritynumber",
            "insurancenumber",
            "healthcardnumber",
            "nss",
            "numerosecu",
            "matricula",
        ),
        "an identity document or number",
    ),
    # phone numbers
    **dict.fromkeys(
        (
            "phone",
            "phonenumber",
            "telephone",
            "tel",
            "mobile",
            "cell",
            "cellphone",
            "telefono",
            "movil",
            "celular",
            "portable",
            "telefone",
            "telemovel",
            "telefon",
            "handy",
            "handynummer",
            "whatsapp",
        ),
        "a phone number",
    ),
    # email
    **dict.fromkeys(
        ("email", "mail", "emailaddress", "correo", "courriel", "mel", "emailadresse"),
        "an email address",
    ),
    # street addresses
    **dict.fromkeys(
        (
            "address",
            "addr",
            "street",
            "streetaddress",
            "housenumber",
            "postcode",
            "postalcode",
            "zip",
            "zipcode",
            "direccion",
            "domicilio",
            "calle",
            "codigopostal",
            "adresse",
            "rue",
            "codepostal",
            "endereco",
            "morada",
            "rua",
            "strasse",
            "hausnummer",
            "postleitzahl",
            "plz",
            "anschrift",
            "wohnort",
        ),
        "a street address",
    ),
    # dates of birth
    **dict.fromkeys(
        (
            "dob",
            "birthdate",
            "dateofbirth",
            "birthday",
            "born",
            "nacimiento",
            "fechanacimiento",
            "fechadenacimiento",
            "fnac",
            "naissance",
            "datedenaissance",
            "datenaissance",
            "nascimento",
            "datadenascimento",
            "geburtsdatum",
            "geburtstag",
            "geboren",
        ),
        "a date of birth",
    ),
}
# Distinctive fragments that give a name away wherever they appear in it.
_NAME_FRAGMENTS: dict[str, str] = {
    "passport": "an identity document or number",
    "pasaporte": "an identity document or number",
    "passeport": "an identity document or number",
    "socialsecurity": "an identity document or number",
    "nationalid": "an identity document or number",
    "telephone": "a phone number",
    "telefon": "a phone number",
    "phonenumber": "a phone number",
    "email": "an email address",
    "courriel": "an email address",
    "address": "a street address",
    "adresse": "a street address",
    "direccion": "a street address",
    "birth": "a date of birth",
    "nacimiento": "a date of birth",
    "naissance": "a date of birth",
    "geburt": "a date of birth",
    "firstname": "a name",
    "lastname": "a name",
    "surname": "a name",
    "fullname": "a name",
    "apellido": "a name",
}

_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[A-Za-z]{2,}")
# A phone number: optional +, then at least 7 digits, possibly split by spaces, dots, dashes
# or brackets.
_PHONE = re.compile(r"^\+?\(?\d[\d\s().\-/]{5,}\d$")
_LONG_DIGITS = re.compile(r"\d{8,}")
_FULL_DATE = re.compile(
    r"^\s*(\d{4}[-/.]\d{1,2}[-/.]\d{1,2}|\d{1,2}[-/.]\d{1,2}[-/.]\d{2,4})([ T].*)?$"
)


class IdentifierRefused(ValueError):
    """A column that holds, or may hold, a direct identifier: the file is refused.

    >>> print(IdentifierRefused("email", "its values are emails"))  # doctest: +ELLIPSIS
    column 'email': its values are emails; the file is refused before any row is aggregated
    """

    def __init__(self, column: str, reason: str) -> None:
        self.column = column
        self.reason = reason
        super().__init__(
            f"column {column!r}: {reason}; the file is refused before any row is aggregated"
        )


def _fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).lower()


def _words(column: str) -> list[str]:
    # Split camelCase, then on anything that is not a letter or digit.
    spaced = re.sub(r"(?<=[a-z])(?=[A-Z])", " ", column)
    return [w for w in re.split(r"[^a-z0-9]+", _fold(spaced)) if w]


def identifier_in_name(column: str) -> str | None:
    """What direct identifier a column name says it holds, or None.

    >>> identifier_in_name("first_name"), identifier_in_name("Fecha de nacimiento")
    ('a name', 'a date of birth')
    >>> identifier_in_name("N° de téléphone"), identifier_in_name("service")
    ('a phone number', None)
    """
    words = _words(column)
    joined = "".join(words)
    candidates = [*words, joined]
    candidates += ["".join(words[i : i + 2]) for i in range(len(words) - 1)]
    candidates += ["".join(words[i : i + 3]) for i in range(len(words) - 2)]
    for candidate in candidates:
        if candidate in _NAME_WORDS:
            return _NAME_WORDS[candidate]
    for fragment, reason in _NAME_FRAGMENTS.items():
        if fragment in joined:
            return reason
    return None


def identifier_in_values(column: str, values: Iterable[object]) -> str | None:
    """Why the sampled values of a column look like direct identifiers, or None.

    >>> identifier_in_values("person", ["P0001", "a1b2c3"]) is None
    True
    >>> identifier_in_values("person", ["P0001", "ana@example.org"])
    'its values look like email addresses'
    >>> identifier_in_values("provider", ["+00 000 000 000"])
    'its values look like phone numbers'
    >>> identifier_in_values("person", ["12345678"])
    'its values hold long runs of digits, like identity numbers (use a pseudonymous key)'
    >>> identifier_in_values("area", ["1990-04-01"]), identifier_in_values("date", ["2026-04-01"])
    ('its values are full dates, like dates of birth (only the column date may hold dates)', None)
    """
    for value in values:
        if value is None:
            continue
        text = str(value).strip()
        if not text:
            continue
        if _EMAIL.search(text):
            return "its values look like email addresses"
        if column == "date":
            continue
        if column == "cost":
            # Amounts may be long numbers; only a leading + or spacing marks a phone number.
            if text.startswith("+") and _PHONE.match(text):
                return "its values look like phone numbers"
            continue
        if _FULL_DATE.match(text):
            return (
                "its values are full dates, like dates of birth "
                "(only the column date may hold dates)"
            )
        if _PHONE.match(text) and (text.startswith("+") or re.search(r"\d[\s().\-/]\d", text)):
            return "its values look like phone numbers"
        if _LONG_DIGITS.search(text):
            return (
                "its values hold long runs of digits, like identity numbers "
                "(use a pseudonymous key)"
            )
    return None


def check_columns(
    columns: Sequence[str], sample: Mapping[str, Sequence[object]] | None = None
) -> None:
    """Refuse a header (and a sample of its values, by column) that could identify a person.

    Checks every column name first, then the sampled values; raises `IdentifierRefused` for
    the first column at fault.

    >>> check_columns(["person", "date", "area", "notes"])  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    atlas.core.stats.guard.IdentifierRefused: column 'notes': it is not a column of the ...
    >>> check_columns(["person", "date"], {"person": ["P1", "+00 0000 0000"]})  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    atlas.core.stats.guard.IdentifierRefused: column 'person': its values look like phone ...
    """
    for column in columns:
        reason = identifier_in_name(column) if column not in INPUT_COLUMNS else None
        if reason is not None:
            raise IdentifierRefused(column, f"its name says it holds {reason}")
    for column in columns:
        if column not in INPUT_COLUMNS:
            raise IdentifierRefused(
                column,
                "it is not a column of the declared input schema "
                f"({', '.join(INPUT_COLUMNS)}); unknown columns are refused, not ignored, "
                "because they could carry identifiers",
            )
    for column, values in (sample or {}).items():
        reason = identifier_in_values(column, values)
        if reason is not None:
            raise IdentifierRefused(column, reason)
