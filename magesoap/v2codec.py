"""SOAP v2: what a store's v2 WSDL says, and the codec it drives, for both of its modes.

A Magento v2 WSDL uses a small, regular subset of XML Schema: structs (``sequence``/``all`` of
elements) and arrays (``soapenc:Array`` restrictions with ``wsdl:arrayType`` in rpc/encoded
mode; a single repeated ``complexObjectArray`` element in WS-I mode). :class:`ServiceDescription`
reads exactly that into plain data (cacheable as JSON), and :class:`V2Codec` writes requests
and reads responses with it:

- rpc/encoded (WS-I off): section-5 encoding with ``xsi:type`` from the WSDL, as PHP writes it;
- document/literal (WS-I on): ``<op>RequestParam`` wrappers, arrays as repeated
  ``complexObjectArray``, nulls left out.

Decoding follows the declared types, so a one-item WS-I array is still a list, a number typed
``xsd:int`` is an int, and an array of ``key``/``value`` entities is a dict, as v1 returns it.
"""
from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any, NamedTuple

from lxml import etree

from . import soapenc, xmlsafe
from .exceptions import UnexpectedResponse, UsageError
from .wsdl import WSDL_NS, target_namespace

XSD = soapenc.XSD
_SOAP_BINDING = "http://schemas.xmlsoap.org/wsdl/soap/"
_W = f"{{{WSDL_NS}}}"
_S = f"{{{XSD}}}"
_XSI_TYPE = f"{{{soapenc.XSI}}}type"
_XSI_NIL = f"{{{soapenc.XSI}}}nil"
ITEM_WSI = "complexObjectArray"


class Part(NamedTuple):
    """A parameter, result or struct field: its name, its type (``xsd:int``, or a type of the
    service by local name) and whether the schema requires it. (A tuple: thousands are built on
    every start from the cached description.)"""

    name: str
    type: str
    required: bool = True


@dataclass(frozen=True)
class Operation:
    name: str
    inputs: list[Part]
    outputs: list[Part]
    input_element: str  # the body's wrapper: the operation (rpc) or its ...RequestParam (WS-I)
    output_element: str
    action: str = ""


@dataclass
class ServiceDescription:
    namespace: str
    wsi: bool
    operations: dict[str, Operation] = field(default_factory=dict)
    structs: dict[str, list[Part]] = field(default_factory=dict)
    arrays: dict[str, str] = field(default_factory=dict)  # array type -> item type

    @classmethod
    def from_wsdl(cls, body: bytes) -> "ServiceDescription":
        root = xmlsafe.parse(body)
        desc = cls(target_namespace(root), wsi=False)
        elements: dict[str, list[Part]] = {}
        for schema in root.iter(f"{_S}schema"):
            for node in schema:
                if node.tag == f"{_S}complexType" and node.get("name"):
                    desc._read_type(node.get("name"), node)
                elif node.tag == f"{_S}element" and node.get("name"):
                    inline = node.find(f"{_S}complexType")
                    elements[node.get("name")] = _fields(inline) if inline is not None else []
        messages = {m.get("name"): list(m.iter(f"{_W}part")) for m in root.iter(f"{_W}message")}
        actions = {
            op.getparent().get("name"): op.get("soapAction", "")
            for op in root.iter(f"{{{_SOAP_BINDING}}}operation")
        }
        port_type = root.find(f"{_W}portType")
        if port_type is None:
            raise UnexpectedResponse("the v2 WSDL has no portType")
        for op in port_type.iter(f"{_W}operation"):
            name = op.get("name")
            parts_in = messages.get(_local(op.find(f"{_W}input").get("message")), [])
            parts_out = messages.get(_local(op.find(f"{_W}output").get("message")), [])
            document = any(p.get("element") for p in parts_in + parts_out)
            desc.wsi = desc.wsi or document
            if document:
                in_el = _local(parts_in[0].get("element")) if parts_in else name
                out_el = _local(parts_out[0].get("element")) if parts_out else f"{name}Response"
                inputs, outputs = elements.get(in_el, []), elements.get(out_el, [])
            else:
                in_el, out_el = name, f"{name}Response"
                inputs = [Part(p.get("name"), _qname(p, p.get("type"))) for p in parts_in]
                outputs = [Part(p.get("name"), _qname(p, p.get("type"))) for p in parts_out]
            desc.operations[name] = Operation(name, inputs, outputs, in_el, out_el, actions.get(name, ""))
        return desc

    def _read_type(self, name: str, node: etree._Element) -> None:
        restriction = node.find(f"{_S}complexContent/{_S}restriction")
        if restriction is not None and _local(restriction.get("base", "")) == "Array":
            for attribute in restriction.iter(f"{_S}attribute"):
                array_type = attribute.get(f"{_W}arrayType")
                if array_type:
                    self.arrays[name] = _qname(attribute, array_type.rstrip("[]"))
            return
        fields = _fields(node)
        if len(fields) == 1 and fields[0].name == ITEM_WSI:
            self.arrays[name] = fields[0].type
        else:
            self.structs[name] = fields

    def to_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict) -> "ServiceDescription":
        return cls(
            data["namespace"],
            data["wsi"],
            {
                name: Operation(
                    op["name"], [Part(*p) for p in op["inputs"]], [Part(*p) for p in op["outputs"]],
                    op["input_element"], op["output_element"], op["action"],
                )
                for name, op in data["operations"].items()
            },
            {name: [Part(*p) for p in fields] for name, fields in data["structs"].items()},
            dict(data["arrays"]),
        )


def _local(qname: str) -> str:
    return qname.rpartition(":")[2]


def _qname(context: etree._Element, qname: str) -> str:
    """``xsd:int`` for XML Schema built-ins, the bare local name for the service's own types."""
    prefix, _, local = qname.rpartition(":")
    namespace = context.nsmap.get(prefix or None)
    return f"xsd:{local}" if namespace == XSD else local


def _fields(node: etree._Element) -> list[Part]:
    fields = []
    for group in (f"{_S}sequence", f"{_S}all"):
        for element in node.iterfind(f"{group}/{_S}element"):
            fields.append(Part(element.get("name"), _qname(element, element.get("type", "xsd:string")),
                               element.get("minOccurs", "1") != "0"))
    return fields


class V2Codec:
    """Requests and responses of one v2 service, in the mode its WSDL describes."""

    def __init__(self, description: ServiceDescription):
        self.desc = description
        # arrays of key/value entities whose value is simple (associativeArray): dicts, as in v1
        self._key_value = {
            name for name, item in description.arrays.items()
            if [f.name for f in description.structs.get(item, [])] == ["key", "value"]
            and description.structs[item][1].type not in description.structs
        }

    # ---------------------------------------------------------------- encode

    def envelope(self, operation: Operation, values: dict[str, Any]) -> bytes:
        """The request for ``operation`` with ``values`` by input part name."""
        known = {part.name for part in operation.inputs}
        unknown = set(values) - known
        if unknown:
            raise UsageError(
                f"{operation.name} has no parameter(s) {', '.join(sorted(unknown))}; "
                f"it takes {', '.join(p.name for p in operation.inputs)}"
            )
        out: list[str] = []
        for part in operation.inputs:
            self.encode(part.name, values.get(part.name), part.type, out)
        ns = self.desc.namespace
        head = f'<SOAP-ENV:Envelope xmlns:SOAP-ENV="{soapenc.SOAP_ENV}" xmlns:ns1="{soapenc.escape_text(ns)}"'
        if not self.desc.wsi:
            head += (f' xmlns:xsd="{XSD}" xmlns:xsi="{soapenc.XSI}" xmlns:SOAP-ENC="{soapenc.SOAP_ENC}"'
                     f' xmlns:ns2="{soapenc.APACHE}" SOAP-ENV:encodingStyle="{soapenc.SOAP_ENC}"')
        wrapper = operation.input_element
        return (
            f'<?xml version="1.0" encoding="UTF-8"?>\n{head}><SOAP-ENV:Body><ns1:{wrapper}>'
            f"{''.join(out)}</ns1:{wrapper}></SOAP-ENV:Body></SOAP-ENV:Envelope>"
        ).encode("utf-8")

    def encode(self, name: str, value: Any, type_name: str, out: list[str]) -> None:
        wsi = self.desc.wsi
        if value is None:
            if not wsi:  # WS-I leaves a null out; rpc/encoded says nil (typed where complex), as PHP does
                typed = type_name in self.desc.arrays or type_name in self.desc.structs
                out.append(f'<{name} xsi:nil="true" xsi:type="ns1:{type_name}"/>' if typed
                           else f'<{name} xsi:nil="true"/>')
            return
        if type_name in self.desc.arrays:
            item_type = self.desc.arrays[type_name]
            if isinstance(value, dict) and type_name in self._key_value:
                value = [{"key": k, "value": v} for k, v in value.items()]
            if not isinstance(value, (list, tuple)):
                raise UsageError(f"{name} is a {type_name}: give a list, not {type(value).__name__}")
            if wsi:
                out.append(f"<{name}>")
                for item in value:
                    self.encode(ITEM_WSI, item, item_type, out)
                out.append(f"</{name}>")
                return
            item_q = item_type if item_type.startswith("xsd:") else f"ns1:{item_type}"
            out.append(f'<{name} SOAP-ENC:arrayType="{item_q}[{len(value)}]" xsi:type="ns1:{type_name}">')
            for item in value:
                self.encode("item", item, item_type, out)
            out.append(f"</{name}>")
        elif type_name in self.desc.structs:
            fields = self.desc.structs[type_name]
            if not isinstance(value, dict):
                raise UsageError(f"{name} is a {type_name}: give a dict of {', '.join(f.name for f in fields)}")
            unknown = set(value) - {f.name for f in fields}
            if unknown:
                raise UsageError(
                    f"{type_name} has no field(s) {', '.join(sorted(map(str, unknown)))}; "
                    f"its fields: {', '.join(f.name for f in fields)}"
                )
            out.append(f"<{name}>" if wsi else f'<{name} xsi:type="ns1:{type_name}">')
            for f in fields:
                if f.name in value:
                    self.encode(f.name, value[f.name], f.type, out)
            out.append(f"</{name}>")
        elif type_name.startswith("xsd:"):
            text = _scalar(value, type_name, name)
            out.append(f"<{name}>{text}</{name}>" if wsi else f'<{name} xsi:type="{type_name}">{text}</{name}>')
        else:  # a type the WSDL does not define (anyType): PHP's own encoding
            soapenc.encode_value(name, value, out)

    # ---------------------------------------------------------------- decode

    def result(self, operation: Operation, wrapper: etree._Element) -> Any:
        """The decoded answer in a ``...Response`` / ``...ResponseParam`` wrapper."""
        if len(wrapper) == 0:
            return None
        outputs = {part.name: part.type for part in operation.outputs}
        child = wrapper[0]
        declared = outputs.get(etree.QName(child).localname)
        if declared is None and len(operation.outputs) == 1:
            declared = operation.outputs[0].type  # rpc return parts may be named anything
        return self.decode(child, declared)

    def row_type(self, operation: Operation) -> str | None:
        """The item type where ``operation`` returns a plain list (rows can be decoded one by one)."""
        if len(operation.outputs) != 1:
            return None
        returned = operation.outputs[0].type
        return None if returned in self._key_value else self.desc.arrays.get(returned)

    def decode(self, el: etree._Element, type_name: str | None) -> Any:
        attrib = el.attrib
        if attrib.get(_XSI_NIL) in ("true", "1"):
            return None
        xsi_type = attrib.get(_XSI_TYPE)
        if xsi_type is not None:
            prefix, _, local = xsi_type.rpartition(":")
            type_name = f"xsd:{local}" if el.nsmap.get(prefix or None) == XSD else local
        if type_name is None:
            return soapenc.decode(el) if len(el) or xsi_type else (el.text or "")
        if type_name in self.desc.arrays:
            item_type = self.desc.arrays[type_name]
            items = [self.decode(child, item_type) for child in el]
            if type_name in self._key_value:
                return {item["key"]: item["value"] for item in items if isinstance(item, dict)}
            return items
        if type_name in self.desc.structs:
            types = {f.name: f.type for f in self.desc.structs[type_name]}
            return {
                (local := etree.QName(child).localname): self.decode(child, types.get(local))
                for child in el
            }
        if type_name.startswith("xsd:"):
            convert = soapenc.SCALAR_TYPES.get(type_name[4:], str)
            try:
                return convert(el.text or "") if (el.text or type_name == "xsd:string") else (
                    "" if len(el) == 0 else soapenc.decode(el))
            except ValueError:
                raise UnexpectedResponse(f"<{etree.QName(el).localname}> is not a valid {type_name}") from None
        return soapenc.decode(el)


def _scalar(value: Any, type_name: str, name: str) -> str:
    if isinstance(value, (dict, list, tuple)):
        raise UsageError(f"{name} is a {type_name}: give a single value, not a {type(value).__name__}")
    if type_name == "xsd:boolean":
        return "true" if value in (True, 1, "1", "true") else "false"
    return soapenc.scalar_text(value)[1]
