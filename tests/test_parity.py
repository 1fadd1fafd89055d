"""The same v1-path scenario over every protocol gives the same Python: the facade's promise."""
from __future__ import annotations

import pytest

import magesoap

from .fakestore import FakeStoreServer

VARIANTS = [("soap", False), ("xmlrpc", False), ("jsonrpc", False), ("soap_v2", False), ("soap_v2", True)]


def scenario(mage: magesoap.Session) -> dict:
    outcome = {
        "list": mage.call("catalog_product.list", [{"sku": {"like": "SKU-%"}, "price": {"gt": 11}}]),
        "list_in": mage.call("product.list", [{"product_id": {"in": ["1", "3"]}}]),
        "equal": mage.call("product.list", [{"sku": "SKU-2"}]),
        "info": mage.call("catalog_product.info", ["SKU-1", None, ["name", "price"]]),
        "stock": mage.call("cataloginventory_stock_item.list", [["SKU-1", "SKU-3"]]),
    }
    with pytest.raises(magesoap.NotFound) as caught:
        mage.call("product.info", ["NOPE"])
    outcome["fault"] = (type(caught.value), caught.value.code, caught.value.message, caught.value.resource)
    batch = mage.multi_call(
        [("product.info", ["SKU-2", None, ["name"]]), ("product.info", ["NOPE"]),
         ("product_stock.update", ["SKU-1", {"qty": 1}])],
        break_on_error=True,
    )
    outcome["batch"] = [(type(e), e.code) if isinstance(e, magesoap.MagentoFault) else e for e in batch]
    outcome["faults"] = mage.resource_faults("catalog_product")[:3]
    return outcome


def test_every_protocol_gives_identical_results() -> None:
    outcomes = {}
    for protocol, wsi in VARIANTS:
        with FakeStoreServer(wsi=wsi) as server:
            with magesoap.connect(server.url, "apiuser", "apikey123", protocol=protocol) as mage:
                assert mage.wsi is (wsi if protocol == "soap_v2" else None)
                outcomes[(protocol, wsi)] = scenario(mage)
            assert server.store.products[1]["qty"] == "100.0000"  # the write after the fault never ran
    reference = outcomes[("soap", False)]
    assert len(reference["list"]) == 2 and reference["info"]["name"] == "Test Product 1"
    assert reference["batch"][1][1] == 101 and len(reference["batch"]) == 2
    for variant, outcome in outcomes.items():
        assert outcome == reference, variant
