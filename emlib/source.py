"""emlib's own code, to read beside the mathematics.

The chapters show each E-step and M-step as ``emlib`` has it: a cell calls
``source.show(gmm.e_step)`` and the function's code appears below it,
highlighted, without its docstring (``help(gmm.e_step)`` shows that).  The
code is read from ``emlib`` itself when the cell runs, so the book cannot
drift from the package.  In a notebook of your own, ``source.show`` works the
same way on any function written in Python.
"""

from __future__ import annotations

import ast
import inspect
import textwrap

__all__ = ["Code", "show"]


class Code(str):
    """Python code that a notebook displays highlighted.

    A ``str``: printed, compared or written to a file, it is the code itself.
    In Jupyter (and in the built book) it shows as a highlighted Python block.

    Examples
    --------
    >>> code = Code("x = 1")
    >>> code == "x = 1", code._repr_markdown_()
    (True, '```python\\nx = 1\\n```')
    """

    def _repr_markdown_(self) -> str:
        return f"```python\n{self}\n```"

    def __repr__(self) -> str:
        return str(self)


def _without_docstring(function: object) -> str:
    """The source of ``function``, dedented, with its docstring's lines taken out."""
    lines = textwrap.dedent(inspect.getsource(function)).splitlines()
    definition = ast.parse("\n".join(lines)).body[0]
    body = definition.body
    if len(body) > 1 and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant) \
            and isinstance(body[0].value.value, str):
        del lines[body[0].lineno - 1 : body[0].end_lineno]
    return "\n".join(lines)


def show(*functions: object) -> Code:
    """The code of one or more functions, without their docstrings.

    Parameters
    ----------
    *functions : function
        Functions written in Python, such as ``emlib.gmm.e_step``.

    Returns
    -------
    Code
        Each function's source as it is in its module, dedented, with the
        docstring's lines left out; several functions are separated by two
        blank lines, as in a module.  A notebook shows it as highlighted Python.

    Raises
    ------
    TypeError
        If no function is given, or one is not a function written in Python
        (a class, a number, a built-in such as ``len``).

    Examples
    --------
    >>> from emlib import gmm
    >>> code = show(gmm.e_step)
    >>> code.splitlines()[0]
    'def e_step(X: object, params: Params) -> tuple[np.ndarray, float]:'
    >>> "Parameters" in code  # the docstring is left out; help(gmm.e_step) shows it
    False
    """
    if not functions:
        raise TypeError("show needs at least one function; got none")
    for position, function in enumerate(functions):
        if not inspect.isfunction(function):
            raise TypeError(
                f"functions[{position}] must be a function written in Python; got {function!r} "
                f"of type {type(function).__name__}"
            )
    return Code("\n\n\n".join(_without_docstring(function) for function in functions))
