"""Shared pieces of the stats app tests: small synthetic record files and tables."""

from pathlib import Path

import pytest

from atlas.core.stats.synthetic import generate

AREA_STATUS_SPEC = """
[meta]
version = "t1"

[table]
slug = "test-area-status"
title = "Persons by area and status (test)"
dimensions = ["area", "status"]
measure = "persons"

[rules]
threshold = 10
"""


@pytest.fixture(scope="session")
def records_csv(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("records") / "records.csv"
    generate(20_000, seed=11, path=path, format="csv")
    return path


@pytest.fixture(scope="session")
def spec_toml(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("spec") / "area-status.toml"
    path.write_text(AREA_STATUS_SPEC)
    return path
