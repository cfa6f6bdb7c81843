"""Benchmarks of the questionnaire code, printed as figures (not a timed test).

Run from the repository root::

    python bench/bench_questionnaires.py

Figures (best of several runs): building and checking the interview form of the standard phone
questionnaire for a person on 20 programs (the per-request cost of the interview page); writing the
XLSForm of the standard questionnaire, converting it with pyxform, and reading it back. Target: the
form well under 50 ms, so an interview page stays quick on a small server.
"""

from __future__ import annotations

import base64
import json
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from survey import create_app  # noqa: E402
from survey.models import Program, ProgramKind, QuestionnaireVersion, SampledFrom  # noqa: E402
from survey.questionnaires import form as interview  # noqa: E402
from survey.questionnaires import service, xlsform, xlsform_import  # noqa: E402
from survey.questionnaires.spec import normalized  # noqa: E402

KEY = base64.urlsafe_b64encode(b"k" * 32).decode()
CONFIG = {"SECRET_KEY": "bench", "PII_HASH_KEY": KEY, "PII_ENCRYPTION_KEY": KEY,
          "PRN_SECRET": KEY, "SQLALCHEMY_DATABASE_URI": "sqlite://", "WTF_CSRF_ENABLED": False}


def best(function, repeats: int) -> float:
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        function()
        times.append(time.perf_counter() - start)
    return min(times)


def main() -> None:
    spec = normalized(json.loads(service.SHIPPED[0].read_text(encoding="utf-8")))
    version = QuestionnaireVersion(number=1)  # transient: no database needed
    service._write(version, spec)
    for number, question in enumerate(version.questions, start=1):
        question.id = number
    kinds = [ProgramKind.CASH, ProgramKind.SERVICE]
    programs = [Program(id=i, code=f"p{i}", name_zh=f"项目{i}", name_en=f"P{i}", department="",
                        kind=kinds[i % 2], sampled_from=SampledFrom.ROSTER) for i in range(1, 21)]
    data = {"q_identity": "self"}
    for p in programs:
        data.update({f"p{p.id}_awareness": "know", f"p{p.id}_received": "yes",
                     f"p{p.id}_satisfaction": "satisfied",
                     f"p{p.id}_delivery_cash" if p.kind is ProgramKind.CASH
                     else f"p{p.id}_delivery_service":
                     "full_on_time" if p.kind is ProgramKind.CASH else "as_promised"})
    app = create_app(CONFIG)

    def build_and_check():
        with app.test_request_context(method="POST", data=data):
            asked = interview.items(version, programs)
            form = interview.build_form(version, programs, "zh")
            assert interview.check(form, asked), form.errors
            interview.answers(form, asked)

    with app.app_context():
        seconds = best(build_and_check, 20)
        print(f"interview form, 20 programs ({len(interview.items(version, programs))} "
              f"questions): build + check {seconds * 1000:.1f} ms")
        workbook = xlsform.write(spec, 1)
        print(f"XLSForm write: {best(lambda: xlsform.write(spec, 1), 10) * 1000:.1f} ms")
        print(f"pyxform convert: {best(lambda: xlsform.xform_problems(workbook), 5) * 1000:.1f} ms")
        seconds = best(lambda: xlsform_import.read(workbook, "standard.xlsx"), 10)
        print(f"XLSForm read back: {seconds * 1000:.1f} ms")


if __name__ == "__main__":
    main()
