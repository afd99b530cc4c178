"""The operator's catalog images: the models, and one model's gallery with an upload form (catalog/images.py
decides what is accepted: a JPEG, PNG or WebP of at most 15 MB and 40 megapixels)."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from remarket.catalog.images import MAX_BYTES, product_image_remove, product_image_upload
from remarket.catalog.selectors import model_colours, model_images, product_model_get, product_models
from remarket.core.errors import DomainError, NotFound
from remarket.web.common import render_error, requires

PAGE = 100


@requires("catalog.write")
def models(request):
    page = Paginator(product_models(by_category=True), PAGE).get_page(request.GET.get("page"))
    return render(request, "ops/catalog.html", {"page": page})


def _context(slug: str) -> dict:
    try:
        model = product_model_get(slug=slug)
    except NotFound:
        raise Http404(slug) from None
    return {
        "model": model,
        "images": model_images(model_id=model.pk),
        "colours": model_colours(model_id=model.pk),
        "max_mb": MAX_BYTES // 2**20,
    }


@requires("catalog.write")
def images(request, slug: str):
    context = _context(slug)
    if request.method != "POST":
        return render(request, "ops/catalog_images.html", context)
    upload = request.FILES.get("image")
    try:
        if upload is None:
            raise DomainError("CATALOG_IMAGE_NOT_IMAGE", _("Choose an image file to upload."))
        data = upload.read(MAX_BYTES + 1)  # one byte more than allowed is enough to refuse it
        product_image_upload(
            actor=request.actor,
            slug=slug,
            data=data,
            colour=request.POST.get("colour", ""),
            alt=request.POST.get("alt", ""),
        )
    except DomainError as err:
        return render_error(request, err, "ops/catalog_images.html", context)
    messages.success(request, _("Image added to %(model)s.") % {"model": context["model"]})
    return redirect("ops-catalog-images", slug=slug)


@require_POST
@requires("catalog.write")
def image_remove(request, slug: str, image_id: int):
    try:
        product_image_remove(actor=request.actor, slug=slug, image_id=image_id)
    except NotFound:
        raise Http404 from None
    messages.success(request, _("Image removed."))
    return redirect("ops-catalog-images", slug=slug)
