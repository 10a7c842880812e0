"""Paper questionnaires: the printable questionnaire of the published version, and staff entry.

A returned paper questionnaire is typed in here and checked exactly like a resident's response
(``collector.validation.validate_submission`` with ``staff_entry``): channel ``paper``, the staff
member kept in ``entered_by_id``, the entry audited in the same transaction as the response.
"""

from __future__ import annotations

import uuid
from typing import Any

import sqlalchemy as sa
from flask import Response, flash, redirect, request, url_for
from flask_babel import gettext as _

from collector.enums import Channel
from collector.extensions import db
from collector.form_answers import missing_required, read_form_answers
from collector.models import Response as ResponseRow
from collector.office_cache import get_office_context
from collector.storage import store_submission
from collector.surveys import get_published_version, survey_document
from collector.validation import SubmissionError, validate_submission

from .auditing import audit
from .base import WRITER_ROLES, PanelView, error_page, expose, get_user
from .pages import get_chosen_office, render_office_choice
from .printouts import build_questionnaire_pdf

FIELD_PREFIX = "q-"


class PaperView(PanelView):
    """Print the questionnaire; enter returned ones. Admins only: a reviewer only reads."""

    read_roles = WRITER_ROLES
    write_roles = WRITER_ROLES

    @expose("/", methods=("GET", "POST"))
    def index_view(self) -> Any:
        office = get_chosen_office()
        if office is None:
            return render_office_choice(self, ".index_view")
        version = get_published_version(office)
        if version is None:
            return error_page(404, _("Urząd nie ma opublikowanej ankiety."))
        errors: dict[str, str] = {}
        message = ""
        if request.method == "POST":
            questions = [(question.key, question.type) for question in version.questions]
            data = {
                "id": request.form.get("entry_id", ""),
                "version": version.number,
                "lang": "pl",
                "channel": Channel.PAPER,
                "answers": read_form_answers(request.form, questions, prefix=FIELD_PREFIX),
            }
            context = get_office_context(office.slug)
            if context is None:
                return error_page(404, _("Urząd nie ma opublikowanej ankiety."))
            try:
                submission = validate_submission(context, data, staff_entry=True)
                user = get_user()
                missing = missing_required(version.questions, submission.answers)

                def audit_entry() -> None:
                    # In the response's own transaction: an entry is never stored without its audit
                    # row, nor without its mark of missing answers.
                    if missing:
                        db.session.execute(
                            sa.update(ResponseRow)
                            .where(ResponseRow.id == submission.id)
                            .values(missing_answers=True)
                        )
                    audit(
                        "response.paper_entry",
                        office_id=office.id,
                        after={
                            "response_id": str(submission.id),
                            "version": version.number,
                            "answered_questions": len(submission.answers),
                            "missing_answers": missing,
                        },
                    )

                created = (
                    store_submission(
                        submission,
                        entered_by_id=user.id if user else None,
                        before_commit=audit_entry,
                    )
                    == "created"
                )
            except SubmissionError as error:
                errors = error.fields
                message = (
                    error.message
                    if not errors
                    else _("Nie zapisano — popraw odpowiedzi oznaczone poniżej.")
                )
            else:
                if not created:
                    saved = _(
                        "Ta ankieta papierowa była już zapisana — nie zapisano jej drugi raz."
                    )
                elif missing:
                    saved = _(
                        "Zapisano ankietę papierową (wersja %(number)s) z brakującymi odpowiedziami "
                        "(%(count)s pytań obowiązkowych bez odpowiedzi); raport liczy ją osobno.",
                        number=version.number,
                        count=len(missing),
                    )
                else:
                    saved = _(
                        "Zapisano ankietę papierową (wersja %(number)s).", number=version.number
                    )
                flash(saved, "success")
                return redirect(url_for(".index_view", office_id=office.id))
        document = survey_document(office, version, "pl")
        entry_id = request.form.get("entry_id") if errors or message else str(uuid.uuid4())
        return self.render(
            "admin/ocen/paper.html",
            office=office,
            version=version,
            document=document,
            errors=errors,
            message=message,
            entry_id=entry_id,
            form=request.form,
            prefix=FIELD_PREFIX,
        ), 400 if request.method == "POST" else 200

    @expose("/questionnaire.pdf")
    def questionnaire_view(self) -> Any:
        office = get_chosen_office()
        if office is None:
            return render_office_choice(self, ".questionnaire_view")
        version = get_published_version(office)
        if version is None:
            return error_page(404, _("Urząd nie ma opublikowanej ankiety."))
        pdf = build_questionnaire_pdf(survey_document(office, version, "pl"))
        response = Response(pdf, mimetype="application/pdf")
        response.headers["Content-Disposition"] = (
            f'attachment; filename="ankieta-{office.slug}-wersja-{version.number}.pdf"'
        )
        return response
