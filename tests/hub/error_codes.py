"""Every error code the hub's API can answer, found by reading the hub's source.

The collector walks the syntax tree of every module under ``kiosk/hub`` rather than keeping
a list, so a new ``ApiError(status, "code", ...)`` is found the day it is written and the
translation test (``test_error_translations.py``) asks for its translation.

What it understands:

- ``ApiError(status, "code", ...)`` and ``ApiError(status, *NAME)`` where ``NAME`` is a
  module-level tuple whose first item is the code;
- ``not_found("what")`` (``what_not_found``) and ``forbidden(...)`` (``forbidden``);
- ``WorkOrderError("code", ...)``, whose code the operator API answers as it is;
- the generic codes of :mod:`kiosk.hub.errors` (``_STATUS_CODES`` and the handlers'
  ``error_body("code", ...)``).

A call whose code it cannot read (a variable) is returned in ``unresolved`` with its place,
so the test fails until the collector is taught where such a code comes from.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass, field
from pathlib import Path

HUB = Path(__file__).resolve().parents[2] / "kiosk" / "hub"


@dataclass
class Collected:
    codes: set[str] = field(default_factory=set)
    unresolved: list[str] = field(default_factory=list)


def _name(func: ast.expr) -> str:
    if isinstance(func, ast.Name):
        return func.id
    if isinstance(func, ast.Attribute):
        return func.attr
    return ""


def _module_tuples(tree: ast.Module) -> dict[str, str]:
    """Module-level ``NAME = ("code", "message")`` constants, by name."""
    found: dict[str, str] = {}
    for node in tree.body:
        if (
            isinstance(node, ast.Assign)
            and isinstance(node.value, ast.Tuple)
            and node.value.elts
            and isinstance(node.value.elts[0], ast.Constant)
            and isinstance(node.value.elts[0].value, str)
        ):
            for target in node.targets:
                if isinstance(target, ast.Name):
                    found[target.id] = node.value.elts[0].value
    return found


# Functions that return an error code their caller raises in ``ApiError`` as it is
# (``ws.py`` raises what the switchboard's relay answered).
RELAYED = frozenset({"relay_signal"})
RELAYED_NAMES = frozenset({"error"})


def _is_reraise(arg: ast.expr) -> bool:
    """``exc.code`` (a collected error passed on) or a name holding a relayed code."""
    if isinstance(arg, ast.Attribute) and arg.attr == "code":
        return True
    return isinstance(arg, ast.Name) and arg.id in RELAYED_NAMES


def collect(root: Path = HUB) -> Collected:
    out = Collected()
    for path in sorted(root.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
        tuples = _module_tuples(tree)
        where = path.relative_to(root.parent.parent)
        for node in ast.walk(tree):
            if (
                isinstance(node, ast.Assign)
                and isinstance(node.value, ast.Dict)
                and any(isinstance(t, ast.Name) and t.id == "_STATUS_CODES" for t in node.targets)
            ):
                out.codes.update(
                    v.value
                    for v in node.value.values
                    if isinstance(v, ast.Constant) and isinstance(v.value, str)
                )
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) and node.name in RELAYED:
                # The function returns the code that the caller raises as it is.
                out.codes.update(
                    r.value.value
                    for r in ast.walk(node)
                    if isinstance(r, ast.Return)
                    and isinstance(r.value, ast.Constant)
                    and isinstance(r.value.value, str)
                )
            if not isinstance(node, ast.Call):
                continue
            name = _name(node.func)
            args = node.args
            # errors.py's own ApiError calls build the codes read at not_found()/forbidden().
            if name == "ApiError" and path.name != "errors.py":
                if len(args) > 1 and isinstance(args[1], ast.Constant):
                    out.codes.add(str(args[1].value))
                elif (
                    len(args) > 1
                    and isinstance(args[1], ast.Starred)
                    and isinstance(args[1].value, ast.Name)
                    and args[1].value.id in tuples
                ):
                    out.codes.add(tuples[args[1].value.id])
                elif len(args) > 1 and _is_reraise(args[1]):
                    pass  # an error's own code, collected where that error is made
                else:
                    out.unresolved.append(f"{where}:{node.lineno}")
            elif name == "not_found" and args:
                if isinstance(args[0], ast.Constant):
                    out.codes.add(f"{args[0].value}_not_found")
                else:
                    out.unresolved.append(f"{where}:{node.lineno}")
            elif name == "forbidden":
                out.codes.add("forbidden")
            elif name in ("WorkOrderError", "error_body") and args:
                if isinstance(args[0], ast.Constant):
                    out.codes.add(str(args[0].value))
                elif path.name != "errors.py":
                    out.unresolved.append(f"{where}:{node.lineno}")
    return out
