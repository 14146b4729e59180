from django.apps import AppConfig


class ProgramsConfig(AppConfig):
    name = "programs"
    verbose_name = "Program catalog"

    def ready(self) -> None:
        # Every save or deletion of a program or specialty bumps the catalog's version, in
        # every process (a command, a web worker), not only where a page imported it.
        from programs import versions  # noqa: F401
