"""A national-size dataset for the benchmarks (``manage.py generate_scale``)."""
