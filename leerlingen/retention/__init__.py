"""Retention (DOMAIN.md § Retention, DESIGN.md §4–6): terms as data, the sweep, destruction lists
the director approves, legal holds and tombstones.

``rules`` holds the default terms, term arithmetic, the director's changes and legal holds;
``sweep`` finds what ran out and lists it; ``destruction`` carries out approval and destruction
(through the one erasure service, ``leerlingen/erasure.py``); ``tasks`` runs the sweep and the
destruction in the background; ``report`` is the destruction report. ``models``, ``access`` and
``admin`` are the records, who sees them, and their pages; ``demo`` gives the demo board its terms.
"""
