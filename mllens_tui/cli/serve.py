"""``mllens serve``: the app in a browser, through textual-serve (the ``serve`` extra).

Every websocket connection (a browser tab) starts its own ``mllens open --ask-name`` process on
the same database, so each tab is its own participant and sees the others' answers as a second
terminal would. On loopback only this machine can connect. Beyond loopback the server hands
out a join code: a random token in the URL it prints; the first page load with it sets a
same-site cookie that the page's websocket and assets then carry. Any request with neither
gets 403 before a handler runs, so no app process is started for it. The code is not a
password for the database: it keeps out whoever is on the network but not in the room.
Traffic is plain HTTP; the access log is off so the code is not written to the terminal.
"""

from __future__ import annotations

import argparse
import hmac
import ipaddress
import os
import secrets
import shlex
import socket
import sys
from typing import Any

from mllens_tui.cli.base import EXIT_OK, EXIT_USAGE, CliError, _out

COOKIE = "mllens_join"


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _reachable_address(host: str) -> str:
    """The address others on the network type for ``host`` (which may be a wildcard)."""
    try:
        wildcard = ipaddress.ip_address(host).is_unspecified
    except ValueError:
        return host
    if not wildcard:
        return host
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
        try:
            # Connecting a UDP socket sends nothing; it only picks the outgoing interface.
            probe.connect(("192.0.2.1", 9))
            address: str = probe.getsockname()[0]
        except OSError:
            address = socket.gethostname()
    return address


def cmd_serve(args: argparse.Namespace) -> int:
    """`mllens serve [--host H] [--port P]`: serve the app to browsers."""
    try:
        from textual_serve.server import Server
    except ImportError:
        raise CliError(
            "mllens serve needs textual-serve, which is not installed. Install it with: "
            "pip install 'mllens-tui[serve]'",
            EXIT_USAGE,
        ) from None
    from aiohttp import web

    from mllens_tui import paths
    from mllens_tui.store.service import Store

    url = args.db or paths.default_db_url()
    with Store.open(url) as store:  # fail now, with exit 3, rather than in every browser
        where = store.where
    # The URL goes to each app process through the environment, not its command line,
    # where `ps` would show a password.
    os.environ["MLLENS_DB"] = url
    if args.lens:
        os.environ["MLLENS_LENS"] = args.lens
    command = shlex.join([sys.executable, "-m", "mllens_tui", "open", "--ask-name"])
    needs_code = args.join_code or not is_loopback(args.host)
    token = secrets.token_urlsafe(16) if needs_code else None
    public = f"http://{_reachable_address(args.host)}:{args.port}"

    class GuardedServer(Server):
        def initialize_logging(self) -> None:
            """No request log: it would print the join code of every request."""

        async def _make_app(self) -> web.Application:
            app: web.Application = await super()._make_app()
            if token is not None:
                app.middlewares.append(_join_code_guard(token))
            return app

        async def on_startup(self, app: web.Application) -> None:
            _announce(public, token, where)

        async def handle_index(self, request: web.Request) -> Any:
            # The page's websocket goes back to the address the browser used (a name, or
            # another interface), so its cookie goes along. The page is built with no await
            # in between, so one request's address cannot leak into another's page.
            self.public_url = f"{request.scheme}://{request.host}"
            return await super().handle_index(request)

    GuardedServer(
        command, host=args.host, port=args.port, title="mllens", public_url=public
    ).serve()
    return EXIT_OK


def _join_code_guard(token: str) -> Any:
    from aiohttp import web

    @web.middleware
    async def guard(request: web.Request, handler: Any) -> web.StreamResponse:
        given = request.query.get("token")
        carried = given or request.cookies.get(COOKIE, "")
        if not hmac.compare_digest(carried.encode(), token.encode()):
            raise web.HTTPForbidden(
                text="mllens: this server needs the join code; open the full URL that "
                "`mllens serve` printed (…/?token=…).\n"
            )
        response: web.StreamResponse = await handler(request)
        if given and not response.prepared:
            response.set_cookie(COOKIE, token, httponly=True, samesite="Strict")
        return response

    return guard


def _announce(public: str, token: str | None, where: str) -> None:
    _out(f"mllens serve: the app for browsers, on the database {where}")
    if token is None:
        _out(f"  Open {public}/ in a browser on this machine.")
        _out("  Listening on loopback only: no other machine can connect, but other users of")
        _out("  this one can (--join-code keeps them out). To let a room join, run:")
        _out("  mllens serve --host 0.0.0.0 (it then asks for a join code).")
    else:
        _out(f"  Share this URL with the room: {public}/?token={token}")
        _out("  The token in it is the join code: a request without it gets 403 and no app")
        _out("  is started. It keeps out others on the network, not people you give the URL;")
        _out("  the connection is plain HTTP, so use it on a network you trust.")
    _out("  Each browser tab is its own participant and is asked for a name first.")
    _out("  Stop with Ctrl+C.")
    sys.stdout.flush()
