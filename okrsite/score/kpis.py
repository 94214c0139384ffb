"""KPIs: health by thresholds, staleness by cadence, the state at the as-of date."""

from __future__ import annotations

from datetime import date

from ..model import Kpi, Point
from ..vocabulary import CADENCE_DAYS, Health
from .cards import KpiState
from .keyresults import counted, latest_point

# --- KPIs ---------------------------------------------------------------------------------


def kpi_health(kpi: Kpi, value: float) -> Health | None:
    """green / amber / red by the thresholds, in the KPI's direction; ``None`` without any.

    A missing threshold is skipped: only ``green`` gives green or red, only ``amber`` gives
    amber or red.
    """
    if kpi.green is None and kpi.amber is None:
        return None
    lower = kpi.direction == "lower_is_better"
    bands: tuple[tuple[Health, float | None], ...] = (("green", kpi.green), ("amber", kpi.amber))
    for health, threshold in bands:
        if threshold is not None and (value <= threshold if lower else value >= threshold):
            return health
    return "red"


def kpi_stale(kpi: Kpi, latest: Point | None, as_of: date, stale_after_days: int) -> bool | None:
    """With a cadence: no value for more than one cadence step plus ``stale_after_days``."""
    if kpi.cadence is None:
        return None
    if latest is None:
        return True
    return (as_of - latest.date).days > CADENCE_DAYS[kpi.cadence] + stale_after_days


def kpi_state(kpi: Kpi, as_of: date | None = None, stale_after_days: int = 14) -> KpiState:
    """The KPI at ``as_of`` (``None``: counting every value)."""
    values = counted(kpi.values, as_of) if as_of is not None else kpi.values
    latest = latest_point(values)
    return KpiState(
        latest=latest,
        health=kpi_health(kpi, latest.value) if latest is not None else None,
        values=values,
        stale=kpi_stale(kpi, latest, as_of, stale_after_days) if as_of is not None else None,
    )
