from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SsoConfig(AppConfig):
    """Staff sign in with their board's account (OpenID Connect), one identity provider per board."""

    name = "sso"
    verbose_name = _("Single sign-on")

    def ready(self):
        from leerlingen.roles import register_role_permissions

        from .roles import SSO_PERMISSIONS

        register_role_permissions("sso", SSO_PERMISSIONS)

        from leerlingen.registry import admin_task

        admin_task("admin", "sso.Identiteitsprovider", "sso.Koppeling", "sso.Aanmelding")

        from django.db.models.signals import post_delete, post_save

        from leerlingen.accounts import refuse_password_when

        from .models import Identiteitsprovider
        from .rules import forget_single_sign_on_only_boards, single_sign_on_only

        refuse_password_when(single_sign_on_only)  # boards that switched local passwords off

        for signal in (post_save, post_delete):
            signal.connect(
                forget_single_sign_on_only_boards,
                sender=Identiteitsprovider,
                dispatch_uid=f"sso-only-{signal is post_save}",
            )
