"""CLI commands ``speechkit profiles validate|new|show|list`` (parse, call the library, print)."""

from __future__ import annotations

from pathlib import Path

import click

from speechkit.cli._base import SkGroup
from speechkit.cli.campaigns import campaign_options

_PROFILES_OPTION = click.option(
    "--profiles",
    "profiles_dir",
    type=click.Path(path_type=Path, file_okay=False),
    default=Path("profiles"),
    metavar="文件夹",
    help="资料文件夹（含 city.yaml 和 towns/；默认 profiles）。",
)


@click.group("profiles", cls=SkGroup)
def profiles() -> None:
    """乡镇资料：校验、新建、查看、列出。

    \b
    资料放在 profiles/ 下：city.yaml 是全市共用的资料，towns/<代号>.yaml 每个乡镇一个。
    乡镇文件中的值覆盖 city.yaml 中的同名值（列表整体替换）。
    """


@profiles.command("validate")
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path), metavar="[路径...]")
@campaign_options
def validate_cmd(paths: tuple[Path, ...]) -> None:
    """校验资料文件或资料文件夹（默认 profiles/），列出全部问题。

    \b
    每个问题一行：文件:行:列 键路径 [错误/警告] 说明。
    全部有效时退出码为 0（警告照样列出）；有错误时退出码为 2。
    """
    from speechkit.errors import ProfileError
    from speechkit.profiles import has_errors, validate

    targets = list(paths) or [Path("profiles")]
    problems = validate(targets)
    errors = sum(p.severity == "error" for p in problems)
    warnings = len(problems) - errors
    shown = "、".join(str(t) for t in targets)
    if has_errors(problems):
        raise ProfileError(
            f"校验未通过（{shown}）：{errors} 处错误，{warnings} 处警告。请按下列位置逐条修改：",
            problems,
        )
    for problem in problems:
        click.echo(str(problem))
    tail = f"，{warnings} 处警告（不影响使用，建议处理）" if warnings else ""
    click.echo(f"校验通过（{shown}）：没有错误{tail}。")


@profiles.command("new")
@click.argument("slug", metavar="代号")
@_PROFILES_OPTION
@click.option("--name", default=None, metavar="名称", help="乡镇全称，如 东湖镇（可稍后再填）。")
@click.option(
    "--kind",
    type=click.Choice(["镇", "区", "街道"]),
    default=None,
    help="类别：镇、区 或 街道（可稍后再填）。",
)
@campaign_options
def new_cmd(slug: str, profiles_dir: Path, name: str | None, kind: str | None) -> None:
    """新建乡镇资料 towns/代号.yaml：带中文注释的空白模板，不覆盖已有文件。

    代号用小写英文字母和数字（如 donghu），作文件名用。把文件中每个“〔待填〕”换成实际内容，
    再运行 speechkit profiles validate 检查。
    """
    from speechkit.errors import display_path
    from speechkit.profiles.scaffold import new_town

    path = new_town(profiles_dir, slug, name=name, kind=kind)
    click.echo(f"已新建 {display_path(path)}；请把其中的“〔待填〕”换成实际内容，然后运行：")
    click.echo(f"  speechkit profiles validate {display_path(path)}")


@profiles.command("show")
@click.argument("slug", metavar="代号")
@_PROFILES_OPTION
@click.option(
    "--derived", is_flag=True, help="同时显示推导出的值（如党委全称），即模板看到的内容。"
)
@campaign_options
def show_cmd(slug: str, profiles_dir: Path, derived: bool) -> None:
    """显示一个乡镇合并后的资料（city.yaml 与乡镇文件合并），YAML 格式。"""
    import io

    from ruamel.yaml import YAML

    from speechkit.profiles import load_profile

    profile = load_profile(_town_path(profiles_dir, slug))
    yaml = YAML(typ="safe", pure=True)
    yaml.default_flow_style = False
    yaml.allow_unicode = True
    yaml.sort_base_mapping_type_on_output = False
    buf = io.StringIO()
    yaml.dump(profile.context() if derived else profile.data, buf)
    click.echo(buf.getvalue(), nl=False)
    for warning in profile.warnings:
        click.echo(str(warning), err=True)


@profiles.command("list")
@_PROFILES_OPTION
@campaign_options
def list_cmd(profiles_dir: Path) -> None:
    """列出全部乡镇及其资料是否有效。

    有无效的乡镇资料时退出码为 2（无效乡镇的党员数不计入合计）。
    """
    from speechkit.errors import ProfileError, display_path
    from speechkit.profiles import assemble, find_towns

    towns = find_towns(profiles_dir)
    if not towns:
        click.echo(
            f"{display_path(profiles_dir)} 中还没有乡镇资料；可用 speechkit profiles new 代号 新建。"
        )
        return
    from speechkit.campaigns import pack_of_folder
    from speechkit.errors import CampaignPackError

    try:
        pack = pack_of_folder(profiles_dir)
        click.echo(f"活动：{pack.name}（活动包 {pack.id}）")
    except CampaignPackError:
        pass  # each town's row reports the unknown or invalid pack
    total, expected, bad = 0, None, 0
    click.echo(f"{_pad('代号', 14)}{_pad('名称', 12)}{_pad('类别', 6)}{'党员数':>5}  状态")
    for path in towns:
        profile, problems = assemble(path)
        errors = sum(p.severity == "error" for p in problems)
        warnings = len(problems) - errors
        if profile is None or errors:
            bad += 1
            click.echo(
                f"{_pad(path.stem, 14)}{_pad('—', 12)}{_pad('—', 6)}{'—':>8}  无效（{errors} 处错误）"
            )
            continue
        town = profile.data["town"]
        members = profile.data["party"]["members"]
        total += members
        expected = profile.data["campaign"]["members"]
        state = f"有效（{warnings} 处警告）" if warnings else "有效"
        row = f"{_pad(path.stem, 14)}{_pad(town['name'], 12)}{_pad(town['kind'], 6)}"
        click.echo(f"{row}{members:>8}  {state}")
    if bad:
        click.echo(
            f"共 {len(towns)} 个乡镇，其中 {bad} 个无效；有效的 {len(towns) - bad} 个"
            f"党员合计 {total} 人（无效乡镇未计入，未与 campaign.members 核对）。"
        )
        raise ProfileError(
            f"{bad} 个乡镇的资料无效，运行 speechkit profiles validate "
            f"{display_path(profiles_dir)} 查看原因"
        )
    summary = f"共 {len(towns)} 个乡镇，党员合计 {total} 人"
    if expected is not None:
        same = "一致" if total == expected else f"不一致，相差 {abs(total - expected)} 人"
        summary += f"（campaign.members 为 {expected} 人，{same}）"
    click.echo(summary + "。")


def _pad(text: str, width: int) -> str:
    """Pad ``text`` with spaces to ``width`` terminal columns (CJK characters count two)."""
    import unicodedata

    used = sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)
    return text + " " * max(1, width - used)


def _town_path(profiles_dir: Path, slug: str) -> Path:
    """Return the town file for ``slug`` (or ``slug`` itself when it is a path to a file)."""
    from speechkit.errors import InputFileError, display_path
    from speechkit.profiles import find_towns

    direct = Path(slug)
    if direct.suffix in (".yaml", ".yml") and direct.is_file():
        return direct
    path = profiles_dir / "towns" / f"{slug}.yaml"
    if not path.is_file():
        known = ", ".join(p.stem for p in find_towns(profiles_dir)) or "（无）"
        raise InputFileError(f"找不到乡镇“{slug}”：{display_path(path)} 不存在。现有代号：{known}")
    return path


COMMANDS = [profiles]
