"""The provider's reports (docs/reports.md): what the dashboard is asked (``query``), its figures
(``figures``, over the SQL in ``aggregates`` and ``sql``), the cohort insights (``insights``), the
charts that show them (``svg``) and the at-risk thresholds (``thresholds``)."""
