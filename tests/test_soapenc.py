"""The section-5 codec on its own: PHP's shapes both ways."""
from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from lxml import etree

from magesoap import UsageError, soapenc

from .canonical import canonical

NS = (
    f'xmlns:SOAP-ENC="{soapenc.SOAP_ENC}" xmlns:xsi="{soapenc.XSI}" xmlns:xsd="{soapenc.XSD}" '
    f'xmlns:ns2="{soapenc.APACHE}" xmlns:ns1="urn:OpenMage"'
)


def encode(value, name="args", xsi_type=None) -> etree._Element:
    out: list[str] = []
    soapenc.encode_value(name, value, out, xsi_type)
    return etree.fromstring(f"<w {NS}>{''.join(out)}</w>")[0]


def test_php_shapes() -> None:
    """Each shape as PHP's SoapClient writes it (taken from the real store's captures)."""
    expected = {
        "SKU-1": '<args xsi:type="xsd:string">SKU-1</args>',
        None: '<args xsi:nil="true"/>',
        ("a", "b"): '<args SOAP-ENC:arrayType="xsd:string[2]" xsi:type="SOAP-ENC:Array">'
        '<item xsi:type="xsd:string">a</item><item xsi:type="xsd:string">b</item></args>',
        ("a", None): '<args SOAP-ENC:arrayType="xsd:ur-type[2]" xsi:type="SOAP-ENC:Array">'
        '<item xsi:type="xsd:string">a</item><item xsi:nil="true"/></args>',
        (): '<args SOAP-ENC:arrayType="xsd:ur-type[0]" xsi:type="SOAP-ENC:Array"/>',
    }
    for value, xml in expected.items():
        wanted = etree.fromstring(f"<w {NS}>{xml}</w>")[0]
        assert canonical(encode(list(value) if isinstance(value, tuple) else value)) == canonical(wanted)


def test_map_and_scalars() -> None:
    el = encode({"qty": 5, "price": 20.0, "ok": True, 7: "x"})
    assert el.get(f"{{{soapenc.XSI}}}type") == "ns2:Map"
    pairs = [(i[0].text, i[0].get(f"{{{soapenc.XSI}}}type"), i[1].text, i[1].get(f"{{{soapenc.XSI}}}type")) for i in el]
    assert pairs == [
        ("qty", "xsd:string", "5", "xsd:int"),
        ("price", "xsd:string", "20", "xsd:float"),  # PHP writes 20.0 as 20
        ("ok", "xsd:string", "true", "xsd:boolean"),
        ("7", "xsd:int", "x", "xsd:string"),
    ]


def test_arrays_of_arrays_and_wsdl_typed_arrays() -> None:
    assert encode([["a"], ["b"]]).get(f"{{{soapenc.SOAP_ENC}}}arrayType") == "SOAP-ENC:Array[2]"
    fixed = encode([["a"]], "calls", "ns1:FixedArray")
    assert (fixed.get(f"{{{soapenc.XSI}}}type"), fixed.get(f"{{{soapenc.SOAP_ENC}}}arrayType")) == (
        "ns1:FixedArray", "xsd:ur-type[1]")


@pytest.mark.parametrize(
    "value",
    [
        "plain", "", "<&>\"' é ✓", 0, -12, 3.25, True, False, None, [], {}, ["a", 1, None, [2.5]],
        {"filters": {"sku": {"like": "A%"}, "entity_id": {"in": [1, 2]}}}, [{"a": [{"b": None}]}],
        b"\x00\xffbinary",
    ],
)
def test_round_trip(value) -> None:
    assert soapenc.decode(encode(value)) == value


def test_other_values_become_strings_magento_reads() -> None:
    assert soapenc.decode(encode(Decimal("10.50"))) == "10.50"
    assert soapenc.decode(encode(datetime.date(2026, 1, 2))) == "2026-01-02"
    assert soapenc.decode(encode(datetime.datetime(2026, 1, 2, 3, 4, 5))) == "2026-01-02 03:04:05"


def test_unsupported_value_is_a_clear_error() -> None:
    with pytest.raises(UsageError, match="cannot send a object"):
        encode(object())


def test_decode_untyped_and_v2_typed_structs() -> None:
    xml = (
        f'<r {NS} xsi:type="ns1:catalogProductEntityArray" SOAP-ENC:arrayType="ns1:catalogProductEntity[1]">\n'
        '<item xsi:type="ns1:catalogProductEntity">\n<product_id xsi:type="xsd:string">2</product_id>\n'
        '<website_ids SOAP-ENC:arrayType="xsd:string[1]" xsi:type="ns1:ArrayOfString">\n'
        '<item xsi:type="xsd:string">1</item>\n</website_ids>\n'
        '<category_ids SOAP-ENC:arrayType="xsd:string[0]" xsi:type="ns1:ArrayOfString"/>\n'
        '<qty xsi:type="xsd:double">1.5</qty><n xsi:type="xsd:int">3</n></item>\n</r>'
    )
    assert soapenc.decode(etree.fromstring(xml)) == [
        {"product_id": "2", "website_ids": ["1"], "category_ids": [], "qty": 1.5, "n": 3}
    ]
    untyped = etree.fromstring("<r><item><key>a</key><value>1</value></item></r>")
    assert soapenc.decode(untyped) == {"a": "1"}
    assert soapenc.decode(etree.fromstring("<r><a>1</a><b/></r>")) == {"a": "1", "b": ""}
