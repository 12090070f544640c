"""The one gate in front of a staff page (DESIGN.md §3)."""

from functools import wraps

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.views.decorators.cache import never_cache


def staff_required(view):
    """A staff page: log in first (on the admin's log-in page), never cached. A signed-in account
    that is not staff (a parent's or pupil's portal account) gets 404, as any page out of its
    reach; which records a staff member sees is the view's ``visible_to``."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not request.user.is_staff:
            raise Http404
        return view(request, *args, **kwargs)

    return login_required(never_cache(wrapper), login_url="admin:login")
