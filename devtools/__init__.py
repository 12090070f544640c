"""Development and benchmark tooling, kept out of the product (DESIGN.md §1).

``manage.py generate_scale``, ``bench``, ``bench_compare`` and ``consent_rush`` (docs/scale.md).
Settings install this app only with ``DEVTOOLS=true``; no product package imports it.
"""
