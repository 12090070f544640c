"""Two-factor log-in (TOTP with recovery codes) for the roles that reach special categories.

- ``rules``: who must use it, whose second factor a user may manage, resets, recovery codes;
- ``enrolment``: the one-time enrolment links that a first device needs;
- ``middleware``: the second step on every request but the few that take it;
- ``models``: the enrolment link, and the history of the django-otp devices;
- ``views``, ``forms``, ``urls``, ``tasks`` (the outbox jobs that mail the person).
"""
