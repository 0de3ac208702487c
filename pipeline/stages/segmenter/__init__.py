"""The pkuseg model at run time: its compact files (``compact``), feature extraction
(``features``), Viterbi decoding (``decoding``) and the merge of training words
(``lexicon``).  Training lives in :mod:`pipeline.train.segmenter`, scoring in
:mod:`pipeline.eval.segmentation`."""
