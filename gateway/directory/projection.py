"""Which of an organization's fields a query reads, so that directory answers only those.

A page of 20 whole organizations is ~33 KB that directory builds (ORM objects, JSON columns,
pydantic) and the gateway decodes, for a search page that shows four fields of each. List
resolvers pass directory `fields=` with what the selection under `edges { node { … } }` reads.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from graphql import FieldNode, FragmentDefinitionNode, SelectionSetNode

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


def node_fields(info: Any) -> str | None:
    """directory's `fields` for the organizations under `edges { node }` of the connection field
    being resolved (`info` is its resolver's strawberry.Info).

    None when whole organizations are needed: a field not in SOURCES, or no node fields at all.
    @skip/@include are not evaluated: a field that might be read is asked for.
    """
    # The document's own nodes: strawberry's `selected_fields` converts the whole sub-tree (and
    # its arguments) on every call, which cost more than the rest of this resolver.
    raw = info._raw_info
    fragments = raw.fragments
    wanted: set[str] = set()
    for connection in raw.field_nodes:
        for edges in _fields(connection.selection_set, fragments, "edges"):
            for node in _fields(edges.selection_set, fragments, "node"):
                for field in _fields(node.selection_set, fragments, None):
                    sources = SOURCES.get(field.name.value)
                    if sources is None:
                        return None
                    wanted.update(sources)
    # id, kind and name are what Organization.from_row cannot do without.
    return ",".join(sorted(wanted | ALWAYS)) if wanted else None


def selects_any(info: Any, names: set[str]) -> bool:
    """Whether the field being resolved reads one of these sub-fields."""
    raw = info._raw_info
    return any(
        field.name.value in names
        for connection in raw.field_nodes
        for field in _fields(connection.selection_set, raw.fragments, None)
    )


def _fields(
    selection_set: SelectionSetNode | None, fragments: dict[str, FragmentDefinitionNode], name: str | None
) -> Iterable[FieldNode]:
    """The fields of a selection set, through fragments; only those called `name` if given."""
    if selection_set is None:
        return
    for selection in selection_set.selections:
        if isinstance(selection, FieldNode):
            if name is None or selection.name.value == name:
                yield selection
        elif (fragment := _fragment(selection, fragments)) is not None:
            yield from _fields(fragment, fragments, name)


def _fragment(selection: Any, fragments: dict[str, FragmentDefinitionNode]) -> SelectionSetNode | None:
    # An inline fragment carries its selection set; a spread names a fragment of the document.
    if (inline := getattr(selection, "selection_set", None)) is not None:
        return inline
    definition = fragments.get(selection.name.value)
    return definition.selection_set if definition is not None else None
