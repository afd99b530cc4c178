"""The Back Market-compatible seller API served under /ws/ (see shared contracts/backmarket-seller-api).

Layout: `endpoint` dispatches every path (method, credential, rate limit, actor, market, error shape);
`auth`, `throttle`, `locale`, `pagination` and `errors` are those concerns, one module each; `listings`,
`tasks`, `catalog` and `backbox` are the operations; `serializers` puts our models in the contract's fields."""
