"""A local stand-in of the subset of Stripe's HTTP API the Stripe gateway uses (a fake at the provider's
boundary): PaymentIntents (create+confirm, retrieve, capture, cancel, search), refunds, Stripe's idempotency
semantics and error shapes, switches that make calls hang or drop, and signed webhook events."""

import hashlib
import hmac
import json
import re
import secrets
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qsl, urlsplit

DECLINES = {
    "pm_card_chargeDeclined": "generic_decline",
    "pm_card_chargeDeclinedInsufficientFunds": "insufficient_funds",
}
APPROVED = {"pm_card_visa", "pm_card_mastercard"}
THREE_DS = {"pm_card_authenticationRequired"}
# Stripe's test card numbers, as its card field turns them into PaymentMethods in the browser
TEST_CARDS = {
    "4242424242424242": "pm_card_visa",
    "5555555555554444": "pm_card_mastercard",
    "4000000000000002": "pm_card_chargeDeclined",
    "4000000000009995": "pm_card_chargeDeclinedInsufficientFunds",
    "4000002500003155": "pm_card_authenticationRequired",
}
STRIPE_JS = Path(__file__).with_name("stripe_js_standin.js")


def form_decode(text: str) -> dict:
    """Stripe's bracket notation (`metadata[k]=v`, `expand[0]=x`) into nested dicts and lists."""
    out: dict = {}
    for key, value in parse_qsl(text, keep_blank_values=True):
        parts = re.findall(r"[^\[\]]+", key)
        node = out
        for part, _nxt in zip(parts, parts[1:]):
            node = node.setdefault(part, {})
        node[parts[-1]] = value

    def lists(node):
        if isinstance(node, dict):
            if node and all(k.isdigit() for k in node):
                return [lists(node[k]) for k in sorted(node, key=int)]
            return {k: lists(v) for k, v in node.items()}
        return node

    return lists(out)


class ApiError(Exception):
    def __init__(self, status: int, type_: str, message: str, **fields):
        self.status, self.body = status, {"error": {"type": type_, "message": message, **fields}}


class StripeStandin:
    def __init__(self, webhook_secret: str):
        self.webhook_secret = webhook_secret
        self.intents: dict[str, dict] = {}
        self.charges: dict[str, dict] = {}
        self.events: list[dict] = []
        self.requests: list[dict] = []  # method, path, idempotency_key, params
        self._idempotent: dict[str, tuple] = {}
        self._failures: list[str] = []  # "hang", "drop", "drop_after", "error500"
        self.search_lag = False  # while set, new PaymentIntents are not searchable yet (Stripe's search lags)
        self._unindexed: set[str] = set()
        self.publishable_keys: set[str] = set()  # the keys the browser side was called with
        self._release = threading.Event()
        self._lock = threading.Lock()
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.base = f"http://127.0.0.1:{self.server.server_address[1]}"
        self._thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def start(self) -> "StripeStandin":
        self._thread.start()
        return self

    def stop(self) -> None:
        self._release.set()
        self.server.shutdown()
        self.server.server_close()
        self._thread.join(timeout=10)

    def fail_next(self, how: str, times: int = 1) -> None:
        """The next `times` calls hang (past the client's timeout), drop the connection before doing anything,
        or do the work and then drop the connection ("drop_after")."""
        self._failures += [how] * times

    def index(self) -> None:
        """Search catches up."""
        self._unindexed.clear()

    # -- the provider's side, as tests drive it ----------------------------------------------------
    def authenticate(self, pi_id: str, *, success: bool) -> None:
        """The customer passes (or fails) 3-D Secure in the browser."""
        with self._lock:
            pi = self.intents[pi_id]
            assert pi["status"] == "requires_action"
            if success:
                self._succeed(pi)
            else:
                pi.update(
                    status="requires_payment_method",
                    next_action=None,
                    last_payment_error={
                        "type": "invalid_request_error",
                        "code": "payment_intent_authentication_failure",
                        "message": "The provided PaymentMethod has failed authentication.",
                    },
                )
                self._event("payment_intent.payment_failed", pi)

    def browser(self, method: str, path: str, params: dict, authorization: str) -> tuple[int, str, bytes] | None:
        """What Stripe.js asks of Stripe from the customer's browser, with the publishable key: the script itself,
        a PaymentMethod made from the card field, the 3-D Secure step passed. None for the server API."""
        if method == "GET" and path.startswith("/v3"):
            return 200, "application/javascript", STRIPE_JS.read_bytes()
        if method != "POST" or path not in ("/v1/payment_methods", "/test/authenticate"):
            return None
        if not authorization.startswith("Bearer pk_"):
            body = {"error": {"type": "invalid_request_error", "message": "The browser calls with a publishable key."}}
            return 401, "application/json", json.dumps(body).encode()
        self.publishable_keys.add(authorization.removeprefix("Bearer "))
        if path == "/v1/payment_methods":
            number = str(params.get("card", {}).get("number", ""))
            if number not in TEST_CARDS:
                body = {
                    "error": {
                        "type": "card_error",
                        "code": "incorrect_number",
                        "message": "Your card number is incorrect.",
                    }
                }
                return 402, "application/json", json.dumps(body).encode()
            return 200, "application/json", json.dumps({"id": TEST_CARDS[number], "object": "payment_method"}).encode()
        secret = str(params.get("client_secret", ""))
        with self._lock:
            found = [pi for pi in self.intents.values() if pi["client_secret"] == secret]
        if not found:
            body = {"error": {"type": "invalid_request_error", "message": "No such client secret."}}
            return 404, "application/json", json.dumps(body).encode()
        if found[0]["status"] == "requires_action":
            self.authenticate(found[0]["id"], success=True)
        return 200, "application/json", json.dumps(found[0]).encode()

    def signed(self, event: dict, *, timestamp: int | None = None, secret: str | None = None) -> tuple[bytes, str]:
        """An event as Stripe delivers it: the body and its `t=...,v1=...` header (HMAC-SHA256 over "t.body")."""
        body = json.dumps(event).encode()
        t = int(time.time()) if timestamp is None else timestamp
        mac = hmac.new((secret or self.webhook_secret).encode(), f"{t}.".encode() + body, hashlib.sha256).hexdigest()
        return body, f"t={t},v1={mac}"

    def events_for(self, pi_id: str) -> list[dict]:
        return [e for e in self.events if e["data"]["object"].get("id") == pi_id]

    def forged_event(self, type_: str, obj: dict) -> dict:
        return {
            "id": "evt_" + secrets.token_hex(12),
            "object": "event",
            "type": type_,
            "created": int(time.time()),
            "data": {"object": obj},
            "livemode": False,
            "api_version": "2024-06-20",
        }

    # -- internals ---------------------------------------------------------------------------------
    def _event(self, type_: str, pi: dict) -> None:
        self.events.append(self.forged_event(type_, json.loads(json.dumps(pi))))

    def _succeed(self, pi: dict) -> None:
        charge = {
            "id": "ch_" + secrets.token_hex(12),
            "object": "charge",
            "amount": pi["amount"],
            "amount_refunded": 0,
            "refunded": False,
            "payment_intent": pi["id"],
            "currency": pi["currency"],
        }
        self.charges[charge["id"]] = charge
        pi.update(latest_charge=charge["id"], next_action=None)
        if pi["capture_method"] == "manual":
            pi.update(status="requires_capture", amount_capturable=pi["amount"])
            self._event("payment_intent.amount_capturable_updated", pi)
        else:
            pi.update(status="succeeded", amount_received=pi["amount"])
            self._event("payment_intent.succeeded", pi)

    def _create(self, p: dict) -> dict:
        pm = p.get("payment_method", "")
        if pm not in APPROVED | THREE_DS | set(DECLINES):
            raise ApiError(
                400,
                "invalid_request_error",
                f"No such PaymentMethod: '{pm}'",
                code="resource_missing",
                param="payment_method",
            )
        pi = {
            "id": "pi_" + secrets.token_hex(12),
            "object": "payment_intent",
            "amount": int(p["amount"]),
            "currency": p["currency"],
            "capture_method": p.get("capture_method", "automatic"),
            "metadata": p.get("metadata", {}),
            "payment_method": pm,
            "status": "requires_confirmation",
            "amount_capturable": 0,
            "amount_received": 0,
            "latest_charge": None,
            "last_payment_error": None,
            "next_action": None,
            "client_secret": None,  # set below: Stripe's shape, the intent's id then "_secret_"
            "livemode": False,
            "created": int(time.time()),
        }
        pi["client_secret"] = f"{pi['id']}_secret_{secrets.token_hex(12)}"
        self.intents[pi["id"]] = pi
        if self.search_lag:
            self._unindexed.add(pi["id"])
        self._event("payment_intent.created", pi)
        if p.get("confirm") != "true":
            return pi
        if pm in DECLINES:
            error = {
                "type": "card_error",
                "code": "card_declined",
                "decline_code": DECLINES[pm],
                "message": "Your card was declined.",
            }
            pi.update(status="requires_payment_method", last_payment_error=error)
            self._event("payment_intent.payment_failed", pi)
            raise ApiError(
                402,
                type_="card_error",
                message=error["message"],
                code="card_declined",
                decline_code=DECLINES[pm],
                payment_intent=json.loads(json.dumps(pi)),
            )
        if pm in THREE_DS:
            pi.update(status="requires_action", next_action={"type": "use_stripe_sdk"})
            self._event("payment_intent.requires_action", pi)
        else:
            self._succeed(pi)
        return pi

    def _pi(self, pi_id: str) -> dict:
        if pi_id not in self.intents:
            raise ApiError(
                404,
                "invalid_request_error",
                f"No such payment_intent: '{pi_id}'",
                code="resource_missing",
                param="intent",
            )
        return self.intents[pi_id]

    def _unexpected(self, pi: dict, action: str):
        return ApiError(
            400,
            "invalid_request_error",
            f"You cannot {action} this PaymentIntent because it has a status of {pi['status']}.",
            code="payment_intent_unexpected_state",
        )

    def _capture(self, pi: dict) -> dict:
        if pi["status"] != "requires_capture":
            raise self._unexpected(pi, "capture")
        pi.update(status="succeeded", amount_received=pi["amount"], amount_capturable=0)
        self._event("payment_intent.succeeded", pi)
        return pi

    def _cancel(self, pi: dict) -> dict:
        if pi["status"] in ("succeeded", "canceled"):
            raise self._unexpected(pi, "cancel")
        pi.update(status="canceled", amount_capturable=0, next_action=None)
        self._event("payment_intent.canceled", pi)
        return pi

    def _refund(self, p: dict) -> dict:
        pi = self._pi(p["payment_intent"])
        charge = self.charges.get(pi["latest_charge"] or "")
        if pi["status"] != "succeeded" or charge is None:
            raise ApiError(
                400,
                "invalid_request_error",
                "This PaymentIntent has no successful charge to refund.",
                code="charge_not_refundable",
            )
        amount = int(p.get("amount", charge["amount"] - charge["amount_refunded"]))
        if charge["refunded"]:
            raise ApiError(
                400, "invalid_request_error", "Charge has already been refunded.", code="charge_already_refunded"
            )
        if charge["amount_refunded"] + amount > charge["amount"]:
            raise ApiError(
                400,
                "invalid_request_error",
                "Refund amount is greater than unrefunded amount on charge.",
                code="amount_too_large",
                param="amount",
            )
        charge["amount_refunded"] += amount
        charge["refunded"] = charge["amount_refunded"] == charge["amount"]
        self.events.append(self.forged_event("charge.refunded", json.loads(json.dumps(charge))))
        return {
            "id": "re_" + secrets.token_hex(12),
            "object": "refund",
            "amount": amount,
            "charge": charge["id"],
            "payment_intent": pi["id"],
            "currency": pi["currency"],
            "status": "succeeded",
        }

    def _search(self, query: str) -> dict:
        wanted = dict(re.findall(r"metadata\['(\w+)'\]:'([^']*)'", query))
        data = [
            pi
            for pi in self.intents.values()
            if pi["id"] not in self._unindexed and all(pi["metadata"].get(k, "") == v for k, v in wanted.items())
        ]
        return {
            "object": "search_result",
            "data": data,
            "has_more": False,
            "next_page": None,
            "url": "/v1/payment_intents/search",
        }

    def _expanded(self, pi: dict, params: dict) -> dict:
        out = json.loads(json.dumps(pi))
        if "latest_charge" in params.get("expand", []) and pi["latest_charge"]:
            out["latest_charge"] = self.charges[pi["latest_charge"]]
        return out

    def _route(self, method: str, path: str, p: dict) -> dict:
        if method == "POST" and path == "/v1/payment_intents":
            return self._create(p)
        if method == "GET" and path == "/v1/payment_intents/search":
            return self._search(p.get("query", ""))
        if method == "POST" and path == "/v1/refunds":
            return self._refund(p)
        m = re.fullmatch(r"/v1/payment_intents/(\w+)(/capture|/cancel)?", path)
        if m:
            pi = self._pi(m.group(1))
            if method == "GET" and not m.group(2):
                return self._expanded(pi, p)
            if method == "POST" and m.group(2) == "/capture":
                return self._capture(pi)
            if method == "POST" and m.group(2) == "/cancel":
                return self._cancel(pi)
        raise ApiError(404, "invalid_request_error", f"Unrecognized request URL ({method}: {path}).")

    def handle(self, method: str, path: str, params: dict, key: str) -> tuple[int, dict, bool]:
        """(status, body, replayed), with Stripe's idempotency: a POST's key with the same parameters replays the
        first response; with other parameters (or on another endpoint) it is a 400 idempotency_error."""
        with self._lock:
            fingerprint = (method, path, json.dumps(params, sort_keys=True))
            if method == "POST" and key in self._idempotent:
                first, status, body = self._idempotent[key]
                if first != fingerprint:
                    return (
                        400,
                        {
                            "error": {
                                "type": "idempotency_error",
                                "message": (
                                    "Keys for idempotent requests can only be used with the same parameters they were first "
                                    f"used with. Try using a key other than '{key}' if you meant to execute a different "
                                    "request."
                                ),
                            }
                        },
                        False,
                    )
                return status, body, True
            try:
                status, body = 200, self._route(method, path, params)
            except ApiError as err:
                status, body = err.status, err.body
            if method == "POST" and key:
                self._idempotent[key] = (fingerprint, status, body)
            return status, body, False

    def _handler(self):
        standin = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def _send(self, status: int, content_type: str, data: bytes) -> None:
                self.send_response(status)
                self.send_header("Content-Type", content_type)
                self.send_header("Content-Length", str(len(data)))
                self.send_header("Access-Control-Allow-Origin", "*")  # Stripe.js calls from the shop's pages
                self.end_headers()
                self.wfile.write(data)

            def _serve(self, method: str):
                url = urlsplit(self.path)
                raw = self.rfile.read(int(self.headers.get("Content-Length") or 0)).decode()
                params = form_decode(raw if method == "POST" else url.query)
                answer = standin.browser(method, url.path, params, self.headers.get("Authorization", ""))
                if answer is not None:
                    self._send(*answer)
                    return
                key = self.headers.get("Idempotency-Key", "")
                standin.requests.append({"method": method, "path": url.path, "idempotency_key": key, "params": params})
                failure = standin._failures.pop(0) if standin._failures else ""
                if failure == "hang":
                    standin._release.wait(timeout=5)
                    return
                if failure == "error500":
                    data = json.dumps({"error": {"type": "api_error", "message": "Something went wrong."}}).encode()
                    self.send_response(500)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(data)))
                    self.end_headers()
                    self.wfile.write(data)
                    return
                if failure == "drop":
                    self.close_connection = True
                    return
                status, body, replayed = standin.handle(method, url.path, params, key)
                if failure == "drop_after":
                    self.close_connection = True
                    return
                data = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.send_header("Request-Id", "req_" + secrets.token_hex(8))
                if replayed:
                    self.send_header("Idempotent-Replayed", "true")
                self.end_headers()
                self.wfile.write(data)

            def do_GET(self):
                self._serve("GET")

            def do_POST(self):
                self._serve("POST")

            def do_OPTIONS(self):  # the browser's preflight of Stripe.js's calls
                self.send_response(204)
                self.send_header("Access-Control-Allow-Origin", "*")
                self.send_header("Access-Control-Allow-Headers", "Authorization, Content-Type")
                self.send_header("Access-Control-Allow-Methods", "GET, POST")
                self.end_headers()

        return Handler
