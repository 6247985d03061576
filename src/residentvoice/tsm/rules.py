"""Who may do what with Tenant Satisfaction Measures: anyone may read the regulator's figures;
council admins import a release; council staff see where its published figures disagree with
their own counts. A landlord's staff load and edit their own results; its admins publish them;
everyone sees them once published."""

from typing import Any

import rules

from residentvoice.accounts.rules import (
    is_admin_of_landlord,
    is_council_admin,
    is_council_staff,
    is_landlord_staff,
    is_staff_of_landlord,
)


@rules.predicate
def is_published(user: Any, results: Any) -> bool:
    return results is not None and getattr(results, "published_at", None) is not None


rules.add_perm("tsm.import_release", is_council_admin)
rules.add_perm("tsm.verify_release", is_council_staff)
rules.add_perm("tsm.manage_own_results", is_landlord_staff)
rules.add_perm("tsm.change_own_results", is_staff_of_landlord)
rules.add_perm("tsm.publish_own_results", is_admin_of_landlord)
rules.add_perm("tsm.view_own_results", is_published | is_staff_of_landlord)
