"""The fast paths behind the models' ``fit`` functions (private).

Each model module (:mod:`emlib.kmeans`, :mod:`emlib.gmm`) has its steps
written as the book derives them, as the public verbs; ``fit`` runs the same
algorithm here, in blocks of rows, from accumulated sums.  The tests in
tests/test_engine.py check that the two agree.

* :mod:`emlib._engine.kmeans`: Lloyd's iterations for k-means.
* :mod:`emlib._engine.gmm`: EM for Gaussian mixtures.
* :mod:`emlib._engine.gmm_holes`: the same on data with holes, a
  missingness pattern at a time.

The other models (``soft``, ``coins``, ``missing``) need no separate path:
their ``fit`` runs the steps of their own module, kept in log space.
"""
