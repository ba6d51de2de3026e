"""Matching quality on a planted population (fixed seed): `.venv/bin/python -m bench.matching_quality`.

Targets (issue 4): precision@5 >= 0.8 for planted partners; no direct competitor in any top 10;
formation recovers the planted groups with adjusted Rand index >= 0.8.
"""

from __future__ import annotations

import time
from collections import Counter
from math import comb

from bench.matching_data import planted
from services.matching.scoring.formation import form
from services.matching.scoring.index import CandidateIndex


def adjusted_rand_index(truth: list[int], found: list[int]) -> float:
    """Hubert and Arabie's ARI from the contingency table."""
    n = len(truth)
    table = Counter(zip(truth, found, strict=True))
    sum_cells = sum(comb(c, 2) for c in table.values())
    sum_rows = sum(comb(c, 2) for c in Counter(truth).values())
    sum_cols = sum(comb(c, 2) for c in Counter(found).values())
    expected = sum_rows * sum_cols / comb(n, 2)
    maximum = (sum_rows + sum_cols) / 2
    return 1.0 if maximum == expected else (sum_cells - expected) / (maximum - expected)


SCENARIOS = {
    "spread": {},  # groups spread over 16 destination markets and 16 countries
    "crowded": {"markets": 8, "countries": 4},  # groups share markets and countries much more
}


def main(seed: int = 2015) -> dict[str, dict[str, float]]:
    figures = {}
    for name, options in SCENARIOS.items():
        print(f"--- scenario {name} {options or ''}")
        figures[name] = run(seed, **options)
    print("command: .venv/bin/python -m bench.matching_quality")
    return figures


def run(seed: int, **options: int) -> dict[str, float]:
    pop = planted(seed, **options)
    index = CandidateIndex()
    for p in pop.profiles:
        index.put(p)
    planted_ids = list(pop.group_of)
    hits = total = 0
    for pid in planted_ids:
        top = index.top(index.get(pid), "partner", 5)
        total += 5
        hits += sum(1 for s in top if pop.group_of.get(s.counterpart_id) == pop.group_of[pid])
    precision = hits / total
    competitors_in_top10 = 0
    for p in pop.profiles:
        for s in index.top(p, "partner", 10):
            competitors_in_top10 += frozenset((p.id, s.counterpart_id)) in pop.competitors
    started = time.perf_counter()
    result = form(pop.profiles, min_size=7, max_size=10, scorer=index.scorer)
    elapsed = time.perf_counter() - started
    label = {m.organization_id: g for g, group in enumerate(result.groups) for m in group.members}
    truth = [pop.group_of[i] for i in planted_ids]
    found = [label.get(i, -1 - k) for k, i in enumerate(planted_ids)]  # unassigned: a singleton each
    ari = adjusted_rand_index(truth, found)
    figures = {
        "precision_at_5": precision,
        "competitors_in_top10": competitors_in_top10,
        "formation_ari": ari,
    }
    print(
        f"population: {len(pop.profiles)} SMEs, {len(set(pop.group_of.values()))} planted groups "
        f"({len(planted_ids)} members), {len(pop.competitors)} planted competitors, seed {seed}"
    )
    print(f"precision@5 for planted partners: {precision:.3f}   (target >= 0.8)")
    print(f"direct competitors in any top 10: {competitors_in_top10}   (target 0)")
    print(
        f"formation adjusted Rand index:    {ari:.3f}   (target >= 0.8; {len(result.groups)} groups, "
        f"{len(result.unassigned)} unassigned, {elapsed * 1000:.0f} ms)"
    )
    return figures


if __name__ == "__main__":
    main()
