-- wrk script for the /api/v1 pass of bench/checkout.py: each connection checks an order out, then pays it.
--
--   wrk -t2 -c32 -d10s -s bench/checkout_api.lua http://127.0.0.1:PORT -- LISTING_IDS_FILE
--
-- A checkout answered 201 queues its order; the next request a connection of the same thread sends pays the
-- oldest queued order, else checks out a new one (a random listing of the file, one id per line). done() prints
-- one line, "purchases P checkouts C failed F", that the Python side reads. Each checkout comes from a random
-- client address (X-Forwarded-For, the server trusting one proxy), so the checkout limits are counted as for
-- real buyers rather than switched off.

local listings = {}
local unpaid = {}
local first, last = 1, 0
purchases, checkouts, failed = 0, 0, 0

local headers = {["Content-Type"] = "application/json"}
local checkout_body = '{"market": "FR", "email": "b@example.com", "items": [{"listing_id": %d, "quantity": 1}], '
  .. '"shipping_address": {"first_name": "Ada", "last_name": "Lovelace", "street": "12 rue de Rivoli", '
  .. '"postal_code": "75001", "city": "Paris", "country": "FR", "phone": "+33612345678"}}'
local pay_body = '{"card_number": "4242424242424242"}'

local threads = {}

function setup(thread)
  table.insert(threads, thread)
  thread:set("seed", #threads)
end

function init(args)
  for line in io.lines(args[1]) do
    table.insert(listings, tonumber(line))
  end
  math.randomseed(os.time() * 100 + seed)
end

function request()
  if first <= last then
    local order = unpaid[first]
    unpaid[first] = nil
    first = first + 1
    return wrk.format("POST", "/api/v1/orders/" .. order .. "/pay", headers, pay_body)
  end
  local body = string.format(checkout_body, listings[math.random(#listings)])
  -- many buyers, as behind the proxy of a real deployment: the per-address checkout limits apply to each
  local checkout_headers = {["Content-Type"] = "application/json",
                            ["X-Forwarded-For"] = string.format("10.%d.%d.%d", math.random(0, 255),
                                                                math.random(0, 255), math.random(1, 254))}
  return wrk.format("POST", "/api/v1/checkout", checkout_headers, body)
end

function response(status, _, body)
  if status == 201 then
    local order = body:match('"id": ?"([%x%-]+)"')
    checkouts = checkouts + 1
    last = last + 1
    unpaid[last] = order
  elseif status == 200 and body:find('"payment_status": ?"captured"') then
    purchases = purchases + 1
  else
    failed = failed + 1
  end
end

function done()
  local p, c, f = 0, 0, 0
  for _, thread in ipairs(threads) do
    p = p + thread:get("purchases")
    c = c + thread:get("checkouts")
    f = f + thread:get("failed")
  end
  io.write(string.format("purchases %d checkouts %d failed %d\n", p, c, f))
end
