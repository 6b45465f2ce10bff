"""
Portal users of expert partners. Analysts make them (they hold no right over users otherwise): a login that is
never staff, in the ``partner`` group, a member of one partner, with a random password shown once.
"""

import secrets

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction

from entities.audit import Actor, save
from entities.services import CurationError, NotAllowed
from partners.models import Partner, PartnerMember

PORTAL_GROUP = "partner"
PASSWORD_BYTES = 18  # 24 characters of token_urlsafe


@transaction.atomic
def portal_user_create(*, partner: Partner, username: str, email: str, actor: Actor) -> tuple[object, str]:
    """
    Make a portal login for ``partner`` and return it with its password, which is not stored in the clear and
    cannot be shown again. The partner's history records who made it.
    """
    person = actor.person
    if person is None or actor.partner is not None or not person.has_perm("partners.add_partnermember"):
        raise NotAllowed(f"Only a user with the analyst or approver role can add portal users; {actor} cannot.")
    User = get_user_model()
    username, email = (username or "").strip(), (email or "").strip()
    if not username:
        raise CurationError("Give the new portal user a username.")
    try:
        User.username_validator(username)
        validate_email(email)
    except ValidationError as error:
        raise CurationError(" ".join(error.messages)) from None
    taken = f"The username {username!r} is taken: choose another one."
    if User.objects.filter(username__iexact=username).exists():
        raise CurationError(taken)
    password = secrets.token_urlsafe(PASSWORD_BYTES)
    try:
        with transaction.atomic():
            user = User.objects.create_user(username=username, email=email, password=password)
    except IntegrityError:  # made at the same moment by someone else
        raise CurationError(taken) from None
    user.groups.add(Group.objects.get(name=PORTAL_GROUP))
    PartnerMember.objects.create(user=user, partner=partner)
    save(partner, actor=actor, reason=f"Portal user {username} added")
    return user, password
