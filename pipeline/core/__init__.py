"""What every part of the pipeline stands on: the record, JSONL at the edges, the label schema,
character tables, paths into the package, batching and spaCy's character tokens.

Nothing here imports a stage."""
