"""Numbers in Spanish as Latin American readers write them.

Django's "es" formats follow Spain (1.234,5). The product's Spanish is neutral Latin American,
and the applicants it serves most (Mexico, the US-Mexico border, Central America) write
1,234.5: the es-MX and es-US convention, which Django ships as "es_MX". Dates stay as "es"
writes them ("29 de noviembre de 2026"). Money is in US dollars, shown as "US$1,234" in Spanish
(a bare "$" reads as pesos) and "$1,234" in English.
"""

from django.conf.locale.es.formats import *  # noqa: F403
from django.conf.locale.es_MX.formats import (  # noqa: F401
    DECIMAL_SEPARATOR,
    NUMBER_GROUPING,
    THOUSAND_SEPARATOR,
)
