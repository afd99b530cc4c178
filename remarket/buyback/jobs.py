import datetime as dt

from remarket.events.periodic import every

from .services import tradeins_expire


@every(dt.timedelta(minutes=5), "tradeins_expire")
def tradeins_expire_job() -> str:
    return f"{tradeins_expire()} trade-ins past their deadline"
