"""Which of an organization's fields a query reads, so that directory answers only those.

A page of 20 whole organizations is ~33 KB that directory builds (ORM objects, JSON columns,
pydantic) and the gateway decodes, for a search page that shows four fields of each. List
resolvers pass directory `fields=` with what the selection under `edges { node { … } }` reads.
"""

from __future__ import annotations

from collections.abc import Iterable

from strawberry.types.nodes import SelectedField, Selection

ALWAYS = frozenset({"id", "kind", "name"})
# Each GraphQL field of Organization -> the fields of directory's organization it is made from.
# Absent (products, figures, createdAt, updatedAt): whole organizations are asked for.
SOURCES: dict[str, tuple[str, ...]] = {
    "__typename": (),
    "id": ("id",),
    "kind": ("kind",),
    "name": ("name",),
    "acronym": ("acronym",),
    "countryCode": ("country",),
    "country": ("country",),
    "region": ("region",),
    "province": ("province",),
    "description": ("description",),
    "descriptionEn": ("description_en",),
    "sectors": ("sectors",),
    "sectorDetails": ("sectors",),
    "valueChainRole": ("value_chain_role",),
    "employees": ("employees",),
    "sizeClass": ("size_class",),
    "exportStatus": ("export_status",),
    "targetMarkets": ("target_markets",),
    "certifications": ("certifications",),
    "languages": ("languages",),
    "offers": ("offers",),
    "seeks": ("seeks",),
    "website": ("website",),
    "memberCount": ("member_count",),
    "foundedYear": ("founded_year",),
    "exportCheckupScore": ("export_checkup_score",),
    "completeness": ("completeness",),
    "verification": ("verification_status",),
    "consortia": ("id",),
    "checkups": ("id",),
}


def node_fields(selected: Iterable[Selection]) -> str | None:
    """directory's `fields` for the organizations under `edges { node }` of a connection field,
    given `info.selected_fields` of its resolver (the connection field itself).

    None when whole organizations are needed: a field not in SOURCES, or no node fields at all.
    @skip/@include are not evaluated: a field that might be read is asked for.
    """
    wanted: set[str] = set()
    for connection in _fields(selected, None):
        for edges in _fields(connection.selections, "edges"):
            for node in _fields(edges.selections, "node"):
                for field in _fields(node.selections, None):
                    sources = SOURCES.get(field.name)
                    if sources is None:
                        return None
                    wanted.update(sources)
    # id, kind and name are what Organization.from_row cannot do without.
    return ",".join(sorted(wanted | ALWAYS)) if wanted else None


def selects_any(selected: Iterable[Selection], names: set[str]) -> bool:
    """Whether the resolver's field (`info.selected_fields`) reads one of these sub-fields."""
    return any(
        field.name in names
        for connection in _fields(selected, None)
        for field in _fields(connection.selections, None)
    )


def _fields(selections: Iterable[Selection], name: str | None) -> Iterable[SelectedField]:
    """The fields among selections, through fragments; only those called `name` if given."""
    for selection in selections:
        if isinstance(selection, SelectedField):
            if name is None or selection.name == name:
                yield selection
        else:  # a fragment spread or an inline fragment: its fields count as the selection's own
            yield from _fields(selection.selections, name)
