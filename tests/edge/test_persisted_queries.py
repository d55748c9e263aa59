"""APQ with Apollo Client's protocol (apollo-link-persisted-queries: the hash first, the text
only after PERSISTED_QUERY_NOT_FOUND; hashed queries over GET) and persisted query manifests
with the safelist, through a uvicorn-served gateway."""

from __future__ import annotations

import hashlib
import json
import logging
import time
from pathlib import Path
from typing import Any

import httpx
import pytest

from gateway.config import load_config
from gateway.errors import ConfigError
from gateway.server.reload import ReloadSpec

from .cost_graph import cost_supergraph
from .served import config_from, serve

QUERY = "query Top { topProducts(first: 2) { name } }"
HASH = hashlib.sha256(QUERY.encode()).hexdigest()
HEADERS = {"accept": "application/json", "apollo-require-preflight": "true"}


def extensions(sha: str) -> dict[str, Any]:
    return {"persistedQuery": {"version": 1, "sha256Hash": sha}}


def post(url: str, **body: Any) -> httpx.Response:
    return httpx.post(url, json=body, headers=HEADERS, timeout=10)


def get(url: str, **params: Any) -> httpx.Response:
    query = {k: json.dumps(v) if isinstance(v, dict) else v for k, v in params.items()}
    return httpx.get(url, params=query, headers=HEADERS, timeout=10)


def code(r: httpx.Response) -> str:
    return str(r.json()["errors"][0]["extensions"]["code"])


class ApolloClientLink:
    """What Apollo Client's persisted-queries link does for one operation: send the hash
    alone (GET with useGETForHashedQueries), and on PERSISTED_QUERY_NOT_FOUND the hash with
    the text (POST)."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.sent: list[str] = []

    def run(self, query: str) -> dict[str, Any]:
        sha = hashlib.sha256(query.encode()).hexdigest()
        first = get(self.url, extensions=extensions(sha))
        self.sent.append("hash")
        errors = first.json().get("errors") or []
        if not any(e.get("message") == "PersistedQueryNotFound" for e in errors):
            return dict(first.json())
        assert first.status_code == 200
        self.sent.append("hash+query")
        return dict(post(self.url, query=query, extensions=extensions(sha)).json())


def test_apollo_client_round_trip_registers_then_runs_by_hash(tmp_path: Path) -> None:
    # APQ is on by default, as in Apollo Router
    with serve(config_from(tmp_path, "{}\n")) as served:
        link = ApolloClientLink(served.url)
        names = [p["name"] for p in link.run(QUERY)["data"]["topProducts"]]
        assert names == ["p1", "p2"] and link.sent == ["hash", "hash+query"]
        again = link.run(QUERY)
        assert again["data"]["topProducts"][1]["name"] == "p2"
        assert link.sent == ["hash", "hash+query", "hash"]
        assert len(served.subgraph.requests) == 2


def test_not_found_mismatch_and_get_rules(tmp_path: Path) -> None:
    with serve(config_from(tmp_path, "{}\n")) as served:
        r = post(served.url, extensions=extensions(HASH))
        assert (r.status_code, code(r)) == (200, "PERSISTED_QUERY_NOT_FOUND")
        r = post(served.url, query=QUERY, extensions=extensions("0" * 64))
        assert code(r) == "PERSISTED_QUERY_HASH_MISMATCH"
        assert served.subgraph.requests == []
        # a mutation registered over POST still may not run over GET
        mutation = 'mutation { addReview(productId: 1, body: "x") { id } }'
        sha = hashlib.sha256(mutation.encode()).hexdigest()
        assert post(served.url, query=mutation, extensions=extensions(sha)).status_code == 200
        r = get(served.url, extensions=extensions(sha))
        assert (r.status_code, code(r)) == (405, "MUTATION_FORBIDDEN")


def test_the_in_memory_cache_keeps_the_latest_limit_queries(tmp_path: Path) -> None:
    config = config_from(
        tmp_path, "apq:\n  router:\n    cache:\n      in_memory:\n        limit: 2\n"
    )
    queries = [f"{{ topProducts(first: {n}) {{ id }} }}" for n in (1, 2, 3)]
    with serve(config) as served:
        for q in queries:
            post(served.url, query=q, extensions=extensions(hashlib.sha256(q.encode()).hexdigest()))
        found = [
            "errors"
            not in post(
                served.url, extensions=extensions(hashlib.sha256(q.encode()).hexdigest())
            ).json()
            for q in queries
        ]
        assert found == [False, True, True]


def test_apq_disabled_says_not_supported(tmp_path: Path) -> None:
    with serve(config_from(tmp_path, "apq:\n  enabled: false\n")) as served:
        r = post(served.url, extensions=extensions(HASH))
        assert code(r) == "PERSISTED_QUERY_NOT_SUPPORTED"
        # the text with a hash simply runs
        r = post(served.url, query=QUERY, extensions=extensions(HASH))
        assert r.json()["data"]["topProducts"][0]["name"] == "p1"


LISTED = "query Listed { featured { name } }"


def write_manifests(tmp_path: Path) -> tuple[Path, Path]:
    apollo = tmp_path / "manifest.json"
    apollo.write_text(
        json.dumps(
            {
                "format": "apollo-persisted-query-manifest",
                "version": 1,
                "operations": [
                    {"id": "listed-1", "name": "Listed", "type": "query", "body": LISTED}
                ],
            }
        )
    )
    relay = tmp_path / "relay.json"
    relay.write_text(json.dumps({"relay-7": "query Relay { product(id: 3) { name } }"}))
    return apollo, relay


def pq_config(tmp_path: Path, safelist: str = "", apq: bool = True, log: bool = False) -> str:
    apollo, relay = write_manifests(tmp_path)
    return (
        f"apq:\n  enabled: {str(apq).lower()}\n"
        "persisted_queries:\n  enabled: true\n"
        f"  log_unknown: {str(log).lower()}\n"
        f"  local_manifests: [{apollo}, {relay}]\n" + safelist
    )


def test_manifest_ids_run_their_listed_text_and_free_form_still_runs(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    config = config_from(tmp_path, pq_config(tmp_path, log=True))
    with serve(config) as served, caplog.at_level(logging.WARNING, "fedgate.persisted_queries"):
        r = post(served.url, extensions=extensions("listed-1"))
        assert len(r.json()["data"]["featured"]) == 3
        r = get(served.url, extensions=extensions("relay-7"))
        assert r.json()["data"] == {"product": {"name": "p3"}}
        # unknown id, APQ on: the APQ protocol takes over
        assert code(post(served.url, extensions=extensions("nope"))) == "PERSISTED_QUERY_NOT_FOUND"
        r = post(served.url, query="{ expensive }")
        assert r.json()["data"] == {"expensive": 1}
    unknown = [r.getMessage() for r in caplog.records if r.name == "fedgate.persisted_queries"]
    assert unknown == ["persisted queries: unknown operation: { expensive }"]


SAFELIST = "  safelist:\n    enabled: true\n"


def test_the_safelist_lets_only_listed_operations_in(tmp_path: Path) -> None:
    config = config_from(tmp_path, pq_config(tmp_path, SAFELIST, apq=False))
    with serve(config) as served:
        assert "data" in post(served.url, query=LISTED).json()
        # the same document, written otherwise
        spaced = "# a comment\nquery Listed {\n  featured {\n    name\n  }\n}\n"
        assert "data" in post(served.url, query=spaced).json()
        r = post(served.url, query="{ expensive }")
        assert code(r) == "QUERY_NOT_IN_SAFELIST"
        r = post(served.url, extensions=extensions("nope"))
        assert code(r) == "PERSISTED_QUERY_NOT_IN_LIST"
        assert "data" in post(served.url, extensions=extensions("relay-7")).json()
        assert len(served.subgraph.requests) == 3


def test_require_id_refuses_even_listed_text(tmp_path: Path) -> None:
    safelist = SAFELIST + "    require_id: true\n"
    config = config_from(tmp_path, pq_config(tmp_path, safelist, apq=False))
    with serve(config) as served:
        assert code(post(served.url, query=LISTED)) == "PERSISTED_QUERY_ID_REQUIRED"
        assert "data" in post(served.url, extensions=extensions("listed-1")).json()


def test_safelist_with_apq_on_is_refused_at_load(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match=r"apq\.enabled: false"):
        config_from(tmp_path, pq_config(tmp_path, SAFELIST, apq=True))


def test_a_broken_manifest_is_refused_at_load(tmp_path: Path) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text('{"format": "apollo-persisted-query-manifest", "version": 2}')
    yaml = (
        f"apq:\n  enabled: false\npersisted_queries:\n  enabled: true\n  local_manifests: [{bad}]\n"
    )
    with pytest.raises(ConfigError, match="version 2"), serve(config_from(tmp_path, yaml)):
        pass


def test_a_changed_manifest_is_reloaded_with_hot_reload(tmp_path: Path) -> None:
    supergraph = tmp_path / "supergraph.graphql"
    supergraph.write_text(cost_supergraph().sdl)
    config_path = tmp_path / "router.yaml"
    config_path.write_text(pq_config(tmp_path, SAFELIST, apq=False) + "  hot_reload: true\n")
    config = load_config(config_path, environ={})
    spec = ReloadSpec(str(supergraph), str(config_path))
    with serve(config, spec) as served:
        assert code(post(served.url, query="{ expensive }")) == "QUERY_NOT_IN_SAFELIST"
        relay = tmp_path / "relay.json"
        relay.write_text(json.dumps({"relay-8": "{ expensive }"}))
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline:
            r = post(served.url, query="{ expensive }")
            if "data" in r.json():
                break
            time.sleep(0.2)
        assert r.json()["data"] == {"expensive": 1}
        assert code(post(served.url, extensions=extensions("relay-7"))) == (
            "PERSISTED_QUERY_NOT_IN_LIST"
        )
        assert "data" in post(served.url, extensions=extensions("relay-8")).json()
