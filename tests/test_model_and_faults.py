"""The API model and the fault classes it drives."""
from __future__ import annotations

import pickle

import pytest

import magesoap
from magesoap import faults
from magesoap.exceptions import RESOURCE_FAULT_CLASSES, fault_family, make_fault
from magesoap.model import api_model

from .conftest import shared_dir


def test_model_counts_and_aliases() -> None:
    model = api_model()
    assert len(model.resources) == 32 and len(list(model.methods())) == 144
    assert sum(len(r.faults) for r in model.resources.values()) == 194
    resolved = model.resolve("order.list")
    assert (resolved.resource.name, resolved.method.v2_operation) == ("sales_order", "salesOrderList")
    assert model.resolve("product_media.create").method.v2_operation == "catalogProductAttributeMediaCreate"
    assert model.by_v2_operation("catalogInventoryStockItemUpdate").path == "cataloginventory_stock_item.update"
    assert model.resolve("sales_order.search").method is None  # a third-party extension's path
    assert model.is_read("product.info") and not model.is_read("product.update")
    assert not model.is_read("sales_order.search")  # unknown: treated as a write


def test_model_matches_the_real_store_facts() -> None:
    import json

    real = json.loads((shared_dir() / "api-model.json").read_text())
    model = api_model()
    for res in real["resources"]:
        ours = model.resources[res["name"]]
        assert list(ours.aliases) == res["aliases"]
        assert {m.name: m.v2_operation for m in ours.methods.values()} == {
            m["name"]: m["v2_operation"] for m in res["methods"]
        }
        assert [(f.code, f.name, f.message) for f in ours.faults] == [
            (f["code"], f["name"], f["message"]) for f in res["faults"]
        ]


def test_every_resource_fault_has_a_class_in_a_family() -> None:
    assert len(RESOURCE_FAULT_CLASSES) == 194
    for (resource, name), cls in RESOURCE_FAULT_CLASSES.items():
        assert issubclass(cls, magesoap.ResourceFault) and cls.fault_name == name
        assert getattr(faults, cls.__name__) is cls
    assert issubclass(faults.SalesOrderNotExists, magesoap.NotFound)
    assert fault_family("data_invalid") is magesoap.InvalidData
    assert fault_family("quote_already_exists") is magesoap.Conflict
    assert fault_family("not_deleted") is magesoap.OperationFailed


def test_same_code_means_different_faults_per_resource() -> None:
    product = make_fault("101", "Product not exists.", path="catalog_product.info", protocol="soap")
    category = make_fault(101, "Requested website not found.", path="category.tree", protocol="soap")
    assert type(product) is faults.CatalogProductProductNotExists
    assert type(category) is faults.CatalogCategoryWebsiteNotExists
    # one resource reuses 411: the message tells which
    twin = make_fault(411, "Cannot create sub folder in temporary folder.", path="product_downloadable_link.add")
    assert twin.fault_name == "can_not_create_sub_tmp_folder"


def test_global_and_unknown_codes() -> None:
    assert type(make_fault(5, "Session expired. Try to relogin.", path="x.y")) is magesoap.SessionExpired
    unknown = make_fault(777, "Something odd.", path="sales_order.search")
    assert type(unknown) is magesoap.ResourceFault and unknown.code == 777
    assert type(make_fault(None, "PHP Fatal")) is magesoap.ServerFault


def test_fault_text_and_pickling() -> None:
    fault = make_fault(101, "Product not exists.", path="product.info", protocol="xmlrpc")
    assert str(fault) == "Magento fault 101 (product_not_exists) calling product.info over xmlrpc: Product not exists."
    assert pickle.loads(pickle.dumps(fault)) == fault


@pytest.mark.parametrize("code", range(7))
def test_global_fault_classes(code) -> None:
    cls = magesoap.fault_class(None, code)
    assert cls.code == code and cls.fault_name == api_model().global_faults[code].name
