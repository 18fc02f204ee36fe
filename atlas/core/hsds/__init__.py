"""The service directory's data standard: Open Referral HSDS 3.1, with our status-safety facts.

- `model`: our record model (`Entry`, its organisation, locations and `StatusSafety` facts).
- `taxonomy`: our HSDS taxonomies and the ids derived from their codes.
- `schemas`: the compiled HSDS 3.1 JSON Schemas (``data/hsds/3.1``) and offline validators.
- `export`: `to_hsds` (nested service objects) and `to_hsds_organizations`.
- `tabular`: `to_tabular`, the HSDS Tabular Data Package.
- `importer`: `from_hsds`, all or nothing, with errors naming the record and the field.

Every export redacts confidential locations (`published`) and checks that nothing of them
is left (`check_not_leaked`). A round trip gives back what was published:

>>> from atlas.core.hsds.model import Cost, Organization, StatusSafety
>>> entry = Entry(id="7d4c1a43-6f7e-4d85-9d1f-0b2f3c5e6a70", name="Demo clinic",
...               organization=Organization(id="2b9b4f36-2f0c-4b2b-8a36-1b9c3f6a9e10",
...                                         name="Demo organisation", description="Demo."),
...               services=("health-primary",), safety=StatusSafety(cost=Cost.FREE))
>>> from_hsds(to_hsds([entry])) == [entry]
True
"""

from atlas.core.hsds.export import (
    ConfidentialLocationError,
    check_not_leaked,
    to_hsds,
    to_hsds_organizations,
)
from atlas.core.hsds.importer import HsdsImportError, Problem, from_hsds
from atlas.core.hsds.model import (
    Accessibility,
    Address,
    Contact,
    Cost,
    CostOption,
    DataSharing,
    Documents,
    Entry,
    Keeper,
    Location,
    Organization,
    Phone,
    RequiredDocument,
    Schedule,
    Source,
    StatusSafety,
    Tristate,
    provenance_problems,
    published,
)
from atlas.core.hsds.tabular import to_tabular

__all__ = [
    "Accessibility",
    "Address",
    "ConfidentialLocationError",
    "Contact",
    "Cost",
    "CostOption",
    "DataSharing",
    "Documents",
    "Entry",
    "HsdsImportError",
    "Keeper",
    "Location",
    "Organization",
    "Phone",
    "Problem",
    "RequiredDocument",
    "Schedule",
    "Source",
    "StatusSafety",
    "Tristate",
    "check_not_leaked",
    "from_hsds",
    "provenance_problems",
    "published",
    "to_hsds",
    "to_hsds_organizations",
    "to_tabular",
]
