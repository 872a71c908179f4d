"""Every string the UI passes through Qt's translation, found by reading the source (``ast``).

Used by ``tests/gui/test_i18n_complete.py`` (the English catalogue covers every message) and
runnable by hand: ``python -m counter_app.ui.i18n.extract [language]`` prints what the
catalogue of ``language`` (default ``en``) lacks, as JSON ready to fill in.

What counts as a translated string, and under which context :class:`JsonTranslator` looks it
up:

* ``obj.tr(text)`` (``self.tr``, ``window.tr``…): PyQt's ``tr`` uses the class name of the
  *object at run time* as the context, so a subclass changes it. Such strings must sit in the
  shared ``"*"`` context; :attr:`Message.context` is ``"*"``.
* ``tr("context", text)`` (the helper of :mod:`counter_app.ui.i18n`) and
  ``QCoreApplication.translate("context", text)``: the explicit context, then ``"*"``.

The text need not be a literal: module constants (``self.tr(APP_TITLE)``), dict or sequence
look-ups (``self.tr(TITLES[kind])``, ``FIELD_LABELS.get(f, f)`` — every value counts), loop
variables (``for _key, title in CATEGORY_TABS: self.tr(title)``) and class attributes
(``IdDocumentMismatch.message``) are resolved by evaluating names in the imported module.
What cannot be resolved that way must be listed in :data:`DYNAMIC_SOURCES` (the expression
with a function enumerating every value it can take) — otherwise it is reported as
:class:`Unresolved`, and the test fails: no translated string escapes the check.
"""

from __future__ import annotations

import ast
import importlib
import json
import re
import sys
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

UI_DIR = Path(__file__).resolve().parent.parent
ROOT = UI_DIR.parent.parent
SHARED = "*"

#: Placeholders a translation must keep: ``%1``/``%L1`` (QString.arg), ``%n`` (plural),
#: ``{0}``/``{name}`` (str.format), ``%s``/``%d`` (printf style).
PLACEHOLDER = re.compile(r"%L?\d+|%n|%[sd]|\{[A-Za-z_0-9]*\}")


def placeholders(text: str) -> list[str]:
    """The placeholders in ``text``, sorted (order may change in a translation)."""
    return sorted(PLACEHOLDER.findall(text))


def _refusal_reasons() -> Iterator[str]:
    from counter_app.services.permissions import Action, OfficeKind, Role, allowed, refusal_reason

    for role in Role:
        for office in OfficeKind:
            for action in Action:
                if not allowed(role, office, action):
                    yield refusal_reason(role, office, action)


#: (module, ``ast.unparse`` of the text argument) -> every value that argument can take.
DYNAMIC_SOURCES: dict[tuple[str, str], Callable[[], Iterable[str]]] = {
    ("counter_app.ui.actions", "actor.why_not(action)"): _refusal_reasons,
}


@dataclass(frozen=True)
class Message:
    """One translatable source string as the translator is asked for it."""

    context: str  # "*" for obj.tr(): the run-time class name, unknowable statically
    source: str
    file: str
    line: int
    plural: bool = False  # tr(text, disambiguation, n): "%n" is filled in by Qt


@dataclass(frozen=True)
class Unresolved:
    """A call to the translation whose text the extractor could not enumerate."""

    file: str
    line: int
    expression: str
    why: str


class _Unresolvable(Exception):
    pass


def module_name(path: Path) -> str:
    rel = path.resolve().relative_to(ROOT).with_suffix("")
    parts = list(rel.parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _is_static(node: ast.expr) -> bool:
    """Names, attributes, subscripts, constants and ``+``: safe to evaluate (no calls)."""
    for sub in ast.walk(node):
        if isinstance(sub, ast.expr_context | ast.Add):
            continue
        if not isinstance(
            sub, ast.Name | ast.Attribute | ast.Subscript | ast.Constant | ast.BinOp | ast.Tuple
        ):
            return False
        if isinstance(sub, ast.BinOp) and not isinstance(sub.op, ast.Add):
            return False
    return True


def _strings(value: Any, where: str) -> list[str]:
    if isinstance(value, str):
        return [value]
    raise _Unresolvable(f"{where} is {type(value).__name__}, not str")


def _elements(value: Any) -> list[Any]:
    """The values a look-up into, or an iteration over, ``value`` yields."""
    if isinstance(value, dict):
        return list(value.values())
    if isinstance(value, list | tuple | set | frozenset):
        return list(value)
    raise _Unresolvable(f"cannot enumerate a {type(value).__name__}")


class _Resolver:
    def __init__(self, tree: ast.Module, module: Any) -> None:
        self.namespace = vars(module)
        self.parents: dict[ast.AST, ast.AST] = {}
        for parent in ast.walk(tree):
            for child in ast.iter_child_nodes(parent):
                self.parents[child] = parent

    def strings(self, node: ast.expr) -> list[str]:
        if isinstance(node, ast.Constant):
            return _strings(node.value, "the argument")
        if isinstance(node, ast.JoinedStr):
            raise _Unresolvable("an f-string is never in the catalogue: use %1 and .replace()")
        return [s for v in self.values(node) for s in _strings(v, ast.unparse(node))]

    def values(self, node: ast.expr) -> list[Any]:
        """Every value ``node`` may take, as far as module-level names tell."""
        if _is_static(node):
            try:
                code = compile(ast.Expression(body=node), "<tr-argument>", "eval")
                return [eval(code, dict(self.namespace))]  # our own source
            except NameError:
                pass  # a local name: resolved structurally below
            except (KeyError, IndexError, AttributeError, TypeError) as error:
                raise _Unresolvable(f"{ast.unparse(node)}: {error!r}") from None
        if isinstance(node, ast.Subscript):
            return _elements_of(self.values(node.value))
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr == "get"
        ):
            return _elements_of(self.values(node.func.value))
        if isinstance(node, ast.Name):
            return self._loop_variable(node)
        raise _Unresolvable(f"cannot resolve {ast.unparse(node)}")

    def _loop_variable(self, name: ast.Name) -> list[Any]:
        node: ast.AST = name
        while node in self.parents:
            node = self.parents[node]
            generators: list[tuple[ast.expr, ast.expr]] = []
            if isinstance(node, ast.For | ast.AsyncFor):
                generators = [(node.target, node.iter)]
            elif isinstance(node, ast.ListComp | ast.SetComp | ast.GeneratorExp | ast.DictComp):
                generators = [(g.target, g.iter) for g in node.generators]
            for target, iterable in generators:
                position = _bound_at(target, name.id)
                if position is None:
                    continue
                items = _elements_of(self.values(iterable))
                if position == ():
                    return items
                return [_unpack(item, position) for item in items]
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda):
                break
        raise _Unresolvable(f"{name.id} is neither a module constant nor a loop variable")


def _elements_of(values: list[Any]) -> list[Any]:
    return [element for value in values for element in _elements(value)]


def _bound_at(target: ast.expr, name: str) -> tuple[int, ...] | None:
    """Where ``name`` sits in a (possibly nested) unpacking ``target``; () is the whole."""
    if isinstance(target, ast.Name):
        return () if target.id == name else None
    if isinstance(target, ast.Tuple | ast.List):
        for index, element in enumerate(target.elts):
            inner = _bound_at(element, name)
            if inner is not None:
                return (index, *inner)
    return None


def _unpack(item: Any, position: tuple[int, ...]) -> Any:
    for index in position:
        item = item[index]
    return item


def _call_kind(call: ast.Call) -> str | None:
    """Which call: ``object`` for obj.tr(text), ``context`` for tr(ctx, text) / translate()."""
    func = call.func
    if isinstance(func, ast.Attribute) and func.attr == "tr" and call.args:
        return "object"
    if isinstance(func, ast.Name) and func.id == "tr" and len(call.args) >= 2:
        return "context"
    if isinstance(func, ast.Attribute) and func.attr == "translate" and len(call.args) >= 2:
        return "context"
    return None


def scan_file(path: Path) -> tuple[list[Message], list[Unresolved]]:
    tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
    name = module_name(path)
    rel = str(path.resolve().relative_to(ROOT))
    return scan_tree(tree, importlib.import_module(name), name, rel)


def scan_tree(
    tree: ast.Module, module: Any, name: str, rel: str
) -> tuple[list[Message], list[Unresolved]]:
    """The messages of one parsed module; ``module`` (imported) resolves its names."""
    resolver = _Resolver(tree, module)
    found: list[Message] = []
    unresolved: list[Unresolved] = []
    for call in ast.walk(tree):
        if not isinstance(call, ast.Call):
            continue
        kind = _call_kind(call)
        if kind is None:
            continue
        if kind == "object":
            context, text = SHARED, call.args[0]
            plural = len(call.args) >= 3
        else:
            ctx_node, text = call.args[0], call.args[1]
            if not (isinstance(ctx_node, ast.Constant) and isinstance(ctx_node.value, str)):
                unresolved.append(
                    Unresolved(rel, call.lineno, ast.unparse(call), "the context is not a literal")
                )
                continue
            context = ctx_node.value
            plural = len(call.args) >= 4
        dynamic = DYNAMIC_SOURCES.get((name, ast.unparse(text)))
        try:
            sources = list(dynamic()) if dynamic else resolver.strings(text)
        except _Unresolvable as error:
            unresolved.append(Unresolved(rel, call.lineno, ast.unparse(text), str(error)))
            continue
        found.extend(Message(context, s, rel, call.lineno, plural) for s in sources if s)
    return found, unresolved


def ui_files(root: Path = UI_DIR) -> list[Path]:
    """The UI's modules, without this package (the translator's own plumbing)."""
    here = Path(__file__).resolve().parent
    return sorted(p for p in root.rglob("*.py") if here not in p.resolve().parents)


def scan(root: Path = UI_DIR) -> tuple[list[Message], list[Unresolved]]:
    messages: list[Message] = []
    unresolved: list[Unresolved] = []
    for path in ui_files(root):
        found, missed = scan_file(path)
        messages.extend(found)
        unresolved.extend(missed)
    return messages, unresolved


Catalogue = dict[str, dict[str, str]]


def load_catalogue(language: str = "en") -> Catalogue:
    path = Path(__file__).resolve().parent / f"{language}.json"
    catalogue: Catalogue = json.loads(path.read_text(encoding="utf-8"))
    return catalogue


def translation(catalogue: Catalogue, message: Message) -> str | None:
    """What :class:`JsonTranslator` answers for ``message`` (its context, then ``"*"``)."""
    for context in dict.fromkeys((message.context, SHARED)):
        found = catalogue.get(context, {}).get(message.source)
        if found:
            return found
    return None


def missing(catalogue: Catalogue, messages: Iterable[Message]) -> list[Message]:
    seen: set[tuple[str, str]] = set()
    result = []
    for m in messages:
        if (m.context, m.source) not in seen and translation(catalogue, m) is None:
            seen.add((m.context, m.source))
            result.append(m)
    return result


def unused(catalogue: Catalogue, messages: Iterable[Message]) -> list[tuple[str, str]]:
    """Catalogue entries no message can reach: a ``"*"`` entry is used by a message of any
    context, another context's entry only by a message of that context."""
    used = {(m.context, m.source) for m in messages}
    sources = {m.source for m in messages}
    return [
        (context, source)
        for context, entries in catalogue.items()
        for source in entries
        if not (source in sources if context == SHARED else (context, source) in used)
    ]


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    language = args[0] if args else "en"
    messages, unresolved = scan()
    catalogue = load_catalogue(language)
    for u in unresolved:
        print(f"{u.file}:{u.line}: cannot enumerate {u.expression}: {u.why}", file=sys.stderr)
    todo: dict[str, dict[str, str]] = {}
    for m in missing(catalogue, messages):
        todo.setdefault(m.context, {})[m.source] = ""
    print(json.dumps(todo, ensure_ascii=False, indent=1))
    for context, source in unused(catalogue, messages):
        print(f"unused: [{context}] {source}", file=sys.stderr)
    return 1 if todo or unresolved else 0


if __name__ == "__main__":
    raise SystemExit(main())
