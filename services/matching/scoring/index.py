"""The in-memory candidate index: every organization's features as numpy columns, kept current by the handlers.

A query scores all rows at once on the cheap criteria (sector bits, chain bits, size, readiness, market
bits, proximity: the same components and weights as the exact scorer, minus text and the HS-heading
competitor check), keeps the best few dozen, and only those go through the exact scorer with reasons.
Loading 100,000 profiles takes seconds at start-up; a query then costs milliseconds, not a table scan.
"""

from __future__ import annotations

import math
import uuid
from collections import Counter
from collections.abc import Iterable

import numpy as np

from services.matching.scoring import chains
from services.matching.scoring.geography import REGION_NAMES
from services.matching.scoring.profile import Profile
from services.matching.scoring.score import INTER_CONSORTIUM, PARTNER, SUPPLIER, WEIGHTS, Scorer, Suggestion
from shared.reference import sectors as taxonomy

_SECTOR_BIT = {code: i for i, code in enumerate(sorted(taxonomy()))}
_FAMILY_BIT = {code: i for i, code in enumerate(sorted({s.family for s in taxonomy().values()}))}
_CHAIN_BIT = {c.key: i for i, c in enumerate(chains.CHAINS)}
_AREA = {name: i for i, name in enumerate(sorted(REGION_NAMES))}
_KIND = {"sme": 0, "consortium": 1}
_SIZE_SIM = np.array([1.0, 0.4, 0.0, 0.0], dtype=np.float32)
Pair = tuple[uuid.UUID, uuid.UUID]


def pair_key(a: uuid.UUID, b: uuid.UUID) -> Pair:
    return (a, b) if str(a) < str(b) else (b, a)


def _mask(bits: Iterable[int]) -> int:
    m = 0
    for b in bits:
        m |= 1 << b
    return m


class CandidateIndex:
    def __init__(self, capacity: int = 1024, shortlist: int = 40) -> None:
        self.shortlist = shortlist
        self.profiles: dict[uuid.UUID, Profile] = {}
        self.rows: dict[uuid.UUID, int] = {}
        self.ids: list[uuid.UUID | None] = []
        self.free: list[int] = []
        self.members: dict[uuid.UUID, set[uuid.UUID]] = {}
        self.member_of: dict[uuid.UUID, set[uuid.UUID]] = {}
        self.declined: set[Pair] = set()
        # Organizations answered for by the same person are never suggested to each other: one owner's
        # two firms need no introduction.
        self.managed_by: dict[uuid.UUID, set[uuid.UUID]] = {}
        self.df: Counter[str] = Counter()
        self._countries: dict[str, int] = {}
        self._markets: dict[str, int] = {}
        # IDF moves with every put; cached TF-IDF vectors are refreshed once it has moved by about 1%.
        self.generation, self._since = 0, 0
        self._idf: dict[str, float] = {}
        self._idf_generation = -1
        self.scorer = Scorer(self.idf, lambda: self.generation)
        self._alloc(capacity)

    def _alloc(self, n: int) -> None:
        def grow(name: str, dtype, fill) -> None:  # type: ignore[no-untyped-def]
            new = np.full(n, fill, dtype=dtype)
            old = getattr(self, name, None)
            if old is not None:
                new[: len(old)] = old
            setattr(self, name, new)

        for name, dtype, fill in (
            ("alive", np.bool_, False),
            ("kind", np.int8, 2),
            ("sector", np.uint64, 0),
            ("family", np.uint64, 0),
            ("supplies", np.uint64, 0),
            ("buys", np.uint64, 0),
            ("size", np.int8, -1),
            ("checkup", np.float32, np.nan),
            ("country", np.int32, -1),
            ("area", np.int8, -1),
            ("mk0", np.uint64, 0),
            ("mk1", np.uint64, 0),
            ("mkarea", np.uint64, 0),
            ("mkcount", np.float32, 0),
            ("has_products", np.bool_, False),
        ):
            grow(name, dtype, fill)
        self.capacity = n

    def __len__(self) -> int:
        return len(self.profiles)

    # Keeping it current -----------------------------------------------------------------------
    def put(self, profile: Profile) -> None:
        old = self.profiles.get(profile.id)
        if old is not None:
            self.df.subtract(set(old.text_terms) | set(old.seeks_terms))
        self.profiles[profile.id] = profile
        self.df.update(set(profile.text_terms) | set(profile.seeks_terms))
        self._since += 1
        if self._since >= max(1, len(self.profiles) // 100):
            self.generation, self._since = self.generation + 1, 0
        row = self.rows.get(profile.id)
        if row is None:
            if self.free:
                row = self.free.pop()
            else:
                row = len(self.ids)
                self.ids.append(None)
                if row >= self.capacity:
                    self._alloc(self.capacity * 2)
            self.rows[profile.id] = row
        self.ids[row] = profile.id
        self._write(row, profile)

    def _write(self, row: int, p: Profile) -> None:
        mk = [self._markets.setdefault(m, len(self._markets) % 128) for m in p.markets]
        self.alive[row] = True
        self.kind[row] = _KIND.get(p.kind, 2)
        self.sector[row] = _mask(_SECTOR_BIT[s] for s in p.sectors if s in _SECTOR_BIT)
        self.family[row] = _mask(_FAMILY_BIT[f] for f in p.families if f in _FAMILY_BIT)
        self.supplies[row] = _mask(_CHAIN_BIT[k] for k in p.supplies)
        self.buys[row] = _mask(_CHAIN_BIT[k] for k in p.buys)
        self.size[row] = -1 if p.size_index is None else p.size_index
        self.checkup[row] = np.nan if p.checkup is None else p.checkup
        self.country[row] = self._countries.setdefault(p.country, len(self._countries))
        self.area[row] = _AREA.get(p.area or "", -1)
        self.mk0[row] = _mask(b for b in mk if b < 64)
        self.mk1[row] = _mask(b - 64 for b in mk if b >= 64)
        self.mkarea[row] = _mask(_AREA[r] for r in p.market_regions if r in _AREA)
        self.mkcount[row] = len(p.markets)
        self.has_products[row] = bool(p.headings)

    def remove(self, organization_id: uuid.UUID) -> None:
        profile = self.profiles.pop(organization_id, None)
        if profile is not None:
            self.df.subtract(set(profile.text_terms) | set(profile.seeks_terms))
        row = self.rows.pop(organization_id, None)
        if row is not None:
            self.alive[row] = False
            self.ids[row] = None
            self.free.append(row)
        for consortium in self.member_of.pop(organization_id, set()):
            self.members.get(consortium, set()).discard(organization_id)
        self.managed_by.pop(organization_id, None)

    def join(self, consortium_id: uuid.UUID, organization_id: uuid.UUID) -> None:
        self.members.setdefault(consortium_id, set()).add(organization_id)
        self.member_of.setdefault(organization_id, set()).add(consortium_id)

    def leave(self, consortium_id: uuid.UUID, organization_id: uuid.UUID) -> None:
        self.members.get(consortium_id, set()).discard(organization_id)
        self.member_of.get(organization_id, set()).discard(consortium_id)

    def decline(self, a: uuid.UUID, b: uuid.UUID) -> None:
        self.declined.add(pair_key(a, b))

    def manage(self, organization_id: uuid.UUID, user_id: uuid.UUID) -> None:
        self.managed_by.setdefault(organization_id, set()).add(user_id)

    def unmanage(self, organization_id: uuid.UUID, user_id: uuid.UUID) -> None:
        self.managed_by.get(organization_id, set()).discard(user_id)

    def same_hands(self, a: uuid.UUID, b: uuid.UUID) -> bool:
        return bool(self.managed_by.get(a, set()) & self.managed_by.get(b, set()))

    def idf(self, term: str) -> float:
        if self._idf_generation != self.generation:
            self._idf, self._idf_generation = {}, self.generation
        value = self._idf.get(term)
        if value is None:
            value = math.log((1 + len(self.profiles)) / (1 + max(0, self.df.get(term, 0)))) + 1.0
            self._idf[term] = value
        return value

    # Reading ------------------------------------------------------------------------------------
    def get(self, organization_id: uuid.UUID) -> Profile | None:
        return self.profiles.get(organization_id)

    def effective(self, organization_id: uuid.UUID) -> Profile | None:
        """A consortium pooled with its members' lines; any other organization as it is."""
        p = self.profiles.get(organization_id)
        if p is None or p.kind != "consortium":
            return p
        members = [m for i in self.members.get(p.id, ()) if (m := self.profiles.get(i))]
        return p.pooled_with(members)

    def _coarse(self, p: Profile, row_mask: np.ndarray, weights: dict[str, float]) -> np.ndarray:
        """Vectorised lower-fidelity score of every row against ``p`` (the exact scorer re-ranks)."""
        n = len(self.ids)
        size = np.where(
            (self.size[:n] < 0) | (p.size_index is None),
            0.4,
            _SIZE_SIM[np.minimum(np.abs(self.size[:n].astype(np.int16) - (p.size_index or 0)), 3)],
        )
        ready = (
            np.full(n, 0.4, np.float32)
            if p.checkup is None
            else np.nan_to_num(np.clip(1 - np.abs(self.checkup[:n] - p.checkup) / 40.0, 0, 1), nan=0.4)
        )
        qm = [self._markets[m] for m in p.markets if m in self._markets]
        q0, q1 = np.uint64(_mask(b for b in qm if b < 64)), np.uint64(_mask(b - 64 for b in qm if b >= 64))
        shared = np.bitwise_count(self.mk0[:n] & q0) + np.bitwise_count(self.mk1[:n] & q1)
        denom = np.maximum(np.minimum(self.mkcount[:n], max(len(p.markets), 1)), 1)
        area_hit = (self.mkarea[:n] & np.uint64(_mask(_AREA[r] for r in p.market_regions if r in _AREA))) != 0
        markets = np.where(
            shared > 0, np.minimum(1.0, 0.6 + 0.4 * shared / denom), np.where(area_hit, 0.35, 0.0)
        )
        if not p.markets:
            markets = np.full(n, 0.1, np.float32)
        markets = np.where(self.mkcount[:n] == 0, 0.1, markets)
        country = self._countries.get(p.country, -2)
        proximity = np.where(
            self.country[:n] == country, 0.9, np.where(self.area[:n] == _AREA.get(p.area or "", -2), 0.6, 0.2)
        )
        parts = {"size": size, "readiness": ready, "markets": markets, "proximity": proximity}
        score = np.zeros(n, np.float32)
        for k, v in parts.items():
            score += weights.get(k, 0.0) * v
        return np.where(row_mask, score, -1.0)

    def _partner_rows(self, p: Profile) -> tuple[np.ndarray, np.ndarray]:
        n = len(self.ids)
        sm, fm = (
            np.uint64(_mask(_SECTOR_BIT[s] for s in p.sectors if s in _SECTOR_BIT)),
            np.uint64(_mask(_FAMILY_BIT[f] for f in p.families if f in _FAMILY_BIT)),
        )
        sup, buy = (
            np.uint64(_mask(_CHAIN_BIT[k] for k in p.supplies)),
            np.uint64(_mask(_CHAIN_BIT[k] for k in p.buys)),
        )
        sector = np.where((self.sector[:n] & sm) != 0, 1.0, np.where((self.family[:n] & fm) != 0, 0.75, 0.0))
        linked = ((self.supplies[:n] & buy) | (self.buys[:n] & sup)) != 0
        eligible = self.alive[:n] & (self.kind[:n] == 0) & ((sector >= 0.75) | linked)
        complement = np.where(
            self.has_products[:n] & bool(p.headings) & ((sector >= 0.75) | linked), 1.0, 0.5 * sector
        )
        w = WEIGHTS[PARTNER]
        extra = w["sector"] * sector + w["complementarity"] * complement + 0.05
        return eligible, extra

    def _shortlist(self, score: np.ndarray, k: int) -> list[uuid.UUID]:
        m = min(len(score), max(self.shortlist, 4 * k))
        if m == 0:
            return []
        top = np.argpartition(-score, m - 1)[:m] if len(score) > m else np.arange(len(score))
        top = top[score[top] >= 0]
        return [i for r in top[np.argsort(-score[top])] if (i := self.ids[r]) is not None]

    def top(
        self, p: Profile, match_type: str, k: int = 10, *, as_supplier: bool | None = None
    ) -> list[Suggestion]:
        """The k best suggestions of one type for ``p`` (exactly scored, declined pairs left out)."""
        out: list[Suggestion] = []
        if match_type == PARTNER and p.kind == "sme":
            eligible, extra = self._partner_rows(p)
            score = self._coarse(p, eligible, WEIGHTS[PARTNER]) + extra
            mine = self.member_of.get(p.id, set())
            for cid in self._shortlist(score, k):
                other = self.profiles[cid]
                if mine & self.member_of.get(cid, set()):
                    continue  # already in a consortium together
                if (s := self.scorer.partner(p, other)) is not None:
                    out.append(s)
        elif match_type == SUPPLIER and p.kind == "sme":
            n = len(self.ids)
            for upstream in (True, False) if as_supplier is None else (as_supplier,):
                bits = np.uint64(_mask(_CHAIN_BIT[c] for c in (p.supplies if upstream else p.buys)))
                other = self.buys[:n] if upstream else self.supplies[:n]
                eligible = self.alive[:n] & (self.kind[:n] == 0) & ((other & bits) != 0)
                if not eligible.any():
                    continue
                score = self._coarse(p, eligible, WEIGHTS[SUPPLIER])
                for cid in self._shortlist(score, k):
                    q = self.profiles[cid]
                    s = self.scorer.supplier(p, q) if upstream else self.scorer.supplier(q, p)
                    if s is not None:
                        if not upstream:  # seen from p: the counterpart is its supplier
                            s.organization_id, s.counterpart_id = p.id, q.id
                        out.append(s)
        elif match_type == INTER_CONSORTIUM and p.kind == "consortium":
            me = self.effective(p.id) or p
            for cid, q in self.profiles.items():
                if q.kind == "consortium" and cid != p.id and (other := self.effective(cid)):
                    if (s := self.scorer.inter_consortium(me, other)) is not None:
                        out.append(s)
        out = [
            s
            for s in out
            if pair_key(s.organization_id, s.counterpart_id) not in self.declined
            and not self.same_hands(s.organization_id, s.counterpart_id)
        ]
        out.sort(key=lambda s: (-s.score, str(s.counterpart_id)))
        return out[:k]

    def suggestions_for(self, organization_id: uuid.UUID, k: int = 10) -> list[Suggestion]:
        """Every type of suggestion an organization gets when it registers or changes."""
        p = self.profiles.get(organization_id)
        if p is None:
            return []
        return [s for t in (PARTNER, SUPPLIER, INTER_CONSORTIUM) for s in self.top(p, t, k)]
