"""Who may change the council's and landlords' records: council admins only."""

import rules

from residentvoice.accounts.rules import is_council_admin

rules.add_perm("organisations.manage_landlords", is_council_admin)
