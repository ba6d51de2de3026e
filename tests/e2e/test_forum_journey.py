"""Forum's "done when", through the running gateway: a consortium manager finds the seeded debates,
posts in the consortium's private space (an outsider is refused), asks an advisory question that an
agency officer answers, and accepts the answer; a subscriber sees new posts live."""

from __future__ import annotations

import asyncio
import json
import uuid

import httpx
import websockets

from shared.auth import Principal
from tests.infra import eventually

SIGN_UP = """mutation($e: String!, $n: String!) { signUp(input: {email: $e, password: "a long enough secret",
  displayName: $n}) { ... on AuthPayload { accessToken viewer { id } } ... on Error { code message } } }"""
SPACES = (
    "query($k: SpaceKind) { forumSpaces(kind: $k, first: 200) "
    "{ edges { node { id slug nameEs isPrivate consortiumId } } pageInfo { hasNextPage } } }"
)
THREADS = """query($id: ID!) { forumSpace(id: $id) { threads(first: 50) { edges { node { id title pinned
  attributedTo } } } } }"""
CREATE_THREAD = """mutation($input: CreateThreadInput!) { createThread(input: $input) { __typename
  ... on CreateThreadSuccess { thread { id isAdvisory advisory { id status } } post { id bodyHtml } }
  ... on Error { code message } } }"""
CREATE_POST = """mutation($input: CreatePostInput!) { createPost(input: $input) { __typename
  ... on PostSuccess { post { id number bodyHtml } } ... on Error { code } } }"""
THREAD = """query($id: ID!) { thread(id: $id) { __typename ... on Thread { title solved advisory { status }
  posts { edges { node { number author { displayName } bodyHtml isAccepted } } } } ... on Error { code } } }"""


def _nodes(connection: dict) -> list[dict]:
    assert connection["pageInfo"]["hasNextPage"] is False  # every space fits one page of 200
    return [edge["node"] for edge in connection["edges"]]


async def _gql(client: httpx.AsyncClient, url: str, query: str, token: str | None = None, **variables):  # type: ignore[no-untyped-def]
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    response = await client.post(url, json={"query": query, "variables": variables}, headers=headers)
    assert response.status_code == 200, response.text
    body = response.json()
    assert "errors" not in body, body
    return body["data"]


async def _sign_up(gql, name: str) -> tuple[str, str]:  # type: ignore[no-untyped-def]
    data = (await gql(SIGN_UP, e=f"forum-{uuid.uuid4().hex[:8]}@example.org", n=name))["signUp"]
    assert "accessToken" in data, data
    return data["accessToken"], data["viewer"]["id"]


async def test_a_consortium_manager_discusses_privately_and_gets_advice(system, signing_keys):
    async with httpx.AsyncClient(timeout=15) as client:
        gql = lambda query, token=None, **v: _gql(client, system.graphql, query, token, **v)  # noqa: E731
        manager, manager_id = await _sign_up(gql, "Gerente Caribe")
        outsider, _ = await _sign_up(gql, "Persona Ajena")
        officer = signing_keys.issuer.access_token(
            Principal(
                user_id=uuid.uuid4(), roles=frozenset({"agency_officer"}), display_name="Oficial Procomer"
            )
        )

        # The seeded debates and the meeting's pinned conclusions, readable by anyone.
        categories = {s["slug"]: s for s in _nodes((await gql(SPACES, k="CATEGORY"))["forumSpaces"])}
        debates = (await gql(THREADS, id=categories["trust-governance"]["id"]))["forumSpace"]["threads"][
            "edges"
        ]
        assert any(e["node"]["title"] == "Superar la desconfianza entre los empresarios" for e in debates)
        meeting = (await gql(THREADS, id=categories["meeting-2015"]["id"]))["forumSpace"]["threads"]["edges"]
        assert {e["node"]["title"] for e in meeting if e["node"]["pinned"]} == {
            "Conclusiones",
            "Recomendaciones",
        }
        found = await gql('{ forumSearch(query: "desconfianza") { edges { node { thread { title } } } } }')
        assert found["forumSearch"]["edges"]

        # The consortium's private space appears once directory's events reach forum.
        created = await gql(
            """mutation { createConsortium(input: {name: "Consorcio Caribe Unido", country: "DO"}) {
            __typename ... on ConsortiumCreated { consortium { id } } ... on Error { code message } } }""",
            manager,
        )
        consortium_id = created["createConsortium"]["consortium"]["id"]

        async def private_space():  # type: ignore[no-untyped-def]
            spaces = _nodes((await gql(SPACES, manager, k="CONSORTIUM"))["forumSpaces"])
            return next((s for s in spaces if s["consortiumId"] == consortium_id), None)

        space = await eventually(private_space, timeout=15)
        assert space["isPrivate"]
        opened = (
            await gql(
                CREATE_THREAD,
                manager,
                input={
                    "spaceId": space["id"],
                    "title": "Plan de exportación",
                    "body": "Propongo **ferias** en Miami",
                },
            )
        )["createThread"]
        assert opened["__typename"] == "CreateThreadSuccess", opened
        private_thread = opened["thread"]["id"]
        unknown = (await gql(THREAD, outsider, id="../advisory/topics"))["thread"]
        assert unknown == {"__typename": "NotFoundError", "code": "thread_not_found"}
        assert (await gql('query { post(id: "nope") { id } }'))["post"] is None
        refused = (await gql(THREAD, outsider, id=private_thread))["thread"]
        assert refused == {"__typename": "PermissionError", "code": "forbidden"}
        refused = (await gql(CREATE_POST, outsider, input={"threadId": private_thread, "body": "hola"}))[
            "createPost"
        ]
        assert refused["code"] == "forbidden"

        # Live: the manager watches the private thread and sees a new post arrive.
        ws_url = system.graphql.replace("http://", "ws://")
        async with websockets.connect(ws_url, subprotocols=["graphql-transport-ws"]) as ws:
            await ws.send(
                json.dumps({"type": "connection_init", "payload": {"Authorization": f"Bearer {manager}"}})
            )
            assert json.loads(await ws.recv())["type"] == "connection_ack"
            await ws.send(
                json.dumps(
                    {
                        "id": "1",
                        "type": "subscribe",
                        "payload": {
                            "query": "subscription($t: ID!) { threadPosts(threadId: $t) { number bodyHtml } }",
                            "variables": {"t": private_thread},
                        },
                    }
                )
            )
            await asyncio.sleep(0.5)  # the subscription is listening before the post is written
            posted = await gql(
                CREATE_POST, manager, input={"threadId": private_thread, "body": "Y ruedas de negocios"}
            )
            assert posted["createPost"]["__typename"] == "PostSuccess"
            pushed = json.loads(await asyncio.wait_for(ws.recv(), timeout=15))
            assert pushed["type"] == "next", pushed
            assert pushed["payload"]["data"]["threadPosts"]["number"] == 2

        # Online advisory: the officer registers as an advisor, the manager asks, the officer answers.
        profile = await gql(
            """mutation { saveAdvisorProfile(input: {topics: ["financing-factoring"], countries: ["DO"]})
            { __typename ... on Error { code message } } }""",
            officer,
        )
        assert profile["saveAdvisorProfile"]["__typename"] == "AdvisorProfileSuccess", profile
        asked = (
            await gql(
                CREATE_THREAD,
                manager,
                input={
                    "spaceId": categories["online-advisory"]["id"],
                    "title": "¿Cómo financiar el primer envío?",
                    "body": "Somos un consorcio nuevo en República Dominicana.",
                    "advisory": {"topic": "financing-factoring", "country": "DO"},
                },
            )
        )["createThread"]
        assert asked["thread"]["isAdvisory"] and asked["thread"]["advisory"]["status"] == "OPEN"
        request_id = asked["thread"]["advisory"]["id"]
        inbox = await gql("{ advisoryRequests(scope: ROUTED) { edges { node { id topic } } } }", officer)
        assert [e["node"]["id"] for e in inbox["advisoryRequests"]["edges"]] == [request_id]
        answered = (
            await gql(
                """mutation($r: ID!) { answerAdvisoryRequest(requestId: $r,
            body: "Use el **factoraje** de la banca de desarrollo.") { __typename
            ... on AnswerAdvisorySuccess { advisory { status } post { id } } ... on Error { code } } }""",
                officer,
                r=request_id,
            )
        )["answerAdvisoryRequest"]
        assert answered["advisory"]["status"] == "ANSWERED", answered
        accepted = (
            await gql(
                """mutation($r: ID!, $p: ID!) { acceptAdvisoryAnswer(requestId: $r, postId: $p) {
            __typename ... on AdvisorySuccess { advisory { status } } ... on Error { code } } }""",
                manager,
                r=request_id,
                p=answered["post"]["id"],
            )
        )["acceptAdvisoryAnswer"]
        assert accepted["advisory"]["status"] == "SOLVED"
        solved = (await gql(THREAD, id=asked["thread"]["id"]))["thread"]
        assert solved["solved"] and solved["advisory"]["status"] == "SOLVED"
        answer = solved["posts"]["edges"][1]["node"]
        assert answer["isAccepted"] and answer["author"]["displayName"] == "Oficial Procomer"
        assert "<strong>factoraje</strong>" in answer["bodyHtml"]
        assert manager_id
