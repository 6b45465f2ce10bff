from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.pagination import CursorPagination


class EntityCursorPagination(CursorPagination):
    """Cursor pages: stable under concurrent writes, and cheap at any depth."""

    page_size = 50
    max_page_size = 500
    page_size_query_param = "page_size"
    ordering = "caption"

    def get_page_size(self, request):
        raw = request.query_params.get(self.page_size_query_param)
        if raw is None:
            return self.page_size
        if not raw.isdigit() or not 1 <= int(raw) <= self.max_page_size:
            raise ValidationError({self.page_size_query_param: [f"Use a whole number from 1 to {self.max_page_size}."]})
        return int(raw)

    def decode_cursor(self, request):
        try:
            return super().decode_cursor(request)
        except NotFound:
            raise ValidationError(
                {self.cursor_query_param: ["The cursor is not valid: use the `next` or `previous` link as given."]}
            ) from None
