"""One exception class per Magento resource fault, generated from the API model.

``magesoap.faults.CatalogProductProductNotExists`` is what ``catalog_product.info`` raises for
code 101; it derives from :class:`magesoap.NotFound`, so callers may catch either. The full
tree is documented in :mod:`magesoap.exceptions`.
"""
from __future__ import annotations

from .exceptions import RESOURCE_FAULT_CLASSES

globals().update({cls.__name__: cls for cls in RESOURCE_FAULT_CLASSES.values()})
__all__ = sorted(cls.__name__ for cls in RESOURCE_FAULT_CLASSES.values())
