"""The site-wide read-only API at /api/v1/ (django-ninja); each app adds its own router.

The OpenAPI description is at /api/v1/openapi.json. The interactive docs page is off: it needs
scripts the site's content security policy does not allow.
"""

from __future__ import annotations

from ninja import NinjaAPI

from residentvoice.publication.api import router as scorecards_router
from residentvoice.tsm.api import router as tsm_router

api = NinjaAPI(title="Resident Voice API", version="1", urls_namespace="api", docs_url=None)
api.add_router("/tsm/", tsm_router)
api.add_router("/scorecards/", scorecards_router)
