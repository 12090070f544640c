"""Import and re-sync of pupils and guardians from an administration export (issue 9).

The steps, each a function the admin, the command and the tests call:

1. ``reading``: ``check_upload`` and ``read_table`` take a CSV or XLSX file apart; a file that
   cannot be used raises ``ImportFileError``, and nothing is stored. ``values`` parses the cells.
2. ``plan``: ``build_plan`` checks every row and compares it with the register (the guardians in
   ``guardians``); the plan holds the errors and every change, field by field. Nothing is written.
3. ``apply``: ``apply_plan`` writes the plan in one transaction, with history.

``services`` carries the flow (upload, map, preview, confirm, cancel; at once or in the
background through ``tasks``, with ``progress`` for the status page). ``formats`` names the
columns of the common exports; ``models``, ``access`` and ``admin`` are the runs and their pages.

The pupil number is the key within the school. Guardians are matched on the pupil's existing
custody relations (by name, then e-mail, then relation); a guardian shared by siblings in the
file becomes one record. A guardian linked to a pupil of another school of the board is never
changed or merged by an import (``guardians.plan_guardians``). Pupils who were in the school's
previous import and are not in this file get their leaving date (the import date), which starts
their retention clock.
"""
