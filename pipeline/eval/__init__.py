"""Measuring, never run by the pipeline: entity, quote and segmentation scores, the benchmark
and the synthetic scans it reads.  No runtime module imports this package."""
