"""v1 resource paths on SOAP v2: ``sales_order.list`` becomes ``salesOrderList(sessionId, ...)``.

Driven by two models, nothing per method: the API model names the v2 operation of every path and
alias; the store's WSDL names the operation's parameters. Positional v1 arguments map onto the
parameters after ``sessionId`` by position (so WS-I's other names, ``store`` for ``storeView``,
need nothing), and a few v1 shapes become their v2 equivalents:

- a v1 filter dict becomes v2 ``filters`` (``filter`` for equality, ``complex_filter`` for
  operators; a list operand such as ``in`` becomes the comma list Magento parses);
- a dict given for an array of key/value entities becomes that array (the codec does this);
- a list given for a struct whose first field is a list (``catalogProductRequestAttributes``)
  fills that field;
- keys of a dict that its struct does not have go to the struct's ``additional_attributes``
  (``single_data``), where v2 carries the attributes v1 takes inline.
"""
from __future__ import annotations

from typing import Any, Sequence

from .exceptions import InvalidApiPath, UsageError
from .model import api_model
from .v2codec import Operation, Part, ServiceDescription


def v2_operation(path: str, service: ServiceDescription, protocol: str) -> Operation:
    """The store's v2 operation for a v1 path, or :class:`InvalidApiPath` before anything is sent."""
    method = api_model().resolve(path).method
    if method is None:
        raise InvalidApiPath(
            f"{path!r} is not a Magento 1 core API path, so it has no SOAP v2 name; "
            "an extension's path can be called over protocol='soap', 'xmlrpc' or 'jsonrpc'",
            resource=path, protocol=protocol,
        )
    operation = service.operations.get(method.v2_operation)
    if operation is None:
        mode = "WS-I " if service.wsi else ""
        raise InvalidApiPath(
            f"this store's {mode}v2 WSDL has no operation {method.v2_operation} for {path} "
            "(its module may be missing or disabled, or this mode does not offer it)",
            resource=path, protocol=protocol,
        )
    return operation


def v2_values(operation: Operation, args: Any, service: ServiceDescription) -> dict[str, Any]:
    """v1 ``args`` as values by v2 parameter name (the session id excluded)."""
    parts = operation.inputs[1:]
    if args is None:
        positional: Sequence[Any] = []
    elif isinstance(args, dict) and args and set(args) <= {p.name for p in parts}:
        return {name: _convert(value, _part(parts, name).type, service) for name, value in args.items()}
    elif isinstance(args, (list, tuple)):
        positional = args
    else:
        positional = [args]
    if len(positional) > len(parts):
        raise UsageError(
            f"{operation.name} takes {len(parts)} argument(s) after the session "
            f"({', '.join(p.name for p in parts)}), not {len(positional)}"
        )
    values = {part.name: _convert(value, part.type, service) for part, value in zip(parts, positional)}
    for part in parts:  # WS-I requires filters even when there are none
        if service.wsi and part.type == "filters" and part.required and values.get(part.name) is None:
            values[part.name] = {}
    return values


def _part(parts: list[Part], name: str) -> Part:
    return next(p for p in parts if p.name == name)


def _convert(value: Any, type_name: str, service: ServiceDescription) -> Any:
    if value is None:
        return None
    if type_name == "filters" and isinstance(value, dict) and not set(value) <= {"filter", "complex_filter"}:
        return v2_filters(value)
    fields = service.structs.get(type_name)
    if fields is None:
        return value
    if isinstance(value, (list, tuple)) and fields and fields[0].type in service.arrays:
        return {fields[0].name: list(value)}
    if isinstance(value, dict):
        names = {f.name for f in fields}
        extra = {k: v for k, v in value.items() if k not in names}
        if extra and "additional_attributes" in names:
            value = {k: v for k, v in value.items() if k in names}
            value["additional_attributes"] = {"single_data": {k: _text(v) for k, v in extra.items()}}
        types = {f.name: f.type for f in fields}
        return {k: _convert(v, types.get(k, ""), service) for k, v in value.items()}
    return value


def v2_filters(filters: dict[str, Any]) -> dict[str, list[dict]]:
    """A v1 filter dict as v2 ``filters``: ``{"sku": {"like": "A%"}}`` becomes a complex filter."""
    simple: list[dict[str, Any]] = []
    complex_: list[dict[str, Any]] = []
    for field, condition in filters.items():
        if isinstance(condition, dict):
            for operator, operand in condition.items():
                complex_.append({"key": field, "value": {"key": operator, "value": _text(operand)}})
        else:
            simple.append({"key": field, "value": _text(condition)})
    result: dict[str, list[dict]] = {}
    if simple:
        result["filter"] = simple
    if complex_:
        result["complex_filter"] = complex_
    return result


def _text(value: Any) -> str:
    if isinstance(value, (list, tuple)):
        return ",".join(_text(v) for v in value)
    if isinstance(value, bool):
        return "1" if value else "0"
    return "" if value is None else str(value)
