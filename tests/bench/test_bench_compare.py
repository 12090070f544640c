"""``bench_compare``: two bench runs side by side, every target that is missed marked."""

import json

from django.core.management import CommandError, call_command

import pytest

from devtools.bench.compare import compare

pytestmark = pytest.mark.usefixtures("devtools")


def _run(name: str, pupils: int, floor: float, pages: list[tuple[str, str, float, int]]) -> dict:
    return {
        "database": {"name": name, "estimated_pupils": pupils},
        "floor": {"p95_ms": floor},
        "pages": [
            {
                "label": label,
                "role": role,
                "p95_ms": p95,
                "queries": queries,
                "x_floor": round(p95 / floor, 1),
                "error": "",
            }
            for label, role, p95, queries in pages
        ],
    }


def test_each_target_is_checked_on_its_own():
    small = _run(
        "s",
        10_000,
        5.0,
        [("list", "FG", 10.0, 12), ("detail", "IB", 10.0, 12), ("pdf", "IB", 10.0, 16)],
    )
    large = _run(
        "l",
        2_500_000,
        5.0,
        [("list", "FG", 11.0, 12), ("detail", "IB", 20.0, 13), ("pdf", "IB", 10.0, 16)],
    )
    rows = {r["page"]: r for r in compare(small, large)}
    assert rows["list"]["growth_ok"] and rows["list"]["floor_ok"] and rows["list"]["queries_ok"]
    assert (
        not rows["detail"]["growth_ok"]
        and not rows["detail"]["floor_ok"]
        and not rows["detail"]["queries_ok"]
    )
    assert (
        rows["pdf"]["growth_ok"] and not rows["pdf"]["queries_ok"]
    )  # 16 > 15, though the same at both sizes


def test_the_command_prints_a_table_and_refuses_bad_files(tmp_path, capsys):
    small, large = tmp_path / "s.json", tmp_path / "l.json"
    small.write_text(json.dumps(_run("s", 10, 5.0, [("list", "FG", 10.0, 12)])))
    large.write_text(json.dumps(_run("l", 20, 5.0, [("list", "FG", 30.0, 12)])))
    call_command("bench_compare", str(small), str(large))
    out = capsys.readouterr().out
    assert "| list | FG | 10.0 | 30.0 | 3.00 ✗ | 6.0 ✗ | 12 / 12 |" in out
    (tmp_path / "bad.json").write_text("{not json")
    with pytest.raises(CommandError, match="Could not read"):
        call_command("bench_compare", str(tmp_path / "bad.json"), str(large))
