from __future__ import annotations

from pathlib import Path

import pytest

from .fakestore import FakeStoreServer

SHARED = Path(__file__).resolve().parent.parent.parent / "shared" / "magento1"


def shared_dir(*parts: str) -> Path:
    """A folder of the real store's captures, or a skip saying why it is missing."""
    path = SHARED.joinpath(*parts)
    if not path.exists():
        pytest.skip(f"real-store captures not found at {path} (they sit beside the checkout in CI only)")
    return path


@pytest.fixture
def server():
    with FakeStoreServer() as srv:
        yield srv


@pytest.fixture(autouse=True)
def _wsdl_cache_in_tmp(tmp_path, monkeypatch):
    """Tests never write into the checkout's wsdl_cache/."""
    monkeypatch.setenv("MAGESOAP_WSDL_CACHE", str(tmp_path / "wsdl_cache"))
