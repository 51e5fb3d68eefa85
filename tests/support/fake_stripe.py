"""A small fake of Stripe's API for the tests, and Stripe-signed webhook events.

The app talks to it through the real ``stripe`` library (``STRIPE_API_BASE``
points there), so the tests check what the library really sends.  It answers
the calls the app makes, with objects shaped like Stripe's:

    POST /v1/coupons
    POST /v1/checkout/sessions
    GET  /v1/checkout/sessions/<id>
    POST /v1/checkout/sessions/<id>/expire

and records every request (method, path, headers, raw and parsed form body).
Like Stripe, it refuses a wrong secret key (401), answers a repeated
Idempotency-Key with the first answer, and computes a session's totals from
its line items and coupon.  ``complete`` and ``event`` play the customer
paying and Stripe building the event; ``sign`` signs a payload exactly as
Stripe does (``t=<ts>,v1=<hex HMAC-SHA256 of "<ts>.<payload>">``).
"""

from __future__ import annotations

import dataclasses
import hashlib
import hmac
import json
import re
import secrets
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl, unquote_plus

API_VERSION = "2026-10-28.endive"


@dataclasses.dataclass
class RecordedRequest:
    method: str
    path: str
    headers: dict[str, str]
    body: str
    form: dict[str, str]

    def text(self) -> str:
        """Everything sent, decoded, for searching."""
        return "\n".join(
            [self.method, unquote_plus(self.path), *(f"{k}: {v}" for k, v in self.headers.items()), unquote_plus(self.body)]
        )


def sign(payload: str, secret: str, timestamp: int | None = None) -> str:
    """The Stripe-Signature header Stripe sends with ``payload``."""
    timestamp = int(time.time()) if timestamp is None else timestamp
    digest = hmac.new(secret.encode(), f"{timestamp}.{payload}".encode(), hashlib.sha256).hexdigest()
    return f"t={timestamp},v1={digest}"


def _random_id(prefix: str) -> str:
    return f"{prefix}_{secrets.token_hex(12)}"


class FakeStripe:
    def __init__(self, api_key: str):
        self.api_key = api_key
        self.requests: list[RecordedRequest] = []
        self.sessions: dict[str, dict] = {}
        self.coupons: dict[str, dict] = {}
        self._idempotent: dict[tuple[str, str], tuple[int, dict]] = {}
        self._lock = threading.Lock()
        self._failures: list[int] = []  # HTTP statuses to answer the next requests with
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler_class())
        # shutdown() waits for the loop's next poll: at the default half second, that was half
        # a second at the end of every test that used the fake.
        self._thread = threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True)

    # --- Running ---------------------------------------------------------

    def start(self) -> FakeStripe:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    # --- What tests inspect ----------------------------------------------

    def requests_to(self, method: str, path_prefix: str) -> list[RecordedRequest]:
        return [r for r in self.requests if r.method == method and r.path.startswith(path_prefix)]

    def everything_sent(self) -> str:
        return "\n".join(r.text() for r in self.requests)

    def fail(self, count: int, status: int = 500) -> None:
        """Answer the next ``count`` requests with an error (the library retries 5xx)."""
        with self._lock:
            self._failures.extend([status] * count)

    # --- Playing the customer and Stripe ----------------------------------

    def complete(self, session_id: str, *, paid: bool = True) -> dict:
        """The customer finished Checkout: paid by card, or a bank payment still to come."""
        with self._lock:
            session = self.sessions[session_id]
            session.update(
                status="complete",
                payment_status="paid" if paid else "unpaid",
                payment_intent=session["payment_intent"] or _random_id("pi"),
                customer_details={"email": session["customer_email"], "name": None, "address": None},
            )
            return json.loads(json.dumps(session))

    def settle(self, session_id: str, *, succeeded: bool) -> dict:
        """A bank payment that was still to come succeeded or failed."""
        with self._lock:
            session = self.sessions[session_id]
            session["payment_status"] = "paid" if succeeded else "unpaid"
            return json.loads(json.dumps(session))

    def event(self, event_type: str, session_id: str, **overrides) -> dict:
        """The event Stripe would send now, with a snapshot of the session."""
        with self._lock:
            session = json.loads(json.dumps(self.sessions[session_id]))
        session.update(overrides)
        return {
            "id": _random_id("evt"),
            "object": "event",
            "api_version": API_VERSION,
            "created": int(time.time()),
            "data": {"object": session},
            "livemode": False,
            "pending_webhooks": 1,
            "request": {"id": None, "idempotency_key": None},
            "type": event_type,
        }

    # --- The API -----------------------------------------------------------

    def _handle(self, method: str, path: str, headers: dict[str, str], body: str) -> tuple[int, dict]:
        form = dict(parse_qsl(body, keep_blank_values=True))
        with self._lock:
            self.requests.append(RecordedRequest(method, path, headers, body, form))
            if self._failures:
                return self._failures.pop(0), _error("api_error", "The fake API was told to fail.")
        if headers.get("Authorization") != f"Bearer {self.api_key}":
            return 401, _error("invalid_request_error", "Invalid API Key provided.")
        key = headers.get("Idempotency-Key")
        if method == "POST" and key and (path, key) in self._idempotent:
            return self._idempotent[(path, key)]
        answer = self._route(method, path.split("?")[0], form)
        if method == "POST" and key:
            self._idempotent[(path, key)] = answer
        return answer

    def _route(self, method: str, path: str, form: dict[str, str]) -> tuple[int, dict]:
        if method == "POST" and path == "/v1/coupons":
            return 200, self._create_coupon(form)
        if method == "POST" and path == "/v1/checkout/sessions":
            return self._create_session(form)
        if match := re.fullmatch(r"/v1/checkout/sessions/([\w-]+)(/expire)?", path):
            session = self.sessions.get(match.group(1))
            if session is None:
                return 404, _error("invalid_request_error", f"No such checkout.session: '{match.group(1)}'")
            if method == "GET" and not match.group(2):
                return 200, session
            if method == "POST" and match.group(2):
                if session["status"] != "open":
                    return 400, _error(
                        "invalid_request_error", "Only Checkout Sessions with a status in ['open'] can be expired."
                    )
                session["status"] = "expired"
                return 200, session
        return 404, _error("invalid_request_error", f"Unrecognized request URL ({method}: {path}).")

    def _create_coupon(self, form: dict[str, str]) -> dict:
        coupon = {
            "id": secrets.token_hex(4),
            "object": "coupon",
            "amount_off": int(form["amount_off"]) if "amount_off" in form else None,
            "percent_off": float(form["percent_off"]) if "percent_off" in form else None,
            "currency": form.get("currency"),
            "duration": form.get("duration", "once"),
            "max_redemptions": int(form["max_redemptions"]) if "max_redemptions" in form else None,
            "name": form.get("name"),
            "metadata": _nested(form, "metadata"),
            "created": int(time.time()),
            "livemode": False,
            "times_redeemed": 0,
            "valid": True,
        }
        self.coupons[coupon["id"]] = coupon
        return coupon

    def _create_session(self, form: dict[str, str]) -> tuple[int, dict]:
        for required in ("success_url", "line_items[0][price_data][unit_amount]", "line_items[0][price_data][currency]"):
            if required not in form:
                return 400, _error("invalid_request_error", f"Missing required param: {required}.")
        currency = form["line_items[0][price_data][currency]"]
        subtotal = int(form["line_items[0][price_data][unit_amount]"]) * int(form.get("line_items[0][quantity]", "1"))
        discount = 0
        coupon_id = form.get("discounts[0][coupon]")
        if coupon_id is not None:
            coupon = self.coupons.get(coupon_id)
            if coupon is None:
                return 400, _error("invalid_request_error", f"No such coupon: '{coupon_id}'")
            discount = min(subtotal, coupon["amount_off"] or round(subtotal * (coupon["percent_off"] or 0) / 100))
        session_id = f"cs_test_{secrets.token_hex(16)}"
        now = int(time.time())
        session = {
            "id": session_id,
            "object": "checkout.session",
            "amount_subtotal": subtotal,
            "amount_total": subtotal - discount,
            "cancel_url": form.get("cancel_url"),
            "client_reference_id": form.get("client_reference_id"),
            "created": now,
            "currency": currency,
            "customer": None,
            "customer_details": None,
            "customer_email": form.get("customer_email"),
            "discounts": [{"coupon": coupon_id, "promotion_code": None}] if coupon_id else [],
            "expires_at": now + 24 * 3600,
            "livemode": False,
            "metadata": _nested(form, "metadata"),
            "mode": form.get("mode", "payment"),
            "payment_intent": None,
            "payment_status": "unpaid",
            "status": "open",
            "success_url": form["success_url"],
            "total_details": {"amount_discount": discount, "amount_shipping": 0, "amount_tax": 0},
            "url": f"https://checkout.stripe.com/c/pay/{session_id}",
        }
        with self._lock:
            self.sessions[session_id] = session
        return 200, session

    def _handler_class(self):
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def _answer(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length).decode() if length else ""
                status, payload = fake._handle(self.command, self.path, dict(self.headers.items()), body)
                data = json.dumps(payload).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.send_header("Request-Id", _random_id("req"))
                self.send_header("Stripe-Version", API_VERSION)
                self.end_headers()
                self.wfile.write(data)

            do_GET = _answer
            do_POST = _answer

            def log_message(self, format, *args):  # quiet test output
                pass

        return Handler


def _nested(form: dict[str, str], name: str) -> dict[str, str]:
    prefix = f"{name}["
    return {key[len(prefix) : -1]: value for key, value in form.items() if key.startswith(prefix) and key.endswith("]")}


def _error(kind: str, message: str) -> dict:
    return {"error": {"type": kind, "message": message}}
