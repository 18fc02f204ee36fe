"""The Tau-Argus benchmark's conversion: our table and primary cells into Tau-Argus's tabular
input, and its suppression pattern back into our cell statuses, on a tiny two-dimensional
table with a hierarchy (area A1 and A2 under province P1, A3 under P2; two genders)."""

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

import pytest

from atlas.core.stats.audit import audit
from atlas.core.stats.primary import Rules
from atlas.core.stats.tables import CellStatus, CodeList, Table

pytest.importorskip("pytauargus")

BENCHMARKS = Path(__file__).resolve().parent.parent / "benchmarks"


def load_benchmark() -> ModuleType:
    sys.path.insert(0, str(BENCHMARKS))
    spec = importlib.util.spec_from_file_location("bench_tauargus", BENCHMARKS / "tauargus.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


bench = load_benchmark()
RULES = Rules(threshold=10, status_dimension=None, max_unsafe_share=1.0)


def tiny_table() -> Table:
    """Inner counts: A1 20 women, 3 men; A2 15 and 14; A3 30 and 25; margins summed."""
    area = CodeList(
        "area", total="T", parent={"P1": "T", "A1": "P1", "A2": "P1", "P2": "T", "A3": "P2"}
    )
    gender = CodeList("gender", total="total", parent={"f": "total", "m": "total"})
    inner = {("A1", "f"): 20, ("A1", "m"): 3, ("A2", "f"): 15, ("A2", "m"): 14}
    inner |= {("A3", "f"): 30, ("A3", "m"): 25}
    keys: list[tuple[str, ...]] = [(a, g) for a in area.codes for g in gender.codes]
    persons = [
        sum(n for (a, g), n in inner.items() if area.covers(key[0], a) and gender.covers(key[1], g))
        for key in keys
    ]
    return Table("tiny", (area, gender), keys, persons)


def test_it_writes_the_hierarchy_depth_first_with_one_lead_per_level() -> None:
    area = tiny_table().dimensions[0]
    assert bench.hierarchy_lines(area) == ["P1", "@A1", "@A2", "P2", "@A3"]


def test_it_passes_our_primary_cells_as_unsafe_with_protection_levels() -> None:
    table = tiny_table()
    primary = [key == ("A1", "m") for key in table.keys]
    lines = bench.table_lines(table, primary, RULES)
    assert "A1;m;3;3;U;3;7" in lines
    assert "A1;f;20;20;S;0;0" in lines
    assert len(lines) == len(table.keys)  # no zero cell in this table


def test_the_protection_levels_add_up_to_ours_and_reach_the_threshold() -> None:
    for persons in range(1, 30):
        lower, upper = bench.protection_levels(persons, RULES)
        assert lower + upper == RULES.protection_level
        assert persons + upper >= RULES.threshold
        assert 0 <= lower <= persons


def test_a_tau_argus_pattern_comes_back_as_our_statuses_and_passes_our_audit(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from pytauargus.engine import run_batch  # type: ignore[import-untyped]

    monkeypatch.chdir(tmp_path)  # the solver writes its logs to the working directory
    table = tiny_table()
    primary = [key == ("A1", "m") for key in table.keys]
    batch = bench.write_inputs(table, primary, RULES, "OPT", "value", 1, tmp_path)
    run_batch(batch)
    statuses, disagreements = bench.read_pattern(tmp_path / "pattern.tab", table, primary)
    assert disagreements == 0
    assert statuses[table.index[("A1", "m")]] == CellStatus.PRIMARY
    assert statuses.count(CellStatus.SECONDARY) >= 3
    assert audit([table], [statuses], RULES).passed


def test_it_keeps_a_zero_primary_cell_suppressed_though_tau_argus_leaves_it_out(
    tmp_path: Path,
) -> None:
    table = tiny_table()
    table.persons[table.index[("A2", "m")]] = 0  # no longer additive, but the file need not be
    primary = [key == ("A2", "m") for key in table.keys]
    (tmp_path / "pattern.tab").write_text(
        "\n".join(
            f'"{a}";"{g}";{n};{n};{n};S;0;0'
            for (a, g), n in zip(table.keys, table.persons, strict=True)
            if n
        )
        + '\n"A2";"m";0;0;0;E;0;0\n'
    )
    statuses, disagreements = bench.read_pattern(tmp_path / "pattern.tab", table, primary)
    assert statuses[table.index[("A2", "m")]] == CellStatus.PRIMARY
    assert disagreements == 0
