"""okrsite: OKRs and KPIs in git, checked in pull requests, published as a fast, safe site."""

__version__ = "0.1.0"
