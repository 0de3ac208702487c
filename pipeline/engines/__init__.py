"""Other ways to run the chain than ``pipeline.run``'s process pool, with the same stages.

``shards`` holds what needs no cluster: documents through the stage groups, shard files
and their done-markers, resuming and the closing report.  ``ray_engine`` runs that on Ray
Data; it imports Ray, so it is imported only when ``corpusprep run --engine ray`` asks for it.
"""
