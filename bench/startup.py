"""Start-up on SOAP v2: import + client + ready to call, cold cache vs warm cache vs plain zeep.

    python bench/startup.py [--runs 7]

Serves the real-size v2 WSDL (``../shared/magento1/wsdl/v2.wsdl``, else the fake store's small
one) on loopback, and times fresh Python processes: each one imports, builds its client and
loads the service description, as a script run by cron would. Prints medians in milliseconds.
"""
from __future__ import annotations

import argparse
import http.server
import statistics
import subprocess
import sys
import tempfile
import threading
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
REAL = ROOT.parent / "shared" / "magento1" / "wsdl"

MAGESOAP = """
import time; t = time.perf_counter()
import magesoap
loaded = time.perf_counter()
client = magesoap.Client({url!r}, "soap_v2", wsdl_cache={cache!r})
client.transport.codec
end = time.perf_counter()
print((end - t) * 1000, (end - loaded) * 1000)
"""
ZEEP = """
import time; t = time.perf_counter()
import zeep, zeep.transports
from magesoap.wsdl import bundled_soap_encoding_schema
loaded = time.perf_counter()
class Offline(zeep.transports.Transport):
    def load(self, url):
        if "soap/encoding" in url: return bundled_soap_encoding_schema()
        return super().load(url)
client = zeep.Client({url!r}, transport=Offline())
client.service  # ready to call
end = time.perf_counter()
print((end - t) * 1000, (end - loaded) * 1000)
"""


def serve(wsdl: bytes) -> tuple[http.server.ThreadingHTTPServer, str]:
    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802
            self.send_response(200)
            self.send_header("Content-Type", "text/xml")
            self.send_header("Content-Length", str(len(wsdl)))
            self.end_headers()
            self.wfile.write(wsdl)

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_port}/"


def timed(code: str) -> tuple[float, float]:
    """(ms from import to ready, ms from imported to ready) in a fresh process."""
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=True)
    total, load = out.stdout.split()
    return float(total), float(load)


def measure(runs: int) -> dict:
    """Print the start-up table and return the medians, in ms (import+ready, ready after import)."""
    if (REAL / "v2.wsdl").exists():
        wsdl, source = (REAL / "v2.wsdl").read_bytes(), "real v2.wsdl"
    else:
        sys.path.insert(0, str(ROOT))
        from tests.fakestore_v2 import v2_wsdl

        wsdl, source = v2_wsdl("urn:Magento", "http://127.0.0.1/api/v2_soap/", False), "fake store's v2 WSDL"
    server, url = serve(wsdl)
    results = {}
    with tempfile.TemporaryDirectory() as tmp:
        cold = []
        for i in range(runs):
            cold.append(timed(MAGESOAP.format(url=url, cache=f"{tmp}/cold{i}")))
        timed(MAGESOAP.format(url=url, cache=f"{tmp}/warm"))
        warm = [timed(MAGESOAP.format(url=url, cache=f"{tmp}/warm")) for _ in range(runs)]
        zeep_cold = [timed(ZEEP.format(url=url + "api/v2_soap/?wsdl=1")) for _ in range(runs)]
        results = {"magesoap cold cache": cold, "magesoap warm cache": warm, "plain zeep (cold)": zeep_cold}
    server.shutdown()
    print(f"\nSOAP v2 start-up, {source} ({len(wsdl) // 1024} KB), median of {runs} fresh processes")
    print(f"  {'':<22} {'import+ready':>12} {'ready (after import)':>21}")
    medians = {}
    for name, values in results.items():
        medians[name] = (statistics.median(v[0] for v in values), statistics.median(v[1] for v in values))
        print(f"  {name:<22} {medians[name][0]:9.1f} ms {medians[name][1]:18.1f} ms")
    zeep_ms, warm_ms = medians["plain zeep (cold)"], medians["magesoap warm cache"]
    print(f"  plain zeep / magesoap warm: {zeep_ms[0] / warm_ms[0]:.1f}x with imports, "
          f"{zeep_ms[1] / warm_ms[1]:.1f}x after imports")
    return {name: {"import_and_ready": total, "ready_after_import": load} for name, (total, load) in medians.items()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    measure(parser.parse_args().runs)


if __name__ == "__main__":
    main()
