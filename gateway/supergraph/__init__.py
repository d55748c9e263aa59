"""The supergraph: load Apollo supergraph SDL into a typed model and build the API schema."""

from .build import load_supergraph
from .fast_parse import parse_sdl
from .model import (
    ArgumentDef,
    FieldDef,
    JoinField,
    JoinType,
    SubgraphInfo,
    Supergraph,
    TypeDef,
    TypeRef,
)

__all__ = [
    "ArgumentDef",
    "FieldDef",
    "JoinField",
    "JoinType",
    "SubgraphInfo",
    "Supergraph",
    "TypeDef",
    "TypeRef",
    "load_supergraph",
    "parse_sdl",
]
