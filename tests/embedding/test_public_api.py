"""The public Python API (``gateway.__all__``) and docs/embedding.md: the names are exactly
the documented ones and each imports; the docs page's code runs as it is written."""

from __future__ import annotations

import re
import sys
import types
from pathlib import Path
from typing import Any

import gateway

ROOT = Path(__file__).parent.parent.parent
DOC = ROOT / "docs" / "embedding.md"

PUBLIC = {
    "Gateway",
    "GatewayConfig",
    "GraphQLCoreApp",
    "HttpClient",
    "HttpTimeouts",
    "LocalClient",
    "RequestContext",
    "SubgraphClient",
    "SubgraphSource",
    "Supergraph",
    "__version__",
    "compose",
    "create_app",
    "load_config",
    "load_supergraph",
}


def test_all_is_exactly_the_public_api_and_sorted() -> None:
    assert set(gateway.__all__) == PUBLIC
    assert len(gateway.__all__) == len(PUBLIC)
    assert sorted(gateway.__all__, key=lambda n: (not n[0].isupper(), n)) == gateway.__all__


def test_each_public_name_imports_from_the_package() -> None:
    namespace: dict[str, Any] = {}
    exec("from gateway import *", namespace)
    assert set(namespace) >= PUBLIC
    for name in PUBLIC - {"__version__"}:
        value = getattr(gateway, name)
        assert getattr(value, "__name__", None) == name
    assert set(dir(gateway)) >= PUBLIC


def test_an_unknown_name_is_an_attribute_error() -> None:
    try:
        gateway.nothing_here  # noqa: B018
    except AttributeError as exc:
        assert "nothing_here" in str(exc)
    else:
        raise AssertionError("expected AttributeError")


def documented_code() -> list[str]:
    return re.findall(r"```python\n(.*?)```", DOC.read_text(), flags=re.DOTALL)


def test_the_embedding_page_runs_as_written(capsys: Any) -> None:
    blocks = documented_code()
    assert len(blocks) == 3
    # a real module, as the page's code would be (strawberry resolves types in its module)
    module = types.ModuleType("embedding_doc")
    sys.modules[module.__name__] = module
    try:
        for block in blocks:
            exec(compile(block, str(DOC), "exec"), module.__dict__)
    finally:
        del sys.modules[module.__name__]
    namespace = module.__dict__
    assert namespace["response"].status_code == 200
    assert namespace["result"] == {
        "data": {
            "products": [
                {"name": "Table", "reviews": [{"body": "Sturdy"}]},
                {"name": "Couch", "reviews": [{"body": "Comfy"}, {"body": "Too red"}]},
            ]
        }
    }
    assert namespace["answer"] == {
        "data": {"reviewCount": 3, "products": [{"name": "Table"}, {"name": "Couch"}]}
    }
    printed = capsys.readouterr().out
    assert "Too red" in printed and "'reviewCount': 3" in printed
