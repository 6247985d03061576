"""Who may see and do what with published results. Anyone sees a publication once its embargo
lifts; before then only the people named to preview it and council admins. Council admins
publish, correct, set the licence and build the annual report."""

from __future__ import annotations

from typing import Any

import rules
from django.utils import timezone

from residentvoice.accounts.rules import is_council_admin


@rules.predicate
def is_public_now(user: Any, publication: Any) -> bool:
    return publication is not None and publication.publish_at <= timezone.now()


@rules.predicate
def is_embargo_viewer(user: Any, publication: Any) -> bool:
    if publication is None or not getattr(user, "is_authenticated", False):
        return False
    return publication.embargo_viewers.filter(pk=user.pk).exists()


rules.add_perm("publication.view_publication", is_public_now | is_council_admin | is_embargo_viewer)
rules.add_perm("publication.publish", is_council_admin)
rules.add_perm("publication.correct", is_council_admin)
rules.add_perm("publication.manage_settings", is_council_admin)
rules.add_perm("publication.build_report", is_council_admin)
