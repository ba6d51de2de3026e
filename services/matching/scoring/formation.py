"""Consortium formation: split a pool of SMEs into groups of 7-10 with no two direct competitors inside,
maximising complementarity, and say why each member has its place.

1. Affinity: the partner score of every pair at once (numpy matrices over the pool: sector and chain
   bits, size, readiness, market overlap, proximity, TF-IDF text), competitors marked as conflicts.
2. Growth: the member with the strongest ties seeds a group, which takes the candidate of highest mean
   affinity until it is full or, past the minimum size, the next one would lower its cohesion clearly.
3. Refinement: members move to a group they fit better (capacity, minimum size and conflicts kept).
4. What is left joins a group with room where it does not compete, or is reported unassigned with why.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field

import numpy as np

from services.matching.scoring import text
from services.matching.scoring.index import _CHAIN_BIT
from services.matching.scoring.profile import Profile
from services.matching.scoring.score import PARTNER, WEIGHTS, Scorer
from shared.reference import sectors as taxonomy


@dataclass
class Placement:
    organization_id: uuid.UUID
    name: str
    fit: float
    explanation_es: str
    explanation_en: str


@dataclass
class Group:
    members: list[Placement]
    cohesion: float


@dataclass
class Formation:
    groups: list[Group] = field(default_factory=list)
    unassigned: list[dict] = field(default_factory=list)  # {organization_id, name, reason_es, reason_en}


def affinity(pool: list[Profile], idf) -> tuple[np.ndarray, np.ndarray]:  # type: ignore[no-untyped-def]
    """(W, C): pairwise partner-like affinity in [0, 1] and the direct-competitor conflicts."""
    n = len(pool)
    w = WEIGHTS[PARTNER]

    def onehot(keys_of, vocabulary) -> np.ndarray:  # type: ignore[no-untyped-def]
        pos = {k: i for i, k in enumerate(vocabulary)}
        m = np.zeros((n, max(1, len(pos))), np.float32)
        for r, p in enumerate(pool):
            m[r, [pos[k] for k in keys_of(p) if k in pos]] = 1.0
        return m

    codes = sorted(taxonomy())
    sec, fam = (
        onehot(lambda p: p.sectors, codes),
        onehot(lambda p: p.families, sorted({s.family for s in taxonomy().values()})),
    )
    chain_keys = sorted(_CHAIN_BIT)
    sup, buy = onehot(lambda p: p.supplies, chain_keys), onehot(lambda p: p.buys, chain_keys)
    sector = np.where(
        sec @ sec.T > 0, np.float32(1.0), np.where(fam @ fam.T > 0, np.float32(0.75), np.float32(0.0))
    )
    link = sup @ buy.T
    linked = (link + link.T) > 0
    has = np.array([bool(p.headings) for p in pool])
    complement = np.where(
        has[:, None] & has[None, :] & ((sector >= 0.75) | linked), np.float32(1.0), 0.5 * sector
    )
    size_idx = np.array([-1 if p.size_index is None else p.size_index for p in pool], np.int8)
    d = np.minimum(np.abs(size_idx[:, None] - size_idx[None, :]), 3)
    size = np.where(
        (size_idx[:, None] < 0) | (size_idx[None, :] < 0),
        np.float32(0.4),
        np.array([1.0, 0.4, 0.0, 0.0], np.float32)[d],
    )
    chk = np.array([np.nan if p.checkup is None else p.checkup for p in pool], np.float32)
    ready = np.nan_to_num(np.clip(1 - np.abs(chk[:, None] - chk[None, :]) / 40.0, 0, 1), nan=0.4)
    markets_list = sorted({m for p in pool for m in p.markets})
    mi = {m: i for i, m in enumerate(markets_list)}
    mk = np.zeros((n, max(1, len(markets_list))), np.float32)
    for r, p in enumerate(pool):
        mk[r, [mi[m] for m in p.markets]] = 1.0
    count = mk.sum(1)
    shared = mk @ mk.T
    denom = np.maximum(np.minimum(count[:, None], count[None, :]), 1)
    markets = np.where(shared > 0, np.minimum(np.float32(1.0), 0.6 + 0.4 * shared / denom), np.float32(0.0))
    markets = np.where((count[:, None] == 0) | (count[None, :] == 0), np.float32(0.1), markets)
    cty = onehot(lambda p: [p.country], sorted({p.country for p in pool}))
    area = onehot(lambda p: [p.area], sorted({p.area or "" for p in pool}))
    proximity = np.where(
        cty @ cty.T > 0, np.float32(0.9), np.where(area @ area.T > 0, np.float32(0.6), np.float32(0.2))
    )
    txt, offer_seek = _text(pool, idf)
    score = (
        w["sector"] * sector
        + w["complementarity"] * complement
        + w["size"] * size
        + w["readiness"] * ready
        + w["markets"] * markets
        + w["proximity"] * proximity
        + w["text"] * np.maximum(offer_seek, np.minimum(txt, 1.0))
    )
    gate = (sector >= 0.75) | linked | (offer_seek >= 0.2)
    score = np.where(gate, score, 0.3 * score).astype(np.float32)
    np.fill_diagonal(score, 0.0)
    # Direct competitors: a shared HS heading, and markets that overlap (or are unknown on a side).
    heads = sorted({h for p in pool for h in p.headings})
    conflict = np.zeros((n, n), bool)
    if heads:
        hi = {h: i for i, h in enumerate(heads)}
        hm = np.zeros((n, len(heads)), np.float32)
        for r, p in enumerate(pool):
            hm[r, [hi[h] for h in p.headings]] = 1.0
        regions = sorted({r for p in pool for r in p.market_regions})
        ri = {x: i for i, x in enumerate(regions)}
        rm = np.zeros((n, max(1, len(regions))), np.float32)
        for r, p in enumerate(pool):
            rm[r, [ri[x] for x in p.market_regions]] = 1.0
        unknown = count == 0
        overlap = (shared > 0) | ((rm @ rm.T) > 0) | unknown[:, None] | unknown[None, :]
        conflict = ((hm @ hm.T) > 0) & overlap
        np.fill_diagonal(conflict, False)
    return score, conflict


def _text(pool: list[Profile], idf) -> tuple[np.ndarray, np.ndarray]:  # type: ignore[no-untyped-def]
    df: dict[str, int] = {}
    for p in pool:
        for t in set(p.text_terms) | set(p.seeks_terms):
            df[t] = df.get(t, 0) + 1
    vocab = {
        t: i for i, t in enumerate(t for t, c in df.items() if c > 1)
    }  # a term of one profile pairs none
    n, v = len(pool), max(1, len(vocab))
    mats = [np.zeros((n, v), np.float32) for _ in range(3)]
    for r, p in enumerate(pool):
        for m, counts in zip(
            mats, (p.text_terms, p.offers_terms + p.product_terms, p.seeks_terms), strict=True
        ):
            for t, x in text.tfidf(counts, idf).items():
                if t in vocab:
                    m[r, vocab[t]] = x
    sim = mats[0] @ mats[0].T
    os_ = mats[1] @ mats[2].T
    return sim, np.maximum(os_, os_.T)


def form(
    pool: list[Profile],
    *,
    min_size: int = 7,
    max_size: int = 10,
    scorer: Scorer | None = None,
    cohesion_drop: float = 0.8,
) -> Formation:
    scorer = scorer or Scorer()
    pool = [p for p in pool if p.kind == "sme"]
    n = len(pool)
    result = Formation()
    if n == 0:
        return result
    W, C = affinity(pool, scorer.idf)
    free = np.ones(n, bool)
    strength = -np.sort(-W, axis=1)[:, : max(1, min_size - 1)].mean(1)
    groups: list[list[int]] = []
    leftovers: list[int] = []
    while free.sum() >= min_size:
        seed = int(np.argmax(np.where(free, strength, -1.0)))
        group, acc, blocked = [seed], W[seed].copy(), C[seed].copy()
        free[seed] = False
        internal: list[float] = []
        while len(group) < max_size:
            mean = np.where(free & ~blocked, acc / len(group), -1.0)
            pick = int(np.argmax(mean))
            if mean[pick] < 0 or (len(group) >= min_size and mean[pick] < cohesion_drop * np.mean(internal)):
                break
            internal.append(float(mean[pick]))
            group.append(pick)
            free[pick] = False
            acc += W[pick]
            blocked |= C[pick]
        if len(group) < min_size:
            free[group[1:]] = True  # they may still fit another seed; the seed itself stays out
            leftovers.append(seed)
            continue
        groups.append(group)
    leftovers += [int(i) for i in np.nonzero(free)[0]]
    groups = _refine(groups, W, C, min_size, max_size)
    leftovers = _place_leftovers(groups, leftovers, W, C, max_size)
    for g in groups:
        result.groups.append(_explain(g, pool, W, scorer))
    for i in leftovers:
        rivals = [pool[j].name for g in groups for j in g if C[i, j]]
        if rivals:
            es = f"compite directamente con {rivals[0]} (misma partida SA en los mismos mercados)"
            en = f"competes directly with {rivals[0]} (same HS heading in the same markets)"
        else:
            es, en = (
                "ningún grupo con cupo lo complementa lo suficiente",
                "no group with room complements it enough",
            )
        result.unassigned.append(
            {"organization_id": pool[i].id, "name": pool[i].name, "reason_es": es, "reason_en": en}
        )
    return result


def _refine(
    groups: list[list[int]], W: np.ndarray, C: np.ndarray, lo: int, hi: int, passes: int = 3
) -> list[list[int]]:
    """Move members to a group they fit better; group sums and conflicts are kept as n x k matrices."""
    k = len(groups)
    if k < 2:
        return groups
    n = W.shape[0]
    where = np.full(n, -1)
    for g, members in enumerate(groups):
        where[members] = g
    M = np.zeros((n, k), np.float32)
    M[where >= 0, where[where >= 0]] = 1.0
    S, K = W @ M, C.astype(np.float32) @ M
    sizes = M.sum(0)
    for _ in range(passes):
        moved = False
        for i in np.nonzero(where >= 0)[0]:
            g = where[i]
            if sizes[g] <= lo:
                continue
            here = S[i, g] / (sizes[g] - 1)
            there = np.where((sizes < hi) & (K[i] == 0), S[i] / np.maximum(sizes, 1), -1.0)
            there[g] = -1.0
            h = int(np.argmax(there))
            if there[h] > here + 1e-6:
                S[:, g] -= W[:, i]
                S[:, h] += W[:, i]
                K[:, g] -= C[:, i]
                K[:, h] += C[:, i]
                sizes[g] -= 1
                sizes[h] += 1
                where[i] = h
                moved = True
        if not moved:
            break
    return [list(np.nonzero(where == g)[0]) for g in range(k)]


def _place_leftovers(
    groups: list[list[int]], leftovers: list[int], W: np.ndarray, C: np.ndarray, hi: int
) -> list[int]:
    still = []
    for i in leftovers:
        options = [(W[i, g].mean(), g) for g in groups if len(g) < hi and not C[i, g].any()]
        best = max(options, key=lambda o: o[0], default=None)
        if best is not None and best[0] >= 0.5 * np.mean([W[np.ix_(best[1], best[1])].mean()]):
            best[1].append(i)
        else:
            still.append(i)
    return still


def _explain(g: list[int], pool: list[Profile], W: np.ndarray, scorer: Scorer) -> Group:
    placements = []
    ties: dict[frozenset[int], list] = {}  # a pair's reasons, computed once for both members

    def reasons_of(i: int, j: int) -> list:  # type: ignore[type-arg]
        key = frozenset((i, j))
        if key not in ties:
            a, b = pool[i], pool[j]
            s = scorer.partner(a, b) or scorer.supplier(a, b) or scorer.supplier(b, a)
            ties[key] = s.reasons[:2] if s else []
        return ties[key]

    for i in g:
        others = sorted((j for j in g if j != i), key=lambda j: -W[i, j])[:2]
        es_parts, en_parts = [], []
        for j in others:
            top = reasons_of(i, j)
            es_parts.append(
                f"con {pool[j].name}: " + ("; ".join(r.es for r in top) or "misma cadena de valor")
            )
            en_parts.append(f"with {pool[j].name}: " + ("; ".join(r.en for r in top) or "same value chain"))
        fit = float(W[i, [j for j in g if j != i]].mean()) if len(g) > 1 else 0.0
        placements.append(
            Placement(
                pool[i].id,
                pool[i].name,
                round(fit, 4),
                "Complementa al grupo " + " | ".join(es_parts),
                "Complements the group " + " | ".join(en_parts),
            )
        )
    cohesion = float(W[np.ix_(g, g)].sum() / max(1, len(g) * (len(g) - 1)))
    return Group(placements, round(cohesion, 4))
