"""What people read for a warranty claim's contract codes: the problem a seller declares and what it did with
the device (claims.py `PROBLEM_TYPES`, `TRANSFER_ACTIONS`)."""

from django.utils.translation import gettext_lazy as _

PROBLEM_TYPE_LABELS = {
    "ACCOUNT_LOCKED": _("Locked to an account"),
    "CODE_LOCKED": _("Locked by a code"),
    "DAMAGED_PACKAGE": _("Parcel damaged"),
    "ITEM_NOT_RECEIVED": _("Item not received"),
    "MISSING_PART": _("A part is missing"),
    "OOW_ITEM": _("Outside the warranty"),
    "PROBLEM_NOT_IDENTIFIED": _("No fault found"),
    "WRONG_ITEM": _("Wrong item"),
    "OTHER": _("Other"),
}
TRANSFER_ACTION_LABELS = {
    "REPAIR": _("Repaired"),
    "REPLACE": _("Replaced"),
    "NOTHING": _("Nothing done (claim refused)"),
}


def problem_type_label(code: str) -> str:
    return str(PROBLEM_TYPE_LABELS.get(code, code))
