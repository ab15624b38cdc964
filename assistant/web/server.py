"""`spine-assist serve`: the consultation in a browser, one app process per browser tab.

textual-serve does the work; this adds what a clinical tool needs around it:

- a token when other machines can reach it (not loopback, or a public URL that is not, as
  behind a proxy): without it every request gets 403 and no process starts;
- one state folder per browser (a random id in a cookie), so resume never offers another
  browser's patients, and a download goes only to the browser whose app made it;
- a limit on concurrent app processes, with a page that says so;
- a page with no request to a third party (textual-serve's own loads a web font).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import shlex
import signal
import socket
import sys
from pathlib import Path
from typing import Any
from urllib.parse import urlencode, urlsplit

import aiohttp_jinja2
import jinja2
from aiohttp import WSCloseCode, web
from textual_serve.app_service import AppService
from textual_serve.server import Server, to_int

from assistant.core import paths
from assistant.core.errors import InputError, Location
from assistant.web import guard

log = logging.getLogger("textual-serve")

TEMPLATES = Path(__file__).resolve().parent / "templates"
DEFAULT_MAX_SESSIONS = 8
SESSION_KEY = "spine_assist.state_folder"  # set by the guard


class BrowserAppService(AppService):
    """One app process, its state in the folder of the browser that opened it."""

    def __init__(self, command: str, *, state_folder: Path, **kwargs: Any) -> None:
        super().__init__(command, **kwargs)
        self.state_folder = state_folder

    def _build_environment(self, width: int = 80, height: int = 24) -> dict[str, str]:
        environment = super()._build_environment(width=width, height=height)
        environment["SPINE_ASSIST_STATE_DIR"] = str(self.state_folder)
        environment["SPINE_ASSIST_NOTES_DIR"] = str(self.state_folder / "notes")
        return environment


class SpineAssistServer(Server):
    """textual-serve's server with a token, per-browser state and a process limit."""

    def __init__(self, *, host: str, port: int, public_url: str | None, token: str | None,
                 max_sessions: int, state_root: Path) -> None:
        command = shlex.join([sys.executable, "-m", "assistant"])
        super().__init__(command, host=host, port=port, title="spine-assist",
                         public_url=public_url, templates_path=TEMPLATES)
        self.given_public_url = public_url
        self.token = token
        self.max_sessions = max_sessions
        self.state_root = state_root
        self.running: dict[BrowserAppService, web.WebSocketResponse] = {}

    # -- the web application ---------------------------------------------------------------

    async def _make_app(self) -> web.Application:
        app = web.Application(middlewares=[self.guard])
        aiohttp_jinja2.setup(app, loader=jinja2.FileSystemLoader(TEMPLATES), autoescape=True)
        app.add_routes([
            web.get("/", self.handle_index, name="index"),
            web.get("/ws", self.handle_websocket, name="websocket"),
            web.get("/download/{key}", self.handle_download, name="download"),
            web.static("/static", self.statics_path, name="static"),
        ])
        app.on_shutdown.append(self.close_sessions)
        return app

    async def close_sessions(self, app: web.Application) -> None:
        """Each app is told to quit (it saves as it goes): no waiting out aiohttp's shutdown
        timeout."""
        await asyncio.gather(*(websocket.close(code=WSCloseCode.GOING_AWAY,
                                               message=b"spine-assist is stopping")
                               for websocket in list(self.running.values())),
                             return_exceptions=True)

    def base_url(self, request: web.Request) -> str:
        """--public-url behind a proxy, else the request's."""
        return (self.given_public_url or f"{request.scheme}://{request.host}").rstrip("/")

    @web.middleware
    async def guard(self, request: web.Request, handler: Any) -> web.StreamResponse:
        """Token, then the browser's session id; nothing else runs without both.

        SameSite=Lax, not Strict: the link is often followed from web mail or chat, and a
        Strict cookie would be withheld from that first visit (a 403, or a new session id).
        Lax still keeps them from another site's websocket, whose Origin is checked too.
        """
        secure = self.base_url(request).startswith("https:")
        if self.token is not None:
            offered = request.query.get("token")
            if offered is not None and guard.token_matches(offered, self.token):
                query = {k: v for k, v in request.query.items() if k != "token"}
                path = "/" + request.path.lstrip("/")  # never `//host`: no redirect elsewhere
                target = path + (f"?{urlencode(query)}" if query else "")
                response = web.HTTPSeeOther(target)  # the token leaves the address bar
                response.set_cookie(guard.TOKEN_COOKIE, self.token, httponly=True,
                                    samesite="Lax", secure=secure, path="/")
                raise response
            if not guard.token_matches(request.cookies.get(guard.TOKEN_COOKIE), self.token):
                return refused(request, "This spine-assist server needs the link with its "
                                        "access token. Ask the person who runs it for the link.")
        session_id = request.cookies.get(guard.SESSION_COOKIE)
        if request.path == "/ws":
            if not guard.valid_session_id(session_id):
                return refused(request, "No browser session: open the start page first.")
            if not guard.same_origin(request.headers.get("Origin"), request.host,
                                     self.given_public_url):
                return refused(request, "A page from another site may not start a session.")
        fresh = None if guard.valid_session_id(session_id) else guard.new_session_id()
        request[SESSION_KEY] = str(guard.session_folder(self.state_root, fresh or session_id or ""))
        response = await handler(request)
        if fresh is not None and request.path == "/":
            response.set_cookie(guard.SESSION_COOKIE, fresh, httponly=True, samesite="Lax",
                                secure=secure, path="/", max_age=guard.SESSION_MAX_AGE)
        return response

    async def handle_index(self, request: web.Request) -> web.StreamResponse:
        if len(self.running) >= self.max_sessions:
            response = page(request, "busy.html", {"limit": self.max_sessions}, status=503)
            response.headers["Retry-After"] = "60"
            return response
        base = self.base_url(request)
        scheme, rest = base.split(":", 1)
        context = {
            "font_size": to_int(request.query.get("fontsize", "16"), 16),
            "app_websocket_url": ("wss:" if scheme == "https" else "ws:") + rest + "/ws",
            "static_url": base + "/static/",
        }
        return page(request, "app_index.html", context)

    async def handle_websocket(self, request: web.Request) -> web.WebSocketResponse:
        """textual-serve's, with the browser's state folder and the process limit."""
        websocket = web.WebSocketResponse(heartbeat=15)
        await websocket.prepare(request)
        if len(self.running) >= self.max_sessions:
            await websocket.close(message=b"spine-assist: every session is in use")
            return websocket
        service = BrowserAppService(
            self.command, state_folder=Path(request[SESSION_KEY]),
            write_bytes=websocket.send_bytes, write_str=websocket.send_str,
            close=websocket.close, download_manager=self.download_manager, debug=self.debug)
        self.running[service] = websocket
        try:
            await service.start(to_int(request.query.get("width", "80"), 80),
                                to_int(request.query.get("height", "24"), 24))
            await self._process_messages(websocket, service)
        except asyncio.CancelledError:
            await websocket.close()
        except Exception as error:  # one broken session must not stop the server
            log.exception(error)
        finally:
            await service.stop()
            self.running.pop(service, None)
        return websocket

    async def handle_download(self, request: web.Request) -> web.StreamResponse:
        """A download goes only to the browser whose app process offered it."""
        key = request.match_info["key"]
        try:
            meta = await self.download_manager.get_download_metadata(key)
        except KeyError:
            raise web.HTTPNotFound(text="No such download") from None
        owner = getattr(meta.app_service, "state_folder", None)
        if owner is None or str(owner) != request[SESSION_KEY]:
            raise web.HTTPNotFound(text="No such download")
        return await super().handle_download(request)

    def initialize_logging(self) -> None:
        """No access log: a first request carries the token."""
        super().initialize_logging()
        logging.getLogger("aiohttp.access").setLevel(logging.WARNING)

    def serve_on(self, sock: socket.socket) -> None:
        """textual-serve's serve(), on a socket already bound: a busy port is a clear error
        before anything is printed."""
        self.initialize_logging()
        loop = asyncio.new_event_loop()
        asyncio.set_event_loop(loop)
        for signal_number in (signal.SIGINT, signal.SIGTERM):
            with contextlib.suppress(NotImplementedError):
                loop.add_signal_handler(signal_number, self.request_exit)
        lines = [f"spine-assist is serving at {self.start_url()}"]
        if self.token is not None:
            lines.append("Share this link only with those who may use it: it holds the token.")
        lines.append("Press Ctrl+C to stop.")
        web.run_app(self._make_app(), sock=sock, handle_signals=False, loop=loop,
                    print=lambda *_: print(*lines, sep="\n", flush=True))

    def start_url(self) -> str:
        """The public URL, else this machine's, with the token if any."""
        if self.given_public_url:
            base = self.given_public_url.rstrip("/")
        else:
            host = self.host
            if host in ("0.0.0.0", "::", ""):
                host = socket.gethostname()
            if ":" in host:
                host = f"[{host}]"
            base = f"http://{host}:{self.port}"
        return base + "/" + (f"?token={self.token}" if self.token else "")


def refused(request: web.Request, reason: str) -> web.Response:
    return page(request, "refused.html", {"reason": reason}, status=403)


def page(request: web.Request, template: str, context: dict[str, Any],
         status: int = 200) -> web.Response:
    """Never cached: each depends on the browser's token and session."""
    response = aiohttp_jinja2.render_template(template, request, context, status=status)
    response.headers["Cache-Control"] = "no-store"
    return response


def serve(args: Any) -> int:
    """`spine-assist serve`."""
    host = args.host or "127.0.0.1"
    token = args.token
    public_host = urlsplit(args.public_url).hostname if args.public_url else None
    if token is None and not (guard.is_loopback(host)
                              and (public_host is None or guard.is_loopback(public_host))):
        token = guard.new_token()  # reachable from other machines, directly or by a proxy
    if token is not None and len(token) < 16:
        raise InputError("--token is too short to be a secret", Location("serve"),
                         "at least 16 characters; or leave it out and one is made up")
    max_sessions = DEFAULT_MAX_SESSIONS if args.max_sessions is None else args.max_sessions
    if max_sessions < 1:
        raise InputError(f"--max-sessions {max_sessions} would let no one in",
                         Location("serve"), "1 or more")
    port = 8000 if args.port is None else args.port
    if not 0 <= port <= 65535:
        raise InputError(f"--port {port} is not a port", Location("serve"), "0 to 65535")
    try:
        sock = bind(host, port)
    except OSError as exc:
        raise InputError(f"cannot listen on {host} port {port}: "
                         f"{exc.strerror or exc}", Location("serve"),
                         "a free port, and an address of this machine") from None
    server = SpineAssistServer(host=host, port=sock.getsockname()[1], public_url=args.public_url,
                               token=token, max_sessions=max_sessions,
                               state_root=paths.state_dir() / "browsers")
    server.serve_on(sock)
    return 0


def bind(host: str, port: int) -> socket.socket:
    """`host`: a name, IPv4 or IPv6 address."""
    family, kind, proto, _, address = socket.getaddrinfo(
        host, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE)[0]
    sock = socket.socket(family, kind, proto)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(address)
        sock.listen(128)
    except OSError:
        sock.close()
        raise
    sock.setblocking(False)
    return sock
