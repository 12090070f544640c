"""A real OpenID Connect provider on 127.0.0.1, for the SSO tests and for trying SSO by hand.

django-oauth-toolkit's OIDC support in a Django of its own (SQLite in a temporary directory),
with its own users. It is not part of the product; the tests start it as a subprocess.

    python -m devtools.oidc_provider.serve --port 8765 \\
        --client-id schoolbestuur --client-secret geheim \\
        --redirect-uri http://127.0.0.1:8000/sso/callback/ \\
        --user juf:wachtwoord-juf:juf@bestuur.example:mfa --user meester:wachtwoord:m@bestuur.example

A user is ``username:password:email[:mfa][:inactive]``: ``mfa`` puts ``"mfa"`` in the ``amr``
claim (the person used a second factor at the provider); ``inactive`` is a leaver, whom the
provider refuses. It prints ``READY <issuer>`` once it answers.
"""

import argparse
import os
import sys
import tempfile
from wsgiref.simple_server import WSGIRequestHandler, make_server


class QuietHandler(WSGIRequestHandler):
    def log_message(self, format, *args):  # noqa: A002 - the signature is wsgiref's
        pass


def configure(port: int, directory: str) -> str:
    from django.conf import settings

    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import rsa

    key = (
        rsa.generate_private_key(public_exponent=65537, key_size=2048)
        .private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
        .decode()
    )
    issuer = f"http://127.0.0.1:{port}/o"
    here = os.path.dirname(os.path.abspath(__file__))
    settings.configure(
        DEBUG=False,
        SECRET_KEY=os.urandom(32).hex(),
        ALLOWED_HOSTS=["127.0.0.1", "localhost"],
        ROOT_URLCONF="devtools.oidc_provider.urls",
        INSTALLED_APPS=[
            "django.contrib.auth",
            "django.contrib.contenttypes",
            "django.contrib.sessions",
            "oauth2_provider",
        ],
        MIDDLEWARE=[
            "django.contrib.sessions.middleware.SessionMiddleware",
            "django.middleware.csrf.CsrfViewMiddleware",
            "django.contrib.auth.middleware.AuthenticationMiddleware",
        ],
        DATABASES={
            "default": {
                "ENGINE": "django.db.backends.sqlite3",
                "NAME": os.path.join(directory, "provider.sqlite3"),
            }
        },
        TEMPLATES=[
            {
                "BACKEND": "django.template.backends.django.DjangoTemplates",
                "DIRS": [os.path.join(here, "templates")],
                "APP_DIRS": True,
                "OPTIONS": {"context_processors": ["django.template.context_processors.request"]},
            }
        ],
        LOGIN_URL="/accounts/login/",
        PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"],  # a test provider
        USE_TZ=True,
        DEFAULT_AUTO_FIELD="django.db.models.BigAutoField",
        OAUTH2_PROVIDER={
            "OIDC_ENABLED": True,
            "OIDC_RSA_PRIVATE_KEY": key,
            "OIDC_ISS_ENDPOINT": issuer,
            "PKCE_REQUIRED": True,
            "SCOPES": {"openid": "OpenID Connect", "email": "E-mail", "profile": "Profile"},
            "OAUTH2_VALIDATOR_CLASS": "devtools.oidc_provider.validator.Validator",
        },
    )
    return issuer


def seed(client_id: str, client_secret: str, redirect_uris: list[str], users: list[str]) -> None:
    from django.contrib.auth.models import Group, User
    from django.core.management import call_command

    from oauth2_provider.models import Application

    call_command("migrate", verbosity=0)
    mfa, _ = Group.objects.get_or_create(name="mfa")
    for spec in users:
        username, password, email, *flags = spec.split(":")
        user = User.objects.create_user(
            username, email, password, is_active="inactive" not in flags
        )
        if "mfa" in flags:
            user.groups.add(mfa)
    Application.objects.create(
        name="privacyschool",
        client_id=client_id,
        client_secret=client_secret,
        client_type=Application.CLIENT_CONFIDENTIAL,
        authorization_grant_type=Application.GRANT_AUTHORIZATION_CODE,
        redirect_uris=" ".join(redirect_uris),
        algorithm=Application.RS256_ALGORITHM,
        skip_authorization=True,
    )


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--client-id", required=True)
    parser.add_argument("--client-secret", required=True)
    parser.add_argument("--redirect-uri", action="append", required=True)
    parser.add_argument("--user", action="append", default=[])
    args = parser.parse_args(argv)

    directory = tempfile.mkdtemp(prefix="oidc-provider-")
    issuer = configure(args.port, directory)
    import django

    django.setup()
    seed(args.client_id, args.client_secret, args.redirect_uri, args.user)
    from django.core.wsgi import get_wsgi_application

    server = make_server("127.0.0.1", args.port, get_wsgi_application(), handler_class=QuietHandler)
    print(f"READY {issuer}", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        sys.exit(0)


if __name__ == "__main__":
    main()
