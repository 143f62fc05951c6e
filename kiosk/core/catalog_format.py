"""Reading and validating the catalog's YAML files (the format of ``assets/catalog``).

The format is described key by key in ``assets/catalog/README.md``. This module turns
the files into the objects of :mod:`kiosk.core.catalog_model` and collects every problem it
meets as ``"<file>: <key path>: <what is wrong>"`` instead of stopping at the first, so
an author fixes a broken catalog in one round. It only reads files; nothing here writes.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any, TypeVar, cast

import yaml

from kiosk.core.catalog_model import (
    DOC_TYPES,
    MODES,
    STEP_KINDS,
    Department,
    Material,
    Mode,
    Service,
    Step,
    content_version,
)
from kiosk.core.fields import FIELD_KINDS, FieldKind, FormField
from kiosk.core.review_rules import TRUST_ORDER, Limit, ReviewRules
from kiosk.core.text import LANGS, Text

_T = TypeVar("_T")

CODE_RE = re.compile(r"^[a-z0-9]+(?:[-_][a-z0-9]+)*$")
INDEX_FILE = "catalog.yaml"
SERVICES_DIR = "services"

_SERVICE_KEYS = {
    "code",
    "name",
    "summary",
    "mode",
    "needs_clerk",
    "certificate",
    "time_limit_days",
    "keywords",
    "materials",
    "steps",
    "form",
}
_MATERIAL_KEYS = {"use", "code", "name", "doc_type", "original_required", "copies"}
_FIELD_KEYS = {"use", "key", "label", "kind", "required", "choices"}
_STEP_KEYS = {"kind", "department", "name", "rules"}
_RULES_KEYS = {"materials", "min_trust", "checked_fields", "limits"}
_LIMIT_KEYS = {"field", "max", "min", "max_field", "max_age_days"}

try:  # libyaml is several times faster; pyyaml without it still works
    _Loader: type[yaml.SafeLoader] = cast(type[yaml.SafeLoader], yaml.CSafeLoader)
except AttributeError:  # pragma: no cover - depends on how pyyaml was built
    _Loader = yaml.SafeLoader


@dataclass
class _Reader:
    """Holds the libraries and the problems while the files are read."""

    problems: list[str] = field(default_factory=list)
    departments: dict[str, Department] = field(default_factory=dict)
    step_names: dict[str, Text] = field(default_factory=dict)
    materials: dict[str, Material] = field(default_factory=dict)
    fields: dict[str, FormField] = field(default_factory=dict)
    service_origin: dict[str, str] = field(default_factory=dict)

    def bad(self, where: str, message: str) -> None:
        self.problems.append(f"{where}: {message}")

    # -- scalars ---------------------------------------------------------------------
    def text(self, value: Any, where: str) -> Text | None:
        if not isinstance(value, Mapping):
            self.bad(where, "expected a mapping with zh_CN, en and zh_HK")
            return None
        ok = True
        for key in value:
            if key not in LANGS:
                self.bad(f"{where}.{key}", f"unknown language (use {', '.join(LANGS)})")
                ok = False
        for lang in LANGS:
            if lang not in value:
                self.bad(where, f"missing translation {lang}")
                ok = False
            elif not isinstance(value[lang], str) or not value[lang].strip():
                self.bad(f"{where}.{lang}", "empty or not a string")
                ok = False
        if not ok:
            return None
        return Text(value["zh_CN"].strip(), value["en"].strip(), value["zh_HK"].strip())

    def code(self, value: Any, where: str) -> str | None:
        if not isinstance(value, str) or not CODE_RE.match(value):
            self.bad(where, f"bad code {value!r} (lower-case letters, digits, '-' or '_')")
            return None
        return value

    def flag(self, value: Any, where: str, default: bool) -> bool:
        if value is None:
            return default
        if not isinstance(value, bool):
            self.bad(where, f"expected true or false, got {value!r}")
            return default
        return value

    def count(self, value: Any, where: str, default: int | None) -> int | None:
        if value is None:
            return default
        if not isinstance(value, int) or isinstance(value, bool) or value < 0:
            self.bad(where, f"expected a whole number >= 0, got {value!r}")
            return default
        return value

    def unknown_keys(self, item: Mapping[str, Any], allowed: set[str], where: str) -> None:
        for key in item:
            if key not in allowed:
                self.bad(f"{where}.{key}", "unknown key")

    def items(self, value: Any, where: str) -> list[Any]:
        if value is None:
            return []
        if not isinstance(value, list):
            self.bad(where, "expected a list")
            return []
        return value

    # -- index file ------------------------------------------------------------------
    def read_index(self, doc: Any, file: str) -> str:
        if not isinstance(doc, Mapping):
            self.bad(
                file, "expected a mapping with version, departments, step_names, materials, fields"
            )
            return "0"
        self.unknown_keys(
            doc, {"version", "departments", "step_names", "materials", "fields"}, file
        )
        version = doc.get("version")
        if not isinstance(version, str | int | float) or isinstance(version, bool):
            self.bad(f"{file}: version", "missing or not a string")
            version = "0"
        for i, d in enumerate(self.items(doc.get("departments"), f"{file}: departments")):
            self.read_department(d, f"{file}: departments[{i}]")
        if not self.departments:
            self.bad(f"{file}: departments", "no departments")
        names = doc.get("step_names")
        if not isinstance(names, Mapping):
            self.bad(f"{file}: step_names", "expected a mapping from step kind to a name")
            names = {}
        for kind in STEP_KINDS:
            if kind not in names:
                self.bad(f"{file}: step_names", f"missing step kind {kind!r}")
        for kind, value in names.items():
            if kind not in STEP_KINDS:
                self.bad(f"{file}: step_names.{kind}", f"bad step kind (use {STEP_KINDS})")
            elif (t := self.text(value, f"{file}: step_names.{kind}")) is not None:
                self.step_names[kind] = t
        self.read_library(
            doc.get("materials"), f"{file}: materials", self.read_material_def, self.materials
        )
        self.read_library(doc.get("fields"), f"{file}: fields", self.read_field_def, self.fields)
        return str(version)

    def read_department(self, d: Any, where: str) -> None:
        if not isinstance(d, Mapping):
            self.bad(where, "expected a mapping with code, name, icon")
            return
        self.unknown_keys(d, {"code", "name", "icon"}, where)
        code = self.code(d.get("code"), f"{where}.code")
        name = self.text(d.get("name"), f"{where}.name")
        icon = d.get("icon", code)
        if not isinstance(icon, str) or not icon:
            self.bad(f"{where}.icon", "expected an icon name")
            icon = ""
        if code in self.departments:
            self.bad(f"{where}.code", f"duplicate department code {code!r}")
        elif code is not None and name is not None:
            self.departments[code] = Department(code, name, icon or code)

    def read_library(
        self, value: Any, where: str, read: Callable[[Any, str, str], Any], into: dict[str, Any]
    ) -> None:
        if value is None:
            return
        if not isinstance(value, Mapping):
            self.bad(where, "expected a mapping from code to definition")
            return
        for code, definition in value.items():
            item = read(definition, f"{where}.{code}", str(code))
            if item is not None:
                into[str(code)] = item

    # -- materials ---------------------------------------------------------------------
    def read_material_def(self, m: Any, where: str, code: str) -> Material | None:
        if not isinstance(m, Mapping):
            self.bad(where, "expected a mapping with name, doc_type, original_required, copies")
            return None
        self.unknown_keys(m, _MATERIAL_KEYS - {"use", "code"}, where)
        checked = self.code(code, where)
        name = self.text(m.get("name"), f"{where}.name")
        doc_type = self.doc_type(m.get("doc_type"), f"{where}.doc_type")
        original = self.flag(m.get("original_required"), f"{where}.original_required", False)
        copies = self.count(m.get("copies"), f"{where}.copies", 0)
        if checked is None or name is None:
            return None
        return Material(checked, name, doc_type, original, copies or 0)

    def doc_type(self, value: Any, where: str) -> str | None:
        if value is None or value in DOC_TYPES:
            return cast(str | None, value)
        self.bad(where, f"bad doc_type {value!r} (use one of {', '.join(DOC_TYPES)} or null)")
        return None

    def material_use(self, m: Any, where: str) -> Material | None:
        if isinstance(m, str):
            m = {"use": m}
        if not isinstance(m, Mapping):
            self.bad(where, "expected a material code or a mapping")
            return None
        if "use" not in m:
            if "code" not in m:
                self.bad(where, "needs 'use' (a library material) or 'code' and 'name'")
                return None
            return self.read_material_def(
                {k: v for k, v in m.items() if k != "code"}, where, m["code"]
            )
        self.unknown_keys(m, _MATERIAL_KEYS - {"code"}, where)
        base = self.materials.get(m["use"])
        if base is None:
            self.bad(f"{where}.use", f"unknown material {m['use']!r}")
            return None
        name = self.text(m["name"], f"{where}.name") if "name" in m else base.name
        return replace(
            base,
            name=name or base.name,
            doc_type=self.doc_type(m["doc_type"], f"{where}.doc_type")
            if "doc_type" in m
            else base.doc_type,
            original_required=self.flag(
                m.get("original_required"), f"{where}.original_required", base.original_required
            ),
            copies=self.count(m.get("copies"), f"{where}.copies", base.copies) or 0,
        )

    # -- form fields -------------------------------------------------------------------
    def read_field_def(self, f: Any, where: str, key: str) -> FormField | None:
        if not isinstance(f, Mapping):
            self.bad(where, "expected a mapping with label, kind, required")
            return None
        self.unknown_keys(f, _FIELD_KEYS - {"use", "key"}, where)
        checked = self.code(key, where)
        label = self.text(f.get("label"), f"{where}.label")
        kind = f.get("kind")
        if kind not in FIELD_KINDS:
            self.bad(f"{where}.kind", f"bad field kind {kind!r} (use {', '.join(FIELD_KINDS)})")
            kind = None
        required = self.flag(f.get("required"), f"{where}.required", True)
        choices = self.choices(f.get("choices"), f"{where}.choices")
        if kind == "choice" and not choices:
            self.bad(f"{where}.choices", "a choice field needs choices")
        if kind != "choice" and choices:
            self.bad(f"{where}.choices", "only a choice field has choices")
        if checked is None or label is None or kind is None:
            return None
        return FormField(checked, label, cast(FieldKind, kind), required, choices)

    def choices(self, value: Any, where: str) -> tuple[tuple[str, Text], ...]:
        out: list[tuple[str, Text]] = []
        for i, c in enumerate(self.items(value, where)):
            if not isinstance(c, Mapping) or "value" not in c:
                self.bad(f"{where}[{i}]", "expected a mapping with value and label")
                continue
            self.unknown_keys(c, {"value", "label"}, f"{where}[{i}]")
            value_code = self.code(c["value"], f"{where}[{i}].value")
            label = self.text(c.get("label"), f"{where}[{i}].label")
            if value_code is not None and label is not None:
                if any(v == value_code for v, _ in out):
                    self.bad(f"{where}[{i}].value", f"duplicate choice {value_code!r}")
                out.append((value_code, label))
        return tuple(out)

    def field_use(self, f: Any, where: str) -> FormField | None:
        if isinstance(f, str):
            f = {"use": f}
        if not isinstance(f, Mapping):
            self.bad(where, "expected a field key or a mapping")
            return None
        if "use" not in f:
            if "key" not in f:
                self.bad(where, "needs 'use' (a library field) or 'key', 'label' and 'kind'")
                return None
            return self.read_field_def({k: v for k, v in f.items() if k != "key"}, where, f["key"])
        self.unknown_keys(f, _FIELD_KEYS - {"key", "kind", "choices"}, where)
        base = self.fields.get(f["use"])
        if base is None:
            self.bad(f"{where}.use", f"unknown form field {f['use']!r}")
            return None
        label = self.text(f["label"], f"{where}.label") if "label" in f else base.label
        return replace(
            base,
            label=label or base.label,
            required=self.flag(f.get("required"), f"{where}.required", base.required),
        )

    # -- steps -------------------------------------------------------------------------
    def step(
        self,
        s: Any,
        where: str,
        materials: Sequence[Material] = (),
        form: Sequence[FormField] = (),
    ) -> Step | None:
        if isinstance(s, str):
            s = {"kind": s}
        if not isinstance(s, Mapping):
            self.bad(where, "expected a step kind or a mapping with kind, department, name")
            return None
        self.unknown_keys(s, _STEP_KEYS, where)
        kind = s.get("kind")
        if kind not in STEP_KINDS:
            self.bad(f"{where}.kind", f"bad step kind {kind!r} (use {', '.join(STEP_KINDS)})")
            return None
        dept = s.get("department")
        if dept is not None and dept not in self.departments:
            self.bad(f"{where}.department", f"unknown department {dept!r}")
            dept = None
        name = self.text(s["name"], f"{where}.name") if "name" in s else self.step_names.get(kind)
        rules = None
        if s.get("rules") is not None:
            if kind != "review":
                self.bad(f"{where}.rules", "only a review step has rules")
            else:
                rules = self.review_rules(s["rules"], f"{where}.rules", materials, form)
        if name is None:
            return None
        return Step(kind, dept, name, rules)

    def review_rules(
        self, r: Any, where: str, materials: Sequence[Material], form: Sequence[FormField]
    ) -> ReviewRules | None:
        """A review step's rules (kiosk.core.review_rules), checked against the service's
        own materials and form fields."""
        if not isinstance(r, Mapping):
            self.bad(where, "expected a mapping with materials, min_trust, checked_fields, limits")
            return None
        self.unknown_keys(r, _RULES_KEYS, where)
        problems = len(self.problems)
        codes = {m.code for m in materials}
        fields = {f.key: f for f in form}
        needed = self.items(r.get("materials"), f"{where}.materials")
        for i, code in enumerate(needed):
            if code not in codes:
                self.bad(f"{where}.materials[{i}]", f"{code!r} is not a material of the service")
        min_trust = r.get("min_trust", "C")
        if min_trust not in TRUST_ORDER:
            self.bad(f"{where}.min_trust", f"bad trust level {min_trust!r} (use A, B or C)")
        checked = self.items(r.get("checked_fields"), f"{where}.checked_fields")
        for i, key in enumerate(checked):
            if key not in fields:
                self.bad(f"{where}.checked_fields[{i}]", f"{key!r} is not a form field")
        limits: list[Limit] = []
        for i, item in enumerate(self.items(r.get("limits"), f"{where}.limits")):
            limit = self.limit(item, f"{where}.limits[{i}]", fields)
            if limit is not None:
                limits.append(limit)
        if not (needed or checked or limits):
            self.bad(where, "rules with nothing to check")
        if len(self.problems) > problems:
            return None
        return ReviewRules(tuple(needed), cast(str, min_trust), tuple(checked), tuple(limits))

    def limit(self, item: Any, where: str, fields: Mapping[str, FormField]) -> Limit | None:
        if not isinstance(item, Mapping):
            self.bad(where, "expected a mapping with field and max, min, max_field or max_age_days")
            return None
        self.unknown_keys(item, _LIMIT_KEYS, where)
        key = item.get("field")
        field = fields.get(key) if isinstance(key, str) else None
        if field is None:
            self.bad(f"{where}.field", f"{key!r} is not a form field")
            return None
        numeric = field.kind in ("money", "number")
        bounds: dict[str, Decimal] = {}
        for bound in ("max", "min"):
            value = item.get(bound)
            if value is None:
                continue
            if not numeric:
                self.bad(f"{where}.{bound}", f"{key!r} is not a money or number field")
            elif isinstance(value, bool) or not isinstance(value, int | float | str):
                self.bad(f"{where}.{bound}", f"expected a number, got {value!r}")
            else:
                try:
                    bounds[bound] = Decimal(str(value))
                except InvalidOperation:
                    self.bad(f"{where}.{bound}", f"expected a number, got {value!r}")
        other = item.get("max_field")
        if other is not None:
            other_field = fields.get(other) if isinstance(other, str) else None
            if not numeric:
                self.bad(f"{where}.max_field", f"{key!r} is not a money or number field")
            elif other_field is None or other_field.kind not in ("money", "number"):
                self.bad(f"{where}.max_field", f"{other!r} is not a money or number form field")
        age = item.get("max_age_days")
        if age is not None:
            if field.kind != "date":
                self.bad(f"{where}.max_age_days", f"{key!r} is not a date field")
            self.count(age, f"{where}.max_age_days", None)
        if not bounds and other is None and age is None:
            self.bad(where, "a limit needs max, min, max_field or max_age_days")
        return Limit(
            field.key,
            bounds.get("max"),
            bounds.get("min"),
            other if isinstance(other, str) else None,
            age if isinstance(age, int) and not isinstance(age, bool) else None,
        )

    # -- services ----------------------------------------------------------------------
    def read_services_file(self, doc: Any, file: str) -> list[Service]:
        if not isinstance(doc, Mapping):
            self.bad(file, "expected a mapping with department and services")
            return []
        self.unknown_keys(doc, {"department", "services"}, file)
        dept = doc.get("department")
        if dept not in self.departments:
            self.bad(f"{file}: department", f"unknown department {dept!r}")
            return []
        out = []
        for i, s in enumerate(self.items(doc.get("services"), f"{file}: services")):
            service = self.service(s, f"{file}: services[{i}]", dept)
            if service is not None:
                out.append(service)
        return out

    def service(self, s: Any, where: str, dept: str) -> Service | None:
        if not isinstance(s, Mapping):
            self.bad(where, "expected a mapping")
            return None
        code = self.code(s.get("code"), f"{where}.code")
        if code is not None:
            where = f"{where.split(': ')[0]}: {code}"
            if code in self.service_origin:
                self.bad(
                    f"{where}.code",
                    f"duplicate service code (first in {self.service_origin[code]})",
                )
                code = None
            else:
                self.service_origin[code] = where.split(": ")[0]
        self.unknown_keys(s, _SERVICE_KEYS, where)
        name = self.text(s.get("name"), f"{where}.name")
        summary = self.text(s.get("summary"), f"{where}.summary")
        mode = s.get("mode")
        if mode not in MODES:
            self.bad(f"{where}.mode", f"bad mode {mode!r} (use {', '.join(MODES)})")
            mode = None
        needs_clerk = self.flag(s.get("needs_clerk"), f"{where}.needs_clerk", mode != "self")
        certificate = (
            self.text(s["certificate"], f"{where}.certificate")
            if s.get("certificate") is not None
            else None
        )
        limit = self.count(s.get("time_limit_days"), f"{where}.time_limit_days", None)
        keywords = self.items(s.get("keywords"), f"{where}.keywords")
        if not all(isinstance(k, str) and k.strip() for k in keywords):
            self.bad(f"{where}.keywords", "every keyword must be a non-empty string")
            keywords = [k for k in keywords if isinstance(k, str) and k.strip()]

        materials = self.unique(
            [
                self.material_use(m, f"{where}.materials[{i}]")
                for i, m in enumerate(self.items(s.get("materials"), f"{where}.materials"))
            ],
            lambda m: m.code,
            f"{where}.materials",
            "material",
        )
        form = self.unique(
            [
                self.field_use(f, f"{where}.form[{i}]")
                for i, f in enumerate(self.items(s.get("form"), f"{where}.form"))
            ],
            lambda f: f.key,
            f"{where}.form",
            "form field",
        )
        raw_steps = self.items(s.get("steps"), f"{where}.steps")
        steps = [
            self.step(st, f"{where}.steps[{i}]", materials, form) for i, st in enumerate(raw_steps)
        ]
        if not raw_steps:
            self.bad(f"{where}.steps", "a service needs at least one step")
        kinds = [st.kind for st in steps if st is not None]
        if "rating" in kinds and kinds[-1] != "rating":
            self.bad(f"{where}.steps", "the rating step comes last")
        if "rating" not in kinds and "rating" in self.step_names:
            # GB/T 39734: a rating is offered at the end of every item, listed or not.
            steps.append(Step("rating", None, self.step_names["rating"]))
        reviewed: set[str] = set()  # a department certifies only what it reviewed
        for i, st in enumerate(steps):
            owner = None if st is None else st.department or dept
            if st is not None and owner is not None and st.kind == "review":
                reviewed.add(owner)
            elif st is not None and st.kind == "certificate" and owner not in reviewed:
                self.bad(
                    f"{where}.steps[{i}]",
                    f"a certificate needs an earlier review step of {owner}",
                )
        if "form" in kinds and not form:
            self.bad(f"{where}.form", "the service has a form step but no form fields")
        if "capture" in kinds and not materials:
            self.bad(f"{where}.materials", "the service has a capture step but no materials")
        if not needs_clerk and any(k in ("consult",) for k in kinds):
            self.bad(f"{where}.needs_clerk", "a consult step needs a clerk")
        if mode == "self" and needs_clerk:
            self.bad(f"{where}.needs_clerk", "a self-service item does not need a clerk")

        if None in (code, name, summary, mode) or None in steps:
            return None
        return Service(
            code=cast(str, code),
            name=cast(Text, name),
            department=dept,
            summary=cast(Text, summary),
            mode=cast(Mode, mode),
            materials=tuple(materials),
            steps=tuple(cast(list[Step], steps)),
            needs_clerk=needs_clerk,
            uses_locker="locker" in kinds,
            certificate=certificate,
            keywords=tuple(k.strip() for k in keywords),
            time_limit_days=limit,
            form=tuple(form),
        )

    def unique(
        self, items: list[_T | None], key: Callable[[_T], str], where: str, what: str
    ) -> list[_T]:
        out: list[_T] = []
        seen: set[str] = set()
        for item in items:
            if item is None:
                continue
            k = key(item)
            if k in seen:
                self.bad(where, f"duplicate {what} {k!r}")
                continue
            seen.add(k)
            out.append(item)
        return out


def _parse(name: str, blob: bytes, reader: _Reader) -> Any:
    try:
        return yaml.load(blob, Loader=_Loader)  # nosec B506 # _Loader is a SafeLoader (CSafeLoader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"{name}: line {mark.line + 1}" if mark is not None else name
        reader.bad(where, f"not valid YAML ({getattr(exc, 'problem', exc)})")
        return None


def read_sources(root: Path) -> tuple[dict[str, bytes], list[str]]:
    """The bytes of every catalog file by its name relative to ``root``, and read problems.

    The index file comes first, then the service files in name order, so the digest of
    the sources (the version, the cache key) does not depend on the directory listing.
    """
    problems: list[str] = []
    index_path = root / INDEX_FILE
    if not index_path.is_file():
        return {}, [f"{index_path}: missing (the catalog's index file)"]
    paths = [index_path, *sorted((root / SERVICES_DIR).glob("*.yaml"))]
    if len(paths) == 1:
        problems.append(f"{SERVICES_DIR}: no service files (*.yaml)")
    sources: dict[str, bytes] = {}
    for path in paths:
        name = path.relative_to(root).as_posix()
        try:
            sources[name] = path.read_bytes()
        except OSError as exc:
            problems.append(f"{name}: cannot read ({exc.strerror})")
    return sources, problems


def parse_sources(
    sources: dict[str, bytes],
) -> tuple[list[Department], list[Service], str, list[str]]:
    """Departments, services, version and every problem of the catalog in ``sources``."""
    reader = _Reader()
    version = "0"
    services: list[Service] = []
    for name, blob in sources.items():
        doc = _parse(name, blob, reader)
        if doc is None:
            continue
        if name == INDEX_FILE:
            version = reader.read_index(doc, INDEX_FILE)
        else:
            services += reader.read_services_file(doc, name)
    return (
        list(reader.departments.values()),
        services,
        content_version(version, sources.values()),
        reader.problems,
    )


def read_catalog_files(root: Path) -> tuple[list[Department], list[Service], str, list[str]]:
    """Departments, services, version and the list of problems of the catalog at ``root``."""
    sources, problems = read_sources(root)
    if INDEX_FILE not in sources:
        return [], [], "0", problems
    departments, services, version, more = parse_sources(sources)
    return departments, services, version, problems + more
