"""The command line, run through its entry point against the fake store."""
from __future__ import annotations

import json
import logging

import pytest

from magesoap.cli import main

from .fakestore import FakeStoreServer


@pytest.fixture
def store_env(server, monkeypatch, tmp_path):
    monkeypatch.setenv("MAGENTO_URL", server.url)
    monkeypatch.setenv("MAGENTO_API_USER", "apiuser")
    monkeypatch.setenv("MAGENTO_API_KEY", "apikey123")
    monkeypatch.setenv("MAGESOAP_CONFIG", str(tmp_path / "none.toml"))
    return server


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_call_prints_json(store_env, capsys) -> None:
    code, out, _ = run(capsys, "call", "catalog_product.info", '["SKU-1"]')
    assert code == 0 and json.loads(out)["sku"] == "SKU-1"
    code, out, _ = run(capsys, "--protocol", "xmlrpc", "call", "product.info", "SKU-2")  # a bare word
    assert code == 0 and json.loads(out)["sku"] == "SKU-2"


def test_fault_is_an_object_and_exit_1(store_env, capsys) -> None:
    code, out, err = run(capsys, "call", "catalog_product.info", '["NOPE"]')
    assert code == 1
    assert json.loads(out) == {"fault": {"code": 101, "name": "product_not_exists", "message": "Product not exists.",
                                         "class": "CatalogProductProductNotExists"}}
    assert "Magento fault 101" in err


def test_multicall_file_with_break(store_env, capsys, tmp_path) -> None:
    batch = tmp_path / "calls.jsonl"
    batch.write_text('["product.info", ["SKU-1"]]\n["product.info", ["NOPE"]]\n'
                     '["product_stock.update", ["SKU-1", {"qty": 1}]]\n')
    code, out, err = run(capsys, "multicall", str(batch), "--break", "--batch-size", "2")
    lines = [json.loads(line) for line in out.splitlines()]
    assert code == 1 and len(lines) == 2
    assert lines[0]["result"]["sku"] == "SKU-1" and lines[1]["fault"]["code"] == 101
    assert "1 of 3 calls succeeded, 1 failed, 1 not run" in err
    assert store_env.store.products[1]["qty"] == "100.0000"
    batch.write_text(json.dumps([["core_magento.info"], "core_magento.info"]))
    code, out, err = run(capsys, "multicall", str(batch))
    assert code == 0 and "2 of 2 calls succeeded" in err


def test_listings(store_env, capsys) -> None:
    code, out, _ = run(capsys, "resources", "--output", "json")
    assert code == 0 and len(json.loads(out)) == 32
    code, out, _ = run(capsys, "faults", "catalog_product")
    assert {"code": "101", "message": "Product not exists."} in json.loads(out)
    code, out, _ = run(capsys, "faults", "--output", "table")
    assert code == 0 and out.splitlines()[0].split() == ["code", "message"] and "Access denied." in out


def test_explain_and_map_are_offline(capsys, monkeypatch) -> None:
    monkeypatch.delenv("MAGENTO_URL", raising=False)
    code, out, _ = run(capsys, "explain", "101", "--resource", "product")
    [entry] = json.loads(out)
    assert (entry["name"], entry["raised_by"]) == ("product_not_exists", "catalog_product")
    assert "NotFound" in entry["exception"] and entry["what_to_check"]
    code, out, _ = run(capsys, "explain", "101")
    assert len(json.loads(out)) > 5  # 101 means something different per resource
    code, out, _ = run(capsys, "map", "salesOrderList")
    assert json.loads(out)["path"] == "sales_order.list" and json.loads(out)["aliases"] == ["order.list"]
    code, _, err = run(capsys, "map", "sales_order.search")
    assert code == 2 and "extension" in err


def test_scan_finds_calls_in_php_and_python(capsys, tmp_path) -> None:
    php = tmp_path / "sync.php"
    php.write_text("<?php\n$p = $client->call($session, 'catalog_product.info', 'SKU-1');\n"
                   "$r = $client->multiCall($session, array(array('order.list'), array('sales_order.search')));\n"
                   "$x = $proxy->salesOrderInfo($session, '100000001');\n$cfg = 'config.toml';\n")
    py = tmp_path / "sync.py"
    py.write_text('mage.call("cataloginventory_stock_item.update", ["SKU-1", {"qty": 1}])\n')
    code, out, _ = run(capsys, "scan", str(php), str(py), "--output", "json")
    found = {f["call"]: f for f in json.loads(out)}
    assert set(found) == {"catalog_product.info", "order.list", "sales_order.search", "salesOrderInfo",
                          "cataloginventory_stock_item.update"}
    assert found["order.list"]["v2_operation"] == "salesOrderList"
    assert found["salesOrderInfo"]["path"] == "sales_order.info"
    assert found["sales_order.search"]["path"] is None and code == 1


def test_scan_asks_the_store(store_env, capsys, tmp_path) -> None:
    src = tmp_path / "a.php"
    src.write_text("$c->call($s, 'catalog_product.info', 'x'); $c->call($s, 'sales_order.search');\n")
    code, out, _ = run(capsys, "scan", str(src), "--check-store")
    offered = {f["call"]: f["offered"] for f in json.loads(out)}
    assert offered == {"catalog_product.info": True, "sales_order.search": False}


def test_doctor_reports_every_endpoint(store_env, capsys) -> None:
    code, out, _ = run(capsys, "doctor")
    rows = {r["protocol"]: r for r in json.loads(out)}
    assert code == 0 and all(r["ok"] for r in rows.values()), rows
    assert rows["soap_v2"]["wsi"] is False and "Community 1.9.4.5" in rows["soap"]["call"]
    assert rows["soap"]["wsdl"].startswith("valid")


def test_doctor_tells_wrong_key_and_html(store_env, capsys, monkeypatch) -> None:
    monkeypatch.setenv("MAGENTO_API_KEY", "wrong")
    store_env.override["/api/xmlrpc/"] = (200, "text/html", b"<html><title>Home page</title></html>")
    code, out, _ = run(capsys, "doctor")
    rows = {r["protocol"]: r for r in json.loads(out)}
    assert code == 1
    assert "wrong user or API key" in rows["soap"]["problem"]
    assert "HTML page titled 'Home page'" in rows["xmlrpc"]["problem"]


def test_wsdl_pull_fills_the_cache(store_env, capsys, tmp_path) -> None:
    code, out, _ = run(capsys, "--wsdl-cache", str(tmp_path / "c"), "wsdl", "pull")
    rows = json.loads(out)
    assert code == 0 and [r["protocol"] for r in rows] == ["soap", "soap_v2"]
    assert len(list((tmp_path / "c").glob("*.wsdl"))) == 2


def test_precedence_arguments_environment_file(server, capsys, monkeypatch, tmp_path) -> None:
    config = tmp_path / "config.toml"
    config.write_text(f'[default]\nurl = "http://127.0.0.1:9/"\nuser = "apiuser"\napi_key = "apikey123"\n'
                      f'[live]\nurl = "{server.url}"\nuser = "apiuser"\napi_key = "apikey123"\nprotocol = "jsonrpc"\n')
    monkeypatch.setenv("MAGESOAP_CONFIG", str(config))
    for var in ("MAGENTO_URL", "MAGENTO_API_USER", "MAGENTO_API_KEY", "MAGESOAP_PROTOCOL"):
        monkeypatch.delenv(var, raising=False)
    code, out, _ = run(capsys, "--profile", "live", "call", "core_magento.info")
    assert code == 0 and server.requests.get("/api/jsonrpc/")  # the profile's URL and protocol
    monkeypatch.setenv("MAGENTO_URL", server.url)  # the environment beats the file
    code, _, _ = run(capsys, "call", "core_magento.info")
    assert code == 0 and server.requests.get("/api/soap/")
    code, _, err = run(capsys, "--url", "http://127.0.0.1:9/", "--timeout", "2", "call", "core_magento.info")
    assert code == 1 and "cannot connect" in err  # the argument beats the environment
    code, _, err = run(capsys, "--profile", "nope", "call", "x.y")
    assert code == 2 and "no profile [nope]" in err


def test_missing_settings_say_how_to_give_them(capsys, monkeypatch, tmp_path) -> None:
    monkeypatch.setenv("MAGESOAP_CONFIG", str(tmp_path / "none.toml"))
    for var in ("MAGENTO_URL", "MAGENTO_API_USER", "MAGENTO_API_KEY"):
        monkeypatch.delenv(var, raising=False)
    code, _, err = run(capsys, "call", "core_magento.info")
    assert code == 2 and "MAGENTO_URL" in err and "MAGENTO_API_KEY" in err


def test_secrets_never_printed_even_verbose(store_env, capsys, caplog) -> None:
    caplog.set_level(logging.DEBUG)
    code, out, err = run(capsys, "-vv", "--protocol", "xmlrpc", "call", "core_magento.info")
    assert code == 0
    logged = "\n".join(r.getMessage() for r in caplog.records)
    assert "<methodName>login</methodName>" in logged  # the XML is dumped...
    session_ids = list(store_env.store.sessions) + ["apikey123"]
    for text in (out, err, logged):
        for secret in session_ids:
            assert secret not in text  # ...with the key and session ids masked


def test_retry_after_transient_failures(store_env, capsys) -> None:
    store_env.failures["/api/soap/"] = [503, 502]
    code, out, _ = run(capsys, "call", "core_magento.info")
    assert code == 0 and json.loads(out)["magento_edition"] == "Community"


def test_doctor_finds_missing_url_rewrites(capsys, monkeypatch, tmp_path) -> None:
    with FakeStoreServer(rewrites=False) as server:
        monkeypatch.setenv("MAGENTO_URL", server.url)
        monkeypatch.setenv("MAGENTO_API_USER", "apiuser")
        monkeypatch.setenv("MAGENTO_API_KEY", "apikey123")
        monkeypatch.setenv("MAGESOAP_CONFIG", str(tmp_path / "none.toml"))
        code, out, _ = run(capsys, "doctor")
    rows = json.loads(out)
    assert code == 0  # it works, through /index.php/
    assert all(not r["ok"] and "404" in r["problem"] for r in rows[:4])
    assert "URL rewrites" in rows[-1]["problem"] and "/index.php/api/soap/" in rows[-1]["endpoint"]
