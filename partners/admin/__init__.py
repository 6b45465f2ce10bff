"""
The analysts' admin of expert partners: the partners with their portal users, and the submissions review queue
with what an analyst does about each (ask, accept, attach, reject). Every change goes through
``partners.services`` or ``partners.accounts`` with the user as actor.
"""

from partners.admin import partners, submissions  # noqa: F401  (registers the model admins)
