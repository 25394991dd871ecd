"""--pdf: one LibreOffice conversion, written atomically and recorded like any output."""

from __future__ import annotations

from pathlib import Path

from batch_helpers import assert_consistent, options
from tests.conftest import pdf_text, requires_soffice

from speechkit.batch import run_batch


@requires_soffice
def test_pdf_beside_the_document_and_unchanged_on_rerun(workspace: Path) -> None:
    def run():
        return run_batch(
            options(
                workspace,
                towns=("xishan",),
                templates=("讲话",),
                jobs=1,
                pdf=True,
            )
        )

    result = run()
    by_output = {i.output: i for i in result.items}
    pdf = workspace / "out/西山镇/讲话.pdf"
    assert by_output["西山镇/讲话.pdf"].status == "generated", by_output["西山镇/讲话.pdf"].reason
    assert by_output["西山镇/讲话.pdf"].document == "讲话（PDF）"
    assert "西山镇动员讲话" in pdf_text(pdf, layout=False).replace(" ", "")
    entries = assert_consistent(workspace / "out")
    assert entries["西山镇/讲话.pdf"]["kind"] == "pdf"
    again = {i.output: i.status for i in run().items}
    assert again == {"西山镇/讲话.docx": "unchanged", "西山镇/讲话.pdf": "unchanged"}
