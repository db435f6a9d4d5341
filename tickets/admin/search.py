from django.core.exceptions import ValidationError

from ..forms import normalize_phone


class PhoneSearchMixin:
    """Search finds a client by phone however it is typed (8 999…, +7 999…)."""

    phone_lookup = "phone"

    def get_search_results(self, request, queryset, search_term):
        results, may_have_duplicates = super().get_search_results(request, queryset, search_term)
        try:
            phone = normalize_phone(search_term)
        except ValidationError:
            return results, may_have_duplicates
        return results | queryset.filter(**{self.phone_lookup: phone}), may_have_duplicates
