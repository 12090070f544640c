from django.conf import settings


def security(request):
    return {"mfa_required": settings.MFA_REQUIRED}
