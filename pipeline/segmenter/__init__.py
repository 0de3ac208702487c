"""The word segmenter at run time, below the stages that use it (segment, and prelabel's word
features): spaCy's Chinese pipeline with a pkuseg model (``model``), the compact model files
(``compact``), feature extraction (``features``), Viterbi decoding (``decoding``) and the merge
of training words (``lexicon``).  Training lives in :mod:`pipeline.train.segmenter`, scoring
in :mod:`pipeline.eval.segmentation`."""
