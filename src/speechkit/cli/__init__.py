"""The ``speechkit`` command line: click commands only.

Each command group lives in its own module and only parses options, calls the library, prints
and sets the exit code. Errors are turned into exits in one place, :func:`main`: a
:class:`~speechkit.errors.SpeechkitError` prints its Chinese message to stderr and exits with
its code (2 for bad input); a usage error exits 2 with a Chinese hint; nothing prints a traceback.
"""

from __future__ import annotations

import sys

import click

from speechkit import __version__
from speechkit.cli._base import SkGroup, translate_usage_error
from speechkit.errors import SpeechkitError, os_error_message


@click.group(cls=SkGroup)
@click.version_option(
    __version__, "-V", "--version", message="speechkit %(version)s", help="显示版本并退出。"
)
def cli() -> None:
    """speechkit：按乡镇资料起草党政公文，并检查规范表述。

    \b
    常用命令：
      speechkit profiles validate        校验乡镇资料（profiles/）
      speechkit render 模板.docx --profile 乡镇.yaml -o 输出.docx
      speechkit batch                    为每个乡镇生成全部文档
      speechkit check 文稿.docx          检查规范表述、占位符、错别字、数字和标点
      speechkit serve                    在浏览器中使用
    """


def _register() -> None:
    """Attach every command group; imports stay light (heavy libraries load inside commands)."""
    from speechkit.cli import batch, campaigns, check, profiles, serve, template, typeset

    for module in (profiles, template, typeset, check, batch, serve, campaigns):
        for command in module.COMMANDS:
            cli.add_command(command)


_register()


# click >= 8.2 calls it NoArgsIsHelpError; older releases have no such class.
_NO_ARGS_IS_HELP = getattr(click.exceptions, "NoArgsIsHelpError", ())


def main(argv: list[str] | None = None) -> None:
    """Run the CLI and map every error to an exit code, without tracebacks."""
    try:
        rv = cli.main(args=argv, prog_name="speechkit", standalone_mode=False)
    except SpeechkitError as exc:
        click.echo(exc.format_message(), err=True)
        sys.exit(exc.exit_code)
    except _NO_ARGS_IS_HELP as exc:
        click.echo(exc.ctx.get_help() if exc.ctx else "", err=True)
        sys.exit(2)
    except click.UsageError as exc:
        click.echo(translate_usage_error(exc), err=True)
        sys.exit(2)
    except click.ClickException as exc:
        click.echo(f"错误：{exc.format_message()}", err=True)
        sys.exit(exc.exit_code)
    except click.exceptions.Abort:
        click.echo("已中止。", err=True)
        sys.exit(130)
    except OSError as exc:  # a file or folder the user named cannot be read or written
        click.echo(os_error_message(exc, "无法读写"), err=True)
        sys.exit(2)
    except KeyboardInterrupt:
        click.echo("已中止。", err=True)
        sys.exit(130)
    finally:
        packs = sys.modules.get("speechkit.campaigns")
        if packs is not None:  # --campaign/--campaigns hold for one command only
            packs.reset()
    sys.exit(rv if isinstance(rv, int) else 0)
