"""Plain leaf fields answered by the lean execution give graphql-core's answers, errors included."""

from __future__ import annotations

import enum
from datetime import UTC, datetime

import strawberry

from gateway.lean import LeanExecutor
from gateway.lean_execution import plain_leaves
from gateway.limits import schema_extensions


@strawberry.enum
class Kind(enum.Enum):
    SME = "sme"
    AGENCY = "agency"


@strawberry.type
class Place:
    code: str
    name: str | None


@strawberry.type
class Firm:
    id: strawberry.ID
    name: str
    kind: Kind
    founded: datetime | None
    employees: int | None
    nickname: str  # non-null, and None for one firm: an error located at its path
    tags: list[str]

    @strawberry.field
    def place(self) -> Place | None:
        return Place(code="MX", name=None)

    @strawberry.field
    def shout(self, loud: bool = True) -> str:
        return self.name.upper() if loud else self.name


FIRMS = [
    Firm(
        id=strawberry.ID("1"),
        name="Cacao del Sur",
        kind=Kind.SME,
        founded=datetime(2015, 10, 5, tzinfo=UTC),
        employees=12,
        nickname="cacao",
        tags=["cacao"],
    ),
    Firm(
        id=strawberry.ID("2"),
        name="ProMéxico",
        kind=Kind.AGENCY,
        founded=None,
        employees=None,
        nickname=None,  # type: ignore[arg-type]
        tags=[],
    ),
]


@strawberry.type
class Query:
    @strawberry.field
    async def firms(self) -> list[Firm | None]:
        return FIRMS  # type: ignore[return-value]


QUERY = """
query Firms {
  firms {
    id alias: name kind founded employees tags __typename
    place { code name }
    ...More
  }
}
fragment More on Firm { shout quiet: shout(loud: false) name }
"""


def schema(settings) -> strawberry.Schema:  # type: ignore[no-untyped-def]
    return strawberry.Schema(query=Query, extensions=schema_extensions(settings))


def test_only_attribute_fields_of_scalar_or_enum_type_are_plain(make_settings):
    leaves = plain_leaves(schema(make_settings())._schema)
    assert {name for (type_, name) in leaves if type_ == "Firm"} == {
        "id",
        "name",
        "kind",
        "founded",
        "employees",
        "nickname",
    }
    assert ("Place", "code") in leaves and ("Query", "firms") not in leaves


async def test_the_lean_answer_is_graphql_cores_field_for_field(make_settings):
    settings = make_settings()
    strawberry_schema = schema(settings)
    lean = await LeanExecutor(strawberry_schema, settings).run(
        QUERY, variables=None, operation_name=None, context=None, operation_extensions=None
    )
    full = await strawberry_schema.execute(QUERY)
    assert lean["data"] == full.data
    # Keys in the order of the selection, as graphql-core gives them.
    assert list(lean["data"]["firms"][0]) == list(full.data["firms"][0])  # type: ignore[index]
    assert lean["data"]["firms"][0]["kind"] == "SME" and lean["data"]["firms"][0]["alias"] == "Cacao del Sur"
    assert lean["data"]["firms"][0]["founded"] == "2015-10-05T00:00:00+00:00"
    # The second firm's non-null nickname is null: that firm is null and the error says where.
    query_with_nickname = QUERY.replace("employees tags", "employees nickname tags")
    lean = await LeanExecutor(strawberry_schema, settings).run(
        query_with_nickname, variables=None, operation_name=None, context=None, operation_extensions=None
    )
    full = await strawberry_schema.execute(query_with_nickname)
    assert lean["data"] == full.data and lean["data"]["firms"][1] is None
    assert [e["path"] for e in lean["errors"]] == [["firms", 1, "nickname"]]
    assert [e["path"] for e in lean["errors"]] == [e.path for e in full.errors or []]


class Allowed(strawberry.BasePermission):
    message = "no"

    def has_permission(self, source, info, **kwargs) -> bool:  # type: ignore[no-untyped-def]
        return True


@strawberry.type
class Shapes:
    label: str

    @strawberry.field
    def with_self_and_info(self, info: strawberry.Info) -> str:
        return f"{self.label}:{info.python_name}"  # strawberry.Info, not graphql-core's

    @strawberry.field
    def with_self(self) -> str:
        return self.label.upper()

    @strawberry.field
    async def awaited(self, info: strawberry.Info) -> str:
        return f"{self.label}:{info.path.key}"

    @strawberry.field
    def with_argument(self, times: int = 2) -> str:
        return self.label * times

    @strawberry.field(permission_classes=[Allowed])
    def guarded(self) -> str:
        return "ok"

    @strawberry.field
    def failing(self) -> str | None:
        raise ValueError("broken on purpose")


@strawberry.type
class ShapesQuery:
    @strawberry.field
    def shapes(self) -> list[Shapes]:
        return [Shapes(label="a"), Shapes(label="b")]


SHAPES = "{ shapes { withSelfAndInfo withSelf awaited withArgument(times: 3) guarded failing } }"


async def test_resolvers_called_directly_answer_as_strawberrys_wrapper_does():
    from gateway.lean_execution import call_resolvers_directly

    wrapped = strawberry.Schema(query=ShapesQuery)
    direct = strawberry.Schema(query=ShapesQuery)
    # Only the argument-less ones without permission: withArgument and guarded keep the wrapper.
    assert call_resolvers_directly(direct) == 5  # shapes, withSelfAndInfo, withSelf, awaited, failing
    expected, got = await wrapped.execute(SHAPES), await direct.execute(SHAPES)
    assert got.data == expected.data
    assert got.data["shapes"][0] == {  # type: ignore[index]
        "withSelfAndInfo": "a:with_self_and_info",
        "withSelf": "A",
        "awaited": "a:awaited",
        "withArgument": "aaa",
        "guarded": "ok",
        "failing": None,
    }
    assert [(e.message, e.path) for e in got.errors or []] == [
        (e.message, e.path) for e in expected.errors or []
    ]
