"""Gaussian mixtures on data with holes: each component's marginal on what a row observes, and its fill of the rest.

:mod:`emlib.gmm` imports these two and is where they are used: the E-step
counts a row by the density of its observed entries (:func:`marginal`), and
the M-step fills its missing ones under each component (:func:`completed`).
"""

from __future__ import annotations

import numpy as np

from ._gmm_params import Params, full_covariances
from ._math import missingness_patterns

__all__ = ["marginal", "completed"]


def marginal(params: Params, observed: np.ndarray) -> Params:
    """The mixture of the ``observed`` features alone: each component's marginal Normal."""
    weights, means, covariances = params
    kind, o = params.covariance_type, observed
    if kind == "full":
        covariances = covariances[:, o][:, :, o]
    elif kind == "tied":
        covariances = covariances[np.ix_(o, o)]
    elif kind == "diag":
        covariances = covariances[:, o]
    return Params(weights, means[:, o], covariances, kind)


def completed(X: np.ndarray, params_t: Params,
              resp: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Each row completed under each component, ``(n, k, d)``, and the spread the fill leaves out, ``(k, d, d)``.

    Under component k at ``params_t``, a row's missing entries m given its
    observed entries o are Normal, with mean ``E[x_m | x_o, k] = mu_km +
    Sigma_k,mo Sigma_k,oo^-1 (x_o - mu_ko)`` (the fill) and covariance
    ``Cov[x_m | x_o, k] = Sigma_k,mm - Sigma_k,mo Sigma_k,oo^-1 Sigma_k,om``
    (the same for every row that misses the same entries); the second
    output is ``sum_i resp[i, k] Cov[x_m | x_o, k]``, zero outside the
    missing rows and columns.
    """
    k, d = params_t.means.shape
    means = params_t.means
    covariances = full_covariances(params_t)  # (k, d, d), whatever the type
    every = np.arange(k)
    completed = np.repeat(X[:, None, :], k, axis=1)
    spread = np.zeros((k, d, d))
    # the rows that miss the same entries, together
    for pattern in missingness_patterns(X):
        o, m = pattern.observed, pattern.missing
        if m.size == 0:
            continue
        cov_oo = covariances[np.ix_(every, o, o)]  # (k, o, o)
        cov_om = covariances[np.ix_(every, o, m)]  # (k, o, m)
        cov_mm = covariances[np.ix_(every, m, m)]  # (k, m, m)
        # the regression of x_m on x_o in each component
        slopes = np.linalg.solve(cov_oo, cov_om)  # Sigma_oo^-1 Sigma_om
        # x_o - mu_o for each row and component, (rows, k, o)
        offsets = pattern.values[:, None, :] - means[:, o]
        fill = means[:, m] + np.einsum("rko,kom->rkm", offsets, slopes)
        completed[np.ix_(pattern.rows, every, m)] = fill
        # Cov[x_m | x_o, k], the same for the pattern's rows
        conditional = cov_mm - np.einsum("kom,kon->kmn", cov_om, slopes)
        weight = resp[pattern.rows].sum(axis=0)  # sum of r_ik over them
        spread[np.ix_(every, m, m)] += weight[:, None, None] * conditional
    return completed, spread
