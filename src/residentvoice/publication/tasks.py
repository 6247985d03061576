"""The annual report built in the background, in every format, recording its progress for the
status page."""

from __future__ import annotations

from residentvoice.core.background import background_task

from .models import ReportBuild, ReportStatus


# Tried once: a failed build is marked failed on its status page, where the admin asks again.
@background_task(attempts=1, describe=lambda build_id: f"Annual report (build {build_id})")
def report_build_task(build_id: int) -> None:
    from . import services
    from .report import ReportUnavailableError, report_build_all

    build = ReportBuild.objects.select_related("requested_by").filter(pk=build_id).first()
    if build is None or build.status not in (ReportStatus.QUEUED, ReportStatus.RUNNING):
        return
    services.report_build_progress(build=build, progress=1, step="Starting")

    def progress(done: int, total: int, step: str) -> None:
        services.report_build_progress(build=build, progress=int(100 * done / total), step=step)

    try:
        publication, files = report_build_all(
            build.reporting_year, user=build.requested_by, progress=progress
        )
    except ReportUnavailableError as error:
        services.report_build_finish(build=build, files=None, error=str(error))
        return
    except Exception as error:  # the admin sees that it failed; the worker carries on
        services.report_build_finish(
            build=build,
            files=None,
            error=f"Something went wrong while building the report ({type(error).__name__}).",
        )
        raise
    services.report_build_finish(build=build, files=files, publication=publication)
