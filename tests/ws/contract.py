"""Checks a /ws/ response against the seller contract (docs/contracts/backmarket-seller-api.openapi.yml).

Documented responses go through openapi-core: the path and method must exist, the status must be documented
for the operation, the body must validate against its schema and content type. Three deviations are allowed,
each checked as strictly as the contract allows:
- 400 on an operation that documents none (a bad Accept-Language, page or filter): the body must be the
  operation's own error shape, i.e. the schema of its first documented error with a body;
- 429 on an operation that documents none: the contract's shared `RateLimited` response (its "Traffic
  limitation" section applies to every endpoint);
- 405 on a method the path does not document: the body must be the path's error shape and `Allow` is set.
Every 429 must carry `Retry-After`.

One reading is adjusted: the contract marks some `anyOf`/`allOf` schemas `nullable: true` without a `type`
(e.g. a Competitor's `min_price`), meaning null is allowed, as OpenAPI 3.0.0–3.0.2 readers take it; the
validator follows 3.0.3, where `nullable` only counts beside `type`. Such schemas are rewritten to say so."""

import copy
import json
import re
from pathlib import Path

import yaml
from openapi_core import Config, OpenAPI
from openapi_core.testing import MockRequest, MockResponse
from openapi_schema_validator import OAS30Validator

SPEC = Path(__file__).resolve().parents[2] / "docs" / "contracts" / "backmarket-seller-api.openapi.yml"
HOST = "http://testserver"


NULL = {"type": "object", "nullable": True, "enum": [None]}


class ContractDrift(AssertionError):
    pass


def nullable_compositions(node):
    """`{nullable: true, anyOf: [...]}` (no type) → `{anyOf: [{anyOf: [...]}, null]}`, everywhere in the spec."""
    if isinstance(node, list):
        return [nullable_compositions(v) for v in node]
    if not isinstance(node, dict):
        return node
    node = {k: nullable_compositions(v) for k, v in node.items()}
    if node.get("nullable") is True and "type" not in node and {"anyOf", "oneOf", "allOf"} & set(node):
        return {"anyOf": [{k: v for k, v in node.items() if k != "nullable"}, NULL]}
    return node


class Contract:
    def __init__(self, path: Path = SPEC):
        if not path.exists():
            raise FileNotFoundError(
                f"the seller contract is missing at {path}: /ws/ tests check every response against it"
            )
        self.spec = nullable_compositions(yaml.safe_load(path.read_text()))
        spec = copy.deepcopy(self.spec)
        spec["servers"] = [{"url": HOST}]
        self.openapi = OpenAPI.from_dict(
            spec, config=Config(extra_media_type_deserializers={"application/problem+json": json.loads})
        )
        # Concrete paths first, so /ws/listings/detail is not taken for /ws/listings/{listingId}.
        self.templates = sorted(self.spec["paths"], key=lambda p: (p.count("{"), -len(p)))
        self.checked: list[tuple[str, str, int]] = []

    # -- the spec ------------------------------------------------------------------------------------------
    def _resolve(self, node):
        if isinstance(node, dict):
            if "$ref" in node:
                target = self.spec
                for part in node["$ref"].lstrip("#/").split("/"):
                    target = target[part]
                return self._resolve(target)
            return {k: self._resolve(v) for k, v in node.items()}
        if isinstance(node, list):
            return [self._resolve(v) for v in node]
        return node

    def template_of(self, path: str) -> str | None:
        for template in self.templates:
            if re.fullmatch(re.sub(r"\{[^}]+\}", "[^/]+", template), path):
                return template
        return None

    def error_schema(self, operation: dict) -> tuple[dict, str]:
        """The schema and content type of the first documented error (4xx) response that has a body."""
        for status, response in sorted(operation["responses"].items()):
            response = self._resolve(response)
            if str(status).startswith("4") and response.get("content"):
                content_type, media = next(iter(response["content"].items()))
                return media["schema"], content_type
        raise ContractDrift("the operation documents no error body to fall back on")

    # -- checking ------------------------------------------------------------------------------------------
    def _validate_schema(self, body, schema: dict, content_type: str, response, what: str):
        if response["Content-Type"].split(";")[0] != content_type:
            raise ContractDrift(f"{what}: content type {response['Content-Type']!r}, the contract says {content_type}")
        errors = sorted(OAS30Validator(schema).iter_errors(body), key=str)
        if errors:
            raise ContractDrift(f"{what}: {errors[0].message} in {json.dumps(body)[:500]}")

    def check(self, request, response) -> None:
        path, method, status = request.path.rstrip("/"), request.method.lower(), response.status_code
        what = f"{request.method} {request.path} → {status}"
        template = self.template_of(path)
        if template is None:
            raise ContractDrift(f"{what}: the contract has no such path")
        item = self.spec["paths"][template]
        operation = item.get(method)
        if status == 429 and "Retry-After" not in response:
            raise ContractDrift(f"{what}: a 429 without Retry-After")
        media = response.get("Content-Type", "").split(";")[0]
        if response.content and not media.endswith("json"):  # a text/plain summary (`/ws/sav/refund`)
            body = response.content.decode()
        else:
            body = json.loads(response.content) if response.content else None
        if operation is None:
            if status != 405 or "Allow" not in response:
                raise ContractDrift(f"{what}: the contract has no {method.upper()} here; expected 405 with Allow")
            fallback = next(op for m, op in item.items() if m in ("get", "post", "put", "patch", "delete"))
            self._validate_schema(body, *self.error_schema(fallback), response, what)
        elif str(status) not in operation["responses"] and status in (400, 429):
            if status == 429:
                schema = self._resolve(self.spec["components"]["responses"]["RateLimited"])
                content_type, media = next(iter(schema["content"].items()))
                self._validate_schema(body, media["schema"], content_type, response, what)
            else:
                self._validate_schema(body, *self.error_schema(operation), response, what)
        else:
            mock_request = MockRequest(HOST, method, path, args=request.GET.dict(), headers=dict(request.headers))
            mock_response = MockResponse(
                response.content,
                status_code=status,
                headers=dict(response.headers),
                content_type=response["Content-Type"].split(";")[0],
            )
            try:
                self.openapi.validate_response(mock_request, mock_response)
            except Exception as exc:
                details = "; ".join(str(e) for e in getattr(exc, "schema_errors", []) or [])
                raise ContractDrift(f"{what}: {exc} {details}".strip()) from exc
        self.checked.append((request.method, template, status))
