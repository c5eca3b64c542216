"""Shared test settings.

Property tests run 200 examples each by default (the "ci" profile); set
HYPOTHESIS_PROFILE=thorough for 5 000, e.g. before a release.
"""

import os

import matplotlib
from hypothesis import settings

matplotlib.use("Agg")

settings.register_profile("ci", max_examples=200, deadline=None, print_blob=True)
settings.register_profile("thorough", max_examples=5000, deadline=None, print_blob=True)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))
