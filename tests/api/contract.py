"""The documented contract (``/openapi.json``) as a checker of real answers.

``Contract.problems`` holds an answer against what its route documents: its status must be
documented, its media type too, and a JSON body must match the documented schema read
strictly: an object whose schema lists its properties may carry no other key (an undocumented
field fails), and every required one. The checker also notes, for each documented model, which
of its properties answers really carried, so that a test can ask for properties that are
documented but never returned.
"""

from __future__ import annotations

import json
import re
from collections import defaultdict
from typing import Any

from fastapi import FastAPI

JSON = "application/json"

_TYPES: dict[str, Any] = {
    "object": dict,
    "array": list,
    "string": str,
    "boolean": bool,
    "null": type(None),
}


def _is(kind: str, value: Any) -> bool:
    if kind == "integer":
        return isinstance(value, int) and not isinstance(value, bool)
    if kind == "number":
        return isinstance(value, int | float) and not isinstance(value, bool)
    return isinstance(value, _TYPES[kind])


class Contract:
    def __init__(self, app: FastAPI, document: dict[str, Any]) -> None:
        self.app = app
        self.document = document
        self._patterns = [
            (template, re.compile(re.sub(r"\\{[^}]+\\}", "[^/]+", re.escape(template))))
            for template in document["paths"]
        ]
        self.schemas: dict[str, Any] = document.get("components", {}).get("schemas", {})
        # model name → the properties answers carried
        self.seen: dict[str, set[str]] = defaultdict(set)
        # (method, path template, status) of every answer checked
        self.answered: set[tuple[str, str, int]] = set()

    # ------------------------------------------------------------------ answers
    def route_of(self, method: str, path: str) -> str | None:
        """The documented path template ``method path`` falls under: of those that match it,
        the one with the fewest parameters (``/recommendations/candidates`` before
        ``/recommendations/{rec_id}``), as the app's routes are ordered."""
        found = [
            (template.count("{"), template)
            for template, pattern in self._patterns
            if method.lower() in self.document["paths"][template] and pattern.fullmatch(path)
        ]
        return min(found)[1] if found else None

    def problems(
        self, method: str, path: str, status: int, content_type: str, body: bytes
    ) -> list[str]:
        """What is wrong with this answer by the documented contract (nothing: [])."""
        template = self.route_of(method, path)
        operation = self.document["paths"].get(template or "", {}).get(method.lower())
        if operation is None:  # not a documented route (/docs, an unknown act, a 404 path)
            if status >= 400 and content_type == JSON:
                return self.errors({"$ref": "#/components/schemas/ErrorBody"}, _json(body), "$")
            return []
        assert template is not None
        self.answered.add((method, template, status))
        documented = operation["responses"].get(str(status))
        if documented is None:
            return [f"{method} {template}: status {status} is not documented ({body[:300]!r})"]
        content = documented.get("content", {})
        if not content:
            return [] if not body else [f"{method} {template} {status}: a body, none documented"]
        media = content_type.split(";", 1)[0].strip()
        if media not in content:
            return [f"{method} {template} {status}: {media} not documented ({sorted(content)})"]
        if media != JSON:
            return []
        schema = content[media].get("schema", {})
        found = self.errors(schema, _json(body), "$")
        return [f"{method} {template} {status}: {p}" for p in found]

    # ------------------------------------------------------------------ schemas
    def errors(
        self, schema: dict[str, Any], value: Any, at: str, seen: _Seen | None = None
    ) -> list[str]:
        """Where ``value`` strays from ``schema`` (nothing: [])."""
        top = seen is None
        seen = seen if seen is not None else _Seen()
        found = self._errors(schema, value, at, seen, None)
        if top and not found:
            for name, keys in seen.items():
                self.seen[name] |= keys
        return found

    def _errors(
        self, schema: dict[str, Any], value: Any, at: str, seen: _Seen, model: str | None
    ) -> list[str]:
        if "$ref" in schema:
            name = schema["$ref"].rsplit("/", 1)[-1]
            return self._errors(self.schemas[name], value, at, seen, name)
        for key in ("anyOf", "oneOf"):
            if key in schema:
                failures: list[str] = []
                for option in schema[key]:
                    trial = _Seen()
                    wrong = self._errors(option, value, at, trial, None)
                    if not wrong:
                        seen.merge(trial)
                        return []
                    failures += wrong
                return [f"{at}: matches none of {key}: {failures}"]
        found: list[str] = []
        for option in schema.get("allOf", []):
            found += self._errors(option, value, at, seen, None)
        if "const" in schema and value != schema["const"]:
            found.append(f"{at}: {value!r} is not {schema['const']!r}")
        if "enum" in schema and value not in schema["enum"]:
            found.append(f"{at}: {value!r} not in {schema['enum']}")
        kinds = schema.get("type")
        if kinds is not None:
            kinds = [kinds] if isinstance(kinds, str) else kinds
            if not any(_is(k, value) for k in kinds):
                return [*found, f"{at}: {value!r} is not {'/'.join(kinds)}"]
        if isinstance(value, dict):
            found += self._object(schema, value, at, seen, model)
        elif isinstance(value, list) and "items" in schema:
            for i, item in enumerate(value):
                found += self._errors(schema["items"], item, f"{at}[{i}]", seen, None)
        return found

    def _object(
        self,
        schema: dict[str, Any],
        value: dict[str, Any],
        at: str,
        seen: _Seen,
        model: str | None,
    ) -> list[str]:
        properties: dict[str, Any] = schema.get("properties", {})
        # Read strictly: a schema that names its properties allows no others unless it says so.
        others = schema.get("additionalProperties", not properties)
        found = [
            f"{at}: {key!r} required, missing"
            for key in schema.get("required", ())
            if key not in value
        ]
        for key, item in value.items():
            if key in properties:
                if model is not None:
                    seen.add(model, key)
                found += self._errors(properties[key], item, f"{at}.{key}", seen, None)
            elif others is False:
                found.append(f"{at}: {key!r} is not documented")
            elif isinstance(others, dict):
                found += self._errors(others, item, f"{at}.{key}", seen, None)
        if model is not None:
            seen.reach(model)
        return found

    def answer_models(self) -> set[str]:
        """Every model the documented answers of every route use, however deep."""
        found: set[str] = set()
        pending = [
            response
            for operations in self.document["paths"].values()
            for operation in operations.values()
            for response in operation["responses"].values()
        ]
        while pending:
            item = pending.pop()
            if isinstance(item, dict):
                ref = item.get("$ref")
                if isinstance(ref, str) and ref.startswith("#/components/schemas/"):
                    name = ref.rsplit("/", 1)[-1]
                    if name not in found:
                        found.add(name)
                        pending.append(self.schemas[name])
                pending.extend(item.values())
            elif isinstance(item, list):
                pending.extend(item)
        return found

    def unreturned(self, models: set[str] | None = None) -> dict[str, list[str]]:
        """Documented properties of the models answers used (or of ``models``) that no answer
        carried; a model no answer used at all is missing every property."""
        names = set(self.seen) if models is None else models
        missing = {}
        for name in sorted(names):
            documented = set(self.schemas[name].get("properties", {}))
            gap = sorted(documented - self.seen.get(name, set()))
            if gap:
                missing[name] = gap
        return missing


class _Seen(dict[str, set[str]]):
    """Model name → properties carried, for one value (kept only if the value matched)."""

    def add(self, model: str, key: str) -> None:
        self.setdefault(model, set()).add(key)

    def reach(self, model: str) -> None:
        self.setdefault(model, set())

    def merge(self, other: _Seen) -> None:
        for name, keys in other.items():
            self.setdefault(name, set()).update(keys)


def _json(body: bytes) -> Any:
    return json.loads(body)
