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
        assert "还没有乡镇资料" in html
    finally:
        server.shutdown()
        server.server_close()


def test_trusted_hosts_follow_the_listening_address(tmp_path):
    from speechkit.web.server import make_web_server

    (tmp_path / "profiles").mkdir()
    for host, expected in (("127.0.0.1", ["127.0.0.1", "localhost", "::1"]), ("0.0.0.0", None)):
        server = make_web_server(host, 0, tmp_path / "profiles", tmp_path, tmp_path / "out")
        try:
            assert server.app.config["SPEECHKIT_TRUSTED_HOSTS"] == expected
        finally:
            server.server_close()


def test_open_flag_opens_the_browser_and_ctrl_c_stops_cleanly(cli, tmp_path, monkeypatch):
    import webbrowser

    import speechkit.web.server as server_module

    (tmp_path / "profiles").mkdir()
    opened: list[str] = []
    closed: list[bool] = []

    real = server_module.make_web_server

    def fake_make(*args, **kwargs):
        server = real(*args, **kwargs)

        def stop():
            raise KeyboardInterrupt

        server.serve_forever = stop
        original_close = server.server_close
        server.server_close = lambda: (closed.append(True), original_close())
        return server

    monkeypatch.setattr(server_module, "make_web_server", fake_make)
    monkeypatch.setattr(webbrowser, "open", lambda url: opened.append(url) or True)
    result = cli(
        "serve",
        "--port",
        "0",
        "--open",
        "--profiles",
        tmp_path / "profiles",
        "--templates",
        tmp_path,
    )
    assert result.exit_code == 0, result.output
    assert "浏览器界面已启动：http://127.0.0.1:" in result.stdout and "已停止" in result.stdout
    assert opened and opened[0].startswith("http://127.0.0.1:") and closed == [True]


def test_render_budget_options_reach_the_generation(cli, tmp_path, monkeypatch):
    import speechkit.web.server as server_module
    from speechkit.web.batchjob import JobLimits

    (tmp_path / "profiles").mkdir()
    seen: list[JobLimits] = []
    real = server_module.make_web_server

    def fake_make(*args, **kwargs):
        server = real(*args, **kwargs)
        seen.append(server.app.extensions["speechkit"].job_limits)

        def stop():
            raise KeyboardInterrupt

        server.serve_forever = stop
        return server

    monkeypatch.setattr(server_module, "make_web_server", fake_make)
    result = cli(
        "serve",
        "--port",
        "0",
        "--profiles",
        tmp_path / "profiles",
        "--templates",
        tmp_path,
        "--time-limit",
        "5",
        "--memory-limit",
        "300",
    )
    assert result.exit_code == 0, result.output
    assert (seen[0].seconds, seen[0].memory_mb) == (5.0, 300)
    help_text = "".join(cli("serve", "--help").stdout.split())  # lines wrapped anywhere
    assert "--time-limit" in help_text and "哪个模板、哪个乡镇" in help_text
