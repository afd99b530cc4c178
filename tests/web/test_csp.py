"""Every page carries a strict Content-Security-Policy, and the API docs load only our own files."""

import re

import pytest

pytestmark = pytest.mark.django_db


def test_pages_carry_the_policy_and_no_inline_script(client, offer):
    for url in ("/fr/", f"/fr/p/{offer.listing.variant.model.slug}/", "/login/", "/api/v1/docs"):
        response = client.get(url)
        policy = response["Content-Security-Policy"]
        assert "script-src 'self'" in policy and "frame-ancestors 'none'" in policy and "object-src 'none'" in policy
        html = response.content.decode()
        # scripts are files of ours; a JSON data block is not a script
        for attrs in re.findall(r"<script([^>]*)>", html):
            assert "src=" in attrs or 'type="application/json"' in attrs, (url, attrs)
        assert not re.search(r"\son(change|click|submit|load)=", html), url


def test_the_api_docs_use_vendored_swagger_files(client):
    html = client.get("/api/v1/docs").content.decode()
    assets = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert any(a.endswith("swagger-ui-bundle.js") for a in assets)
    assert all(a.startswith("/") for a in assets), assets  # nothing from a CDN
