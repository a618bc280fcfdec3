from django.apps import AppConfig


class RaciConfig(AppConfig):
    name = "raci"
    verbose_name = "RACI matrices"

    def ready(self):
        from django.contrib.auth.signals import user_logged_in

        from raci.middleware import session_started

        user_logged_in.connect(session_started, dispatch_uid="raci.session_started")
