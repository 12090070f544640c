from django.conf import settings
from django.contrib import admin
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.handlers.exception import response_for_exception
from django.http import Http404, HttpResponseBadRequest
from django.middleware.locale import LocaleMiddleware
from django.utils import translation
from django.utils.translation import gettext as _


class DutchFirstLocaleMiddleware(LocaleMiddleware):
    """Dutch unless the user chose another language (the language cookie).

    The browser's Accept-Language is not consulted: a Dutch school's staff and parents see
    Dutch by default, whatever their browser says, and switch to English themselves.
    """

    def process_request(self, request):
        language = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        if language not in dict(settings.LANGUAGES):
            language = settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()


def reject_nul_in_query(get_response):
    """A NUL byte in a query parameter is answered 400 on every page.

    PostgreSQL refuses NUL in text, so a list filter such as ``?status=1%00`` would otherwise end
    in a database error (500) after the page had already accepted the value.
    """

    def middleware(request):
        params = request.GET.lists()
        if any("\x00" in key or any("\x00" in v for v in values) for key, values in params):
            message = _("The address contains a character that is not allowed.")
            return HttpResponseBadRequest(message)
        return get_response(request)

    return middleware


class AdminAbsentNotForbiddenMiddleware:
    """In the admin, what lies outside the user's reach answers 404, not 403 (DESIGN.md §3).

    Django's admin refuses with 403 (``PermissionDenied``) a list the user may not view, with all
    its add, change, delete and history pages, an add page of a list the user may only read, and
    an autocomplete of such a list: a 403 tells that the page exists. A record the user can see but
    not change (the FG reads, does not edit) keeps its 403: nothing is revealed there.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not isinstance(exception, PermissionDenied) or not _outside_admin_reach(request):
            return None
        return response_for_exception(request, Http404())


def _outside_admin_reach(request) -> bool:
    match = request.resolver_match
    if match is None or match.namespace != "admin":
        return False
    if match.url_name == "autocomplete":
        return True
    object_id = match.kwargs.get("object_id") or match.kwargs.get("id")
    model_admin = getattr(match.func, "model_admin", None)
    if model_admin is None and object_id is not None:  # an extra page of one record
        model_admin = _model_admin_of(match.url_name)
    if model_admin is None:
        return False  # the admin's own pages and custom views decide for themselves
    if not model_admin.has_view_or_change_permission(request) or match.url_name.endswith("_add"):
        return True
    if object_id is None:
        return False
    try:
        return not model_admin.get_queryset(request).filter(pk=unquote(object_id)).exists()
    except (ValueError, TypeError, ValidationError):
        return True


def _model_admin_of(url_name: str | None):
    """The ModelAdmin of an extra admin URL (``auth_user_password_change``) by its name's prefix."""
    for model, model_admin in admin.site._registry.items():
        if url_name and url_name.startswith(f"{model._meta.app_label}_{model._meta.model_name}_"):
            return model_admin
    return None
