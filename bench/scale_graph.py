"""A generated federation of many subgraphs, for the scale benchmark (``bench/scale.py``) and
its test (``tests/planner/test_scale_graph.py``).

Subgraph SDLs are generated (not a supergraph), so that one run measures composition, loading
and planning on the same graph, and a generator bug shows up as a composition error instead of
a supergraph no composer would produce. The shapes are the ones real federations have:

- entities (half the types) with ``@key(fields: "id")``, each owned by one subgraph and
  extended by 1-3 others with their own fields; references to other entities everywhere
  (``resolvable: false`` stubs where a subgraph only points at an entity);
- ``@requires`` (a contributor's field computed from the owner's ``score``) and ``@provides``
  (a contributor that returns an entity's ``name`` along with the reference; the owner's
  ``name`` is ``@shareable``);
- value types, some ``@shareable`` and defined in two subgraphs; interfaces implemented by a
  subgraph's entities; unions of entities; enums; input types as root-field arguments.

``operation(graph, fields, subgraphs)`` builds a query of exactly ``fields`` field selections
that reaches at least ``subgraphs`` subgraphs, following entity references from a root field.
Everything is deterministic for a seed.
"""

from __future__ import annotations

import random
from collections import deque
from dataclasses import dataclass, field

from gateway.composition import SubgraphSource

LINK = (
    'extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", '
    'import: ["@key", "@shareable", "@external", "@requires", "@provides"])\n'
)


@dataclass
class TypeSpec:
    """One type as one subgraph defines it (the same type has one spec per subgraph)."""

    kind: str  # "type", "interface", "union", "enum", "input"
    head: str = ""  # directives / implements / members after the name
    fields: dict[str, str] = field(default_factory=dict)  # name → rest of the definition


@dataclass
class Entity:
    index: int
    home: int
    contributors: list[int]
    refs: list[int] = field(default_factory=list)  # entities the home's rel fields point at
    requires: set[int] = field(default_factory=set)  # contributors with a @requires field
    peers: dict[int, int] = field(default_factory=dict)  # contributor → entity (@provides)
    links: dict[int, int] = field(default_factory=dict)  # contributor → entity (reference)


@dataclass
class Graph:
    """The generated federation: per subgraph, its types; plus the entity model that
    ``operation`` walks."""

    subgraphs: int
    types: dict[int, dict[str, TypeSpec]]
    entities: list[Entity]
    unions: dict[str, tuple[int, list[int]]]  # union → (subgraph, member entities)
    interfaces: dict[str, tuple[int, list[int]]]
    type_count: int

    def sources(self) -> list[SubgraphSource]:
        return [
            SubgraphSource(name=_name(g), url=f"http://127.0.0.1:4200/{_name(g)}", sdl=self.sdl(g))
            for g in range(self.subgraphs)
        ]

    def sdl(self, g: int) -> str:
        out = [LINK]
        for name, spec in self.types[g].items():
            out.append(_print_type(name, spec))
        return "\n".join(out)


def _name(g: int) -> str:
    return f"s{g}"


def _print_type(name: str, spec: TypeSpec) -> str:
    head = f" {spec.head}" if spec.head else ""
    if spec.kind == "union":
        return f"union {name}{head}\n"
    body = "\n".join(f"  {f}{rest}" for f, rest in spec.fields.items())
    return f"{spec.kind} {name}{head} {{\n{body}\n}}\n"


def generate(subgraphs: int = 100, types: int = 2000, seed: int = 15) -> Graph:
    """``types`` user types (Query not counted): half entities, a quarter value types, and
    interfaces, unions, enums and inputs in the rest."""
    rng = random.Random(seed)
    n_entities = types // 2
    n_values = types // 4
    n_interfaces = n_unions = types * 3 // 40
    n_enums = types // 20
    n_inputs = types - n_entities - n_values - n_interfaces - n_unions - n_enums
    per: dict[int, dict[str, TypeSpec]] = {g: {} for g in range(subgraphs)}
    entities = [_entity(i, subgraphs, n_entities, rng) for i in range(n_entities)]
    homed: dict[int, list[int]] = {g: [] for g in range(subgraphs)}
    for e in entities:
        homed[e.home].append(e.index)
    _define_entities(per, entities, rng)
    _define_enums(per, entities, n_enums, subgraphs)
    _define_values(per, entities, n_values, subgraphs, rng)
    interfaces = _define_interfaces(per, homed, n_interfaces, subgraphs, rng)
    unions = _define_unions(per, homed, n_unions, subgraphs, rng)
    _define_inputs(per, homed, n_inputs, subgraphs)
    _define_stubs(per)
    for g in range(subgraphs):  # Query first, for readable SDL
        if "Query" in per[g]:
            per[g] = {"Query": per[g].pop("Query"), **per[g]}
    return Graph(subgraphs, per, entities, unions, interfaces, types)


def _entity(i: int, subgraphs: int, n_entities: int, rng: random.Random) -> Entity:
    home = i % subgraphs
    others = [g for g in range(subgraphs) if g != home]
    e = Entity(i, home, rng.sample(others, min(rng.randint(1, 3), len(others))))
    e.refs = [rng.randrange(n_entities) for _ in range(2)]
    for c in e.contributors:
        if rng.random() < 0.3:
            e.requires.add(c)
        target = rng.randrange(n_entities)
        if rng.random() < 0.3 and target % subgraphs != c:
            e.peers[c] = target
        e.links[c] = rng.randrange(n_entities)
    return e


def _spec(per: dict[int, dict[str, TypeSpec]], g: int, name: str, kind: str) -> TypeSpec:
    spec = per[g].get(name)
    if spec is None:
        spec = per[g][name] = TypeSpec(kind)
    return spec


def _define_entities(
    per: dict[int, dict[str, TypeSpec]], entities: list[Entity], rng: random.Random
) -> None:
    for e in entities:
        name = f"E{e.index}"
        home = _spec(per, e.home, name, "type")
        home.head = '@key(fields: "id")'
        home.fields.update({"id": ": ID!", "name": ": String @shareable", "score": ": Int"})
        for k, ref in enumerate(e.refs):
            home.fields[f"rel{k}"] = f": E{ref}"
        list_or_one = "[" if rng.random() < 0.5 else ""
        close = "]" if list_or_one else ""
        query = _spec(per, e.home, "Query", "type")
        query.fields[f"s{e.home}_e{e.index}"] = f"(id: ID!): {list_or_one}{name}{close}"
        for c in e.contributors:
            spec = _spec(per, c, name, "type")
            spec.head = '@key(fields: "id")'
            spec.fields.update({"id": ": ID!", f"c{c}_label": ": String", f"c{c}_count": ": Int"})
            if c in e.requires:
                spec.fields["score"] = ": Int @external"
                spec.fields[f"c{c}_rank"] = ': Int @requires(fields: "score")'
            if c in e.peers:
                spec.fields[f"c{c}_peer"] = f': E{e.peers[c]} @provides(fields: "name")'
                peer = _spec(per, c, f"E{e.peers[c]}", "type")
                peer.fields.setdefault("id", ": ID!")
                peer.fields["name"] = ": String @external"
            spec.fields[f"c{c}_link"] = f": E{e.links[c]}"


def _define_stubs(per: dict[int, dict[str, TypeSpec]]) -> None:
    """Every entity a subgraph references but does not resolve: a ``resolvable: false`` key
    (also the ones ``@provides`` created without a key)."""
    for types in per.values():
        for spec in list(types.values()):
            for rest in spec.fields.values():
                target = _entity_type(rest)
                if target is not None and target not in types:
                    types[target] = TypeSpec("type", "", {"id": ": ID!"})
        for name, spec in types.items():
            if spec.kind == "type" and not spec.head and _entity_type(f": {name}"):
                spec.head = '@key(fields: "id", resolvable: false)'


def _entity_type(rest: str) -> str | None:
    """``E12`` from ``: E12``, ``: [E12]``, ``(id: ID!): E12 @provides(...)``."""
    tail = rest.rsplit("): ", 1)[-1].lstrip(": ").lstrip("[")
    name = tail.split("]")[0].split(" ")[0]
    return name if name.startswith("E") and name[1:].isdigit() else None


def _define_enums(
    per: dict[int, dict[str, TypeSpec]], entities: list[Entity], count: int, subgraphs: int
) -> None:
    for k in range(count):
        g = k % subgraphs
        per[g][f"Status{k}"] = TypeSpec("enum", "", {v: "" for v in ("ACTIVE", "IDLE", "GONE")})
        owned = [e for e in entities if e.home == g]
        if owned:
            per[g][f"E{owned[k // subgraphs % len(owned)].index}"].fields[f"status{k}"] = (
                f": Status{k}"
            )


def _define_values(
    per: dict[int, dict[str, TypeSpec]],
    entities: list[Entity],
    count: int,
    subgraphs: int,
    rng: random.Random,
) -> None:
    for k in range(count):
        g = k % subgraphs
        shared = k % 10 == 0
        name = f"V{k}"
        fields = {"a": ": Int", "b": ": String", "c": ": Float"}
        head = "@shareable" if shared else ""
        per[g][name] = TypeSpec("type", head, dict(fields))
        owned = [e for e in entities if e.home == g]
        per[g][f"E{owned[k // subgraphs % len(owned)].index}"].fields[f"info{k}"] = f": {name}"
        if shared:  # the same value type in a second subgraph, returned by its root field
            g2 = (g + 1 + rng.randrange(subgraphs - 1)) % subgraphs
            per[g2][name] = TypeSpec("type", head, dict(fields))
            _spec(per, g2, "Query", "type").fields[f"s{g2}_v{k}"] = f": {name}"


def _define_interfaces(
    per: dict[int, dict[str, TypeSpec]],
    homed: dict[int, list[int]],
    count: int,
    subgraphs: int,
    rng: random.Random,
) -> dict[str, tuple[int, list[int]]]:
    out: dict[str, tuple[int, list[int]]] = {}
    for k in range(count):
        g = k % subgraphs
        name = f"I{k}"
        members = rng.sample(homed[g], min(3, len(homed[g])))
        per[g][name] = TypeSpec("interface", "", {"id": ": ID!", "name": ": String"})
        for m in members:
            spec = per[g][f"E{m}"]
            spec.head = _add_implements(spec.head, name)
        _spec(per, g, "Query", "type").fields[f"s{g}_node{k}"] = f"(id: ID!): {name}"
        out[name] = (g, members)
    return out


def _add_implements(head: str, interface: str) -> str:
    if head.startswith("implements "):
        first, rest = head.split(" @", 1)
        return f"{first} & {interface} @{rest}"
    return f"implements {interface} {head}"


def _define_unions(
    per: dict[int, dict[str, TypeSpec]],
    homed: dict[int, list[int]],
    count: int,
    subgraphs: int,
    rng: random.Random,
) -> dict[str, tuple[int, list[int]]]:
    out: dict[str, tuple[int, list[int]]] = {}
    for k in range(count):
        g = k % subgraphs
        name = f"U{k}"
        members = rng.sample(homed[g], min(rng.randint(2, 4), len(homed[g])))
        per[g][name] = TypeSpec("union", "= " + " | ".join(f"E{m}" for m in members))
        _spec(per, g, "Query", "type").fields[f"s{g}_search{k}"] = f"(term: String): [{name}]"
        out[name] = (g, members)
    return out


def _define_inputs(
    per: dict[int, dict[str, TypeSpec]], homed: dict[int, list[int]], count: int, subgraphs: int
) -> None:
    for k in range(count):
        g = k % subgraphs
        name = f"Filter{k}"
        per[g][name] = TypeSpec("input", "", {"a": ": Int", "b": ": String", "first": ": Int"})
        target = homed[g][k % len(homed[g])]
        _spec(per, g, "Query", "type").fields[f"s{g}_find{k}"] = f"(filter: {name}): [E{target}]"


@dataclass
class _Selection:
    """A selection set being built: field text → its sub-selection (None for a leaf)."""

    fields: dict[str, _Selection | None] = field(default_factory=dict)

    def text(self) -> str:
        parts = [f if sub is None else f"{f} {sub.text()}" for f, sub in self.fields.items()]
        return "{ " + " ".join(parts) + " }"


class _Builder:
    def __init__(self, graph: Graph, fields: int) -> None:
        self.graph = graph
        self.budget = fields
        self.count = 0
        self.touched: set[int] = set()
        self.nodes: list[tuple[Entity, _Selection]] = []

    def add(self, sel: _Selection, name: str, sub: _Selection | None = None) -> bool:
        if self.count >= self.budget or name in sel.fields:
            return False
        sel.fields[name] = sub
        self.count += 1
        return True

    def entity(self, parent: _Selection, name: str, index: int) -> _Selection | None:
        """``name { id <a field of a subgraph not reached yet> }`` under ``parent`` (3
        fields), remembered for expansion."""
        e = self.graph.entities[index]
        # under a ``peer`` field the subgraph provides ``name``: no fetch from its owner
        owner = [] if "_peer" in name else [e.home]
        new = [g for g in [*owner, *e.contributors] if g not in self.touched]
        if self.count + 3 > self.budget or name in parent.fields or not new:
            return None
        sub = _Selection()
        self.add(parent, name, sub)
        self.add(sub, "id")
        self.add(sub, "name" if new[0] == e.home else f"c{new[0]}_label")
        self.touched.add(new[0])
        self.nodes.append((e, sub))
        return sub

    def expand(self, e: Entity, sel: _Selection, target: int) -> list[tuple[str, int]]:
        """One field from each subgraph of ``e`` not reached yet; the entity references that
        lead to unreached subgraphs."""
        for g in [e.home, *e.contributors]:
            if g not in self.touched and self.add(sel, "name" if g == e.home else f"c{g}_label"):
                self.touched.add(g)
            if g in e.requires and len(self.touched) < target:
                self.add(sel, f"c{g}_rank")
        children = [(f"rel{k}", ref) for k, ref in enumerate(e.refs)]
        children += [(f"c{c}_link", t) for c, t in e.links.items()]
        children += [(f"c{c}_peer", t) for c, t in e.peers.items()]
        return children

    def fill(self, e: Entity, sel: _Selection) -> None:
        for name in ("score", *(f"c{c}_count" for c in e.contributors)):
            self.add(sel, name)


def operation(graph: Graph, fields: int = 50, subgraphs: int = 20, root: int = 0) -> str:
    """A query of exactly ``fields`` field selections reaching ``subgraphs`` subgraphs: an
    entity root field, breadth first along entity references (``rel``, ``link``, ``peer``
    with ``@provides``) while they lead to new subgraphs; then a union and an interface root
    field with fragments; the rest filled with more fields of the entities already selected."""
    b = _Builder(graph, fields)
    top = _Selection()
    start = graph.entities[root]
    b.entity(top, f's{start.home}_e{start.index}(id: "1")', root)
    queue = deque([0])
    while queue and b.count < fields and len(b.touched) < subgraphs:
        e, sel = b.nodes[queue.popleft()]
        for name, child in b.expand(e, sel, subgraphs):
            if b.entity(sel, name, child) is not None:
                queue.append(len(b.nodes) - 1)
    _abstract(b, top, graph)
    for e, sel in b.nodes:
        b.fill(e, sel)
    if b.count < fields or len(b.touched) < subgraphs:
        raise ValueError(
            f"the graph gives {b.count} fields over {len(b.touched)} subgraphs from entity "
            f"{root}; try another root or a larger graph"
        )
    return "query Scale " + top.text()


def _abstract(b: _Builder, top: _Selection, graph: Graph) -> None:
    """A union and an interface root field, with one fragment each."""
    for name, (g, members) in [*graph.unions.items()][:1] + [*graph.interfaces.items()][:1]:
        if b.count + 4 > b.budget:
            return
        sub = _Selection()
        member = graph.entities[members[0]]
        if name.startswith("U"):
            b.add(top, f's{g}_search{name[1:]}(term: "x")', sub)
        else:
            b.add(top, f's{g}_node{name[1:]}(id: "1")', sub)
            b.add(sub, "id")
        fragment = _Selection()
        sub.fields[f"... on E{member.index}"] = fragment
        b.add(fragment, "name")
        b.add(fragment, f"c{member.contributors[0]}_label")
