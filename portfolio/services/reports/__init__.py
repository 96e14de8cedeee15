"""The provider's reports: the dashboard's figures (``figures``), the cohort insights
(``insights``), the charts that show them (``svg``) and the at-risk thresholds (``thresholds``)."""
