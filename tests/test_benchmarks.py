"""The benchmark suite runs, writes what the book's appendix reads, and its committed results cover every case.

The benchmarks themselves measure; these tests measure nothing (no timed
assertion).  They run each benchmark with ``--quick`` (small sizes, one
repeat), check the JSON it writes against the committed results' layout,
and check that the committed results in ``benchmarks/results`` hold every
case the appendix discusses.  They also test the figure of the appendix.
"""

import json
import os
import shutil
import sys
from pathlib import Path

import numpy as np
import pytest
import yaml

from emlib import _parallel, plots

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "benchmarks" / "results"
sys.path.insert(0, str(ROOT / "benchmarks"))

import bench_gmm  # noqa: E402
import bench_hmm  # noqa: E402
import bench_holes  # noqa: E402
import bench_kmeans  # noqa: E402

TIMES = {"n", "d", "k", "emlib_ms", "sklearn_ms", "ratio"}


def committed(name: str) -> dict:
    return json.loads((RESULTS / f"{name}.json").read_text())


def layout(value):
    """The shape of a JSON document: its keys, nested, lists by their first entry, every number a "number"."""
    if isinstance(value, dict):
        return {key: layout(item) for key, item in value.items() if key != "machine"}
    if isinstance(value, list):
        return [layout(value[0])] if value else []
    return "number" if isinstance(value, (int, float)) and not isinstance(value, bool) else type(value).__name__


@pytest.mark.parametrize("module, name", [(bench_kmeans, "kmeans"), (bench_gmm, "gmm")])
def test_a_quick_run_writes_the_layout_of_the_committed_results(module, name, tmp_path, capsys):
    results = module.main(["--quick", "--out", str(tmp_path)])
    printed = capsys.readouterr().out
    assert (tmp_path / f"{name}.txt").read_text() == printed
    assert json.loads((tmp_path / f"{name}.json").read_text()) == results
    assert layout(results) == layout(committed(name))
    for row in results["cases"] + results["scaling"]:  # (a quick run's times are noise: not checked)
        assert TIMES <= row.keys() and all(np.isfinite(row[key]) for key in TIMES)
    assert results["machine"]["emlib threads"] == _parallel.n_threads()


def test_the_committed_mixture_results_hold_every_case():
    results = committed("gmm")
    cases = {(r["n"], r["d"], r["k"], r["covariance_type"]) for r in results["cases"]}
    assert cases == {(200_000, d, 5, kind) for d in (2, 10, 50) for kind in ("full", "diag")}
    assert [r["n"] for r in results["scaling"]] == [10_000, 30_000, 100_000, 300_000, 1_000_000]
    assert {(m["n"], m["d"], m["k"]) for m in results["memory"]} == {(1_000_000, 10, 5)}
    assert {(r["d"]) for r in results["work_rates"]} == {2, 10, 50}
    for rate in results["work_rates"]:
        case = next(r for r in results["cases"] if r["d"] == rate["d"] and r["covariance_type"] == "full")
        flops = 2 * case["n"] * case["k"] * case["d"] ** 2  # the floor: triangular whitening, symmetric scatter
        assert rate["gflop_per_iteration"] == pytest.approx(flops / 1e9)
        assert rate["emlib_fraction"] == pytest.approx(flops / (results["matmul_gflops"] * 1e6 * case["emlib_ms"]))
        assert rate["sklearn_fraction"] == pytest.approx(flops / (results["matmul_gflops"] * 1e6 * case["sklearn_ms"]))
    assert results["method"] == bench_gmm.FULL["method"]


def test_the_committed_kmeans_results_hold_every_case():
    results = committed("kmeans")
    assert [(r["n"], r["d"], r["k"]) for r in results["cases"]] == bench_kmeans.FULL["cases"]
    assert [(r["n"], r["d"], r["k"]) for r in results["scaling"]] == bench_kmeans.FULL["scaling"]
    assert results["method"] == bench_kmeans.FULL["method"]


def test_a_quick_run_of_the_holes_benchmark_times_both_variants_in_processes_of_their_own(tmp_path, capsys):
    results = bench_holes.main(["--quick", "--out", str(tmp_path)])
    assert (tmp_path / "holes.txt").read_text() == capsys.readouterr().out
    assert layout(results) == layout(committed("holes"))
    (row,) = results["cases"]
    assert all(np.isfinite(row[key]) for key in ("complete_ms", "holes_ms", "ratio"))  # a quick run's times: noise
    assert row["patterns"] == len(np.unique(np.isnan(bench_holes.problem(*bench_holes.QUICK["cases"][0], 0.2)[1]),
                                            axis=0))


def test_the_committed_holes_results_hold_the_issue_case():
    results = committed("holes")
    cases = [(r["n"], r["d"], r["k"], r["covariance_type"]) for r in results["cases"]]
    assert cases == bench_holes.FULL["cases"] and results["method"] == bench_holes.FULL["method"]
    for row in results["cases"]:
        assert row["fraction_hidden"] == pytest.approx(bench_holes.FULL["fraction"], abs=0.005)
        assert all(np.isfinite(row[key]) and row[key] > 0 for key in ("complete_ms", "holes_ms", "ratio"))


def test_the_committed_slider_timings_cover_every_chapter_with_sliders():
    import bench_sliders

    toc = yaml.safe_load((ROOT / "_toc.yml").read_text())
    notebooks = [ROOT / f"{entry['file']}.ipynb" for part in toc["parts"] for entry in part["chapters"]]
    with_widgets = {f"{path.relative_to(ROOT).with_suffix('.html')}" for path in notebooks if path.exists()
                    and "from emlib import" in (text := path.read_text()) and "widgets" in text and "_slider(" in text}
    timed = {row["page"] for row in committed("sliders")["sliders"]}
    assert len(with_widgets) >= 8 and timed == with_widgets == set(bench_sliders.pages_with_sliders())
    for row in committed("sliders")["sliders"]:
        assert 0 < row["frame_ms_median"] <= row["frame_ms_max"]
        assert row["frame_ms_median"] <= row["paint_ms_median"] <= row["paint_ms_max"]


def test_a_quick_slider_run_times_the_first_chapter(tmp_path, capsys, built_site):
    if not (shutil.which("chromium") or shutil.which("chromium-browser")):
        reason = "chromium is not installed (apt-get install chromium); slider timing not run"
        if os.environ.get("EMLIB_REQUIRE_BROWSER") == "1":
            pytest.fail(reason)
        pytest.skip(reason)
    import bench_sliders

    results = bench_sliders.main(["--quick", "--out", str(tmp_path)])
    assert results["sliders"], "no slider found on the first chapter"
    assert {row["page"] for row in results["sliders"]} == {bench_sliders.pages_with_sliders()[0]}
    assert layout(results) == layout(committed("sliders"))


# --------------------------------------------------------------------------
# The threads that share a pass over the data
# --------------------------------------------------------------------------


def test_map_blocks_keeps_the_block_order_with_any_number_of_threads(monkeypatch):
    blocks = [np.arange(i, i + 3) for i in range(0, 30, 3)]
    expected = [block.sum() for block in blocks]
    for threads in ("1", "2", "3", "16"):
        monkeypatch.setenv("EMLIB_NUM_THREADS", threads)
        assert _parallel.n_threads() == int(threads)
        assert _parallel.map_blocks(np.sum, blocks) == expected
        assert _parallel.map_blocks(np.sum, blocks, parallel=False) == expected


def test_the_thread_count_setting_must_be_a_whole_number(monkeypatch):
    monkeypatch.setenv("EMLIB_NUM_THREADS", "two")
    with pytest.raises(ValueError, match="EMLIB_NUM_THREADS must be a whole number; got 'two'"):
        _parallel.n_threads()


def test_kmeans_gives_the_same_bits_with_one_thread_or_several(monkeypatch):
    from emlib import kmeans

    X = bench_kmeans.overlapping_data(40_000, 10, 16, np.random.default_rng(3))
    fits = {}
    for threads in ("1", "2", "5"):
        monkeypatch.setenv("EMLIB_NUM_THREADS", threads)
        fits[threads] = kmeans.fit(X, 16, init="random", max_iter=8, tol=0, rng=4)
    for result in fits.values():
        assert result.inertia == fits["1"].inertia
        assert np.array_equal(result.labels, fits["1"].labels)
        assert np.array_equal(result.centers, fits["1"].centers)


# --------------------------------------------------------------------------
# The appendix's figure
# --------------------------------------------------------------------------


def test_time_per_iteration_draws_each_curve_and_a_line_of_slope_one():
    n = np.array([1_000, 10_000, 100_000])
    fig = plots.time_per_iteration(n, {"k-means": {"emlib": [0.2, 2.0, 20.0], "other": [1.0, 4.0, 16.0]},
                                       "mixture": {"emlib": [1.0, 10.0, 100.0]}})
    left, right = fig.axes
    assert left.get_xscale() == left.get_yscale() == "log"
    labels = left.get_legend_handles_labels()[1]
    # the second curve grows 4-fold per 10-fold N: a slope of log10(4)
    assert labels == ["emlib (slope 1.00)", f"other (slope {np.log10(4):.2f})", "slope 1"]
    reference = left.get_lines()[-1]
    assert np.allclose(reference.get_ydata(), [0.2, 2.0, 20.0])  # through the first curve's first point
    assert [line.get_label() for line in right.get_lines()] == ["emlib (slope 1.00)", "slope 1"]
    assert right.get_title() == "mixture"


def test_a_quick_run_of_the_hmm_benchmark_times_each_library_in_a_process_of_its_own(tmp_path, capsys):
    results = bench_hmm.main(["--quick", "--out", str(tmp_path)])
    assert (tmp_path / "hmm.txt").read_text() == capsys.readouterr().out
    assert layout(results) == layout(committed("hmm"))
    (row,) = results["cases"]
    assert all(np.isfinite(value) for key, value in row.items() if key.endswith("_ms") or key.startswith("ratio"))


def test_the_committed_hmm_results_hold_the_issue_case():
    results = committed("hmm")
    assert [(r["t"], r["k"], r["d"], r["covariance_type"]) for r in results["cases"]] == bench_hmm.FULL["cases"]
    assert results["method"] == bench_hmm.FULL["method"]
    for row in results["cases"]:
        times = [row[f"{variant}_ms"] for variant in bench_hmm.VARIANTS]
        assert all(np.isfinite(time) and time > 0 for time in times)
        assert row["ratio_to_hmmlearn-log"] > 0 and row["ratio_to_hmmlearn-scaling"] > 0


def test_the_hmm_benchmark_fits_the_same_model_in_both_libraries():
    # the two libraries time the same computation: one iteration from the same start gives the same parameters
    X, start = bench_hmm.problem(3_000, 3, 2, "full")
    fits = {variant: bench_hmm.fitter(variant, X, start, "full")(2) for variant in bench_hmm.VARIANTS}
    ours = fits["emlib"].params
    for variant in bench_hmm.VARIANTS[1:]:
        np.testing.assert_allclose(fits[variant].transmat_, ours.transitions, rtol=1e-7)
        np.testing.assert_allclose(fits[variant].means_, ours.emissions.means, rtol=1e-7)
        np.testing.assert_allclose(fits[variant].covars_, ours.emissions.covariances, rtol=1e-7)
