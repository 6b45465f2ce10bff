import base64
import binascii
import re

from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.filters import OrderingFilter
from rest_framework.pagination import CursorPagination

WHOLE_NUMBER = re.compile(r"[0-9]{1,6}")


def whole_number(raw: str, *, parameter: str, low: int, high: int) -> int:
    """A query parameter as an int in [low, high], or a 400 naming the parameter."""
    if not WHOLE_NUMBER.fullmatch(raw) or not low <= int(raw) <= high:
        raise ValidationError({parameter: [f"Use a whole number from {low} to {high}."]})
    return int(raw)


class StrictOrderingFilter(OrderingFilter):
    """
    Ordering on the declared fields only (an unknown one is a 400, not silently ignored), always with the
    id as a tie-breaker so that cursor pages never skip or repeat rows with the same value.
    """

    def get_ordering(self, request, queryset, view):
        params = request.query_params.get(self.ordering_param)
        if params:
            fields = [field.strip() for field in params.split(",") if field.strip()]
            allowed = {name for name, _ in self.get_valid_fields(queryset, view, {"request": request})}
            unknown = [field for field in fields if field.lstrip("-") not in allowed]
            if unknown or not fields:
                choices = ", ".join(sorted(allowed))
                raise ValidationError({self.ordering_param: [f"Order by one of: {choices} (prefix - to reverse)."]})
        else:
            fields = list(self.get_default_ordering(view) or ())
        if "id" not in fields and "-id" not in fields:
            fields.append("-id" if fields and fields[0].startswith("-") else "id")
        return fields


class EntityCursorPagination(CursorPagination):
    """Cursor pages: stable under concurrent writes, and cheap at any depth."""

    page_size = 50
    max_page_size = 500
    page_size_query_param = "page_size"
    ordering = ("caption", "id")

    def get_page_size(self, request):
        raw = request.query_params.get(self.page_size_query_param)
        if raw is None:
            return self.page_size
        return whole_number(raw, parameter=self.page_size_query_param, low=1, high=self.max_page_size)

    def decode_cursor(self, request):
        encoded = request.query_params.get(self.cursor_query_param)
        try:
            if encoded is not None:
                base64.b64decode(encoded.encode("ascii"), validate=True)
            return super().decode_cursor(request)
        except (NotFound, binascii.Error, UnicodeEncodeError):
            raise self.invalid_cursor() from None

    def paginate_queryset(self, queryset, request, view=None):
        try:
            return super().paginate_queryset(queryset, request, view)
        except (DjangoValidationError, ValueError, TypeError):
            # A forged cursor whose position is not a value of the ordering field.
            raise self.invalid_cursor() from None

    def invalid_cursor(self):
        return ValidationError(
            {self.cursor_query_param: ["The cursor is not valid: use the `next` or `previous` link as given."]}
        )
