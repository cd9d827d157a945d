"""月通报: the monthly bulletin of an area, as data (``document``) and as a printable page
(``page``, with inline SVG ``charts``)."""

from projections.bulletin.document import bulletin, month_period
from projections.bulletin.page import render

__all__ = ["bulletin", "month_period", "render"]
