"""Who may do what with the regulator's figures: anyone may read them; council admins import a
release; council staff see where its published figures disagree with their own counts."""

import rules

from residentvoice.accounts.rules import is_council_admin, is_council_staff

rules.add_perm("tsm.import_release", is_council_admin)
rules.add_perm("tsm.verify_release", is_council_staff)
