"""`__in` on integer columns ignores values the column cannot hold, as Django's own `exact` does.

Django skips an out-of-range integer in `pk=...` (it cannot match) but passes it on in `pk__in=[...]`,
where SQLite raises OverflowError. A form's multiple choice posted with an id such as
99999999999999999999 would then be a 500 instead of "not one of the available choices".
"""

from __future__ import annotations

from typing import Any

from django.db.models import IntegerField
from django.db.models.lookups import In


@IntegerField.register_lookup
class IntegerFieldIn(In[Any]):  # the right-hand side: values, a queryset or a subquery
    def process_rhs(self, compiler: Any, connection: Any) -> Any:
        if self.rhs_is_direct_value():
            low, high = connection.ops.integer_field_range(
                self.lhs.output_field.get_internal_type()
            )
            self.rhs = [
                value
                for value in self.rhs
                if not isinstance(value, int)
                or ((low is None or value >= low) and (high is None or value <= high))
            ]
        return super().process_rhs(compiler, connection)
