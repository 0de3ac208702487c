"""corpusprep: scanned Chinese newspaper pages to a reviewed, published NLP corpus."""

__version__ = "0.1.0"
