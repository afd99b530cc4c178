"""`/ws/category/tree`: the category tree, whole or from one category down.

`marketplace_category_id` is the category's own id (products attach to leaves by it). Attributes are those a
variant is defined by here, storage and colour, listed on leaves; none is required, since listings name an
existing product (`product_id`) and products are created by the operator, not through /ws/."""

from collections import defaultdict

from remarket.catalog.selectors import category_rows
from remarket.core.errors import NotFound

from .endpoint import Call

LEAF_ATTRIBUTES = [
    {"field": "storage", "field_name": "Storage (GB)", "type": 1, "allowed_values": "", "required": False},
    {"field": "color", "field_name": "Colour", "type": 2, "allowed_values": "", "required": False},
]


def _tree() -> tuple[dict[int, dict], dict[int | None, list[int]]]:
    nodes, children = {}, defaultdict(list)
    for pk, parent, name in category_rows():
        nodes[pk] = {"name": name}
        children[parent].append(pk)
    return nodes, children


def _branch(pk: int, nodes: dict, children: dict) -> dict:
    kids = [_branch(child, nodes, children) for child in children.get(pk, [])]
    return {
        "category_id": pk,
        "category_name": nodes[pk]["name"],
        "marketplace_category_id": pk,
        "is_leaf": not kids,
        "attributes": [] if kids else LEAF_ATTRIBUTES,
        "childrens": kids,
    }


def category_tree(request, call: Call):
    nodes, children = _tree()
    return [_branch(pk, nodes, children) for pk in children.get(None, [])]


def category_branch(request, call: Call, category_id: str):
    nodes, children = _tree()
    pk = int(category_id) if category_id.isdigit() else None
    if pk not in nodes:
        raise NotFound("CATALOG_CATEGORY_NOT_FOUND", f"There is no category {category_id}.")
    return _branch(pk, nodes, children)
