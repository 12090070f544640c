"""Two ``bench --json`` runs (or two sets of runs) side by side, against the targets of DESIGN.md §9.

- a page's p95 on the large database at most ``GROWTH`` times its p95 on the small one;
- each page at most ``FLOOR`` times the floor view of its own run;
- at most ``QUERIES`` queries, and the same number at both sizes.
"""

from statistics import median

GROWTH, FLOOR, QUERIES = 1.2, 3.0, 15


def combine(runs: list[dict]) -> dict:
    """Several runs on one database as one: each page's p95 and ratio are their medians.

    A p95 from one run of a hundred requests moves by tens of percent from run to run on a
    shared machine (measured: docs/scale.md); alternating runs on two databases and taking the
    median cancels most of that.
    """
    if len(runs) == 1:
        return runs[0]
    first = runs[0]
    pages = []
    for i, page in enumerate(first["pages"]):
        same = [run["pages"][i] for run in runs]
        pages.append(
            page
            | {
                "p95_ms": median(p["p95_ms"] for p in same),
                "x_floor": median(p["x_floor"] for p in same),
                "queries": max(p["queries"] for p in same),
                "error": next((p["error"] for p in same if p.get("error")), ""),
            }
        )
    floor = first["floor"] | {"p95_ms": median(run["floor"]["p95_ms"] for run in runs)}
    return first | {"pages": pages, "floor": floor, "runs": len(runs)}


def _rows(run: dict) -> dict[tuple[str, str], dict]:
    return {(p["label"], p["role"]): p for p in run["pages"]}


def compare(small: dict, large: dict) -> list[dict]:
    small_rows, out = _rows(small), []
    for key, big in _rows(large).items():
        little = small_rows.get(key)
        if little is None or big.get("error") or little.get("error"):
            out.append(
                {
                    "page": key[0],
                    "role": key[1],
                    "error": big.get("error") or "missing in the small run",
                }
            )
            continue
        growth = big["p95_ms"] / little["p95_ms"] if little["p95_ms"] else float("inf")
        out.append(
            {
                "page": key[0],
                "role": key[1],
                "small_p95": little["p95_ms"],
                "large_p95": big["p95_ms"],
                "growth": round(growth, 2),
                "x_floor": big["x_floor"],
                "queries_small": little["queries"],
                "queries_large": big["queries"],
                "growth_ok": growth <= GROWTH,
                "floor_ok": big["x_floor"] <= FLOOR,
                "queries_ok": big["queries"] <= QUERIES and big["queries"] == little["queries"],
            }
        )
    return out


def markdown(rows: list[dict], small: dict, large: dict) -> str:
    def pupils(run):
        return f"{run['database'].get('estimated_pupils', 0):,}"

    def runs(run):
        return f", median of {run['runs']} runs" if run.get("runs", 1) > 1 else ""

    lines = [
        f"Small: {small['database']['name']} (~{pupils(small)} pupil records{runs(small)}); "
        f"large: {large['database']['name']} (~{pupils(large)}{runs(large)}).",
        "",
        "| page | role | p95 small (ms) | p95 large (ms) | large / small | × floor (large) | queries small / large |",
        "|---|---|---:|---:|---:|---:|---:|",
    ]
    for r in rows:
        if "error" in r:
            lines.append(f"| {r['page']} | {r['role']} | error: {r['error']} | | | | |")
            continue
        mark = lambda ok: "" if ok else " ✗"  # noqa: E731
        lines.append(
            f"| {r['page']} | {r['role']} | {r['small_p95']:.1f} | {r['large_p95']:.1f} | "
            f"{r['growth']:.2f}{mark(r['growth_ok'])} | {r['x_floor']:.1f}{mark(r['floor_ok'])} | "
            f"{r['queries_small']} / {r['queries_large']}{mark(r['queries_ok'])} |"
        )
    floor = f"floor p95: {small['floor']['p95_ms']:.1f} ms (small), {large['floor']['p95_ms']:.1f} ms (large)"
    return (
        "\n".join(lines)
        + f"\n\n{floor}; ✗ marks a missed target (growth ≤ {GROWTH}, ≤ {FLOOR:g}× floor, ≤ {QUERIES} queries, same at both sizes)."
    )
