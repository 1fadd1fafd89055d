"""Where a store's address and credentials come from: arguments, then environment, then a file.

Arguments override the environment (``MAGENTO_URL``, ``MAGENTO_API_USER``, ``MAGENTO_API_KEY``,
``MAGESOAP_PROTOCOL``), which overrides a TOML file of named profiles
(``$MAGESOAP_CONFIG``, else ``$XDG_CONFIG_HOME/magesoap/config.toml``, else
``~/.config/magesoap/config.toml``)::

    [default]
    url = "https://shop.example.com/"
    user = "apiuser"
    api_key = "..."            # or leave it to MAGENTO_API_KEY
    protocol = "soap_v2"
    timeout = 60
    verify = "/etc/ssl/shop-ca.pem"   # true (default), or a CA bundle
    cert = "/etc/magesoap/client.pem" # a client certificate
    basic_auth = "user:password"      # a store behind HTTP basic auth
    proxy = "http://proxy.internal:3128"
    user_agent = "erp-bridge/2.1"
    rate_limit = 5                    # requests a second

The API key and passwords are kept as :class:`~magesoap._secret.Secret`: no repr or log shows them.
"""
from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any, Mapping

from ._secret import Secret
from .exceptions import UsageError

ENVIRONMENT = {
    "url": "MAGENTO_URL",
    "user": "MAGENTO_API_USER",
    "api_key": "MAGENTO_API_KEY",
    "protocol": "MAGESOAP_PROTOCOL",
}
SECRET_FIELDS = {"api_key", "basic_auth"}


@dataclass
class Profile:
    url: str | None = None
    user: str | None = None
    api_key: Secret | None = field(default=None, repr=False)
    protocol: str = "soap"
    timeout: float | None = None
    verify: bool | str = True
    cert: str | None = None
    basic_auth: Secret | None = field(default=None, repr=False)
    proxy: str | None = None
    user_agent: str | None = None
    rate_limit: float | None = None
    wsdl_cache: str | None = None

    def client_options(self) -> dict[str, Any]:
        """Keyword arguments for :class:`magesoap.Client`."""
        options: dict[str, Any] = {"verify": self.verify}
        if self.timeout is not None:
            options["timeout"] = float(self.timeout)
        if self.cert:
            options["cert"] = self.cert
        if self.basic_auth is not None:
            user, sep, password = self.basic_auth.reveal().partition(":")
            if not sep:
                raise UsageError("basic_auth must be 'user:password'")
            options["auth"] = (user, password)
        if self.proxy:
            options["proxies"] = {"http": self.proxy, "https": self.proxy}
        if self.user_agent:
            options["user_agent"] = self.user_agent
        if self.rate_limit:
            options["rate_limit"] = float(self.rate_limit)
        if self.wsdl_cache:
            options["wsdl_cache"] = self.wsdl_cache
        return options

    def require(self, *names: str) -> None:
        missing = [n for n in names if getattr(self, n) in (None, "")]
        if missing:
            hints = ", ".join(f"--{n.replace('_', '-')} or {ENVIRONMENT[n]}" if n in ENVIRONMENT else f"--{n}"
                              for n in missing)
            raise UsageError(f"no {', '.join(missing)} given: use {hints}, or a profile in the config file")


def config_path(environ: Mapping[str, str] = os.environ) -> Path:
    if environ.get("MAGESOAP_CONFIG"):
        return Path(environ["MAGESOAP_CONFIG"])
    base = Path(environ.get("XDG_CONFIG_HOME") or Path.home() / ".config")
    return base / "magesoap" / "config.toml"


def load_profile(
    overrides: Mapping[str, Any],
    *,
    profile: str | None = None,
    environ: Mapping[str, str] = os.environ,
    path: Path | None = None,
) -> Profile:
    """The settings in force: ``overrides`` (arguments) over ``environ`` over the config file."""
    path = path or config_path(environ)
    values: dict[str, Any] = {}
    if path.exists():
        try:
            document = tomllib.loads(path.read_text("utf-8"))
        except (OSError, tomllib.TOMLDecodeError) as exc:
            raise UsageError(f"cannot read the config file {path}: {exc}") from None
        name = profile or "default"
        if name not in document and profile is not None:
            raise UsageError(f"no profile [{name}] in {path} (it has: {', '.join(document) or 'none'})")
        values.update(document.get(name, {}))
    elif profile is not None:
        raise UsageError(f"--profile {profile} given, but there is no config file at {path}")
    for key, variable in ENVIRONMENT.items():
        if environ.get(variable):
            values[key] = environ[variable]
    values.update({k: v for k, v in overrides.items() if v is not None})
    known = {f.name for f in fields(Profile)}
    unknown = set(values) - known
    if unknown:
        raise UsageError(f"unknown setting(s) {', '.join(sorted(unknown))} (known: {', '.join(sorted(known))})")
    for key in SECRET_FIELDS & set(values):
        if not isinstance(values[key], Secret):
            values[key] = Secret(str(values[key]))
    return Profile(**values)
