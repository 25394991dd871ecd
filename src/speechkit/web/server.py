"""Run the web app on a threaded werkzeug server (``speechkit serve`` and the browser tests)."""

from __future__ import annotations

import errno
import socket
from pathlib import Path

from speechkit.errors import InputFileError, Location, SpeechkitError, describe_os_error


class ServerStartError(SpeechkitError):
    """Raised when the web server cannot listen on the asked address (port taken, bad host)."""


def _probe(host: str, port: int) -> None:
    """Try the address first, so a taken port or unknown host gets a Chinese message."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except OSError:
        raise ServerStartError(f"无法识别监听地址 {host}，请使用 127.0.0.1。") from None
    family, kind, proto, _name, address = infos[0]
    with socket.socket(family, kind, proto) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind(address)
        except OSError as exc:
            if exc.errno == errno.EADDRINUSE:
                raise ServerStartError(
                    f"端口 {port} 已被占用。请换一个端口，例如 --port {port + 1}。"
                ) from None
            raise ServerStartError(
                f"无法在 {host}:{port} 上启动服务：{describe_os_error(exc)}。"
            ) from None


def make_web_server(
    host: str, port: int, profiles_dir: Path, templates_dir: Path, output_dir: Path, **app_options
):
    """Check the folders, build the app and bind a threaded server; return it (not started).

    The returned server has ``serve_forever()``, ``shutdown()``, ``server_close()``, ``port``
    (the real one when ``port`` was 0) and ``url``.
    """
    from werkzeug.serving import make_server

    from speechkit.web import LOOPBACK_HOSTS, create_app

    folders = [(profiles_dir, "乡镇资料文件夹")]
    if app_options.get("templates_explicit", True):  # else the campaign pack's may be used
        folders.append((templates_dir, "模板文件夹"))
    for folder, what in folders:
        if not Path(folder).is_dir():
            raise InputFileError(
                f"找不到{what}。请在项目目录中运行，或用 --profiles / --templates 指定位置。",
                Location(file=str(folder)),
            )
    if "trusted_hosts" not in app_options and host not in LOOPBACK_HOSTS:
        # a named address is trusted as such; a wildcard (0.0.0.0) means "any host name"
        app_options["trusted_hosts"] = (
            None
            if host in ("0.0.0.0", "::", "")
            else (
                *LOOPBACK_HOSTS,
                host,
            )
        )
    app = create_app(profiles_dir, templates_dir, output_dir, **app_options)
    _probe(host, port)
    try:
        server = make_server(host, port, app, threaded=True)
    except (OSError, SystemExit) as exc:  # werkzeug prints and exits on a bind error
        raise ServerStartError(f"无法在 {host}:{port} 上启动服务。") from exc
    shown = f"[{host}]" if ":" in host else host
    server.url = f"http://{shown}:{server.port}/"
    return server
