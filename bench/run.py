"""magesoap's benchmarks, side by side with PHP's SoapClient and the Python peers.

    python bench/run.py            # everything (a few minutes); --quick for fewer repetitions

Starts the project's own test store (``tests/fakestore.py``) in a separate process on loopback,
so the client's CPU time is measured apart from the server's, and prints a table of medians and,
for every comparison, the ratio measured in the same run. Results also go to
``bench/results/latest.json``. PHP's SoapClient (Debian's php-cli + php-soap) and the PyPI peers
(magento1-client, python-magento, magento) are used where they are installed or can be; where
not, the table says so.
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Callable, Iterator

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import magesoap  # noqa: E402
from magesoap import soapenc, xmlsafe  # noqa: E402

SHARED_BENCH = ROOT.parent / "shared" / "magento1" / "bench"
PEERS_DIR = ROOT / "bench" / ".peers"
PEERS = {  # PyPI name -> how its client makes the calls (all three speak XML-RPC)
    "magento1-client": "api",
    "magento": "api",
    "python-magento": "magentoapi",
}
PROTOCOLS = ["soap", "soap_v2", "soap_v2 (WS-I)", "xmlrpc", "jsonrpc"]
RESULTS: dict[str, Any] = {}


@contextmanager
def store(products: int, latency: float = 0.0, wsi: bool = False) -> Iterator[str]:
    """The fake store in its own process; yields its base URL."""
    args = [sys.executable, "-m", "tests.fakestore", "--products", str(products), "--latency", str(latency)]
    proc = subprocess.Popen(args + (["--wsi"] if wsi else []), cwd=ROOT, stdin=subprocess.PIPE,
                            stdout=subprocess.PIPE, text=True)
    try:
        yield proc.stdout.readline().strip()
    finally:
        proc.stdin.close()
        proc.wait(10)


def cpu_per_call(run: Callable[[], Any], calls: int, repeats: int) -> float:
    """Median over ``repeats`` of this process's CPU milliseconds per call."""
    run()  # warm: WSDL, caches, connections
    samples = []
    for _ in range(repeats):
        start = time.process_time()
        for _ in range(calls):
            run()
        samples.append((time.process_time() - start) * 1000 / calls)
    return statistics.median(samples)


WORKLOADS = {  # name -> (v1 path, args, calls per sample)
    "info": ("catalog_product.info", ["SKU-1"], 50),
    "list 1,000 rows": ("catalog_product.list", None, 5),
    "multiCall x100": (None, None, 3),
}


def bench_cpu(repeats: int) -> None:
    rows = {}
    for variant in PROTOCOLS:
        with store(1000, wsi="WS-I" in variant) as url:
            mage = magesoap.connect(url, "apiuser", "apikey123", protocol=variant.split()[0], wsdl_cache=None)
            batch = [("catalog_product.info", [f"SKU-{i}"]) for i in range(1, 101)]
            runs = {
                "info": lambda: mage.call("catalog_product.info", ["SKU-1"]),
                "list 1,000 rows": lambda: mage.call("catalog_product.list"),
                "multiCall x100": lambda: mage.multi_call(batch),
            }
            rows[f"magesoap {variant}"] = {name: cpu_per_call(runs[name], WORKLOADS[name][2], repeats)
                                           for name in WORKLOADS}
            mage.close()
    with store(1000) as url:
        rows.update(bench_php(url, repeats))
        rows.update(bench_peers(url, repeats))
    RESULTS["client_cpu_ms_per_call"] = rows
    print_table("Client CPU per call (ms, median; the store runs in another process)", rows, list(WORKLOADS))
    ours, php = rows.get("magesoap soap", {}), rows.get("PHP SoapClient soap", {})
    ratios = {}
    for name in WORKLOADS:
        if name in php and php[name]:
            ratios[f"soap {name}: PHP / magesoap"] = php[name] / ours[name]
        peers = [row[name] for key, row in rows.items() if key.startswith("peer ") and name in row]
        if peers:
            ratios[f"xmlrpc {name}: fastest peer / magesoap"] = min(peers) / rows["magesoap xmlrpc"][name]
    RESULTS["cpu_ratios"] = ratios
    for key, value in ratios.items():
        print(f"  {key:<48} {value:6.2f}x")


def php_available(install: bool) -> bool:
    """PHP with its SOAP extension, installed from Debian's packages first when asked."""
    def present() -> bool:
        php = shutil.which("php")
        return bool(php) and "soap" in subprocess.run([php, "-m"], capture_output=True, text=True).stdout.lower()

    if not present() and install and shutil.which("apt-get"):
        print("  installing php-cli and php-soap (apt-get) ...")
        subprocess.run(["apt-get", "update", "-qq"], capture_output=True)
        subprocess.run(["apt-get", "install", "-y", "-qq", "php-cli", "php-soap"], capture_output=True,
                       env=dict(os.environ, DEBIAN_FRONTEND="noninteractive"))
    return present()


INSTALL_PHP = False


def bench_php(url: str, repeats: int) -> dict:
    if not php_available(INSTALL_PHP):
        print("  PHP SoapClient: absent (run with --install-php, or apt-get install php-cli php-soap)")
        RESULTS["php"] = "absent"
        return {}
    rows: dict[str, dict] = {}
    # SOAP v1 only: offline, PHP's SoapClient cannot load a v2 WSDL, which imports the SOAP encoding
    # schema by its public URL (PHP fetches it; magesoap bundles it)
    for variant, wsdl in (("soap", "api/soap/?wsdl"),):
        row = {}
        for name, (path, args, calls) in WORKLOADS.items():
            if variant == "soap":
                op, params = ("multiCall", ["$session", [["catalog_product.info", f"SKU-{i}"] for i in range(1, 101)]]) \
                    if path is None else ("call", ["$session", path, args])
            else:
                if path is None:
                    continue  # v2 has no multiCall
                op, params = ("catalogProductInfo", ["$session", "SKU-1"]) if name == "info" \
                    else ("catalogProductList", ["$session"])
            samples = []
            for _ in range(repeats):
                out = subprocess.run(["php", str(ROOT / "bench" / "php_client.php"), url + wsdl, op,
                                      json.dumps(params), str(calls)], capture_output=True, text=True, check=True)
                samples.append(json.loads(out.stdout)["cpu_ms"])
            row[name] = statistics.median(samples)
        rows[f"PHP SoapClient {variant}"] = row
    return rows


PEER_CODE = {
    "api": """
from magento.api import API
api = API({url!r}, "apiuser", "apikey123", protocol="xmlrpc")
api.__enter__()
runs = {{"info": lambda: api.call("catalog_product.info", ["SKU-1"]),
        "list 1,000 rows": lambda: api.call("catalog_product.list", []),
        "multiCall x100": lambda: api.multiCall([["catalog_product.info", ["SKU-%d" % i]] for i in range(1, 101)])}}
""",
    "magentoapi": """
from urllib.parse import urlsplit
from magento import MagentoAPI
u = urlsplit({url!r})
api = MagentoAPI(u.hostname, u.port, "apiuser", "apikey123", allow_none=True)
c, s = api._client, api._session_id
runs = {{"info": lambda: c.call(s, "catalog_product.info", ["SKU-1"]),
        "list 1,000 rows": lambda: c.call(s, "catalog_product.list", []),
        "multiCall x100": lambda: c.multiCall(s, [["catalog_product.info", ["SKU-%d" % i]] for i in range(1, 101)])}}
""",
}
PEER_TIMER = """
import json, statistics, time
out = {{}}
for name, calls in {calls!r}.items():
    runs[name]()
    samples = []
    for _ in range({repeats}):
        start = time.process_time()
        for _ in range(calls):
            runs[name]()
        samples.append((time.process_time() - start) * 1000 / calls)
    out[name] = statistics.median(samples)
print(json.dumps(out))
"""


def bench_peers(url: str, repeats: int) -> dict:
    rows = {}
    for name, kind in PEERS.items():
        target = PEERS_DIR / name
        if not target.exists():
            done = subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", "--disable-pip-version-check",
                                   "--target", str(target), name], capture_output=True, text=True)
            if done.returncode:
                shutil.rmtree(target, ignore_errors=True)
                print(f"  peer {name}: could not be installed ({done.stderr.strip().splitlines()[-1:]})")
                continue
        code = PEER_CODE[kind].format(url=url) + PEER_TIMER.format(
            calls={n: w[2] for n, w in WORKLOADS.items()}, repeats=repeats)
        env = dict(os.environ, PYTHONPATH=str(target))
        out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, cwd=tempfile.gettempdir())
        if out.returncode:
            print(f"  peer {name}: failed ({out.stderr.strip().splitlines()[-1:]})")
            continue
        rows[f"peer {name} xmlrpc"] = json.loads(out.stdout)
    return rows


def bench_decode_real(repeats: int) -> None:
    """Decoding the real store's 1,003-row answers, replayed (no network)."""
    if not SHARED_BENCH.exists():
        print("\nReal 1,003-row answers: absent (../shared/magento1/bench)")
        return
    import xmlrpc.client

    from magesoap.transports.xmlrpc import loads

    v1 = (SHARED_BENCH / "v1-list.response.xml").read_bytes()
    xr = (SHARED_BENCH / "xmlrpc-list.response.xml").read_bytes()
    rows = {
        "magesoap SOAP v1 decode": lambda: soapenc.decode(soapenc.body_child(xmlsafe.parse(v1))[0]),
        "magesoap XML-RPC decode": lambda: loads(xr),
        "stdlib xmlrpc.client.loads": lambda: xmlrpc.client.loads(xr),
    }
    result = {name: cpu_per_call(run, 5, repeats) for name, run in rows.items()}
    RESULTS["decode_real_1003_rows_ms"] = result
    print("\nDecoding the real 1,003-row list answers (ms, median)")
    for name, value in result.items():
        print(f"  {name:<32} {value:8.1f}")


def bench_batching(repeats: int) -> None:
    updates = [("cataloginventory_stock_item.update", [f"SKU-{i % 1000 + 1}", {"qty": i}]) for i in range(1000)]
    result = {}
    with store(1000, latency=0.005) as url:
        mage = magesoap.connect(url, "apiuser", "apikey123", protocol="soap", wsdl_cache=None)
        started = time.perf_counter()
        for path, args in updates:
            mage.call(path, args)
        result["one call at a time (SOAP v1)"] = time.perf_counter() - started
        started = time.perf_counter()
        mage.multi_call(updates, batch_size=100)
        result["multi_call, batches of 100 (SOAP v1)"] = time.perf_counter() - started
        mage.close()
        v2 = magesoap.connect(url, "apiuser", "apikey123", protocol="soap_v2", wsdl_cache=None)
        started = time.perf_counter()
        v2.multi_call(updates, workers=8)
        result["multi_call, 8 workers (SOAP v2)"] = time.perf_counter() - started
        v2.close()
    RESULTS["batching_1000_updates_s"] = result
    base = result["one call at a time (SOAP v1)"]
    print("\n1,000 stock updates, store adds 5 ms per request (seconds, ratio to one at a time)")
    for name, value in result.items():
        print(f"  {name:<40} {value:7.2f} s {base / value:6.1f}x")


MEMORY_CODE = """
import sys
sys.path.insert(0, {root!r})
import magesoap
from magesoap.http import HttpResponse

def peak_bytes():  # VmHWM: this process's peak resident memory (reset by exec, unlike ru_maxrss)
    for line in open("/proc/self/status"):
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) * 1024

body = open({path!r}, "rb").read()
transport = magesoap.Client("http://store.invalid/", "soap", wsdl_cache=None).transport
before = peak_bytes()
result = transport.decode(HttpResponse(200, "text/xml", body, "http://store.invalid/"), "call")  # as a call does
print(len(body), peak_bytes() - before, len(result))
"""


def list_answer(rows: int) -> bytes:
    """A SOAP v1 catalog_product.list answer of ``rows`` rows, as the store writes it."""
    from tests.fakestore import soap_v1_response

    return soap_v1_response("urn:OpenMage", "call", [
        {"product_id": str(i), "sku": f"SKU-{i}", "name": f"Test Product {i}", "set": "4", "type": "simple",
         "category_ids": [], "website_ids": ["1"]} for i in range(1, rows + 1)])


def bench_memory(rows: int) -> None:
    with tempfile.NamedTemporaryFile(suffix=".xml") as answer:
        answer.write(list_answer(rows))
        answer.flush()
        out = subprocess.run([sys.executable, "-c", MEMORY_CODE.format(root=str(ROOT), path=answer.name)],
                             capture_output=True, text=True, check=True)
    size, extra, count = map(int, out.stdout.split())
    RESULTS["memory"] = {"rows": count, "response_bytes": size, "peak_extra_bytes": extra, "ratio": extra / size}
    print(f"\nPeak memory decoding a {count:,}-row SOAP v1 list: {size / 2**20:.0f} MB answer, "
          f"{extra / 2**20:.0f} MB more at peak (the rows themselves included) = {extra / size:.1f}x the answer")


def bench_startup(repeats: int) -> None:
    from bench import startup

    results = startup.measure(repeats)
    RESULTS["startup_ms"] = results


def print_table(title: str, rows: dict[str, dict], columns: list[str]) -> None:
    print(f"\n{title}")
    print(f"  {'':<32}" + "".join(f"{c:>18}" for c in columns))
    for name, row in rows.items():
        print(f"  {name:<32}" + "".join(f"{row[c]:18.2f}" if c in row else f"{'-':>18}" for c in columns))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer repetitions")
    parser.add_argument("--rows", type=int, default=100_000, help="rows for the memory test")
    parser.add_argument("--install-php", action="store_true", help="apt-get install php-cli php-soap if absent")
    parser.add_argument("--only", help="comma-separated parts: cpu,decode,startup,batching,memory")
    args = parser.parse_args()
    global INSTALL_PHP
    INSTALL_PHP = args.install_php
    repeats = 3 if args.quick else 7
    RESULTS["machine"] = {"python": platform.python_version(), "cpus": os.cpu_count(), "platform": platform.platform()}
    parts = {
        "cpu": lambda: bench_cpu(repeats), "decode": lambda: bench_decode_real(repeats),
        "startup": lambda: bench_startup(repeats), "batching": lambda: bench_batching(repeats),
        "memory": lambda: bench_memory(args.rows),
    }
    chosen = args.only.split(",") if args.only else list(parts)
    unknown = set(chosen) - set(parts)
    if unknown:
        parser.error(f"unknown part(s) {', '.join(sorted(unknown))}")
    for name in chosen:
        parts[name]()
    out = ROOT / "bench" / "results" / ("latest.json" if not args.only else f"latest-{'-'.join(chosen)}.json")
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(RESULTS, indent=2) + "\n")
    print(f"\nwritten: {out.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
