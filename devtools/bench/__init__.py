"""The page benchmark (``manage.py bench``) and the comparison of two runs (``bench_compare``)."""
