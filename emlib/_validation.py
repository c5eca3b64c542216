"""Input checks shared by every emlib module.

Each check either returns a clean value (a float64 array, a Python int, a
float, a ``numpy.random.Generator``) or raises ``TypeError`` (wrong kind of
thing) or ``ValueError`` (right kind, wrong value).  Every message starts with
the argument's name, so a student can see at once which argument was wrong.
"""

from __future__ import annotations

import numbers

import numpy as np

__all__ = ["check_array", "check_spread", "check_int", "check_float", "check_bool", "check_labels", "check_resp",
           "check_rng", "read_only", "singular_components", "check_mixture", "check_option",
           "check_sample_weight", "rounding_tolerance", "check_every_column_used"]

_COVARIANCE_NAMES = {"full": "full", "tied": "tied", "diag": "diagonal", "spherical": "spherical"}
_SINGULAR = 10 * np.finfo(np.float64).eps  # relative size of an eigenvalue that is 0 in rounding


def _describe(value: object) -> str:
    """A short description of ``value`` for error messages."""
    text = repr(value)
    if len(text) > 40:
        text = text[:37] + "..."
    return f"{text} ({type(value).__name__})"


def check_array(
    value: object, name: str, *, ndim: int = 2, shape_hint: str = "", reshape_advice: bool = True,
    allow_nan: bool = False,
) -> np.ndarray:
    """Return ``value`` as a finite, non-empty float64 array with ``ndim`` dimensions.

    Parameters
    ----------
    value
        Anything ``numpy.asarray`` understands: a list, a tuple or an array;
        also a pandas DataFrame or Series, nullable columns included (``pd.NA``
        becomes NaN, a missing entry).  A scipy sparse matrix is refused with
        the advice to pass ``.toarray()``.
    name
        The argument's name, used in error messages.
    ndim
        The number of dimensions required.
    shape_hint
        How the shape reads in words, e.g. ``"(n_samples, n_features)"``.
    reshape_advice
        For a 2-d array given as 1-d, suggest the reshape to one feature or
        one row (right for data, wrong for, say, responsibilities).
    allow_nan
        Let NaN through, as the marker of a missing entry; infinity is still
        refused.

    Raises
    ------
    TypeError
        If ``value`` is ``None``, a string, a sparse matrix, or an array that
        does not hold real numbers (strings, objects, complex numbers).
    ValueError
        If it has the wrong number of dimensions, is empty, or holds NaN or
        infinity.
    """
    if value is None or isinstance(value, (str, bytes)):
        raise TypeError(f"{name} must be an array of real numbers; got {_describe(value)}")
    if hasattr(value, "toarray") and hasattr(value, "nnz"):  # scipy.sparse
        raise TypeError(
            f"{name} is a sparse matrix ({type(value).__name__}); emlib needs a dense array: "
            f"pass {name}.toarray()"
        )
    if hasattr(value, "to_numpy") and not isinstance(value, np.ndarray):  # pandas, nullable dtypes too
        try:
            value = value.to_numpy(dtype=np.float64, na_value=np.nan)  # pd.NA is a missing entry
        except (TypeError, ValueError):  # not numbers: said below
            pass
    if isinstance(value, np.ma.MaskedArray) and np.ma.getmaskarray(value).any():
        raise ValueError(
            f"{name} is a masked array with masked entries; emlib does not read masks: "
            "drop or fill those entries first"
        )
    try:
        array = np.asarray(value)
    except ValueError as error:  # ragged nested lists
        raise ValueError(f"{name} must be a rectangular array of numbers: {error}") from None
    if array.dtype.kind not in "biuf":
        raise TypeError(f"{name} must hold real numbers; got an array of dtype {array.dtype}")
    hint = f" {shape_hint}" if shape_hint else ""
    if array.ndim != ndim:
        advice = ""
        if ndim == 2 and array.ndim == 1 and reshape_advice:
            advice = (f"; use {name}.reshape(-1, 1) for one feature"
                      f" or {name}.reshape(1, -1) for one row")
        raise ValueError(
            f"{name} must be a {ndim}-d array{hint}; got a {array.ndim}-d array "
            f"of shape {array.shape}{advice}"
        )
    if array.size == 0:
        raise ValueError(f"{name} must not be empty; got shape {array.shape}")
    array = array.astype(np.float64, copy=False)
    if allow_nan:
        if np.isinf(array).any():
            raise ValueError(f"{name} contains infinity; every entry must be finite or NaN (missing)")
    elif not np.all(np.isfinite(array)):
        problem = "NaN" if np.isnan(array).any() else "infinity"
        raise ValueError(f"{name} contains {problem}; every entry must be finite")
    return array


_LARGEST_SPREAD = 1e150  # of data along a feature: beyond, squares overflow float64
_SMALLEST_SPREAD = 1e-150  # and below (but above 0), they underflow


def check_spread(X: np.ndarray, name: str = "X") -> np.ndarray:
    """Refuse data whose squared spread along a feature overflows or underflows float64.

    The spread of a feature is the range of its values (NaN ignored).  A
    constant feature (spread 0) passes; the models say what is wrong with
    it.  Returns ``X``.
    """
    with np.errstate(over="ignore"):  # a spread beyond float64 becomes inf, and is refused
        spread = np.fmax.reduce(X, axis=0) - np.fmin.reduce(X, axis=0)  # NaN for an empty column
    spread = np.nan_to_num(spread)
    if spread.max() > _LARGEST_SPREAD:
        raise ValueError(
            f"{name} spreads over more than {_LARGEST_SPREAD:.0e} along a feature, so its squares "
            f"overflow float64; rescale {name} (for example to standard units)"
        )
    tiny = np.flatnonzero((spread > 0) & (spread < _SMALLEST_SPREAD))
    if tiny.size:
        raise ValueError(
            f"{name}[:, {tiny[0]}] spreads over less than {_SMALLEST_SPREAD:.0e}, so its squares "
            f"underflow float64; rescale {name} (for example to standard units)"
        )
    return X


def check_int(
    value: object, name: str, *, minimum: int | None = None, maximum: int | None = None,
    maximum_name: str = "",
) -> int:
    """Return ``value`` as a Python int within ``[minimum, maximum]``.

    ``True`` and ``False`` are rejected, and so are floats such as ``3.0``: a
    count is an integer.  ``maximum_name`` names the bound in the message,
    e.g. ``"n_samples"``.
    """
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Integral):
        raise TypeError(f"{name} must be an integer; got {_describe(value)}")
    value = int(value)
    if minimum is not None and value < minimum:
        raise ValueError(f"{name} must be at least {minimum}; got {value}")
    if maximum is not None and value > maximum:
        bound = f"{maximum_name} = {maximum}" if maximum_name else str(maximum)
        raise ValueError(f"{name} must be at most {bound}; got {value}")
    return value


def check_float(value: object, name: str, *, minimum: float | None = None) -> float:
    """Return ``value`` as a finite Python float, at least ``minimum``."""
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Real):
        raise TypeError(f"{name} must be a real number; got {_describe(value)}")
    value = float(value)
    if not np.isfinite(value):
        raise ValueError(f"{name} must be finite; got {value}")
    if minimum is not None and value < minimum:
        raise ValueError(f"{name} must be at least {minimum}; got {value}")
    return value


def check_bool(value: object, name: str) -> bool:
    """Return ``value`` as a Python bool; only ``True`` and ``False`` (or numpy's) are accepted."""
    if not isinstance(value, (bool, np.bool_)):
        raise TypeError(f"{name} must be True or False; got {_describe(value)}")
    return bool(value)


def check_labels(labels: object, n_samples: int, k: int | None = None, *, name: str = "labels") -> np.ndarray:
    """Return ``labels`` as an intp array of shape ``(n_samples,)`` with values in ``0 .. k-1``.

    Without ``k`` the values need only be non-negative.  ``name`` is how
    messages call the argument (``"labelings[1]"`` for an entry of a list).
    """
    if labels is None or isinstance(labels, (str, bytes)):
        raise TypeError(f"{name} must be an array of integers; got {labels!r}")
    labels = np.asarray(labels)
    if labels.dtype.kind not in "iu":
        raise TypeError(f"{name} must hold integers; got an array of dtype {labels.dtype}")
    if labels.shape != (n_samples,):
        raise ValueError(
            f"{name} must have shape (n_samples,) = ({n_samples},); got {labels.shape}"
        )
    low, high = (labels.min(), labels.max()) if labels.size else (0, 0)
    if k is not None and (low < 0 or high >= k):
        raise ValueError(f"{name} must lie in 0 .. k-1 = {k - 1}; got values from {low} to {high}")
    if low < 0:
        raise ValueError(f"{name} must not be negative; got {low}")
    return labels.astype(np.intp, copy=False)


def rounding_tolerance(value: object, count: int) -> float:
    """The relative error rounding may leave in a sum of ``count`` numbers given as ``value``: 1e-8 for float64.

    Numbers stored in a lower precision (float32, as scikit-learn keeps a
    float32 fit) are rounded to it, each by up to half its ``eps``; a sum of
    ``count`` of them (probabilities that should add up to 1, the two
    mirror entries of a covariance matrix) may be off by ``count`` times
    that, and a little more.
    """
    dtype = getattr(value, "dtype", None)
    eps = np.finfo(dtype).eps if dtype is not None and np.dtype(dtype).kind == "f" else 0.0
    return max(1e-8, 2.0 * count * float(eps))


def check_resp(
    resp: object, n_rows: int | None = None, *, data: str = "X", rows: str = "n_samples", name: str = "resp"
) -> np.ndarray:
    """Return ``resp`` as responsibilities: a 2-d float64 array of probabilities whose rows sum to 1.

    With ``n_rows``, it must have one row per row of the data, whose name
    (``data``) and row count's name (``rows``) the messages use.  A row may
    be off 1 by rounding: up to 1e-8, or more for input of lower precision
    (:func:`rounding_tolerance`).
    """
    value = resp
    resp = check_array(resp, name, ndim=2, shape_hint=f"of shape ({rows}, k)", reshape_advice=False)
    if n_rows is not None and resp.shape[0] != n_rows:
        raise ValueError(f"{name} must have one row per row of {data} ({n_rows}); got shape {resp.shape}")
    if np.any(resp < 0) or np.any(resp > 1):
        raise ValueError(f"{name} must hold probabilities between 0 and 1")
    errors = np.abs(resp.sum(axis=1) - 1.0)
    if errors.max() > rounding_tolerance(value, resp.shape[1]):
        row = int(np.argmax(errors))
        raise ValueError(f"each row of {name} must sum to 1; row {row} sums to {float(resp[row].sum())!r}")
    return resp


def check_every_column_used(resp: np.ndarray, component: str, share: str, estimate: str) -> None:
    """Refuse responsibilities that give a component (a column of ``resp``) nothing: its estimate would be 0 / 0."""
    empty = ~np.any(resp > 0, axis=0)
    if np.any(empty):
        raise ValueError(
            f"resp gives {component} {int(np.argmax(empty))} no {share} at all (its column is all 0), "
            f"so its {estimate} is undefined"
        )


def check_rng(rng: object) -> np.random.Generator:
    """Return a ``numpy.random.Generator`` from ``rng``.

    ``rng`` may be ``None`` (fresh, unpredictable entropy), a non-negative int
    seed, a ``numpy.random.SeedSequence``, a ``Generator``, which is returned
    as it is so that successive calls draw successive numbers, or a legacy
    ``numpy.random.RandomState`` (as scikit-learn takes), from which a seed is
    drawn: the same ``RandomState`` gives the same results, and successive
    calls with it draw different numbers, as they would from the state
    itself.  Global random state is never touched.
    """
    if isinstance(rng, np.random.Generator):
        return rng
    if rng is None or isinstance(rng, np.random.SeedSequence):
        return np.random.default_rng(rng)
    if isinstance(rng, np.random.RandomState):
        return np.random.default_rng(rng.randint(2**32, size=4, dtype=np.uint64))
    if isinstance(rng, numbers.Integral) and not isinstance(rng, (bool, np.bool_)):
        if rng < 0:
            raise ValueError(f"rng must be a non-negative seed; got {rng}")
        return np.random.default_rng(int(rng))
    raise TypeError(
        "rng must be None, an int seed, a numpy.random.SeedSequence, a numpy.random.Generator "
        f"or a numpy.random.RandomState; got {_describe(rng)}"
    )


def read_only(array: np.ndarray) -> np.ndarray:
    """Mark a result array read-only, so that a result cannot be changed by accident."""
    array.flags.writeable = False
    return array


def singular_components(covariances: np.ndarray) -> list[int]:
    """The components whose covariance is not positive definite, to working precision.

    ``covariances`` is ``(k, d, d)`` (full), ``(k, d)`` (diagonal) or
    ``(k,)`` (spherical).  A full covariance is first scaled to its
    correlation matrix (which is positive definite exactly when the
    covariance is), so that features in different units do not matter.  It
    counts as singular when the smallest eigenvalue of that matrix is within
    rounding (``10 d`` machine epsilons) of 0: a Cholesky factorisation may
    still succeed there, but the density it gives is meaningless.
    """
    if covariances.ndim < 3:
        return np.flatnonzero(covariances.reshape(len(covariances), -1).min(axis=1) <= 0).tolist()
    variances = np.diagonal(covariances, axis1=1, axis2=2)
    flat = (variances <= 0).any(axis=1)
    scale = np.sqrt(np.where(flat[:, None], 1.0, variances))
    correlations = covariances / (scale[:, :, None] * scale[:, None, :])
    eigenvalues = np.linalg.eigvalsh(correlations)
    floor = _SINGULAR * covariances.shape[1] * np.maximum(eigenvalues[:, -1], 0)
    return np.flatnonzero(flat | (eigenvalues[:, 0] <= floor)).tolist()


def check_mixture(
    params: object, n_features: int | None = None, name: str = "params", *, like: str = "X"
) -> tuple[np.ndarray, np.ndarray, np.ndarray, str]:
    """A Gaussian mixture's ``(weights, means, covariances, covariance_type)``, arrays in float64, or say what is wrong.

    The covariances are full ``(k, d, d)`` or tied ``(d, d)`` (symmetric,
    positive definite), diagonal ``(k, d)`` or spherical ``(k,)``
    (positive).  ``params`` is ``(weights, means, covariances)``, or a
    ``gmm.Params`` whose ``covariance_type`` says which; without one the
    shape says it, except for a 2-d array with ``k == d > 1``, where
    ``"diag"`` and ``"tied"`` look alike and the type must be given.  With
    ``n_features``, the means must have that many columns, like ``like``.
    """
    if not (isinstance(params, tuple) and len(params) == 3):
        raise TypeError(
            f"{name} must be a gmm.Params(weights, means, covariances); got {type(params).__name__}"
        )
    weights = check_array(params[0], f"{name}.weights", ndim=1, shape_hint="(k,)")
    k = len(weights)
    means = check_array(params[1], f"{name}.means", ndim=2, shape_hint="(k, n_features)",
                        reshape_advice=False)
    d = means.shape[1]
    if means.shape[0] != k:
        raise ValueError(
            f"{name}.means must have one row per component, k = {k} (the length of "
            f"{name}.weights); got shape {means.shape}"
        )
    if n_features is not None and d != n_features:
        raise ValueError(
            f"{name}.means must have n_features = {n_features} columns, like {like}; got shape {means.shape}"
        )
    raw = params[2]
    kind = getattr(params, "covariance_type", None)  # a gmm.Params checked its own
    shapes = {"full": (k, d, d), "tied": (d, d), "diag": (k, d), "spherical": (k,)}
    try:
        ndim = 3 if raw is None or isinstance(raw, (str, bytes)) else np.ndim(raw)
    except ValueError:  # ragged nested lists: check_array says so
        ndim = 3
    if kind is None:
        if ndim not in (1, 2, 3):
            raise ValueError(
                f"{name}.covariances must have shape (k, d, d) for full, (d, d) for tied, (k, d) for diagonal "
                f"or (k,) for spherical covariances, with k = {k} and d = {d}; got a {ndim}-d array"
            )
        kind = _kind_of_shape(ndim, np.shape(raw) if ndim == 2 else None, k, d, name)
    covariances = check_array(raw, f"{name}.covariances", ndim=len(shapes[kind]), reshape_advice=False)
    if covariances.shape != shapes[kind]:
        raise ValueError(
            f"{name}.covariances must have shape {shapes[kind]} for {_COVARIANCE_NAMES[kind]} "
            f"covariances (k = {k} components, d = {d} features); got {covariances.shape}"
        )
    if (weights < 0).any():
        raise ValueError(f"{name}.weights must not be negative; got {weights.tolist()}")
    if abs(weights.sum() - 1) > rounding_tolerance(params[0], k):
        raise ValueError(f"{name}.weights must sum to 1; they sum to {float(weights.sum())!r}")
    stack = covariances[None] if kind == "tied" else covariances  # (k, d, d), (1, d, d), (k, d) or (k,)
    which = (lambda index: f"{name}.covariances") if kind == "tied" else (lambda index: f"{name}.covariances[{index}]")
    if stack.ndim == 3:
        asymmetry = np.abs(stack - stack.swapaxes(1, 2)).max(axis=(1, 2))
        scale = np.abs(stack).max(axis=(1, 2))
        bad = np.flatnonzero(asymmetry > rounding_tolerance(raw, 4) * scale)
        if bad.size:
            raise ValueError(
                f"{which(bad[0])} is not symmetric (entries differ from their "
                f"transpose by up to {asymmetry[bad[0]]:.3g})"
            )
        stack = (stack + stack.swapaxes(1, 2)) / 2
    failed = singular_components(stack)
    if failed:
        what = "variances must be positive" if stack.ndim < 3 else "matrix is not positive definite"
        raise ValueError(f"{which(failed[0])} is not a covariance: its {what}")
    return weights, means, stack[0] if kind == "tied" else stack, kind


def _kind_of_shape(ndim: int, shape: tuple | None, k: int, d: int, name: str) -> str:
    """The covariance type a shape implies: full (k, d, d), tied (d, d), diag (k, d) or spherical (k,)."""
    if ndim != 2:
        return "full" if ndim == 3 else "spherical"
    if k == d > 1:
        raise ValueError(
            f"{name}.covariances of shape ({d}, {d}) could be diagonal (a row of variances for each of "
            f"the k = {k} components) or tied (one covariance matrix shared by all of them): say which, "
            f"as gmm.Params(weights, means, covariances, covariance_type='diag') or covariance_type='tied'"
        )
    return "tied" if shape == (d, d) and k != d else "diag"


def check_option(value: object, name: str, options: tuple[str, ...]) -> str:
    """``value``, one of the strings ``options``, or say what it should be."""
    if not isinstance(value, str):
        raise TypeError(f"{name} must be a string; got {type(value).__name__}")
    if value not in options:
        raise ValueError(f"{name} must be one of {options}; got {value!r}")
    return value


def check_sample_weight(sample_weight: object, n_samples: int) -> np.ndarray | None:
    """``None``, or the weights of the rows as a float64 array: non-negative, not all 0, one per row."""
    if sample_weight is None:
        return None
    weights = check_array(sample_weight, "sample_weight", ndim=1, shape_hint="(n_samples,)")
    if weights.shape != (n_samples,):
        raise ValueError(
            f"sample_weight must have one entry per row of X, shape ({n_samples},); got {weights.shape}"
        )
    if (weights < 0).any():
        raise ValueError("sample_weight must not be negative")
    if weights.sum() == 0:
        raise ValueError("sample_weight must not be all zero")
    return weights
