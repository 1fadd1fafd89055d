"""The ``magesoap`` command line: calls, listings, diagnostics and a migration audit.

Every listing and explanation comes from the API model (:mod:`magesoap.model`) and the exception
tree, so the command line knows exactly what the library knows. Output is JSON when piped (or
with ``--output json``) and tables on a terminal.
"""
from __future__ import annotations

import argparse
import inspect
import json
import logging
import re
import sys
import time
from pathlib import Path
from typing import Any, Callable, Iterable, Sequence, TextIO

from . import __version__
from .client import Client, endpoint_url
from .config import Profile, config_path, load_profile
from .exceptions import (
    AccessDenied,
    GLOBAL_FAULT_CLASSES,
    RESOURCE_FAULT_CLASSES,
    MagentoFault,
    MagesoapError,
    TLSError,
    TransportError,
    UsageError,
    fault_family,
)
from .model import Method, api_model
from .session import Session
from .transports import TRANSPORTS
from .wsdl import WsdlCache, check_wsdl, fetch_wsdl

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2


# ------------------------------------------------------------------------------------------ output


def emit(value: Any, args: argparse.Namespace, out: TextIO | None = None) -> None:
    out = out or sys.stdout
    if args.output == "json" or (args.output is None and not out.isatty()):
        out.write(json.dumps(value, indent=2, ensure_ascii=False, default=str) + "\n")
        return
    rows: list[dict] | None = None
    if isinstance(value, list) and value and all(isinstance(v, dict) for v in value):
        rows = value
    elif isinstance(value, dict):
        rows = [{"key": k, "value": v} for k, v in value.items()]
    if rows is None:
        out.write(f"{value}\n" if not isinstance(value, (list, dict)) else json.dumps(value, indent=2) + "\n")
        return
    out.write(table(rows) + "\n")


def table(rows: list[dict]) -> str:
    columns: list[str] = []
    for row in rows:
        columns += [c for c in row if c not in columns]

    def cell(value: Any) -> str:
        text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False, default=str)
        return text if len(text) <= 60 else text[:57] + "..."

    cells = [[cell(row.get(c, "")) for c in columns] for row in rows]
    widths = [max(len(c), *(len(r[i]) for r in cells)) for i, c in enumerate(columns)]
    lines = ["  ".join(c.ljust(w) for c, w in zip(columns, widths)).rstrip(),
             "  ".join("-" * w for w in widths)]
    lines += ["  ".join(v.ljust(w) for v, w in zip(r, widths)).rstrip() for r in cells]
    return "\n".join(lines)


def fault_json(fault: MagentoFault) -> dict:
    return {"fault": {"code": fault.code, "name": fault.fault_name, "message": fault.message,
                      "class": type(fault).__name__}}


# ------------------------------------------------------------------------------------------ store


def profile_of(args: argparse.Namespace) -> Profile:
    overrides = {
        "url": args.url, "user": args.user, "protocol": args.protocol, "timeout": args.timeout,
        "cert": args.cert, "proxy": args.proxy, "user_agent": args.user_agent, "rate_limit": args.rate_limit,
        "wsdl_cache": args.wsdl_cache,
        "verify": False if args.insecure else args.ca_bundle,
        "basic_auth": args.basic_auth,
    }
    return load_profile(overrides, profile=args.profile)


def session_of(args: argparse.Namespace) -> Session:
    profile = profile_of(args)
    profile.require("url", "user", "api_key")
    client = Client(str(profile.url), profile.protocol, **profile.client_options())
    session = Session(client, profile.user, profile.api_key.reveal())  # type: ignore[arg-type, union-attr]
    return session.open()


# ------------------------------------------------------------------------------------------ commands


def cmd_call(args: argparse.Namespace) -> int:
    call_args = _json_arg(args.args_json) if args.args_json is not None else None
    with session_of(args) as mage:
        emit(mage.call(args.path, call_args, retry_writes=args.retry_writes), args)
    return EXIT_OK


def cmd_multicall(args: argparse.Namespace) -> int:
    calls = read_calls(Path(args.file))
    progress = sys.stderr.isatty() and not args.quiet

    def report(done: int, total: int) -> None:
        if progress:
            width = 30
            filled = width * done // max(total, 1)
            sys.stderr.write(f"\r[{'#' * filled}{'.' * (width - filled)}] {done}/{total}")
            sys.stderr.flush()

    with session_of(args) as mage:
        results = mage.multi_call(calls, break_on_error=args.break_on_error, batch_size=args.batch_size,
                                  progress=report)
    if progress:
        sys.stderr.write("\n")
    failed = 0
    for (path, _), entry in zip(calls, results):
        if isinstance(entry, MagentoFault):
            failed += 1
            line = {"path": path} | fault_json(entry)
        else:
            line = {"path": path, "result": entry}
        sys.stdout.write(json.dumps(line, ensure_ascii=False, default=str) + "\n")
    skipped = len(calls) - len(results)
    summary = f"{len(results) - failed} of {len(calls)} calls succeeded"
    if failed:
        summary += f", {failed} failed"
    if skipped:
        summary += f", {skipped} not run (--break)"
    print(summary, file=sys.stderr)
    return EXIT_FAILED if failed else EXIT_OK


def read_calls(path: Path) -> list[tuple[str, Any]]:
    """A JSON list, or JSON Lines, of ``[path, args]`` (or ``[path]``, or a bare path)."""
    try:
        text = path.read_text("utf-8")
    except OSError as exc:
        raise UsageError(f"cannot read {path}: {exc.strerror}") from None
    try:
        document = json.loads(text)
        items = document if isinstance(document, list) else [document]
    except ValueError:
        items = []
        for number, line in enumerate(text.splitlines(), 1):
            if line.strip():
                try:
                    items.append(json.loads(line))
                except ValueError as exc:
                    raise UsageError(f"{path}:{number}: not JSON ({exc})") from None
    calls = []
    for index, item in enumerate(items, 1):
        if isinstance(item, str):
            calls.append((item, None))
        elif isinstance(item, list) and 1 <= len(item) <= 2 and isinstance(item[0], str):
            calls.append((item[0], item[1] if len(item) == 2 else None))
        else:
            raise UsageError(f"{path}: entry {index} is not [path, args]: {json.dumps(item)[:80]}")
    return calls


def cmd_resources(args: argparse.Namespace) -> int:
    with session_of(args) as mage:
        resources = mage.resources()
    if args.output == "json" or (args.output is None and not sys.stdout.isatty()):
        emit(resources, args)
    else:
        emit([{"resource": r.get("name"), "aliases": ", ".join(r.get("aliases") or []),
               "methods": ", ".join(m.get("name", "") for m in r.get("methods") or [])} for r in resources], args)
    return EXIT_OK


def cmd_faults(args: argparse.Namespace) -> int:
    with session_of(args) as mage:
        emit(mage.resource_faults(args.resource) if args.resource else mage.global_faults(), args)
    return EXIT_OK


def explain(code: int, resource: str | None = None) -> list[dict]:
    """What fault ``code`` means, from the API model and the exception tree."""
    model = api_model()
    if code in model.global_faults:
        fault = model.global_faults[code]
        cls = GLOBAL_FAULT_CLASSES[code]
        return [{"code": code, "name": fault.name, "message": fault.message, "raised_by": "any resource",
                 "exception": f"magesoap.{cls.__name__}", "what_to_check": inspect.getdoc(cls) or ""}]
    entries = []
    wanted = model.resource_of(resource) if resource else None
    if resource and wanted is None:
        raise UsageError(f"unknown resource {resource!r}: see `magesoap map` or `magesoap resources`")
    for res in model.resources.values():
        if wanted is not None and res is not wanted:
            continue
        for fault in res.faults_with_code(code):
            family = fault_family(fault.name)
            cls = RESOURCE_FAULT_CLASSES[(res.name, fault.name)]
            entries.append({
                "code": code, "name": fault.name, "message": fault.message, "raised_by": res.name,
                "exception": f"magesoap.faults.{cls.__name__} ({family.__name__})",
                "what_to_check": inspect.getdoc(family) or "",
            })
    return entries


def cmd_explain(args: argparse.Namespace) -> int:
    entries = explain(args.code, args.resource)
    if not entries:
        print(f"fault {args.code} is not defined by any core resource"
              + (f" ({args.resource})" if args.resource else "")
              + ": an extension's, or a number the store made up; its message is what there is.",
              file=sys.stderr)
        return EXIT_FAILED
    emit(entries, args)
    return EXIT_OK


def mapping(name: str) -> dict:
    """A v1 path, alias path or v2 operation name, with every other name for the same method."""
    model = api_model()
    method: Method | None = model.resolve(name).method or model.by_v2_operation(name)
    if method is None:
        resource = model.resource(name)
        if resource is None:
            raise UsageError(
                f"{name!r} is neither a core v1 path (resource.method), an alias, a resource nor a v2 "
                "operation: if it comes from an extension, only the store knows it (`magesoap resources`)"
            )
        return {"resource": resource.name, "aliases": list(resource.aliases), "title": resource.title,
                "methods": {m.name: m.v2_operation for m in resource.methods.values()}}
    resource = model.resources[method.resource]
    return {
        "path": method.path,
        "aliases": [f"{alias}.{method.name}" for alias in resource.aliases],
        "v2_operation": method.v2_operation,
        "title": method.title,
        "acl": method.acl or resource.acl,
        "kind": "read" if method.read else "write",
    }


def cmd_map(args: argparse.Namespace) -> int:
    emit(mapping(args.name), args)
    return EXIT_OK


_QUOTED_PATH = re.compile(r"""['"]([a-z][a-z0-9_]*\.[a-zA-Z][a-zA-Z0-9]*)['"]""")
_IDENTIFIER = re.compile(r"\b([a-z][a-zA-Z0-9]+)\s*\(")


def scan(paths: Iterable[Path]) -> list[dict]:
    """Magento API calls in PHP or Python source: v1 paths in calls and multiCall entries, and v2
    operation names."""
    model = api_model()
    found = []
    for path in paths:
        try:
            lines = path.read_text("utf-8", errors="replace").splitlines()
        except OSError as exc:
            raise UsageError(f"cannot read {path}: {exc.strerror}") from None
        for number, line in enumerate(lines, 1):
            for match in _QUOTED_PATH.finditer(line):
                api_path = match.group(1)
                resolved = model.resolve(api_path)
                in_call = re.search(r"call|multi", line, re.I) is not None
                if resolved.resource is None and not in_call:
                    continue  # a dotted string that is not an API path ('config.toml')
                found.append(_finding(path, number, api_path, resolved.method))
            for match in _IDENTIFIER.finditer(line):
                method = model.by_v2_operation(match.group(1))
                if method is not None:
                    found.append(_finding(path, number, match.group(1), method))
    return found


def _finding(path: Path, line: int, name: str, method: Method | None) -> dict:
    if method is None:
        return {"where": f"{path}:{line}", "call": name, "path": None, "v2_operation": None,
                "note": "not a core Magento 1 path: an extension's? check the store offers it"}
    resource = api_model().resources[method.resource]
    return {"where": f"{path}:{line}", "call": name, "path": method.path,
            "aliases": [f"{a}.{method.name}" for a in resource.aliases], "v2_operation": method.v2_operation,
            "kind": "read" if method.read else "write"}


def cmd_scan(args: argparse.Namespace) -> int:
    findings = scan(Path(p) for p in args.files)
    offered: set[str] | None = None
    if args.check_store:
        with session_of(args) as mage:
            offered = {m.get("path") for r in mage.resources() for m in r.get("methods") or []}
    for finding in findings:
        if offered is not None:
            finding["offered"] = finding["path"] in offered if finding["path"] else finding["call"] in offered
    emit(findings, args)
    unknown = [f for f in findings if f["path"] is None or f.get("offered") is False]
    return EXIT_FAILED if unknown else EXIT_OK


def cmd_wsdl_pull(args: argparse.Namespace) -> int:
    profile = profile_of(args)
    profile.require("url")
    cache = WsdlCache(profile.wsdl_cache) if profile.wsdl_cache else WsdlCache()
    rows = []
    for protocol in ("soap", "soap_v2"):
        client = Client(str(profile.url), protocol, **(profile.client_options() | {"wsdl_cache": cache}))
        url = str(client.transport.wsdl_url)
        body = fetch_wsdl(url, client.http, cache, refresh=True)
        rows.append({"protocol": protocol, "wsdl": url, "bytes": len(body), "operations": check_wsdl(body),
                     "cached_as": str(cache.path(url))})
    emit(rows, args)
    return EXIT_OK


def probe(profile: Profile, protocol: str, base_url: str) -> dict:
    """One endpoint: reachable, the right kind of answer, login, a harmless call, and latency."""
    row: dict[str, Any] = {"protocol": protocol, "endpoint": endpoint_url(base_url, protocol)}
    started = time.perf_counter()
    try:
        client = Client(base_url, protocol, **(profile.client_options() | {"wsdl_cache": None}))
        wsdl_url = client.transport.wsdl_url
        if wsdl_url:
            body = fetch_wsdl(wsdl_url, client.http, None)
            row["wsdl"] = f"valid, {check_wsdl(body)} operations"
        if profile.user and profile.api_key:
            with Session(client, profile.user, profile.api_key.reveal()) as mage:
                row["login"] = "ok"
                if protocol == "soap_v2":
                    row["wsi"] = mage.wsi
                try:
                    info = mage.call("core_magento.info")
                    row["call"] = f"core_magento.info: {info.get('magento_edition')} {info.get('magento_version')}"
                except AccessDenied:
                    row["call"] = "login works, but this user's role lacks core_magento.info (ACL: role resources)"
        row["ok"] = True
    except AccessDenied as fault:
        row["ok"], row["problem"] = False, f"login refused ({fault.message}): wrong user or API key"
    except TLSError as error:
        row["ok"], row["problem"] = False, str(error)
    except (TransportError, MagentoFault) as error:
        row["ok"], row["problem"] = False, _diagnose(error)
    row["ms"] = round((time.perf_counter() - started) * 1000)
    return row


def _diagnose(error: MagesoapError) -> str:
    text = str(error)
    if "SoapServer" in text or "Class 'Soap" in text:
        return text + " -- the PHP SOAP extension is missing on the server (install php-soap)"
    return text


def cmd_doctor(args: argparse.Namespace) -> int:
    profile = profile_of(args)
    profile.require("url")
    base_url = str(profile.url)
    rows = [probe(profile, protocol, base_url) for protocol in ("soap", "soap_v2", "xmlrpc", "jsonrpc")]
    if not any(r["ok"] for r in rows) and "/index.php" not in base_url:
        alt = base_url.rstrip("/") + "/index.php/"
        if probe(profile, profile.protocol, alt)["ok"]:
            rows.append({"protocol": profile.protocol, "endpoint": endpoint_url(alt, profile.protocol), "ok": True,
                         "problem": "works only with /index.php/: URL rewrites for /api/ are missing on the "
                                    "web server; use this base URL or fix the rewrites"})
    emit(rows, args)
    return EXIT_OK if any(r["ok"] and r.get("protocol") == profile.protocol for r in rows) else EXIT_FAILED


# ------------------------------------------------------------------------------------------ parser


def _json_arg(text: str) -> Any:
    try:
        return json.loads(text)
    except ValueError:
        return text  # a bare word such as a SKU: what PHP callers pass as a scalar


def add_common_options(parser: argparse.ArgumentParser) -> None:
    store = parser.add_argument_group("store")
    store.add_argument("--url", help="the store's base URL, e.g. https://shop.example.com/")
    store.add_argument("--user", help="API user (key: MAGENTO_API_KEY or the config file, never an argument)")
    store.add_argument("--protocol", choices=sorted(TRANSPORTS), help="Magento adapter (default: soap)")
    store.add_argument("--profile", help="a profile of the config file (default: [default])")
    conn = parser.add_argument_group("connection")
    conn.add_argument("--timeout", type=float, help="seconds to wait for the store")
    conn.add_argument("--ca-bundle", help="CA bundle to verify the store's certificate")
    conn.add_argument("--insecure", action="store_true", help="do not verify TLS (warns; never in production)")
    conn.add_argument("--cert", help="client certificate (PEM)")
    conn.add_argument("--basic-auth", metavar="USER:PASSWORD", help="HTTP basic auth in front of the store")
    conn.add_argument("--proxy", help="HTTP(S) proxy URL")
    conn.add_argument("--user-agent")
    conn.add_argument("--rate-limit", type=float, metavar="PER_SECOND", help="at most this many requests a second")
    conn.add_argument("--wsdl-cache", metavar="DIR", help="WSDL cache folder (default ./wsdl_cache)")
    parser.add_argument("--output", choices=["json", "table"], help="default: table on a terminal, JSON when piped")
    parser.add_argument("-v", "--verbose", action="count", default=0,
                        help="-v: one log line per call; -vv: also the XML, secrets masked")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="magesoap",
        description="Talk to a Magento 1 / OpenMage store's web-services API: calls, listings, diagnostics.",
        epilog=(f"Settings: arguments, then MAGENTO_URL, MAGENTO_API_USER, MAGENTO_API_KEY, MAGESOAP_PROTOCOL, "
                f"then the config file ({config_path()}). The API key is never printed."),
    )
    parser.add_argument("--version", action="version", version=f"magesoap {__version__}")
    add_common_options(parser)
    common = argparse.ArgumentParser(add_help=False, argument_default=argparse.SUPPRESS)
    add_common_options(common)  # the same options after the command, e.g. `magesoap call ... --output json`
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)

    def command(name: str, func: Callable[[argparse.Namespace], int], help_text: str) -> argparse.ArgumentParser:
        cmd = sub.add_parser(name, help=help_text, description=help_text, parents=[common])
        cmd.set_defaults(func=func)
        return cmd

    call = command("call", cmd_call, "call one resource path and print the result")
    call.add_argument("path", help="resource path, e.g. catalog_product.info or product.info")
    call.add_argument("args_json", nargs="?", help='arguments as JSON, e.g. \'["SKU-1"]\' (a bare word is a scalar)')
    call.add_argument("--retry-writes", action="store_true", help="allow retrying this call even if it writes")
    multi = command("multicall", cmd_multicall, "run a batch of calls from a JSON or JSON Lines file of [path, args]")
    multi.add_argument("file")
    multi.add_argument("--break", dest="break_on_error", action="store_true", help="stop at the first failure")
    multi.add_argument("--batch-size", type=int, default=100, help="calls per request (default 100)")
    multi.add_argument("--quiet", action="store_true", help="no progress bar")
    command("resources", cmd_resources, "the resources and methods this user may call")
    faults = command("faults", cmd_faults, "the store's global faults, or a resource's faults")
    faults.add_argument("resource", nargs="?")
    exp = command("explain", cmd_explain, "what a fault code means, who raises it, what to check (offline)")
    exp.add_argument("code", type=int)
    exp.add_argument("--resource", help="the resource called (codes 100+ depend on it)")
    mp = command("map", cmd_map, "v1 path <-> aliases <-> v2 operation name (offline)")
    mp.add_argument("name", help="catalog_product.info, product.info or catalogProductInfo")
    command("doctor", cmd_doctor, "probe every endpoint of the store and say what works")
    wsdl = command("wsdl", lambda a: cmd_wsdl_pull(a), "fill the WSDL cache for offline use: magesoap wsdl pull")
    wsdl.add_argument("action", choices=["pull"])
    sc = command("scan", cmd_scan, "find Magento API calls in PHP or Python scripts (a migration audit)")
    sc.add_argument("files", nargs="+")
    sc.add_argument("--check-store", action="store_true", help="also ask the store whether it offers each one")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.verbose:
        logging.basicConfig(level=logging.DEBUG if args.verbose > 1 else logging.INFO, stream=sys.stderr,
                            format="%(levelname)s %(name)s: %(message)s")
    try:
        return args.func(args)
    except UsageError as error:
        print(f"magesoap: {error}", file=sys.stderr)
        return EXIT_USAGE
    except MagentoFault as fault:
        if args.output == "json" or (args.output is None and not sys.stdout.isatty()):
            sys.stdout.write(json.dumps(fault_json(fault)) + "\n")
        print(f"magesoap: {fault}", file=sys.stderr)
        return EXIT_FAILED
    except MagesoapError as error:
        print(f"magesoap: {error}", file=sys.stderr)
        return EXIT_FAILED


if __name__ == "__main__":
    raise SystemExit(main())
