"""The data model of the Magento 1 API: one source of truth for the facade, the faults and the CLI.

Loaded once from ``data/api_model.json`` (resources, aliases, methods, v2 operation names and
fault codes, as the store's own ``api.xml`` files define them), in the spirit of botocore's
service models: nothing here is written per endpoint.
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from functools import cache
from importlib import resources as _resources
from typing import Iterator


@dataclass(frozen=True)
class Fault:
    code: int
    name: str
    message: str


@dataclass(frozen=True)
class Method:
    resource: str
    name: str
    title: str
    acl: str | None
    v2_operation: str
    read: bool

    @property
    def path(self) -> str:
        return f"{self.resource}.{self.name}"


@dataclass(frozen=True)
class Resource:
    name: str
    title: str
    module: str
    acl: str | None
    aliases: tuple[str, ...]
    v2_prefix: str
    methods: dict[str, Method] = field(repr=False)
    faults: tuple[Fault, ...] = field(repr=False)

    def faults_with_code(self, code: int) -> list[Fault]:
        return [fault for fault in self.faults if fault.code == code]


@dataclass(frozen=True)
class ResolvedPath:
    """A v1 resource path as the caller wrote it, and what the model knows of it."""

    path: str
    resource_name: str
    method_name: str
    resource: Resource | None
    method: Method | None


class ApiModel:
    """Resources by name and alias, methods by v1 path and by v2 operation name, faults by code."""

    def __init__(self, data: dict):
        self.global_faults: dict[int, Fault] = {
            int(code): Fault(int(code), name, message)
            for code, (name, message) in data["global_faults"].items()
        }
        self.resources: dict[str, Resource] = {}
        self._by_alias: dict[str, Resource] = {}
        self._by_v2: dict[str, Method] = {}
        for name, raw in data["resources"].items():
            methods = {
                m_name: Method(name, m_name, m["title"], m["acl"], m["v2"], m["read"])
                for m_name, m in raw["methods"].items()
            }
            resource = Resource(
                name=name,
                title=raw["title"],
                module=raw["module"],
                acl=raw["acl"],
                aliases=tuple(raw["aliases"]),
                v2_prefix=raw["v2_prefix"],
                methods=methods,
                faults=tuple(Fault(code, f_name, message) for code, f_name, message in raw["faults"]),
            )
            self.resources[name] = resource
            self._by_alias[name] = resource
            for alias in resource.aliases:
                self._by_alias[alias] = resource
            for method in methods.values():
                self._by_v2[method.v2_operation] = method

    def resource(self, name_or_alias: str) -> Resource | None:
        return self._by_alias.get(name_or_alias)

    def resolve(self, path: str) -> ResolvedPath:
        """Split ``order.list`` into resource and method, following aliases; unknown parts stay None."""
        resource_name, _, method_name = path.rpartition(".")
        resource = self._by_alias.get(resource_name)
        method = resource.methods.get(method_name) if resource else None
        return ResolvedPath(path, resource_name, method_name, resource, method)

    def by_v2_operation(self, operation: str) -> Method | None:
        return self._by_v2.get(operation)

    def methods(self) -> Iterator[Method]:
        for resource in self.resources.values():
            yield from resource.methods.values()

    def fault(self, code: int, path: str | None = None, message: str | None = None) -> Fault | None:
        """The fault a store means by ``code`` when calling ``path`` (codes >= 100 depend on the
        resource; where a resource reuses a code, ``message`` tells them apart)."""
        if code in self.global_faults:
            return self.global_faults[code]
        resource = self.resource_of(path)
        candidates = resource.faults_with_code(code) if resource else []
        for fault in candidates:
            if fault.message == message:
                return fault
        return candidates[0] if candidates else None

    def resource_of(self, name_or_path: str | None) -> Resource | None:
        """The resource named by a name, an alias or a ``resource.method`` path."""
        if not name_or_path:
            return None
        return self._by_alias.get(name_or_path) or self.resolve(name_or_path).resource

    def fault_by_message(self, message: str, path: str | None = None) -> Fault | None:
        """Recover a fault from its text alone (JSON-RPC sends only the message)."""
        resource = self.resource_of(path)
        candidates = list(resource.faults) if resource else []
        candidates += self.global_faults.values()
        for fault in candidates:
            if fault.message == message:
                return fault
        return None

    def is_read(self, path: str) -> bool:
        """True when the method only reads: safe to retry, or to run after another call failed."""
        method = self.resolve(path).method
        return bool(method and method.read)


@cache
def api_model() -> ApiModel:
    text = _resources.files("magesoap").joinpath("data/api_model.json").read_text("utf-8")
    return ApiModel(json.loads(text))
