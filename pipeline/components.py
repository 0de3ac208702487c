"""spaCy components of the pipeline, registered once as factories.

Pipelines are assembled from the ``.cfg`` files in ``pipeline/configs/``; this
module only registers what those configs name.  Results live on the Doc:
``doc.ents`` (entities, with ``span._.value`` for normalised DATE/PERCENT values),
``doc._.quotes`` (attributions in the record's format) and ``doc._.meta`` (the
record's metadata, e.g. the issue date that relative dates resolve against).
"""

from __future__ import annotations

from spacy.tokens import Doc, Span

if not Doc.has_extension("meta"):
    Doc.set_extension("meta", default=None)
if not Doc.has_extension("quotes"):
    Doc.set_extension("quotes", default=None)
if not Span.has_extension("value"):
    Span.set_extension("value", default=None)
