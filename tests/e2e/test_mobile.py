"""Every page type on a 390 px phone, in Chromium: nothing wider than the screen (the document never scrolls
sideways) and every main action — buttons, form fields, the header's links — at least 44 px tall and wide, as
each role sees its pages: the shopper's home, search, product, cart, checkout, order, account and login, the
merchant's listings, the operator's dashboard, the clerk's till and the partner's report."""

import pytest

from remarket.accounts.models import Role
from remarket.checkout.services import Item, checkout_pay, checkout_start
from remarket.markets.models import Channel, Location, Partner
from remarket.search.services import search_index_rebuild

from ..conftest import ADDRESS_FR, PAY_OK, build_marketplace
from ..factories import ListingFactory, ListingMarketFactory, UserFactory
from ..pos.conftest import build_till

pytestmark = pytest.mark.e2e
PHONE = {"width": 390, "height": 844}
PASSWORD = "correct horse battery"
TARGETS = (
    "header a, header button, header select, header input, main button, main select, "
    "main input:not([type=hidden]):not([type=checkbox]):not([type=radio]), main a.button, main summary"
)
MEASURE = """(targets) => {
  const small = [];
  for (const el of document.querySelectorAll(targets)) {
    const r = el.getBoundingClientRect(), style = getComputedStyle(el);
    if (!r.width || !r.height || style.visibility === "hidden" || el.closest("[hidden], noscript")) continue;
    if (r.height < 43.5 || r.width < 43.5) {
      small.push(`${el.tagName.toLowerCase()} "${(el.innerText || el.name || el.value || "").trim().slice(0, 30)}" `
        + `${Math.round(r.width)}×${Math.round(r.height)}`);
    }
  }
  const wide = [...document.querySelectorAll("body *")].filter((el) => el.getBoundingClientRect().right > innerWidth + 1
    && !el.closest("[data-scroll-x]")).slice(0, 3).map((el) => el.tagName.toLowerCase() + "." + el.className);
  return {scroll: document.scrollingElement.scrollWidth, width: innerWidth, small, wide};
}"""


def _world():
    mp = build_marketplace()
    till = build_till(mp)
    lm = ListingMarketFactory(market=mp.fr, listing=ListingFactory(quantity=5), min_price_minor=None)
    search_index_rebuild()
    customer = UserFactory(username="ada@example.com", email="ada@example.com")
    order = checkout_start(
        market=mp.fr,
        channel=mp.web_fr,
        items=[Item(lm.listing_id, 1)],
        email=customer.email,
        shipping_address=ADDRESS_FR,
        customer_id=customer.pk,
    )
    checkout_pay(order=order, card_number=PAY_OK)
    partner = Partner.objects.create(name="Télé Shops")
    channel = Channel.objects.create(code="partner-fr", kind="partner", market=mp.fr, partner=partner)
    Location.objects.create(channel=channel, code="tele-lyon", name="Télé Shops Lyon", town="Lyon")
    users = {
        "customer": customer,
        "merchant": UserFactory(username="seller", role=Role.MERCHANT, merchant=lm.listing.merchant),
        "clerk": till.clerk,
        "partner": UserFactory(username="partner", role=Role.PARTNER, partner=partner),
        "operator": UserFactory(username="operator", role=Role.OPERATOR, is_staff=True, is_superuser=True),
    }
    return lm, order, users


def _login(page, server, user) -> None:
    page.goto(f"{server}/login/")
    page.fill('input[name="username"]', user.username)
    page.fill('input[name="password"]', PASSWORD)
    page.click("main button[type=submit]")
    page.wait_for_load_state()


def test_every_page_type_fits_a_phone_and_its_actions_take_a_thumb(server, page):
    lm, order, users = _world()
    browser = page.context.browser
    model = lm.listing.variant.model
    pages = {
        None: [
            ("home", "/fr/"),
            ("search", f"/fr/search/?q={model.name.split()[0]}"),
            ("product", f"/fr/p/{model.slug}/"),
            ("cart", "/fr/cart/"),
            ("checkout", "/fr/checkout/"),
            ("login", "/login/"),
            ("sign-up", "/signup/"),
        ],
        "customer": [("account", "/account/"), ("order", f"/fr/orders/{order.public_id}/")],
        "merchant": [("merchant listings", "/merchant/listings/"), ("merchant orders", "/merchant/")],
        "operator": [("ops dashboard", "/ops/")],
        "clerk": [("pos till", "/pos/")],
        "partner": [("partner report", "/partner/")],
    }
    problems = []
    for role, visits in pages.items():
        context = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True)
        tab = context.new_page()
        if role:
            _login(tab, server, users[role])
        else:  # a shopper with a unit in the cart, so the cart and the checkout show their forms
            tab.goto(f"{server}/fr/p/{model.slug}/")
            tab.click(f'[data-add="{lm.listing_id}"]')
            tab.wait_for_url("**/fr/cart/")
        for kind, path in visits:
            response = tab.goto(server + path)
            assert response.status == 200, (kind, response.status)
            tab.wait_for_load_state("networkidle")
            found = tab.evaluate(MEASURE, TARGETS)
            if found["scroll"] > found["width"]:
                problems.append(f"{kind}: {found['scroll']} px wide on a {found['width']} px screen {found['wide']}")
            if found["small"]:
                problems.append(f"{kind}: small tap targets {found['small'][:6]}")
        context.close()
    assert not problems, "\n" + "\n".join(problems)
