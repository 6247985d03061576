"""Every read in resident participation, already narrowed to what the asker may see.

`evidence_candidates` and `participation_figures` are the contracts the assessment app uses.
"""

from .register import evidence_candidates, participation_figures, reporting_year_dates

__all__ = ["evidence_candidates", "participation_figures", "reporting_year_dates"]
