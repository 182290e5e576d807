from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProjectsConfig(AppConfig):
    name = "zhaoshang.projects"
    label = "projects"
    verbose_name = _("项目")

    def ready(self) -> None:
        from zhaoshang.projects import lookups  # noqa: F401 — registers `__any_of`
