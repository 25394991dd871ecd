"""The ``serve`` command: Chinese help, bad folders and a taken port exit 2 without traceback."""

from __future__ import annotations

import socket


def test_serve_help_is_chinese(cli):
    result = cli("serve", "--help")
    assert result.exit_code == 0
    assert "在浏览器中使用" in result.stdout and "--port" in result.stdout
    assert "默认 127.0.0.1" in result.stdout


def test_missing_profiles_folder_exits_2(cli, tmp_path):
    result = cli("serve", "--profiles", tmp_path / "nope", "--templates", tmp_path)
    assert result.exit_code == 2
    assert "找不到乡镇资料文件夹" in result.stderr and "nope" in result.stderr
    assert "Traceback" not in result.output


def test_port_in_use_exits_2(cli, tmp_path):
    (tmp_path / "profiles").mkdir()
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen(1)
        port = busy.getsockname()[1]
        result = cli(
            "serve", "--port", port, "--profiles", tmp_path / "profiles", "--templates", tmp_path
        )
    assert result.exit_code == 2
    assert f"端口 {port} 已被占用" in result.stderr
    assert "Traceback" not in result.output


def test_make_web_server_binds_loopback_and_serves(tmp_path):
    import threading
    import urllib.request

    from speechkit.web.server import make_web_server

    (tmp_path / "profiles" / "towns").mkdir(parents=True)
    server = make_web_server("127.0.0.1", 0, tmp_path / "profiles", tmp_path, tmp_path / "out")
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        assert server.url.startswith("http://127.0.0.1:")
        with urllib.request.urlopen(server.url, timeout=10) as resp:
            html = resp.read().decode("utf-8")
        assert "没有找到乡镇资料" in html
    finally:
        server.shutdown()
        server.server_close()


def test_trusted_hosts_follow_the_listening_address(tmp_path):
    from speechkit.web.server import make_web_server

    (tmp_path / "profiles").mkdir()
    for host, expected in (("127.0.0.1", ["127.0.0.1", "localhost", "::1"]), ("0.0.0.0", None)):
        server = make_web_server(host, 0, tmp_path / "profiles", tmp_path, tmp_path / "out")
        try:
            assert server.app.config["TRUSTED_HOSTS"] == expected
        finally:
            server.server_close()
