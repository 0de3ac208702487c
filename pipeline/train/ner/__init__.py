"""Training data for the entity model: pd1998 articles, renamed copies, jackknifed cuts,
the spaCy corpus, and shipping ``model-best`` into the package."""
