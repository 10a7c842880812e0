"""The base of the panel's model forms, and small shared field checks."""

from __future__ import annotations

import re
from typing import Any

from flask_admin.form import BaseForm
from flask_babel import gettext as _
from wtforms.validators import ValidationError

# A plausibility check only: staff addresses may use local domains (admin@demo.local), which
# strict validators reject; the address is a login name, never mailed by the panel.
EMAIL_RE = re.compile(r"^[^@\s]{1,64}@[^@\s]+\.[^@\s.]+$")


class PanelForm(BaseForm):
    """A Flask-Admin form whose error messages are plain text.

    Our messages are lazy (translated when shown); Flask-Admin's templates print only ``str``
    errors, so they are turned into text once validation is over.
    """

    def validate(self, extra_validators: Any = None) -> bool:
        valid = super().validate(extra_validators)
        for field in self:
            field.errors = [str(error) for error in field.errors]
        return valid


def email_address(form: Any, field: Any) -> None:
    """Accept a plausible e-mail address, lower-cased and trimmed."""
    field.data = (field.data or "").strip().lower()
    if field.data and not EMAIL_RE.match(field.data):
        raise ValidationError(_("Nieprawidłowy adres e-mail."))
