"""Training, compressing and scoring the pkuseg word segmentation model.

The runtime stage lives in :mod:`pipeline.segment`; this package holds what makes
and judges its model: :mod:`.scoring` (SIGHAN word P/R/F1), :mod:`.training`
(``spacy_pkuseg.train`` on a space-segmented corpus) and :mod:`.compact`
(pruned, quantised, compressed model files and their expansion back to the
folder spacy-pkuseg reads).
"""
