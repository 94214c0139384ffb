"""Stage 4: pure scoring functions, exactly as the spec's Scoring and Status sections say.

One module a job: :mod:`.cards` (what is computed), :mod:`.keyresults` (one key result),
:mod:`.objectives` (the roll-up, pace and status), :mod:`.kpis` and :mod:`.tree` (the whole
tree: :func:`score_goals`, and :func:`rescore`, which scores again only what an edit can
change). Everything is imported from here.

Nothing here reads the clock or the disk: the as-of date (and, optionally, the dates git last
changed each key result) are passed in. Floats are never rounded here; the JSON export rounds.
Everything dated after the as-of date (check-ins, ``updated``, KPI values) is ignored: a
snapshot shows what was known then (format 1.1).

Where the spec is silent, this module decides (and ``docs/format.md`` repeats):

- Status thresholds tolerate float noise: a pace within ``STATUS_TOLERANCE`` below a threshold
  reaches it, so a metric from 2 to 5 at 4.1 (0.7 on paper, 0.6999999999999998 in floats) is
  on track at the end of its period, as the 0.7 the site shows suggests.
- A KPI with only one threshold uses that one: only ``green`` gives green or red, only ``amber``
  gives amber or red.
- The current period when none is set and none contains the as-of date: see
  :func:`current_period`.
- Numbers at the ends of the float range never overflow into ``inf`` or ``nan``: spans and
  weights are scaled first (:func:`share`, :func:`weighted_mean`), and ``progress`` is kept
  within ``±PROGRESS_LIMIT``.
- Defensive fallbacks for input validation rejects (never reached on a validated tree): an
  aligned key result with no contributors scores 0, a metric with ``target == start`` scores 1
  when ``current`` equals it and 0 otherwise, a missing ``start``/``target``/``score`` scores 0,
  a ``shared`` key result whose source is missing scores 0, and an objective on an alignment
  cycle ignores the edge that closes it.
"""

from __future__ import annotations

from .cards import PROGRESS_LIMIT, GitDates, KeyResultScore, KpiState, ObjectiveScore, Scorecard
from .keyresults import (
    KR_SCORERS,
    KrScorer,
    Reading,
    checklist_done,
    clamp,
    counted,
    is_stale,
    key_result_score,
    last_update,
    latest_point,
    mean,
    metric_current,
    metric_progress,
    metric_score,
    own_period,
    reached,
    reading,
    share,
    threshold_direction,
    threshold_met,
    weighted_mean,
)
from .kpis import kpi_health, kpi_stale, kpi_state
from .objectives import (
    expected_share,
    key_result_scores,
    measure_key_result,
    objective_score,
    pace_status,
    roll_up,
    score_objective,
    shared_state,
    status_of,
)
from .tree import counts_in, current_period, overall_score, rescore, score_goals, unit_scores

__all__ = [
    "KR_SCORERS",
    "PROGRESS_LIMIT",
    "GitDates",
    "KeyResultScore",
    "KpiState",
    "KrScorer",
    "ObjectiveScore",
    "Reading",
    "Scorecard",
    "checklist_done",
    "clamp",
    "counted",
    "counts_in",
    "current_period",
    "expected_share",
    "is_stale",
    "key_result_score",
    "key_result_scores",
    "kpi_health",
    "kpi_stale",
    "kpi_state",
    "last_update",
    "latest_point",
    "mean",
    "measure_key_result",
    "metric_current",
    "metric_progress",
    "metric_score",
    "objective_score",
    "overall_score",
    "own_period",
    "pace_status",
    "reached",
    "reading",
    "rescore",
    "roll_up",
    "score_goals",
    "score_objective",
    "share",
    "shared_state",
    "status_of",
    "threshold_direction",
    "threshold_met",
    "unit_scores",
    "weighted_mean",
]
