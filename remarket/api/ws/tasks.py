"""`/ws/tasks/{taskId}`: a batch's status and its per-row results.

`action_status`: 0 pending, 2 processing, 8 failed (the whole batch: `last_action_error` says why), 9 done.
`result` (free-form in the contract): `{"total_rows", "applied_rows", "error_rows", "rows": [{"line", "sku",
"status": created|updated|error, "code", "message"}]}`, one entry per data line of the CSV, in file order."""

from remarket.core.errors import NotFound
from remarket.offers.models import FeedTask
from remarket.offers.selectors import feed_task_for_merchant

from .endpoint import Call

ACTION_STATUS: dict[str, int] = {  # by the task status as stored
    FeedTask.Status.PENDING: 0,
    FeedTask.Status.PROCESSING: 2,
    FeedTask.Status.FAILED: 8,
    FeedTask.Status.DONE: 9,
}


def task_get(request, call: Call, task_id: str):
    task = feed_task_for_merchant(merchant_id=call.merchant_id, task_id=int(task_id)) if task_id.isdigit() else None
    if task is None:
        raise NotFound("FEED_TASK_NOT_FOUND", f"There is no task {task_id} among yours.")
    failure = next((r for r in task.results if r.get("status") == "failed"), None)
    return {
        "task_id": task.pk,
        "action_status": ACTION_STATUS[task.status],
        "last_action_error": f"{failure['code']}: {failure['message']}" if failure else None,
        "result": {
            "total_rows": task.total_rows,
            "applied_rows": task.applied_rows,
            "error_rows": task.error_rows,
            "rows": [] if failure else task.results,
        },
        "statuscode": 200,
    }
