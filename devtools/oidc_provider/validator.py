from oauth2_provider.oauth2_validators import OAuth2Validator


class Validator(OAuth2Validator):
    """Adds the e-mail address and ``amr`` (how the person authenticated) to the claims."""

    oidc_claim_scope = {**OAuth2Validator.oidc_claim_scope, "amr": "openid"}

    def get_additional_claims(self, request):
        user = request.user
        used_mfa = user.groups.filter(name="mfa").exists()
        return {
            "email": user.email,
            "email_verified": True,
            "name": user.get_username(),
            "amr": ["pwd", "mfa", "otp"] if used_mfa else ["pwd"],
        }
