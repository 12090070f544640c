"""Load runs against the app served by gunicorn on 127.0.0.1 (``manage.py consent_rush``)."""
