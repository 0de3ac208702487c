"""``corpusprep bench``: throughput and memory of every stage and of the whole chain.

A workload of raw scans is typeset from real newspaper text (``workload``); each
stage, the chain (with 1 and 2 workers, on Ray with 1 and 2 CPUs, and at two corpus sizes) and the baselines
a user might pick instead (jieba, spaCy's character tokenizer) run in a fresh
process each (``measure``), so peak memory and CPU time are per measurement;
``report`` prints the figures and writes them as JSON with the machine's load.
"""
