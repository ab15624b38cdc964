"""Branch conditions to FHIR `enableWhen`: when does the tree reach each question?"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from assistant.core.conditions import All, Always, AnyOf, Compare, Condition, Not
from assistant.core.model import END, Question, Tree
from assistant.core.records import Record


# --------------------------------------------------------------------------- conditions
class Atom(Record):
    """One FHIR enableWhen comparison: question, operator, answer (None for `exists`)."""

    question: str
    operator: str  # exists, =, !=, >, <, >=, <=
    answer: Any  # bool for exists, a choice id, an int, or a string

    def __lt__(self, other: Atom) -> bool:  # sorted() as a tuple: question, operator, answer
        return bool(self._values(self) < other._values(other))


Term = frozenset[Atom]  # all of these
Dnf = frozenset[Term] | None  # any of the terms; None: not expressible

MAX_TERMS = 256  # alternatives in one condition; past it, the question gets no enableWhen

TRUE: frozenset[Term] = frozenset({frozenset()})
FALSE: frozenset[Term] = frozenset()
_OPS = {"eq": "=", "ne": "!=", "gt": ">", "lt": "<", "ge": ">=", "le": "<="}


def _or(*parts: Dnf) -> Dnf:
    if any(p is None for p in parts):
        return None
    if sum(len(p) for p in parts if p is not None) > MAX_TERMS:
        return None  # FHIR could not write it flat anyway (many alternatives)
    return frozenset().union(*parts)  # type: ignore[arg-type]


def _and(*parts: Dnf) -> Dnf:
    """The conjunction, multiplied out only while it stays within MAX_TERMS (22 ANDed
    two-value conditions are 4 million alternatives: none of them writable in FHIR)."""
    out: Dnf = TRUE
    for part in parts:
        if part is None or out is None or len(out) * len(part) > MAX_TERMS:
            return None
        out = frozenset(a | b for a in out for b in part)
    return out


def _single(atom: Atom) -> frozenset[Term]:
    """The condition that is this one comparison."""
    return frozenset({frozenset({atom})})


def _dnf(tree: Tree, cond: Condition, negated: bool = False) -> Dnf:
    """Our condition (or its negation) as a disjunction of FHIR comparisons, where they map
    one to one."""
    if isinstance(cond, Always):
        return FALSE if negated else TRUE
    if isinstance(cond, Not):
        return _dnf(tree, cond.item, not negated)
    if isinstance(cond, All | AnyOf):
        parts = [_dnf(tree, item, negated) for item in cond.items]
        conjunctive = isinstance(cond, All) != negated
        return _and(*parts) if conjunctive else _or(*parts)
    if isinstance(cond, Compare):
        return _compare(tree, cond, negated)
    return None


def _compare(tree: Tree, cond: Compare, negated: bool) -> Dnf:
    question = tree.questions.get(cond.name)
    if question is None:  # a derived value (a score), not an item of the form
        return None
    q, op, operand = question.id, cond.op, cond.operand
    if op == "answered":
        return _single(Atom(q, "exists", bool(operand) != negated))
    if op == "matches":
        return None
    if negated:  # not (present and P) = absent, or present and not P
        flipped = {"eq": "ne", "ne": "eq", "in": "not_in", "not_in": "in",
                   "lt": "ge", "ge": "lt", "gt": "le", "le": "gt"}[op]
        return _or(_single(Atom(q, "exists", False)), _positive(question, flipped, operand))
    return _positive(question, op, operand)


def _positive(question: Question, op: str, operand: Any) -> Dnf:
    q = question.id
    if op == "in":
        return frozenset(frozenset({Atom(q, "=", v)}) for v in operand)
    if op == "eq":
        return _single(Atom(q, "=", operand))
    if op in ("ne", "not_in"):
        values = list(operand) if op == "not_in" else [operand]
        if question.kind == "multi" and not set(values) <= set(question.exclusive):
            # FHIR's != holds when any answer differs; ours when none is equal. They agree
            # only for exclusive choices (chosen alone).
            return None
        if question.kind == "single":
            rest = [c for c in question.choice_ids if c not in values]
            if len(rest) <= len(values):  # "one of the rest" says it positively
                return frozenset(frozenset({Atom(q, "=", v)}) for v in rest)
        return frozenset({frozenset(Atom(q, "!=", v) for v in values)})
    return _single(Atom(q, _OPS[op], operand))


class _DomTree:
    """A dominator tree over a DAG given in topological order: each node's parent is the
    nearest common ancestor of its predecessors (Cooper, Harvey and Kennedy, one pass on a
    DAG). Whether one node dominates another is then an interval test, in O(1)."""

    def __init__(self, order: list[str], preds: dict[str, list[str]]) -> None:
        self.parent: dict[str, str | None] = {}
        depth: dict[str, int] = {}
        for node in order:
            known = [p for p in preds.get(node, ()) if p in self.parent]
            parent = known[0] if known else None
            for other in known[1:]:
                parent = self._meet(parent, other, depth)
            self.parent[node] = parent
            depth[node] = 0 if parent is None else depth[parent] + 1
        self.enter: dict[str, int] = {}
        self.leave: dict[str, int] = {}
        children: dict[str | None, list[str]] = {}
        for node in order:
            children.setdefault(self.parent[node], []).append(node)
        clock, stack = 0, [(root, False) for root in reversed(children.get(None, []))]
        while stack:
            node, done = stack.pop()
            clock += 1
            if done:
                self.leave[node] = clock
                continue
            self.enter[node] = clock
            stack.append((node, True))
            stack.extend((c, False) for c in reversed(children.get(node, [])))

    def _meet(self, a: str | None, b: str, depth: dict[str, int]) -> str | None:
        x: str | None = b
        while a is not None and x is not None and a != x:
            if depth[a] >= depth[x]:
                a = self.parent[a]
            else:
                x = self.parent[x]
        return a if a == x else None

    def dominates(self, a: str, b: str) -> bool:
        """`a` is `b` or lies on every path from the root to `b`."""
        if a not in self.enter or b not in self.enter:
            return False
        return self.enter[a] <= self.enter[b] and self.leave[b] <= self.leave[a]


class _Reach:
    """When the tree reaches each question, as a DNF over enableWhen comparisons."""

    def __init__(self, tree: Tree) -> None:
        from assistant.core.lint import postorder

        self.tree = tree
        self.order = postorder(tree)[::-1]  # topological: the questions reachable from the start
        self.preds: dict[str, list[str]] = {q: [] for q in tree.questions}
        succs: dict[str, list[str]] = {END: []}
        for q in self.order:
            targets = list(dict.fromkeys(b.goto for b in tree.questions[q].next))
            succs[q] = targets
            for target in targets:
                if target != END:
                    self.preds[target].append(q)
        self.dom = _DomTree(self.order, self.preds)
        # post-dominators: the same on the reversed graph, rooted at the end
        self.postdom = _DomTree([END, *reversed(self.order)], succs)
        self.cache: dict[str, Dnf] = {}
        self.guards: dict[str, dict[str, Dnf]] = {}

    def _taken(self, pred: str) -> dict[str, Dnf]:
        """Per target of `pred`: when a branch to it is the first that holds. One pass over
        the branches, each one's negation ANDed once (was again for every later branch)."""
        if pred in self.guards:
            return self.guards[pred]
        out: dict[str, Dnf] = {}
        none_before: Dnf = TRUE
        for branch in self.tree.questions[pred].next:
            guard = _and(_dnf(self.tree, branch.when), none_before)
            out[branch.goto] = _or(out.get(branch.goto, FALSE), guard)
            if none_before is not None:
                none_before = _and(none_before, _dnf(self.tree, branch.when, negated=True))
        self.guards[pred] = out
        return out

    def answered(self, node: str) -> Dnf:
        """Past `node`: answered (required) or reached (optional, may be skipped)."""
        if self.tree.questions[node].optional:
            return self.reach(node)
        return _single(Atom(node, "exists", True))

    def reach(self, node: str) -> Dnf:
        if node in self.cache:
            return self.cache[node]
        if node == self.tree.start:
            result: Dnf = TRUE
        else:
            dominator = self.dom.parent.get(node)
            # every path through the dominator goes on to `node`: being past it says it all
            if dominator is not None and self.postdom.dominates(node, dominator):
                result = self.answered(dominator)
            else:  # past a predecessor, and its first branch that holds leads here
                result = _or(*(_and(self.answered(p), self._taken(p).get(node, FALSE))
                               for p in self.preds[node]))
        result = self.simplify(result)
        self.cache[node] = result
        return result

    def simplify(self, dnf: Dnf) -> Dnf:
        if dnf is None:
            return None
        terms = {t for t in (self._clean_term(term) for term in dnf) if t is not None}
        # absorption: a term that contains another adds nothing
        return frozenset(t for t in terms if not any(o < t for o in terms))

    def _implied(self, question: str, atoms: Iterable[Atom]) -> bool:
        """`question` is surely answered when these comparisons hold: it is compared (an
        answer means the item was enabled) or it is required and dominates one compared."""
        required = not self.tree.questions[question].optional
        return any(atom.question == question or (required and
                                                 self.dom.dominates(question, atom.question))
                   for atom in atoms if not (atom.operator == "exists" and atom.answer is False))

    def _clean_term(self, term: Term) -> Term | None:
        atoms = set(term)
        for atom in sorted(term):
            if atom.operator != "exists" or atom not in atoms:
                continue
            if self._implied(atom.question, atoms - {atom}):
                if atom.answer is False:
                    return None  # contradiction: unanswered, yet surely answered
                atoms.discard(atom)  # redundant
        # an answer implies its question was reached: drop what that reach already says
        for atom in sorted(atoms):
            if atom not in atoms or (atom.operator == "exists" and atom.answer is False):
                continue
            reach = self.cache.get(atom.question)
            if reach is not None and len(reach) == 1:
                (implied,) = reach
                atoms -= {a for a in implied if a.question != atom.question}
        return frozenset(atoms)


class Unexpressed(Record):
    question: str
    condition: str


def _branch_descriptions(tree: Tree) -> dict[str, list[str]]:
    """Per question, in words, each branch that leads to it (one pass over all branches)."""
    into: dict[str, list[str]] = {}
    for pred, question in tree.questions.items():
        for branch in question.next:
            into.setdefault(branch.goto, []).append(
                f"after '{pred}'" + ("" if isinstance(branch.when, Always)
                                     else f" when {branch.when.describe()}"))
    return into


def enable_when(tree: Tree) -> tuple[dict[str, tuple[list[Atom], str]], list[Unexpressed]]:
    """Per question: (comparisons, 'all'|'any'); and the questions that could not be written
    (branching FHIR cannot write flat, or past MAX_TERMS alternatives)."""
    reach = _Reach(tree)
    out: dict[str, tuple[list[Atom], str]] = {}
    missing: list[str] = []
    for qid in reach.order:
        dnf = reach.reach(qid)
        if dnf == TRUE:
            continue
        if dnf is not None and len(dnf) == 1:
            (term,) = dnf
            out[qid] = (sorted(term), "all")
        elif dnf is not None and dnf and all(len(t) == 1 for t in dnf):
            out[qid] = (sorted(next(iter(t)) for t in dnf), "any")
        else:
            missing.append(qid)
    into = _branch_descriptions(tree) if missing else {}
    return out, [Unexpressed(qid, "; or ".join(into.get(qid, ()))) for qid in missing]


def unexpressed(tree: Tree) -> list[Unexpressed]:
    return enable_when(tree)[1]
