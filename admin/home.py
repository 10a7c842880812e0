"""The panel's start page."""

from __future__ import annotations

from typing import Any

from flask_admin import AdminIndexView, expose

from .base import ALL_ROLES, RoleCheckMixin, get_user


class HomeView(RoleCheckMixin, AdminIndexView):
    """The start page: who is signed in, for which office; login required."""

    read_roles = ALL_ROLES

    def _handle_view(self, name: str, **kwargs: Any) -> Any:
        if not self.is_accessible():
            return self.inaccessible_callback(name, **kwargs)
        return None

    @expose("/")
    def index(self) -> Any:
        user = get_user()
        return self.render("admin/ocen/index.html", user=user, office=self.get_office())
