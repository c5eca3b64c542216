"""Figures for the chapters (needs the ``plots`` extra: matplotlib).

Every function that makes a figure returns a :class:`NotebookFigure`, a
matplotlib figure built without pyplot, so nothing accumulates in global
state (there is nothing to close): a notebook shows it (sharp on
high-resolution screens) when it is a cell's value, whatever the matplotlib
backend, and a script saves it with ``fig.savefig(...)``.  The ``*_frames``
functions return such figures in a list, one per frame of a slider
(:mod:`emlib.widgets`).  Functions that draw into an existing axes take
``ax=`` and return it.

The figures live in one module per chapter (``emlib/plots/kmeans.py``,
``coins.py``, ``soft.py``, ``gmm.py``, ``bound.py`` for "EM in general",
``exam.py``, ``missing.py``, ``practice.py``, ``holes.py`` for "A mixture
with holes", ``hmm.py`` for hidden Markov models, ``performance.py``); what they
share (the figure class, the palette, the checks) is in ``_base.py``.  All of
them are used as ``plots.<name>``.
"""

from ._base import *  # noqa: F403
from ._base import __all__ as _base_all
from .kmeans import *  # noqa: F403
from .kmeans import __all__ as _kmeans_all
from .coins import *  # noqa: F403
from .coins import __all__ as _coins_all
from .soft import *  # noqa: F403
from .soft import __all__ as _soft_all
from .gmm import *  # noqa: F403
from .gmm import __all__ as _gmm_all
from .bound import *  # noqa: F403
from .bound import __all__ as _bound_all
from .exam import *  # noqa: F403
from .exam import __all__ as _exam_all
from .missing import *  # noqa: F403
from .missing import __all__ as _missing_all
from .practice import *  # noqa: F403
from .practice import __all__ as _practice_all
from .holes import *  # noqa: F403
from .holes import __all__ as _holes_all
from .hmm import *  # noqa: F403
from .hmm import __all__ as _hmm_all
from .performance import *  # noqa: F403
from .performance import __all__ as _performance_all

# named again here, so that the API reference finds the constant's description
from ._base import PALETTE as _PALETTE

#: Okabe & Ito's colour-blind-safe palette, one colour per cluster.
PALETTE = _PALETTE

__all__ = [*_base_all, *_kmeans_all, *_coins_all, *_soft_all, *_gmm_all, *_bound_all, *_exam_all,
           *_missing_all, *_practice_all, *_holes_all, *_hmm_all, *_performance_all]
