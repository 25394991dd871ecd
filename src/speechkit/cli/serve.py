"""CLI command ``serve``: run the local web page (parse, call the library, print)."""

from __future__ import annotations

from pathlib import Path

import click

from speechkit.cli._base import SkCommand
from speechkit.cli.campaigns import campaign_options
from speechkit.cli.template import render_limit_options

LOOPBACK = ("127.0.0.1", "localhost", "::1")


@click.command(cls=SkCommand)
@click.option("--host", default="127.0.0.1", help="监听地址，默认 127.0.0.1（只允许本机访问）。")
@click.option("--port", default=8000, type=click.IntRange(0, 65535), help="端口，默认 8000。")
@click.option("--open", "open_browser", is_flag=True, help="启动后自动在浏览器中打开。")
@click.option(
    "--profiles",
    default="profiles",
    type=click.Path(path_type=Path, file_okay=False),
    help="乡镇资料文件夹，默认 profiles。",
)
@click.option(
    "--templates",
    default="templates",
    type=click.Path(path_type=Path, file_okay=False),
    help="模板文件夹（.docx），默认 templates。",
)
@click.option(
    "--out",
    default="output",
    type=click.Path(path_type=Path, file_okay=False),
    help="生成文档的输出文件夹，默认 output。",
)
@render_limit_options(
    "生成时每份文档的渲染最多用时；超过即停止本次生成并说明是哪个模板、哪个乡镇。",
    "生成时每份文档的渲染最多新增占用的内存。",
)
@campaign_options
def serve(
    host: str,
    port: int,
    open_browser: bool,
    profiles: Path,
    templates: Path,
    out: Path,
    time_limit: float,
    memory_limit: int,
) -> None:
    """在浏览器中使用 speechkit：修改乡镇资料、生成并下载文档、检查文稿。

    默认只在本机（127.0.0.1）提供服务，按 Ctrl+C 停止。
    """
    import logging

    from speechkit.web.batchjob import JobLimits
    from speechkit.web.server import make_web_server

    logging.getLogger("werkzeug").setLevel(logging.WARNING)  # no English line per request
    source = click.get_current_context().get_parameter_source("templates")
    explicit = source == click.core.ParameterSource.COMMANDLINE
    limits = JobLimits(seconds=time_limit, memory_mb=memory_limit)
    server = make_web_server(
        host, port, profiles, templates, out, templates_explicit=explicit, job_limits=limits
    )
    url = server.url
    if host not in LOOPBACK:
        click.echo(f"注意：正在监听 {host}，局域网内其他电脑也能访问本页面。", err=True)
    click.echo(f"speechkit 浏览器界面已启动：{url}")
    click.echo("按 Ctrl+C 停止。")
    if open_browser:
        import webbrowser

        webbrowser.open(url)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        click.echo("已停止。")
    finally:
        server.server_close()
        server.app.extensions["speechkit.jobs"].cancel_all()  # no run left behind
        server.app.extensions["speechkit.checks"].close()


COMMANDS = [serve]
