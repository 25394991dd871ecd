"""speechkit in the browser: a small Flask app on loopback, server-rendered, offline.

``create_app(profiles_dir, templates_dir, output_dir)`` returns the app; ``speechkit serve``
runs it. Pages (Simplified Chinese): the towns with their validation status, a town's profile
as a form generated from the schema and saved round-trip, generation in a background thread
with a progress bar and download links, and a draft check with the HTML report and the
annotated .docx. The app only calls the library (profiles, batch, check); it holds no logic of
its own beyond forms, safety and presentation.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from flask import Flask, current_app, render_template
from jinja2 import ChoiceLoader, FileSystemLoader
from werkzeug.exceptions import HTTPException, SecurityError

from speechkit.errors import SpeechkitError
from speechkit.web import forms, security
from speechkit.web.batchjob import JobLimits
from speechkit.web.checkworker import DEFAULT_TIMEOUT, CheckWorker
from speechkit.web.jobs import JobManager
from speechkit.web.validation import ValidationCache

DEFAULT_MAX_UPLOAD = 10 * 1024 * 1024
LOOPBACK_HOSTS = ("127.0.0.1", "localhost", "::1")


@dataclass(frozen=True)
class Settings:
    """Folders the app works in (resolved once at start-up), the upload limit and the
    generation run's budget (:class:`~speechkit.web.batchjob.JobLimits`)."""

    profiles_dir: Path
    templates_dir: Path
    output_dir: Path
    max_upload: int = DEFAULT_MAX_UPLOAD
    batch_jobs: int | None = None
    templates_explicit: bool = True
    job_limits: JobLimits = JobLimits()

    def templates_for_run(self) -> Path:
        """The templates a generation uses: the given folder, or (when none was asked for and
        the packs library is there) those of the campaign the profiles folder belongs to."""
        if not self.templates_explicit:
            try:
                from speechkit.campaigns import templates_for  # type: ignore[import-not-found]

                return Path(templates_for(self.profiles_dir))
            except Exception:  # no packs library or no pack: the given folder
                pass
        return self.templates_dir


def settings() -> Settings:
    """Return the running app's :class:`Settings`."""
    return current_app.extensions["speechkit"]


def jobs() -> JobManager:
    """Return the running app's :class:`JobManager`."""
    return current_app.extensions["speechkit.jobs"]


_HTTP_MESSAGES = {
    400: "请求无效（如果您是用 127.0.0.1 或 localhost 以外的地址打开本页，请改用 127.0.0.1）。",
    403: "拒绝访问。",
    404: "找不到这个页面或文件。",
    405: "不支持这种请求方式。",
    413: "上传的文件太大。",
    500: "程序内部出错，本次操作没有完成。请把本页和终端里的输出发给维护人员。",
}


def _page_words(text):
    from speechkit.web.generate import page_words

    return page_words(text)


def create_app(
    profiles_dir: str | Path,
    templates_dir: str | Path,
    output_dir: str | Path,
    *,
    max_upload: int = DEFAULT_MAX_UPLOAD,
    secret_key: bytes | None = None,
    batch_jobs: int | None = None,
    trusted_hosts: tuple[str, ...] | None = LOOPBACK_HOSTS,
    check_timeout: float = DEFAULT_TIMEOUT,
    templates_explicit: bool = True,
    job_limits: JobLimits | None = None,
) -> Flask:
    """Build the web app serving ``profiles_dir``, ``templates_dir`` and ``output_dir``.

    The session secret is kept per profiles folder (see :func:`security.persistent_secret`)
    unless given, so a form opened before a restart still saves after it.
    Uploads larger than ``max_upload`` bytes are refused with a Chinese message.
    ``batch_jobs`` is passed to the batch as its process count (``None``: CPU count).
    With ``templates_explicit=False`` generation uses the templates of the campaign pack the
    profiles folder names (when the packs library is installed), else ``templates_dir``.
    Requests whose ``Host`` is not in ``trusted_hosts`` are refused (a web page cannot reach
    the app through DNS rebinding); ``None`` accepts any host (serving on a LAN on purpose).
    ``job_limits`` bounds each document a generation renders (time, memory) and stops a run
    that reports nothing for too long.
    """
    app = Flask(__name__)
    app.config.update(
        SECRET_KEY=secret_key or security.persistent_secret(Path(profiles_dir)),
        MAX_CONTENT_LENGTH=max_upload,
        SESSION_COOKIE_SAMESITE="Strict",
        SESSION_COOKIE_HTTPONLY=True,
        TEMPLATES_AUTO_RELOAD=False,
        # checked by security.check_host (case-insensitive, [::1] understood), not werkzeug's
        SPEECHKIT_TRUSTED_HOSTS=(
            [h.lower() for h in trusted_hosts] if trusted_hosts is not None else None
        ),
    )
    app.json.ensure_ascii = False
    # the check report's marked-paragraph macro (check/templates/_marks.html) is shared
    check_templates = Path(__file__).resolve().parents[1] / "check" / "templates"
    app.jinja_loader = ChoiceLoader([app.jinja_loader, FileSystemLoader(check_templates)])
    app.extensions["speechkit"] = Settings(
        profiles_dir=Path(profiles_dir).resolve(),
        templates_dir=Path(templates_dir).resolve(),
        output_dir=Path(output_dir).resolve(),
        max_upload=max_upload,
        batch_jobs=batch_jobs,
        templates_explicit=templates_explicit,
        job_limits=job_limits or JobLimits(),
    )
    app.extensions["speechkit.jobs"] = JobManager()
    app.extensions["speechkit.checks"] = CheckWorker(timeout=check_timeout)
    app.extensions["speechkit.validation"] = ValidationCache()

    app.before_request(security.check_host)
    app.before_request(security.check_csrf)
    app.after_request(security.add_security_headers)
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True
    app.jinja_env.globals["csrf_token"] = security.csrf_token
    app.jinja_env.globals["csrf_field"] = security.CSRF_FIELD
    app.jinja_env.globals["input_type"] = forms.input_type
    app.jinja_env.globals["split_title"] = forms.split_title
    app.jinja_env.filters["page_words"] = _page_words
    from speechkit.check.model import SEVERITY_NAMES

    app.jinja_env.globals["severity_names"] = SEVERITY_NAMES

    from speechkit.web import city, drafts, generate, models, rosters, towns

    app.register_blueprint(towns.bp)
    app.register_blueprint(city.bp)
    app.register_blueprint(rosters.bp)
    app.register_blueprint(generate.bp)
    app.register_blueprint(drafts.bp)
    app.register_blueprint(models.bp)

    @app.errorhandler(SpeechkitError)
    def _speechkit_error(exc: SpeechkitError):
        return render_template("error.html", title="出错了", message=exc.format_message()), 400

    @app.errorhandler(SecurityError)
    def _untrusted_host(exc: SecurityError):
        # raised before routing is set up, so no page template (it needs url_for)
        text = "拒绝访问：请用 http://127.0.0.1 打开本页面（主机名不在允许范围内）。"
        return text, 400, {"Content-Type": "text/plain; charset=utf-8"}

    @app.errorhandler(HTTPException)
    def _http_error(exc: HTTPException):
        code = exc.code or 500
        message = _HTTP_MESSAGES.get(code, "请求失败。")
        if code == 413:
            limit = current_app.config["MAX_CONTENT_LENGTH"] / (1024 * 1024)
            message = f"上传的文件太大（上限 {limit:g} MB），请压缩图片或拆分文件后再试。"
        elif exc.description and not exc.description.isascii():
            message = exc.description
        return render_template("error.html", title=f"错误 {code}", message=message), code

    return app


__all__ = ["create_app", "Settings", "DEFAULT_MAX_UPLOAD"]
