"""Rebuild ``magesoap/data/api_model.json`` from the facts of a Magento 1 store's ``api.xml`` files.

Usage: ``python tools/build_api_model.py ../shared/magento1/api-model.json``

The output is magesoap's own compact layout (resources keyed by name, faults keyed by code) plus
one thing the store does not say: whether a method only reads (safe to retry or to batch after a
failure). That classification lives here, in one place, so every consumer agrees on it.
"""
from __future__ import annotations

import json
import sys
from pathlib import Path

#: Method names that never change the store. Everything else is treated as a write.
READ_METHODS = {
    "list", "info", "items", "tree", "level", "options", "types", "attributes",
    "assignedProducts", "listOfAdditionalAttributes", "totals", "license", "getSpecialPrice",
    "getCarriers", "currentStore",
}


def build(source: dict) -> dict:
    resources = {}
    for res in source["resources"]:
        resources[res["name"]] = {
            "title": res["title"],
            "module": res["module"],
            "acl": res["acl"],
            "aliases": res["aliases"],
            "v2_prefix": res["v2_prefix"],
            "methods": {
                m["name"]: {
                    "title": m["title"],
                    "acl": m["acl"],
                    "v2": m["v2_operation"],
                    "read": m["name"] in READ_METHODS,
                }
                for m in res["methods"]
            },
            # a list, not a map by code: Magento reuses a code within one resource (411 twice)
            "faults": [[f["code"], f["name"], f["message"]] for f in res["faults"]],
        }
    return {
        "about": "Magento 1 / OpenMage web-services API: resources, aliases, methods, v2 operations, faults.",
        "global_faults": {str(f["code"]): [f["name"], f["message"]] for f in source["global_faults"]},
        "resources": resources,
    }


if __name__ == "__main__":
    src = Path(sys.argv[1] if len(sys.argv) > 1 else "../shared/magento1/api-model.json")
    out = Path(__file__).resolve().parent.parent / "magesoap" / "data" / "api_model.json"
    out.write_text(json.dumps(build(json.loads(src.read_text())), indent=1, sort_keys=True) + "\n")
    print(f"wrote {out}")
