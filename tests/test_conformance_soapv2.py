"""SOAP v2, in both modes, against the real store's WSDLs and captures."""
from __future__ import annotations

from pathlib import Path

import pytest
from lxml import etree

import magesoap
from magesoap import soapenc
from magesoap.model import api_model
from magesoap.v2codec import ServiceDescription, V2Codec

from . import phpexport
from .canonical import canonical
from .conftest import SHARED, shared_dir

BASE = "http://127.0.0.1:8089/"
WSDL_OF = {"soapv2": "v2.wsdl", "setup-soapv2-cart": "v2.wsdl", "soapv2-wsi": "v2-wsi.wsdl"}
#: operations the real WS-I WSDL does not have (Magento's wsi.xml leaves them out)
NOT_IN_WSI = {"catalogProductListOfAdditionalAttributes", "catalogProductAttributeRemoveOption",
              "catalogProductAttributeTypes"}


def transcripts() -> list[Path]:
    found = []
    for folder in WSDL_OF:
        path = SHARED / "transcripts" / folder
        if path.exists():
            found += sorted(path.glob("*.request.xml"))
    return found or [Path("none/no-transcripts.request.xml")]


def _description(name: str) -> ServiceDescription:
    return ServiceDescription.from_wsdl((shared_dir("wsdl") / name).read_bytes())


@pytest.mark.parametrize("wsdl, wsi", [("v2.wsdl", False), ("v2-wsi.wsdl", True)])
def test_every_model_method_resolves(wsdl, wsi) -> None:
    desc = _description(wsdl)
    assert desc.wsi is wsi
    missing = {m.v2_operation for m in api_model().methods()} - set(desc.operations)
    assert missing == (NOT_IN_WSI if wsi else set())


def test_missing_operation_fails_locally_before_any_request(requests_mock) -> None:
    requests_mock.get(BASE + "api/v2_soap/?wsdl=1", content=(shared_dir("wsdl") / "v2-wsi.wsdl").read_bytes())
    client = magesoap.Client(BASE, "soap_v2", wsdl_cache=None)
    with pytest.raises(magesoap.InvalidApiPath, match="no operation catalogProductAttributeTypes"):
        client.call("sid", "product_attribute.types")
    with pytest.raises(magesoap.InvalidApiPath, match="not a Magento 1 core API path"):
        client.call("sid", "sales_order.search")
    assert [r.method for r in requests_mock.request_history] == ["GET"]


def _php_result(value):
    """PHP's decoding of a v2 answer in magesoap's shapes: key/value object lists become dicts."""
    if isinstance(value, list):
        if value and all(isinstance(v, dict) and set(v) == {"key", "value"} for v in value):
            return {v["key"]: _php_result(v["value"]) for v in value}
        return [_php_result(v) for v in value]
    if isinstance(value, dict):
        return {k: _php_result(v) for k, v in value.items()}
    return value


@pytest.mark.parametrize("request_file", transcripts(), ids=lambda p: f"{p.parent.name}/{p.name[:-12]}")
def test_transcript(request_file: Path, requests_mock) -> None:
    folder = request_file.parent.name
    shared_dir("transcripts", folder)
    decoded_file = request_file.with_name(request_file.name.replace(".request.xml", ".php-decoded.txt"))
    if not decoded_file.exists():
        pytest.skip("a hand-written raw request (curl), with no PHP-decoded result to compare")
    desc = _description(WSDL_OF[folder])
    codec = V2Codec(desc)
    php_request = request_file.read_bytes()
    if b"<SOAP-ENV:Body/>" in php_request:
        pytest.skip("PHP sent an empty Body: WS-I startSession is broken on the store (magesoap uses v1 for it)")
    wrapper = soapenc.body_child(etree.fromstring(php_request))
    operation = next(op for op in desc.operations.values() if op.input_element == etree.QName(wrapper).localname)
    types = {p.name: p.type for p in operation.inputs}
    values = {etree.QName(c).localname: codec.decode(c, types.get(etree.QName(c).localname)) for c in wrapper}

    response = request_file.with_name(request_file.name.replace(".request.", ".response.")).read_bytes()
    status = 500 if b"SOAP-ENV:Server" in response and b"not present" in response else 200
    requests_mock.get(BASE + "api/v2_soap/?wsdl=1", content=(SHARED / "wsdl" / WSDL_OF[folder]).read_bytes())
    requests_mock.post(BASE + "api/v2_soap/", content=response, status_code=status)
    transport = magesoap.Client(BASE, "soap_v2", wsdl_cache=None).transport

    php = phpexport.loads(decoded_file.read_text())
    if "fault" in php:
        code, message = php["fault"]
        with pytest.raises(magesoap.MagentoFault) as caught:
            transport.invoke_named(operation.name, values)
        assert caught.value.message == message
        assert caught.value.code == (int(code) if code.isdigit() else None)
    else:
        result = transport.invoke_named(operation.name, values)
        if not desc.wsi:
            assert result == _php_result(php["result"]) or _empty_equal(result, _php_result(php["result"]))

    sent = requests_mock.request_history[-1]
    assert canonical(sent.body) == canonical(php_request)


def _empty_equal(ours, php) -> bool:
    if ours in ([], {}, None) and php in ([], {}, None):
        return True
    if isinstance(ours, dict) and isinstance(php, dict):
        return ours.keys() == php.keys() and all(_empty_equal(ours[k], php[k]) for k in ours)
    if isinstance(ours, list) and isinstance(php, list):
        return len(ours) == len(php) and all(_empty_equal(a, b) for a, b in zip(ours, php))
    return ours == php


@pytest.mark.parametrize("name", ["02-catalogProductList", "05-catalogProductInfo", "13-customerCustomerInfo",
                                  "15-salesOrderInfo", "16-catalogInventoryStockItemList", "17-storeList"])
def test_wsi_and_v2_give_the_same_python(name) -> None:
    """WS-I collapses one-item arrays and leaves types implicit; the results must still match v2's."""
    v2_name = name if name != "13-customerCustomerInfo" else "13-customerCustomerInfo"
    wsi_files = {"13-customerCustomerInfo": "12-customerCustomerInfo", "15-salesOrderInfo": "14-salesOrderInfo",
                 "16-catalogInventoryStockItemList": "15-catalogInventoryStockItemList",
                 "17-storeList": "16-storeList"}
    results = []
    for folder, file_name, wsdl in (("soapv2", v2_name, "v2.wsdl"), ("soapv2-wsi", wsi_files.get(name, name), "v2-wsi.wsdl")):
        desc = _description(wsdl)
        codec = V2Codec(desc)
        wrapper = soapenc.body_child(etree.fromstring(
            (shared_dir("transcripts", folder) / f"{file_name}.response.xml").read_bytes()))
        operation = next(op for op in desc.operations.values() if op.output_element == etree.QName(wrapper).localname)
        results.append(codec.result(operation, wrapper))
    assert _empty_equal(results[1], results[0]) or _diff(results[1], results[0])


def _diff(wsi, v2) -> bool:
    """WS-I leaves out fields that are null: equal where both say something."""
    if isinstance(wsi, dict) and isinstance(v2, dict):
        return all(k in v2 and _diff(wsi[k], v2[k]) for k in wsi) and all(
            v2[k] in (None, [], {}) for k in v2.keys() - wsi.keys())
    if isinstance(wsi, list) and isinstance(v2, list):
        return len(wsi) == len(v2) and all(_diff(a, b) for a, b in zip(wsi, v2))
    return wsi == v2 or (wsi in ([], {}, None) and v2 in ([], {}, None))


def test_large_lists_decode_in_both_modes() -> None:
    bench = shared_dir("bench")
    for name, wsdl in (("v2", "v2.wsdl"), ("wsi", "v2-wsi.wsdl")):
        desc = _description(wsdl)
        wrapper = soapenc.body_child(etree.fromstring((bench / f"{name}-list.response.xml").read_bytes()))
        rows = V2Codec(desc).result(desc.operations["catalogProductList"], wrapper)
        assert len(rows) == 1003 and rows[0]["website_ids"] == ["1"]


#: v1-path calls and the real v2 / WS-I request PHP sent for the same thing
FACADE_CASES = [
    ("catalog_product.list", [{"sku": "SKU-2"}], "03-catalogProductList-filter-simple",
     "03-catalogProductList-filter-simple"),
    ("product.list", [{"sku": {"like": "SKU-%"}, "product_id": {"in": [1, 3]}}],
     "04-catalogProductList-complex-filter", "04-catalogProductList-complex-filter"),
    ("catalog_product.info", ["SKU-1", None, None, "sku"], "05-catalogProductInfo", "05-catalogProductInfo"),
    ("product.info", [2, "default", {"attributes": ["name", "price", "sku"], "additional_attributes": ["meta_title"]}],
     "06-catalogProductInfo-attrs", "06-catalogProductInfo-attrs"),
    ("product_stock.list", [["SKU-1", "SKU-2", "SKU-3"]], "16-catalogInventoryStockItemList",
     "15-catalogInventoryStockItemList"),
    ("sales_order.list", None, "14-salesOrderList", "13-salesOrderList"),
]


@pytest.mark.parametrize("folder, wsdl, index", [("soapv2", "v2.wsdl", 2), ("soapv2-wsi", "v2-wsi.wsdl", 3)])
@pytest.mark.parametrize("path, args, v2_file, wsi_file", FACADE_CASES, ids=[c[0] + "-" + c[2][:2] for c in FACADE_CASES])
def test_facade_writes_what_php_wrote(folder, wsdl, index, path, args, v2_file, wsi_file, requests_mock) -> None:
    """A v1 path and v1 arguments on a v2 session produce PHP's own v2 request for the same call."""
    transcripts_dir = shared_dir("transcripts", folder)
    name = v2_file if index == 2 else wsi_file
    php_request = (transcripts_dir / f"{name}.request.xml").read_bytes()
    session_id = etree.fromstring(php_request).findtext(".//sessionId")
    requests_mock.get(BASE + "api/v2_soap/?wsdl=1", content=(SHARED / "wsdl" / wsdl).read_bytes())
    requests_mock.post(BASE + "api/v2_soap/", content=(transcripts_dir / f"{name}.response.xml").read_bytes())
    client = magesoap.Client(BASE, "soap_v2", wsdl_cache=None)
    result = client.call(session_id, path, args)
    assert canonical(requests_mock.request_history[-1].body) == canonical(php_request)
    assert isinstance(result, (list, dict))


def test_wsi_sends_empty_filters_when_none_are_given(requests_mock) -> None:
    requests_mock.get(BASE + "api/v2_soap/?wsdl=1", content=(shared_dir("wsdl") / "v2-wsi.wsdl").read_bytes())
    response = (SHARED / "transcripts" / "soapv2-wsi" / "13-salesOrderList.response.xml").read_bytes()
    requests_mock.post(BASE + "api/v2_soap/", content=response)
    orders = magesoap.Client(BASE, "soap_v2", wsdl_cache=None).call("sid", "order.list")
    sent = etree.fromstring(requests_mock.request_history[-1].body)
    assert sent.find(".//filters") is not None and len(sent.find(".//filters")) == 0
    assert isinstance(orders, list) and orders[0]["increment_id"]
