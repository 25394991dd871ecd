"""CLI ``speechkit campaigns list|show|check|demo|new`` and the shared ``--campaign`` options."""

from __future__ import annotations

import json
from pathlib import Path

import click

from speechkit.cli._base import SkCommand, SkGroup


def _use_campaign(ctx, param, value):
    from speechkit import campaigns

    campaigns.set_campaign(value or None)
    return value


def _use_campaigns_dir(ctx, param, value):
    if value:
        from speechkit import campaigns

        for folder in value:
            campaigns.add_search_dir(folder)
    return value


def campaign_options(command):
    """``--campaign ID`` (the pack of profiles whose city.yaml names none, the campaign of
    checked texts) and ``--campaigns DIR`` (more pack folders) on a command."""
    command = click.option(
        "--campaign",
        "campaign",
        default=None,
        metavar="代号",
        expose_value=False,
        is_eager=False,
        callback=_use_campaign,
        help="活动包代号（如 xianjinxing-2005）：资料的 city.yaml 没写 pack 时按它校验、生成；"
        "检查文稿时按这个活动的规则检查。",
    )(command)
    return click.option(
        "--campaigns",
        "campaigns_dirs",
        multiple=True,
        type=click.Path(file_okay=False, path_type=Path),
        metavar="文件夹",
        expose_value=False,
        is_eager=True,
        callback=_use_campaigns_dir,
        help="自己的活动包所在文件夹（可多次使用；默认还找 profiles/ 旁边的 campaigns/）。",
    )(command)


@click.group("campaigns", cls=SkGroup)
def campaigns_group() -> None:
    """活动包：列出、检查内置和自己的活动包，取出示例城市，新建活动包。

    \b
    活动包是一个文件夹：campaign.yaml（活动名称、起止、文档类型）、schema.yaml（本活动的资料字段）、
    checks.yaml（跨字段核对）、rules.yaml（本活动的必备提法）、templates/（模板）、demo/（示例城市）。
    """


@campaigns_group.command("list", cls=SkCommand)
@click.option(
    "--format", "fmt", type=click.Choice(["text", "json"]), default="text", help="输出格式。"
)
@campaign_options
def list_cmd(fmt: str) -> None:
    """列出可用的活动包（内置的和自己的）。"""
    from speechkit import campaigns

    packs = campaigns.list_packs()
    if fmt == "json":
        click.echo(json.dumps([p.summary() for p in packs], ensure_ascii=False, indent=2))
        return
    current = campaigns.current_pack().id
    for p in packs:
        when = f"{p.start or '—'} 至 {p.end or '—'}"
        docs = "、".join(d.name for d in p.documents)
        mark = "（当前）" if p.id == current else ""
        origin = "内置" if p.shipped else str(p.root)
        click.echo(f"{p.id}{mark}  {p.name}  {when}  文档：{docs}  [{origin}]")
    click.echo(f"共 {len(packs)} 个活动包。")


@campaigns_group.command("check", cls=SkCommand)
@click.argument("targets", nargs=-1, metavar="[代号或文件夹...]")
@campaign_options
def check_cmd(targets: tuple[str, ...]) -> None:
    """检查活动包：各 YAML 文件、规则包、模板用到的字段是否都已声明。

    不给参数时检查全部活动包。有错误时退出码为 2。
    """
    from speechkit import campaigns
    from speechkit.campaigns.validate import validate_pack
    from speechkit.errors import CampaignPackError

    items = list(targets) or [str(p.root) for p in campaigns.list_packs()]
    problems = []
    for item in items:
        problems += validate_pack(item)
    errors = [p for p in problems if p.severity == "error"]
    for p in problems:
        if p.severity != "error":
            click.echo(str(p))
    if errors:
        raise CampaignPackError(f"活动包检查未通过：{len(errors)} 处错误。", errors)
    click.echo(f"活动包检查通过（{len(items)} 个）。")


@campaigns_group.command("demo", cls=SkCommand)
@click.argument("pack_id", metavar="代号")
@click.argument("folder", type=click.Path(path_type=Path), metavar="文件夹")
@campaign_options
def demo_cmd(pack_id: str, folder: Path) -> None:
    """把活动包的示例城市写成一个资料文件夹（city.yaml、towns/），可在此基础上修改。

    文件夹必须不存在或为空；不会覆盖任何文件。
    """
    from speechkit.campaigns.scaffold import write_demo
    from speechkit.errors import display_path

    written = write_demo(pack_id, folder)
    click.echo(f"已写出 {len(written)} 个文件到 {display_path(folder)}；接着可运行：")
    click.echo(f"  speechkit profiles validate {display_path(folder)}")
    click.echo(f"  speechkit batch --profiles {display_path(folder)}")


@campaigns_group.command("new", cls=SkCommand)
@click.argument("pack_id", metavar="代号")
@click.option(
    "--dir",
    "parent",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("campaigns"),
    help="新活动包放在哪个文件夹（默认 campaigns/）。",
)
@click.option(
    "--name", default=None, metavar="名称", help="活动全称（可稍后在 campaign.yaml 中填写）。"
)
def new_cmd(pack_id: str, parent: Path, name: str | None) -> None:
    """新建活动包骨架：带中文注释的 campaign.yaml、schema.yaml、checks.yaml、rules.yaml，
    一篇占位讲话模板（已构建）和一个示例城市。"""
    from speechkit.campaigns.scaffold import new_pack
    from speechkit.errors import display_path

    root = new_pack(parent / pack_id, name=name)
    click.echo(f"已新建活动包 {display_path(root)}；修改后运行：")
    click.echo(f"  speechkit campaigns check {display_path(root)}")
    click.echo(f"  speechkit campaigns build {display_path(root)}   # 由 templates/src 重建模板")


@campaigns_group.command("build", cls=SkCommand)
@click.argument("targets", nargs=-1, metavar="[代号或文件夹...]")
@campaign_options
def build_cmd(targets: tuple[str, ...]) -> None:
    """由 templates/src 中的源文件重建活动包的模板（结果逐字节可复现）。"""
    from speechkit import campaigns
    from speechkit.campaigns.build import build_pack
    from speechkit.errors import display_path

    packs = [campaigns.get_pack(t) for t in targets] if targets else campaigns.list_packs()
    for pack in packs:
        for path in build_pack(pack.root):
            click.echo(f"已生成 {display_path(path)}")


COMMANDS = [campaigns_group]
