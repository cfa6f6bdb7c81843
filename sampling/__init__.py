"""Sampling designs, estimates with confidence intervals, sample sizes and response rates.

A pure library for the livelihood-projects survey: it depends on numpy and SciPy only and
never on the web application. Import the submodules you need::

    from sampling import designs, estimate, rates, size

Design-based estimates follow R's ``survey`` package (Lumley), which is the reference the
tests are checked against; see ``sampling/README.md`` for a five-minute tour.
"""

__version__ = "1.0.0"

__all__ = ["__version__"]
