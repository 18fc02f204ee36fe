"""What the loaders of the project's versioned data files (vocabulary, gap weights, the
diagnostic framework and its steps, statistics specifications, the HSDS taxonomy) share.

>>> str(DataFileError("weight 1.5 is above 1", file=Path("gap_weights.toml"),
...                   key="kind.access-none.weight"))
"gap_weights.toml, key 'kind.access-none.weight': weight 1.5 is above 1"
"""

from pathlib import Path


class DataFileError(ValueError):
    """A data file that breaks a rule; the message names the file and, where there is one,
    the key."""

    def __init__(self, problem: str, *, file: Path, key: str | None = None) -> None:
        self.problem = problem
        self.file = file
        self.key = key
        where = str(file) if key is None else f"{file}, key {key!r}"
        super().__init__(f"{where}: {problem}")
