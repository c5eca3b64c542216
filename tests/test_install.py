"""Installing emlib for homework: ``pip install`` from the repository path.

The package needs numpy and nothing else; matplotlib and ipywidgets come with
the ``plots`` extra and palmerpenguins with the ``data`` extra.  The test
builds the wheel pip would build from the repository, reads its
requirements, installs it into a fresh virtual environment that holds
numpy and nothing else, and uses it there.  Nothing is downloaded: numpy is
the copy of this environment, put on the fresh one's path.
"""

import email.parser
import os
import shutil
import subprocess
import sys
import venv
import zipfile
from importlib import metadata
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def clean_run(args, **kwargs) -> subprocess.CompletedProcess:
    """``subprocess.run`` without this session's Python or pip settings (PYTHONPATH, PIP_*, ...)."""
    clean = {name: value for name, value in os.environ.items()
             if not name.startswith(("PYTHON", "PIP_", "VIRTUAL_ENV"))}
    return subprocess.run(args, env=clean, **kwargs)


@pytest.fixture(scope="module")
def wheel(tmp_path_factory):
    """The wheel, built from a copy of what the repository's pyproject.toml packages (not in place)."""
    source, out = tmp_path_factory.mktemp("source"), tmp_path_factory.mktemp("wheel")
    shutil.copytree(ROOT / "emlib", source / "emlib", ignore=shutil.ignore_patterns("__pycache__"))
    for name in ("pyproject.toml", "README.md"):
        shutil.copy2(ROOT / name, source / name)
    clean_run([sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "--no-build-isolation",
                    "--no-index", "--wheel-dir", str(out), str(source)], check=True)
    (built,) = out.glob("emlib_book-*.whl")
    return built


@pytest.fixture(scope="module")
def fresh_python(tmp_path_factory, wheel):
    """A new virtual environment with only numpy (this one's, by path) and the emlib wheel."""
    home = tmp_path_factory.mktemp("fresh")
    venv.create(home / "env", with_pip=True)
    python = home / "env" / "bin" / "python"
    numpy_only = home / "numpy-only"
    numpy_only.mkdir()
    numpy_dist = metadata.distribution("numpy")
    site = Path(numpy_dist.locate_file(""))
    for entry in site.iterdir():
        if entry.name in ("numpy", "numpy.libs") or (entry.name.startswith("numpy-") and entry.suffix == ".dist-info"):
            (numpy_only / entry.name).symlink_to(entry)
    purelib = clean_run([str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                             check=True, capture_output=True, text=True).stdout.strip()
    (Path(purelib) / "numpy-only.pth").write_text(str(numpy_only) + "\n")
    clean_run([str(python), "-m", "pip", "install", "--quiet", "--no-index", "--no-deps", str(wheel)], check=True)
    return python


def _run(python, code):
    return clean_run([str(python), "-I", "-c", code], capture_output=True, text=True)


def test_the_wheel_requires_numpy_and_puts_the_rest_in_extras(wheel):
    with zipfile.ZipFile(wheel) as archive:
        (name,) = [n for n in archive.namelist() if n.endswith(".dist-info/METADATA")]
        meta = email.parser.Parser().parsestr(archive.read(name).decode())
        files = archive.namelist()
    requires = sorted(meta.get_all("Requires-Dist"))
    assert [r for r in requires if "extra ==" not in r] == ["numpy>=1.24"]
    assert sorted(r.split(";")[0].split(">=")[0] for r in requires if 'extra == "plots"' in r) == ["ipywidgets", "matplotlib"]
    assert [r.split(";")[0].split(">=")[0] for r in requires if 'extra == "data"' in r] == ["palmerpenguins"]
    assert "emlib/data/faithful.csv" in files
    assert not [f for f in files if f.startswith(("tests/", "book/", "benchmarks/", "scripts/"))]


def test_pip_sees_nothing_missing_and_nothing_else(fresh_python):
    check = clean_run([str(fresh_python), "-m", "pip", "check"], capture_output=True, text=True)
    assert check.returncode == 0, check.stdout + check.stderr
    listed = clean_run([str(fresh_python), "-m", "pip", "list", "--format=freeze"],
                            check=True, capture_output=True, text=True).stdout.split()
    # pip (and, before Python 3.12, setuptools) come with every new environment
    assert sorted(line.split("==")[0].lower() for line in listed if not line.startswith(("pip==", "setuptools=="))) == [
        "emlib-book", "numpy"]


def test_emlib_imports_and_fits_with_numpy_alone(fresh_python):
    result = _run(fresh_python, """
import sys
import emlib
from emlib import coins, datasets, gmm, kmeans
data = datasets.two_coins()
fit = coins.fit(data.heads, data.tosses, theta0=[0.6, 0.5])
print(fit.params.theta.round(2).tolist())
faithful = datasets.old_faithful()
print(gmm.fit(faithful.X, 2, rng=0).converged, len(faithful.X))
loaded = {name.split('.')[0] for name in sys.modules if not name.startswith('_')}
third_party = sorted(loaded - set(sys.stdlib_module_names) - {'emlib', 'numpy', 'cython_runtime'})
print(third_party, emlib.__file__.startswith(sys.prefix))
""")
    assert result.returncode == 0, result.stderr
    assert result.stdout.split("\n")[:3] == ["[0.8, 0.52]", "True 272", "[] True"]


@pytest.mark.parametrize("module, message", [
    ("plots", "emlib.plots needs matplotlib: pip install matplotlib"),
    ("widgets", "emlib.widgets needs ipywidgets and matplotlib: pip install ipywidgets matplotlib"),
])
def test_the_plots_extra_is_named_when_it_is_missing(fresh_python, module, message):
    result = _run(fresh_python, f"import emlib.{module}")
    assert result.returncode == 1
    assert f"ImportError: {message}" in result.stderr


def test_the_data_extra_is_named_when_it_is_missing(fresh_python):
    result = _run(fresh_python, "from emlib import datasets; datasets.penguins()")
    assert result.returncode == 1
    assert "ImportError: datasets.penguins needs the palmerpenguins package" in result.stderr
