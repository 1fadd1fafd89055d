"""SOAP v2 for the fake store: its own small WSDL in both modes, and the endpoint behind it.

The WSDLs are written here from a compact table of the operations the tests use, in the shapes
Magento's ``wsdl.xml`` (rpc/encoded) and ``wsi.xml`` (document/literal) give them, quirks
included: WS-I renames some parameters (``store`` for ``storeView``, ``productIds`` for
``products``), ``resourceFaults`` declares its parts in the opposite order from the one the
server reads, and in WS-I mode ``resources``, ``globalFaults``, ``resourceFaults`` and
``startSession`` fail with PHP errors, as on the real store.
"""
from __future__ import annotations

from typing import Any

from lxml import etree

from magesoap import soapenc, xmlsafe
from magesoap.model import api_model
from magesoap.v2codec import ITEM_WSI, ServiceDescription, V2Codec

S = "xsd:string"
# struct -> fields; a trailing "?" marks an optional field
STRUCTS: dict[str, list[tuple[str, str]]] = {
    "associativeEntity": [("key", S), ("value", S)],
    "complexFilter": [("key", S), ("value", "associativeEntity")],
    "filters": [("filter?", "associativeArray"), ("complex_filter?", "complexFilterArray")],
    "catalogProductEntity": [("product_id", S), ("sku", S), ("name", S), ("set", S), ("type", S),
                             ("category_ids", "ArrayOfString"), ("website_ids", "ArrayOfString")],
    "catalogProductReturnEntity": [(f"{n}?", t) for n, t in [
        ("product_id", S), ("sku", S), ("set", S), ("type", S), ("categories", "ArrayOfString"),
        ("websites", "ArrayOfString"), ("type_id", S), ("name", S), ("description", S),
        ("short_description", S), ("weight", S), ("status", S), ("url_key", S), ("visibility", S),
        ("category_ids", "ArrayOfString"), ("price", S), ("special_price", S), ("tax_class_id", S),
        ("created_at", S), ("updated_at", S)]],
    "catalogProductRequestAttributes": [("attributes?", "ArrayOfString"), ("additional_attributes?", "ArrayOfString")],
    "catalogProductAdditionalAttributesEntity": [("single_data?", "associativeArray")],
    "catalogProductCreateEntity": [(f"{n}?", t) for n, t in [
        ("name", S), ("description", S), ("short_description", S), ("price", S), ("status", S),
        ("weight", S), ("additional_attributes", "catalogProductAdditionalAttributesEntity")]],
    "catalogInventoryStockItemEntity": [("product_id", S), ("sku", S), ("qty", S), ("is_in_stock", S)],
    "catalogInventoryStockItemUpdateEntity": [("qty?", S), ("is_in_stock?", "xsd:int")],
    "magentoInfoEntity": [("magento_version", S), ("magento_edition", S)],
    "existsFaultEntity": [("code", S), ("message", S)],
    "apiMethodEntity": [("title", S), ("path", S), ("name", S)],
    "apiEntity": [("name", S), ("title", S), ("aliases", "ArrayOfString"), ("methods", "apiMethodEntityArray")],
}
ARRAYS = {
    "ArrayOfString": S, "associativeArray": "associativeEntity", "complexFilterArray": "complexFilter",
    "catalogProductEntityArray": "catalogProductEntity",
    "catalogInventoryStockItemEntityArray": "catalogInventoryStockItemEntity",
    "existsFaultEntityArray": "existsFaultEntity", "apiEntityArray": "apiEntity",
    "apiMethodEntityArray": "apiMethodEntity",
}
SID = ("sessionId", S)
# operation -> (inputs, (output part, type)); inputs with "?" are optional in WS-I mode
OPERATIONS: dict[str, tuple[list[tuple[str, str]], tuple[str, str]]] = {
    "login": ([("username", S), ("apiKey", S)], ("loginReturn", S)),
    "startSession": ([], ("startSessionReturn", S)),
    "endSession": ([SID], ("endSessionReturn", "xsd:boolean")),
    "resources": ([SID], ("resourcesReturn", "apiEntityArray")),
    "globalFaults": ([SID], ("globalFaultsReturn", "existsFaultEntityArray")),
    "resourceFaults": ([("resourceName", S), SID], ("resourceFaultsReturn", "existsFaultEntityArray")),
    "magentoInfo": ([SID], ("info", "magentoInfoEntity")),
    "catalogProductList": ([SID, ("filters", "filters"), ("storeView?", S)], ("storeView", "catalogProductEntityArray")),
    "catalogProductInfo": ([SID, ("productId", S), ("storeView?", S), ("attributes?", "catalogProductRequestAttributes"),
                            ("identifierType?", S)], ("info", "catalogProductReturnEntity")),
    "catalogProductCreate": ([SID, ("type", S), ("set", S), ("sku", S), ("productData", "catalogProductCreateEntity"),
                              ("storeView?", S)], ("result", "xsd:int")),
    "catalogProductUpdate": ([SID, ("product", S), ("productData", "catalogProductCreateEntity"), ("storeView?", S),
                              ("identifierType?", S)], ("result", "xsd:boolean")),
    "catalogInventoryStockItemList": ([SID, ("products", "ArrayOfString")],
                                      ("result", "catalogInventoryStockItemEntityArray")),
    "catalogInventoryStockItemUpdate": ([SID, ("product", S), ("data", "catalogInventoryStockItemUpdateEntity")],
                                        ("result", "xsd:int")),
}
WSI_RENAMES = {"storeView": "store", "products": "productIds", "product": "productId"}
WSI_BROKEN = {  # what the real store answers in WS-I mode
    "resources": "Object of class stdClass could not be converted to string",
    "globalFaults": "SOAP-ERROR: Encoding: object has no 'result' property",
    "resourceFaults": "Too few arguments to function Mage_Api_Model_Server_Handler_Abstract::resourceFaults(), "
                      "1 passed and exactly 2 expected",
    "startSession": "SOAP-ERROR: Encoding: object has no 'result' property",
}


def _q(type_name: str) -> str:
    return type_name if type_name.startswith("xsd:") else f"typens:{type_name}"


def _element(name: str, type_name: str, wsi: bool) -> str:
    optional = name.endswith("?")
    name = name.rstrip("?")
    occurs = f' minOccurs="{0 if optional else 1}" maxOccurs="1"' if wsi else ""
    return f'<xsd:element name="{name}" type="{_q(type_name)}"{occurs}/>'


def v2_wsdl(namespace: str, location: str, wsi: bool) -> bytes:
    types, messages, port, binding = [], [], [], []
    for name, fields in STRUCTS.items():
        group = "sequence" if wsi else "all"
        body = "".join(_element(f, t, wsi) for f, t in fields)
        types.append(f'<xsd:complexType name="{name}"><xsd:{group}>{body}</xsd:{group}></xsd:complexType>')
    for name, item in ARRAYS.items():
        if wsi:
            types.append(f'<xsd:complexType name="{name}"><xsd:sequence><xsd:element minOccurs="0" '
                         f'maxOccurs="unbounded" name="{ITEM_WSI}" type="{_q(item)}"/></xsd:sequence></xsd:complexType>')
        else:
            types.append(f'<xsd:complexType name="{name}"><xsd:complexContent><xsd:restriction base="soapenc:Array">'
                         f'<xsd:attribute ref="soapenc:arrayType" wsdl:arrayType="{_q(item)}[]"/>'
                         '</xsd:restriction></xsd:complexContent></xsd:complexType>')
    use = "literal" if wsi else "encoded"
    body_xml = f'<soap:body use="{use}"/>' if wsi else (
        f'<soap:body namespace="{namespace}" use="encoded" encodingStyle="{soapenc.SOAP_ENC}"/>')
    for op, (inputs, (out_name, out_type)) in OPERATIONS.items():
        if wsi:
            in_el = "loginParam" if op == "login" else f"{op}RequestParam"
            out_el = f"{op}ResponseParam" if op != "login" else "loginResponseParam"
            fields = "".join(_element(WSI_RENAMES.get(n.rstrip("?"), n.rstrip("?")) + ("?" if n.endswith("?") else ""),
                                      t, True) for n, t in inputs)
            if inputs:
                types.append(f'<xsd:element name="{in_el}"><xsd:complexType><xsd:sequence>{fields}'
                             "</xsd:sequence></xsd:complexType></xsd:element>")
            types.append(f'<xsd:element name="{out_el}"><xsd:complexType><xsd:sequence>'
                         f'{_element("result", out_type, True)}</xsd:sequence></xsd:complexType></xsd:element>')
            in_part = f'<wsdl:part name="parameters" element="typens:{in_el}"/>' if inputs else ""
            messages.append(f'<wsdl:message name="{op}Request">{in_part}</wsdl:message>'
                            f'<wsdl:message name="{op}Response"><wsdl:part name="parameters" '
                            f'element="typens:{out_el}"/></wsdl:message>')
        else:
            parts = "".join(f'<wsdl:part name="{n.rstrip("?")}" type="{_q(t)}"/>' for n, t in inputs)
            messages.append(f'<wsdl:message name="{op}Request">{parts}</wsdl:message>'
                            f'<wsdl:message name="{op}Response"><wsdl:part name="{out_name}" '
                            f'type="{_q(out_type)}"/></wsdl:message>')
        port.append(f'<wsdl:operation name="{op}"><wsdl:input message="typens:{op}Request"/>'
                    f'<wsdl:output message="typens:{op}Response"/></wsdl:operation>')
        binding.append(f'<wsdl:operation name="{op}"><soap:operation soapAction="urn:{op}"/>'
                       f"<wsdl:input>{body_xml}</wsdl:input><wsdl:output>{body_xml}</wsdl:output></wsdl:operation>")
    style = "document" if wsi else "rpc"
    encoding_import = "" if wsi else (
        f'<xsd:import namespace="{soapenc.SOAP_ENC}" schemaLocation="{soapenc.SOAP_ENC}"/>')
    return (
        f'<?xml version="1.0" encoding="UTF-8"?>\n<wsdl:definitions xmlns:typens="{namespace}" '
        f'xmlns:xsd="{soapenc.XSD}" xmlns:soap="http://schemas.xmlsoap.org/wsdl/soap/" '
        f'xmlns:soapenc="{soapenc.SOAP_ENC}" xmlns:wsdl="http://schemas.xmlsoap.org/wsdl/" '
        f'name="Magento" targetNamespace="{namespace}"><wsdl:types>'
        f'<xsd:schema targetNamespace="{namespace}">{encoding_import}{"".join(types)}</xsd:schema></wsdl:types>'
        + "".join(messages)
        + f'<wsdl:portType name="PortType">{"".join(port)}</wsdl:portType>'
        + f'<wsdl:binding name="Binding" type="typens:PortType"><soap:binding style="{style}" '
        'transport="http://schemas.xmlsoap.org/soap/http"/>' + "".join(binding) + "</wsdl:binding>"
        + f'<wsdl:service name="MagentoService"><wsdl:port name="Port" binding="typens:Binding">'
        f'<soap:address location="{location}"/></wsdl:port></wsdl:service></wsdl:definitions>'
    ).encode()


class V2Endpoint:
    """Decode a v2 request with the WSDL above, run it on the store, answer as Magento does."""

    def __init__(self, front, namespace: str, location: str, wsi: bool):
        self.front = front  # fakestore.FrontEnds
        self.wsdl = v2_wsdl(namespace, location, wsi)
        self.codec = V2Codec(ServiceDescription.from_wsdl(self.wsdl))
        self.namespace = namespace
        self.wsi = wsi

    def handle(self, body: bytes) -> tuple[int, bytes]:
        from .fakestore import StoreFault, soap_fault

        desc = self.codec.desc
        try:
            wrapper = soapenc.body_child(xmlsafe.parse(body))
        except Exception as exc:  # noqa: BLE001
            return 500, soap_fault("SOAP-ENV:Client", f"Bad Request ({exc})")
        name = etree.QName(wrapper).localname
        operation = next((op for op in desc.operations.values() if op.input_element == name), None)
        if operation is None:
            return 500, soap_fault("SOAP-ENV:Server", f"Procedure '{name}' not present")
        if self.wsi and operation.name in WSI_BROKEN:
            return 500, soap_fault("SOAP-ENV:Server", WSI_BROKEN[operation.name])
        types = {p.name: p.type for p in operation.inputs}
        given = {etree.QName(c).localname: self.codec.decode(c, types.get(etree.QName(c).localname)) for c in wrapper}
        values = [given.get(p.name) for p in operation.inputs]  # by position, as PHP hands them on
        try:
            result = self._run(operation.name, values)
        except StoreFault as fault:
            return 200, soap_fault(fault.code, fault.message)
        except TypeError as exc:
            return 200, soap_fault("SOAP-ENV:Server", str(exc))
        out: list[str] = []
        part = operation.outputs[0]
        self.codec.encode(part.name, _project(result, part.type, desc), part.type, out)
        return 200, (
            '<?xml version="1.0" encoding="UTF-8"?>\n'
            f'<SOAP-ENV:Envelope xmlns:SOAP-ENV="{soapenc.SOAP_ENV}" xmlns:ns1="{self.namespace}" '
            f'xmlns:xsd="{soapenc.XSD}" xmlns:xsi="{soapenc.XSI}" xmlns:SOAP-ENC="{soapenc.SOAP_ENC}">\n'
            f"<SOAP-ENV:Body>\n<ns1:{operation.output_element}>\n" + "\n".join(out)  # a newline between tags
            + f"\n</ns1:{operation.output_element}>\n</SOAP-ENV:Body>\n</SOAP-ENV:Envelope>\n"
        ).encode()

    def _run(self, operation: str, values: list) -> Any:
        store = self.front.store
        if operation in ("login", "startSession", "endSession", "resources", "globalFaults", "resourceFaults"):
            return self.front._invoke(operation, values)
        path = api_model().by_v2_operation(operation).path
        session_id, args = values[0], [_v1_value(v) for v in values[1:]]
        while args and args[-1] is None:
            args.pop()
        with store.lock:
            return store.call(session_id, path, args)


def _v1_value(value: Any) -> Any:
    """A v2 argument as the v1 handler takes it (Magento's v2 handlers do the same)."""
    if isinstance(value, dict):
        if set(value) <= {"filter", "complex_filter"}:
            filters = dict(value.get("filter") or {})
            for entry in value.get("complex_filter") or []:
                filters.setdefault(entry["key"], {})[entry["value"]["key"]] = entry["value"]["value"]
            return filters
        if set(value) <= {"attributes", "additional_attributes"}:
            return (value.get("attributes") or []) + (value.get("additional_attributes") or [])
        extra = value.pop("additional_attributes", None) or {}
        return value | dict(extra.get("single_data") or {})
    return value


def _project(value: Any, type_name: str, desc: ServiceDescription) -> Any:
    """Keep what the output type declares (v2 answers with its entity's fields only)."""
    if value is None:
        return None
    if type_name in desc.arrays and isinstance(value, list):
        return [_project(v, desc.arrays[type_name], desc) for v in value]
    if type_name in desc.structs and isinstance(value, dict):
        fields = {f.name: f.type for f in desc.structs[type_name]}
        return {k: _project(v, fields[k], desc) for k, v in value.items() if k in fields}
    if type_name.startswith("xsd:") and isinstance(value, bool) and type_name != "xsd:boolean":
        return int(value)
    return value
