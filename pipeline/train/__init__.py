"""Build time only: training the shipped models and deriving the rules' word lists from
``../shared/data``.  No runtime module imports this package (``tests/test_import_rules.py``)."""
