"""Plan execution: subgraph calls, merging, and shaping the client's response."""

from .executor import CompiledPlan, ExecutionResult
from .introspection import Introspection
from .merge import deep_merge
from .shape import shape_response
from .shape_compile import SelectionShape, ShapeCompiler
from .typematch import TypeMatcher

__all__ = [
    "CompiledPlan",
    "ExecutionResult",
    "Introspection",
    "SelectionShape",
    "ShapeCompiler",
    "TypeMatcher",
    "deep_merge",
    "shape_response",
]
