"""The runtime stages, each a pure function over documents: ingest, normalize, repair, segment, prelabel."""
