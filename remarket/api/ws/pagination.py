"""The contract's page envelope: `count`, absolute `next` / `previous` URLs, `results`.

`page` starts at 1; the size is `page-size` (the contract) or `page_size` (what some clients send), 10 by
default and at most 50 (the contract's maximum): a larger size is served as 50. A page past the end is empty."""

from dataclasses import dataclass

from remarket.core.errors import DomainError

DEFAULT_SIZE = 10
MAX_SIZE = 50
MAX_PAGE = 1_000_000_000  # keeps the offset far inside the database's signed 64-bit OFFSET


@dataclass(frozen=True)
class Page:
    number: int
    size: int

    @property
    def offset(self) -> int:
        return (self.number - 1) * self.size

    def slice(self, items):
        return items[self.offset : self.offset + self.size]


def _positive(request, name: str, default: int) -> int:
    raw = request.GET.get(name)
    if raw in (None, ""):
        return default
    try:
        value = int(raw)
    except ValueError:
        raise DomainError("WS_PAGE_INVALID", f"{name} must be a whole number, not {raw!r}.", {"field": name}) from None
    if value < 1:
        raise DomainError("WS_PAGE_INVALID", f"{name} starts at 1.", {"field": name})
    if value > MAX_PAGE:
        raise DomainError("WS_PAGE_INVALID", f"{name} is at most {MAX_PAGE:,}.", {"field": name})
    return value


def page_of(request) -> Page:
    size_param = "page-size" if "page-size" in request.GET else "page_size"
    return Page(_positive(request, "page", 1), min(MAX_SIZE, _positive(request, size_param, DEFAULT_SIZE)))


def _url(request, number: int) -> str:
    query = request.GET.copy()
    query["page"] = str(number)
    return request.build_absolute_uri(f"{request.path}?{query.urlencode()}")


def page_body(request, page: Page, count: int, results: list) -> dict:
    has_next = page.offset + page.size < count
    return {
        "count": count,
        "next": _url(request, page.number + 1) if has_next else None,
        "previous": _url(request, page.number - 1) if page.number > 1 else None,
        "results": results,
    }
