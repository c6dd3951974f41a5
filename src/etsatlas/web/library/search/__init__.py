"""Library search: one interface (`search(Query)`), a backend per database vendor.

>>> from etsatlas.web.library.search import Query
>>> Query(text="EU-ETS linking").phrases
(('eu', 'ets'), ('linking',))
"""

from .engine import FacetValue, Hit, Results, backend_for, search
from .query import SORTS, Query, QueryError

__all__ = ["FacetValue", "Hit", "Query", "QueryError", "Results", "SORTS", "backend_for", "search"]
