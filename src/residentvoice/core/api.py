"""The site-wide read-only API at /api/v1/ (django-ninja); each app adds its own router.

The OpenAPI description is at /api/v1/openapi.json. The interactive docs page is off: it needs
scripts the site's content security policy does not allow.
"""

from __future__ import annotations

from typing import Any

from ninja import NinjaAPI
from ninja.openapi.schema import OpenAPISchema

from residentvoice.publication.api import router as scorecards_router
from residentvoice.tsm.api import router as tsm_router

# Every address may be refused before it reaches an operation (core/middleware.py).
REFUSED_ADDRESS = {
    "description": "The web address holds a control character (a NUL, a line break): "
    '{"detail": "…"} names it',
    "content": {
        "application/json": {
            "schema": {
                "type": "object",
                "properties": {"detail": {"type": "string"}},
                "required": ["detail"],
            }
        }
    },
}


class ResidentVoiceAPI(NinjaAPI):
    def get_openapi_schema(
        self, *, path_prefix: str | None = None, path_params: dict[str, Any] | None = None
    ) -> OpenAPISchema:
        schema = super().get_openapi_schema(path_prefix=path_prefix, path_params=path_params)
        for operations in schema.get("paths", {}).values():
            for operation in operations.values():
                operation.setdefault("responses", {}).setdefault("400", REFUSED_ADDRESS)
        return schema


api = ResidentVoiceAPI(title="Resident Voice API", version="1", urls_namespace="api", docs_url=None)
api.add_router("/tsm/", tsm_router)
api.add_router("/scorecards/", scorecards_router)
