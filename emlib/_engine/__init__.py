"""The fast paths behind the models' ``fit`` functions (private).

Each model module (:mod:`emlib.gmm`, ...) has its E- and M-step written as
the book derives them, as the public verbs; ``fit`` runs the same algorithm
here, in blocks of rows, from accumulated sufficient statistics.  The tests
in tests/test_engine.py check that the two agree.

* :mod:`emlib._engine.gmm`: Gaussian mixtures.
"""
