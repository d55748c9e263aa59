"""The authorization directives through the gateway, over real HTTP: every directive on every
kind of element (fields, object types, interfaces, scalars, enums), through an entity jump and
a ``@requires``; nothing removed is ever asked of a subgraph (the subgraphs record what they
were asked); answers never cross between access levels; the configuration modes; @policy
decided by a plugin and by a coprocessor."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from . import policy_deciders
from .harness import Subgraphs, gateway, hmac_key, secure_subgraphs, served

KEY = hmac_key("k1", b"authorization tests: a shared HMAC secret of sixty-four bytes..")
ALL = """{
  motd
  me { name }
  user(id: "1") { name email emailDomain salary role orders { id total } }
  node(id: "d1") { id }
  secret
}"""
UNAUTHORIZED = "UNAUTHORIZED_FIELD_OR_TYPE"


@pytest.fixture(scope="module")
def subgraphs(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Subgraphs]:
    with secure_subgraphs(tmp_path_factory.mktemp("authz")) as running:
        (running.supergraph.parent / "jwks.json").write_text(json.dumps({"keys": [KEY.jwk]}))
        yield running


def config(subgraphs: Subgraphs, extra: str = "") -> str:
    jwks = subgraphs.supergraph.parent / "jwks.json"
    return f"""
authentication:
  router:
    jwt:
      jwks:
        - url: file://{jwks}
{extra}
"""


@pytest.fixture(scope="module")
def url(subgraphs: Subgraphs) -> Iterator[str]:
    with gateway(subgraphs, config(subgraphs)) as gateway_url:
        yield gateway_url


def post(url: str, query: str, claims: dict[str, Any] | None = None) -> dict[str, Any]:
    headers = {"authorization": f"Bearer {KEY.token(claims)}"} if claims is not None else {}
    r = httpx.post(url, json={"query": query}, headers=headers)
    assert r.status_code == 200, r.text
    body: dict[str, Any] = r.json()
    return body


def removed(body: dict[str, Any]) -> list[list[str]]:
    errors = body.get("errors", [])
    assert all(e["extensions"]["code"] == UNAUTHORIZED for e in errors), errors
    return [e["path"] for e in errors]


def test_anonymous_loses_every_protected_element_and_no_subgraph_is_asked(
    url: str, subgraphs: Subgraphs
) -> None:
    subgraphs.clear()
    body = post(url, ALL.replace("secret", ""))
    assert body["data"] == {
        "motd": "hello",
        "me": None,
        # orders: [Order!]! is non-null: its null propagates (the other nulls went with it)
        "user": None,
        "node": None,
    }
    assert removed(body) == [
        ["me"],  # @authenticated field
        ["user", "email"],  # @requiresScopes field
        ["user", "emailDomain"],  # @requires of a scoped field: the transitive rule
        ["user", "salary"],  # @policy field
        ["user", "role"],  # @requiresScopes enum
        ["user", "orders"],  # @authenticated object type, behind an entity jump
        ["node"],  # interface with an @authenticated implementation
    ]
    # one call to users for what is left, none to orders (every orders field was removed)
    assert subgraphs.queries() == ['{motd user(id: "1"){name}}']


def test_a_scalar_type_requirement_nulls_up_to_the_root(url: str) -> None:
    body = post(url, "{ motd secret }")
    assert body["data"] is None  # secret: Secret! is non-null
    assert removed(body) == [["secret"]]


def test_authenticated_with_scopes(url: str, subgraphs: Subgraphs) -> None:
    subgraphs.clear()
    body = post(url, ALL, {"scope": "read:email other"})
    assert body["data"]["me"] == {"name": "Ada"}
    user = body["data"]["user"]
    assert user["email"] == "ada@example.com" and user["emailDomain"] == "example.com"
    assert user["orders"] == [{"id": "1", "total": 10}]
    assert body["data"]["node"] == {"id": "d1"} and body["data"]["secret"] == "s3cr3t"
    assert removed(body) == [["user", "salary"], ["user", "role"]]
    assert any("_entities" in q for q in subgraphs.queries())  # the jump to orders ran
    # a list of scopes in the claim works too
    body = post(url, '{ user(id: "2") { role } }', {"scope": ["read:roles"]})
    assert body == {"data": {"user": {"role": "MEMBER"}}}


def test_list_positions_and_fragments(url: str) -> None:
    query = "query Q { users { ...U } } fragment U on User { name email }"
    body = post(url, query)
    assert body["data"] == {
        "users": [{"name": "Ada", "email": None}, {"name": "Brian", "email": None}]
    }
    assert removed(body) == [["users", "@", "email"]]
    body = post(url, '{ node(id: "d2") { id ... on Document { title } } }', {})
    assert body == {"data": {"node": {"id": "d2", "title": "doc d2"}}}


def test_answers_never_cross_access_levels(url: str) -> None:
    query = '{ user(id: "1") { name email role } }'
    ada = {"name": "Ada", "email": "ada@example.com", "role": "ADMIN"}
    for _ in range(3):
        assert post(url, query)["data"]["user"] == {**ada, "email": None, "role": None}
        scoped = post(url, query, {"scope": "read:email"})["data"]["user"]
        assert scoped == {**ada, "role": None}
        assert post(url, query, {"scope": "read:roles read:email"})["data"]["user"] == ada
        assert post(url, query, {})["data"]["user"] == {**ada, "email": None, "role": None}
    # a selection whose every field is removed goes with them
    assert post(url, '{ user(id: "1") { email } }') == {
        "data": {"user": None},
        "errors": [
            {
                "message": "Unauthorized field or type",
                "path": ["user", "email"],
                "extensions": {"code": UNAUTHORIZED},
            }
        ],
    }


def test_a_mutation_without_its_scope_is_never_sent(url: str, subgraphs: Subgraphs) -> None:
    subgraphs.clear()
    mutation = "mutation { placeOrder(total: 5) { id total } }"
    body = post(url, mutation, {})
    assert body["data"] is None and removed(body) == [["placeOrder"]]
    assert subgraphs.queries() == []
    body = post(url, mutation, {"scope": "orders:write"})
    assert body == {"data": {"placeOrder": {"id": "9", "total": 5}}}


def test_dry_run_reports_but_removes_nothing(subgraphs: Subgraphs) -> None:
    extra = "authorization:\n  directives:\n    dry_run: true\n"
    with gateway(subgraphs, config(subgraphs, extra)) as url:
        body = post(url, "{ me { name } }")
        assert body["data"] == {"me": {"name": "Ada"}}
        assert removed(body) == [["me"]]


def test_reject_unauthorized_refuses_the_whole_operation(subgraphs: Subgraphs) -> None:
    extra = "authorization:\n  directives:\n    reject_unauthorized: true\n"
    with gateway(subgraphs, config(subgraphs, extra)) as url:
        subgraphs.clear()
        r = httpx.post(url, json={"query": "{ motd me { name } }"})
        body = r.json()
        assert "data" not in body and removed(body) == [["me"]]
        assert subgraphs.queries() == []
        assert post(url, "{ motd }") == {"data": {"motd": "hello"}}


def test_errors_in_extensions(subgraphs: Subgraphs) -> None:
    extra = "authorization:\n  directives:\n    errors:\n      response: extensions\n"
    with gateway(subgraphs, config(subgraphs, extra)) as url:
        body = post(url, "{ motd me { name } }")
        assert body["data"] == {"motd": "hello", "me": None} and "errors" not in body
        assert [e["path"] for e in body["extensions"]["authorizationErrors"]] == [["me"]]


def test_require_authentication(subgraphs: Subgraphs) -> None:
    extra = "authorization:\n  require_authentication: true\n"
    with gateway(subgraphs, config(subgraphs, extra)) as url:
        r = httpx.post(url, json={"query": "{ motd }"})
        assert r.status_code == 401
        assert r.json()["errors"][0]["extensions"]["code"] == "AUTH_ERROR"
        assert post(url, "{ motd }", {}) == {"data": {"motd": "hello"}}


def test_directives_disabled_serves_everything(subgraphs: Subgraphs) -> None:
    extra = "authorization:\n  directives:\n    enabled: false\n"
    with gateway(subgraphs, config(subgraphs, extra)) as url:
        assert post(url, "{ me { name } }") == {"data": {"me": {"name": "Ada"}}}


SALARY = '{ user(id: "2") { name salary } }'


def check_policies(url: str) -> None:
    policy_deciders.ASKED.clear()
    body = post(url, SALARY, {"roles": ["hr"]})
    assert body == {"data": {"user": {"name": "Brian", "salary": 2000}}}
    assert policy_deciders.ASKED == [{"admin": None, "hr": None, "payroll": None}]
    both = post(url, SALARY, {"roles": ["payroll", "admin"]})
    assert both["data"]["user"]["salary"] == 2000
    one = post(url, SALARY, {"roles": ["payroll"]})
    assert one["data"]["user"]["salary"] is None and removed(one) == [["user", "salary"]]
    assert post(url, SALARY)["data"]["user"]["salary"] is None


def test_policy_decided_by_a_plugin(subgraphs: Subgraphs) -> None:
    extra = "fedgate:\n  plugins:\n    - path: tests.auth.policy_deciders:RolePolicies\n"
    with gateway(subgraphs, config(subgraphs, extra)) as url:
        check_policies(url)


def test_policy_decided_by_a_coprocessor(subgraphs: Subgraphs) -> None:
    with served(policy_deciders.coprocessor_app) as copro:
        extra = f"coprocessor:\n  url: {copro}/\n  supergraph:\n    request:\n      context: all\n"
        with gateway(subgraphs, config(subgraphs, extra)) as url:
            check_policies(url)


def test_without_a_decider_every_policy_fails(url: str) -> None:
    body = post(url, SALARY, {"roles": ["hr"]})
    assert body["data"]["user"]["salary"] is None


def test_a_removed_non_null_field_in_a_list_is_explained_by_its_error(url: str) -> None:
    # users: [User!]!, orders: [Order!]!: each user nulls, then the list, then data; the
    # authorization error explains it (no value-completion note about the nulls)
    body = post(url, "{ users { name orders { id } } }")
    assert body == {
        "data": None,
        "errors": [
            {
                "message": "Unauthorized field or type",
                "path": ["users", "@", "orders"],
                "extensions": {"code": UNAUTHORIZED},
            }
        ],
    }


def test_shared_client_requests_never_cross_credentials(subgraphs: Subgraphs) -> None:
    import asyncio

    extra = "fedgate:\n  share_inflight_client_requests: true\n"
    token = KEY.token({})

    async def burst(url: str) -> list[dict[str, Any]]:
        async with httpx.AsyncClient() as client:
            calls = [
                client.post(
                    url,
                    json={"query": "{ slow me { name } }"},
                    headers={"authorization": f"Bearer {token}"} if i % 2 else {},
                )
                for i in range(20)
            ]
            return [r.json() for r in await asyncio.gather(*calls)]

    with gateway(subgraphs, config(subgraphs, extra)) as url:
        for i, body in enumerate(asyncio.run(burst(url))):
            expected = {"name": "Ada"} if i % 2 else None
            assert body["data"] == {"slow": "done", "me": expected}, (i, body)
