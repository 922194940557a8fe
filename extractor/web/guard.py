"""Which requests reach the site: the defence against DNS rebinding and cross-origin writes.

The server listens on this machine only, but a page on another domain can have its name rebound
to 127.0.0.1 and then read the archive (and, with the cookie it obtained, decide review items) as
if it were this site. Such requests still carry the other domain in `Host`, so only the names of
the address served are answered. A form posted from another site carries that site in `Origin`
(or, without Origin, in `Referer`); a write is taken only when these name this very site.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import urlsplit

from extractor.i18n import _

LOOPBACK = ("127.0.0.1", "localhost", "[::1]")
WRITES = {"POST", "PUT", "PATCH", "DELETE"}
_HOST = re.compile(r"^(?P<name>\[[0-9a-f:.]+\]|[a-z0-9.-]+)(?::(?P<port>\d{1,5}))?$")


@dataclass(frozen=True)
class Guard:
    """The Host values the site answers: its names, with the port served (any port when `port` is
    None: Datasette's in-process client, which sends no port)."""

    names: frozenset[str]
    port: int | None

    @classmethod
    def serving(cls, host: str | None, port: int | None) -> Guard:
        """For a server bound to `host` (None: 127.0.0.1) on `port`: the loopback names and `host`."""
        names = set(LOOPBACK)
        if host:
            host = host.lower()
            names.add(f"[{host}]" if ":" in host and not host.startswith("[") else host)
        return cls(frozenset(names), port)

    def accepts_host(self, value: str) -> bool:
        match = _HOST.match(value.lower())
        if not match or match["name"] not in self.names:
            return False
        if self.port is None:
            return True
        return int(match["port"]) == self.port if match["port"] else self.port == 80

    def refusal(self, method: str, headers: dict[str, str]) -> tuple[int, str] | None:
        """(status, one-line reason) for a request this site must not answer, else None."""
        host = headers.get("host", "")
        if not self.accepts_host(host):
            return 400, _("this server answers only to {names} (Host was {host}); open it at the address "
                          "`xhht serve` printed").format(names=", ".join(sorted(self.names)), host=repr(host))
        if method in WRITES:
            source = headers.get("origin") or headers.get("referer")
            if source is not None and not same_site(source, host):
                return 403, _("refused a write sent from another site ({source}): submit the form from this "
                              "site").format(source=repr(source))
        return None


def same_site(url: str, host: str) -> bool:
    """True when `url` (an Origin or a Referer) is on the site addressed as `host`."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return False
    return parts.scheme in ("http", "https") and parts.netloc.lower() == host.lower()


def wrap(app, guard: Guard):
    """The ASGI app behind `guard`: refused requests get their status and reason as plain text."""

    async def guarded(scope, receive, send):
        if scope["type"] == "http":
            headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope.get("headers", [])}
            refused = guard.refusal(scope.get("method", "GET"), headers)
            if refused:
                status, reason = refused
                body = (reason + "\n").encode("utf-8")
                await send({"type": "http.response.start", "status": status,
                            "headers": [(b"content-type", b"text/plain; charset=utf-8"),
                                        (b"content-length", str(len(body)).encode("ascii"))]})
                await send({"type": "http.response.body", "body": body})
                return
        await app(scope, receive, send)

    return guarded
