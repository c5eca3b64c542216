"""emlib: Expectation-Maximization, from k-means to Gaussian mixtures.

The companion package of the book.  Each model module has the same verbs, so
the structure of EM is visible in the code; results are frozen dataclasses and
randomness comes only from an ``rng=`` argument.

Modules
-------
kmeans
    k-means (Lloyd's algorithm): ``assign`` (hard E-step), ``update``
    (M-step), ``inertia`` (the objective), ``init_centers``, ``fit``.
soft
    Soft assignments and soft k-means: ``distance_shares`` (the rule to
    avoid), ``responsibilities`` (soft E-step), ``update`` (M-step),
    ``log_likelihood``, ``fit``, ``places`` (where the centers are).
coins
    A mixture of coins: ``e_step``, ``m_step``, ``log_likelihood``, ``fit``,
    and ``q_function``.
gmm
    Gaussian mixtures (full, tied, diagonal or spherical covariances): ``e_step``,
    ``m_step``, ``log_likelihood``, ``fit``, and ``sample``, ``predict``,
    ``bic``, ``aic``, ``q_function``, ``align`` (match the components of two
    fits).
missing
    The mean and covariance of a multivariate Normal from a table with NaN
    holes: ``e_step`` (conditional means and covariances), ``m_step``,
    ``log_likelihood``, ``fit``, ``impute``; and ``mean_impute``, ``hide``
    and ``compare`` to set EM against the usual repairs.
hmm
    Hidden Markov models (Baum–Welch): ``forward``, ``backward``,
    ``e_step`` (state posteriors and expected transitions), ``m_step``,
    ``log_likelihood``, ``viterbi``, ``fit``, ``sample``; categorical or
    Gaussian emissions, several sequences through ``lengths``.
em
    The EM loop every model's ``fit`` runs on: ``run``, ``EMResult``,
    ``ConvergenceWarning`` (a fit stopped by ``max_iter``); and
    ``entropy``, the term that turns ``Q`` into a bound on the
    log-likelihood.
calculus
    Checking derivations with numbers: ``numerical_gradient`` (central
    differences), ``pack`` and ``unpack`` (a Gaussian mixture as one
    unconstrained vector).
source
    ``show``: the code of a function, without its docstring, highlighted in
    a notebook; the chapters show their E- and M-steps with it.
datasets
    Small data sets for the chapters: the two-coin example, Old Faithful
    (shipped with emlib), the Palmer penguins (from the ``palmerpenguins``
    package, the ``data`` extra), and clouds generated from a seed.
plots, widgets
    Figures and kernel-free sliders for the chapters; they need the optional
    ``plots`` extra (matplotlib, ipywidgets) and are imported on demand.
"""

from . import calculus, coins, datasets, em, gmm, hmm, kmeans, missing, soft, source

__version__ = "0.1.0"
__all__ = ["kmeans", "soft", "coins", "gmm", "missing", "hmm", "em", "calculus", "source", "datasets", "__version__"]
