"""The fast path behind :func:`emlib.hmm.fit`: forward–backward in blocks of steps.

:func:`emlib.hmm.e_step` runs the recursions as the chapter derives them, a
step at a time in logarithms: ``T`` rounds of Python for a sequence of ``T``
steps.  This module computes the same expectations with a few hundred rounds,
each over many steps at once, and tests/test_engine_hmm.py checks that they
agree.  How:

* **Scaled probabilities instead of logs.**  Each step's emission densities
  are divided by their largest (``b_t = p(x_t | z_t) / max_j p(x_t | j)``,
  the shifts added back to the log-likelihood), and every forward vector is
  divided by its sum as it is made (Rabiner's scaling): the numbers stay
  near 1 and plain products replace log-sum-exp.
* **The backward recursion is a forward one.**  With ``g_t = b_t * beta_t``,
  ``g_T = b_T`` and ``g_t = (g_{t+1} A^T) * b_t``: the forward recursion of
  a chain that starts from all ones, runs back in time and moves by ``A^T``.
  Then ``beta_t = g_{t+1} A^T`` and ``resp_t`` is ``alpha_t * beta_t``
  normalised, and the expected transitions are ``A * sum_t alpha_t^T g_{t+1}
  / (alpha_t . beta_t)``, one matrix product over all steps.
* **Blocks of steps** (:func:`_forward`).  The forward recursion is linear:
  ``alpha_t = (alpha_{t-1} A) * b_t``.  The steps are cut into ``B`` blocks
  of ``L`` (about ``sqrt(T)`` each).  First every block's *transfer matrix* is
  made, all blocks at once (``L`` rounds): row ``j`` is the forward recursion
  through the block started from state ``j``, each row scaled by its own sum
  so that no row underflows.  Then a loop over the ``B`` blocks carries the
  true forward vector from each block's start to the next through them.  Last,
  knowing each block's incoming vector, the recursion runs inside all blocks
  at once (``L`` rounds again).  ``2 L + B`` rounds in place of ``T``.

Nothing here checks its input: :mod:`emlib.hmm` does that before calling in.
A sequence that is impossible under the parameters gives a log-likelihood of
``-inf``, which :func:`emlib.hmm.fit` reports.  If a scaled product ever
underflows (a chain that only a transition of probability below 1e-300 can
explain), that sequence is done again by the log-space recursions of
:mod:`emlib.hmm`.
"""

from __future__ import annotations

import numpy as np

__all__ = ["expectations"]


_TINY = np.finfo(np.float64).tiny


def _block_length(n_steps: int) -> int:
    return max(1, int(np.sqrt(n_steps)))


def _divide_by_sums(columns: np.ndarray, sums: np.ndarray) -> None:
    """Scale ``columns`` (in place) so that they sum to 1 over the first axis (the states); the sums go to ``sums``.

    A sum below the smallest normal float is taken as that float: zeros
    stay zeros, and the scaled numbers times their scale are still the
    true ones.
    """
    np.add.reduce(columns, axis=0, out=sums)
    np.maximum(sums, _TINY, out=sums)
    columns /= sums


def _forward(b: np.ndarray, start: np.ndarray, A: np.ndarray, block: int) -> tuple[np.ndarray | None, float]:
    """``alpha_t / sum(alpha_t)`` for every step of one sequence, and ``log sum(alpha_T)``, in blocks of steps.

    ``b`` are the (scaled) emission densities ``(T, k)``, ``start`` the
    weights of the first step, ``A`` the transitions.  The log-likelihood is
    ``-inf`` (and no variables) when the sequence is impossible, and ``nan``
    when the scaled products underflowed (the caller then uses logs).  The
    states are the first axis of every array inside, so that the sums over
    them run over contiguous slabs and each move by ``A`` is one matrix
    product.
    """
    n_steps, k = b.shape
    n_blocks = -(-n_steps // block)
    padded = np.ones((n_blocks * block, k))  # steps past the end show nothing: b = 1
    padded[:n_steps] = b
    b = padded.reshape(n_blocks, block, k).transpose(2, 1, 0).copy()  # (k, block, n_blocks)
    move = A.T.copy()  # alpha A, with the states first: A^T alpha

    # 1. Every block's transfer matrix, row j from state j at its first step, rows scaled apart.
    #    Stored as transfer[l, j, block] = row j, column l.
    transfer = np.zeros((k, k, n_blocks))
    transfer[np.arange(k), np.arange(k)] = 1.0
    sums = np.empty((block, k, n_blocks))
    for i in range(block):
        if i > 0:
            transfer = (move @ transfer.reshape(k, -1)).reshape(k, k, n_blocks)
        transfer *= b[:, i, None, :]
        _divide_by_sums(transfer, sums[i])
    with np.errstate(divide="ignore"):
        log_scale = np.log(sums).sum(axis=0).T  # (n_blocks, k): each row's true size
        log_scale[transfer.sum(axis=0).T == 0] = -np.inf  # from that state the block is impossible
        log_u = np.log(start)
    transfer_then_move = np.einsum("ljb,lm->bjm", transfer, A)  # (n_blocks, k, k)

    # 2. The forward vector entering each block, u = alpha_{s-1} A (start for the first), in logs.
    log_incoming = np.empty((n_blocks, k))
    for j in range(n_blocks):
        log_incoming[j] = log_u
        weights = log_u + log_scale[j]
        top = weights.max()
        if top == -np.inf:
            return None, -np.inf  # no state can have produced the block
        with np.errstate(divide="ignore"):
            log_u = top + np.log(np.exp(weights - top) @ transfer_then_move[j])

    # 3. The recursion inside every block at once, from its incoming vector.
    top = log_incoming.max(axis=1)
    scaled = np.empty_like(b)
    alpha = np.exp(log_incoming - top[:, None]).T  # (k, n_blocks), up to a factor per block
    sums = np.empty((block, n_blocks))
    for i in range(block):
        if i > 0:
            alpha = move @ alpha
        alpha = np.multiply(alpha, b[:, i], out=scaled[:, i])
        _divide_by_sums(alpha, sums[i])
    if np.any(sums <= _TINY):
        return None, np.nan  # underflow: the sequence is possible, a scaled product 0
    # the last block's log sum(alpha) at its last step (the padding keeps the sum)
    log_total = top[-1] + np.log(sums[:, -1]).sum()
    return scaled.transpose(2, 1, 0).reshape(-1, k)[:n_steps], float(log_total)


def _one_sequence(log_b: np.ndarray, start: np.ndarray, A: np.ndarray, block: int):
    """``resp``, the expected transitions and the log-likelihood of one sequence, or None if it underflowed."""
    shift = log_b.max(axis=1, keepdims=True)
    if np.any(shift == -np.inf):
        return None, None, -np.inf  # a step no state can show
    b = np.exp(log_b - shift)
    alpha, log_p = _forward(b, start, A, block)
    if not np.isfinite(log_p):
        return None, None, log_p
    # the backward recursion, as a forward one back in time: g_t = b_t beta_t
    g = _forward(b[::-1], np.ones_like(start), A.T, block)[0][::-1]
    beta = np.ones_like(b)
    beta[:-1] = g[1:] @ A.T  # beta_t = A (b_{t+1} beta_{t+1}), up to a factor per step
    joint = alpha * beta
    norms = joint @ np.ones(len(start))  # alpha_t . beta_t: p(x) up to the factors
    if np.any(norms <= 0) or not np.all(np.isfinite(norms)):
        return None, None, np.nan
    resp = joint / norms[:, None]
    # sum_t alpha_t(j) A[j, l] b_{t+1}(l) beta_{t+1}(l) / p(x): each term over its own norm
    transition_counts = A * ((alpha[:-1] / norms[:-1, None]).T @ g[1:])
    return resp, transition_counts, log_p + float(shift.sum())


def expectations(log_b: np.ndarray, log_start: np.ndarray, log_A: np.ndarray, sequences: list[slice],
                 fallback, *, block: int | None = None):
    """The E-step of :func:`emlib.hmm.e_step` from its logs: ``resp``, expected transitions, start counts, log-lik.

    ``fallback(rows)`` gives ``(resp, transition_counts, log_likelihood)`` of
    one sequence by the log-space recursions, for a sequence whose scaled
    products underflow.  ``block`` is the number of steps per block (by
    default about the square root of each sequence's length).
    """
    k = log_b.shape[1]
    start, A = np.exp(log_start), np.exp(log_A)
    resp, transition_counts, start_counts = np.empty_like(log_b), np.zeros((k, k)), np.zeros(k)
    total = 0.0
    for rows in sequences:
        length = rows.stop - rows.start
        one, counts, log_p = _one_sequence(log_b[rows], start, A, block or _block_length(length))
        if log_p == -np.inf:
            return None, -np.inf
        if one is None:
            one, counts, log_p = fallback(rows)
        resp[rows] = one
        transition_counts += counts
        start_counts += one[0]
        total += log_p
    return (resp, transition_counts, start_counts), total
