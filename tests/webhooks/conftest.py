"""The other domains' fixtures the webhook topics' tests start from: a shipped order (aftersales), a trade-in
merchant and its customer (buyback), a partner network (pickups)."""

from ..aftersales.conftest import customer, shipped  # noqa: F401
from ..buyback.conftest import bb  # noqa: F401
from ..pickups.conftest import network  # noqa: F401
