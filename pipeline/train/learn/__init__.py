"""Learning from reviews (build time): what counts as gold in a review, rehearsal, the update
of the entity model, its card and the learning curve.  ``corpusprep learn`` is the front door;
which learnt model a run uses is runtime code, in :mod:`pipeline.learn`."""
