"""The admin site, its index grouped by task instead of by app (issue 18).

Django's documented hook: ``AdminSite.get_app_list``, with the site put in place by an
``AdminConfig`` whose ``default_site`` names it (``core.admin_apps``, in INSTALLED_APPS). The
kernel knows no app: the register gives the site its table of tasks, and every app places its own
models in a task from its ``AppConfig.ready()`` (``leerlingen/registry.py``, ``admin_task``).

Which models a person sees is Django's own filter (the model permissions of their roles, through
``_build_app_dict``); grouping only moves them. A task none of whose models the person may view
is not shown; a model no app placed goes to the last task.
"""

from django.contrib.admin import AdminSite


class TaskAdminSite(AdminSite):
    site_url = None  # "View site" led to "My tasks", which the staff navigation links to already

    def __init__(self, name="admin"):
        super().__init__(name)
        self._tasks: list[tuple[str, object]] = []  # (key, label), in order
        self._placed: dict[str, str] = {}  # "app_label.modelname" -> task key

    def set_tasks(self, tasks) -> None:
        """The table of tasks: (key, label) in the order the index shows them."""
        self._tasks = list(tasks)

    def place(self, task: str, *model_labels: str) -> None:
        """Show the models (``"app_label.ModelName"``) under ``task``, in this order."""
        keys = {key for key, _label in self._tasks}
        if task not in keys:
            raise ValueError(f"unknown admin task {task!r}")
        for label in model_labels:
            self._placed[label.lower()] = task

    def get_app_list(self, request, app_label=None):
        if app_label is not None or not self._tasks:
            return super().get_app_list(request, app_label)  # an app's own page stays by app
        order = {label: i for i, label in enumerate(self._placed)}
        fallback = self._tasks[-1][0]
        grouped: dict[str, list] = {key: [] for key, _label in self._tasks}
        for app in self._build_app_dict(request).values():
            for model in app["models"]:
                model_label = f"{app['app_label']}.{model['object_name']}".lower()
                model["order"] = order.get(model_label, len(order))
                grouped[self._placed.get(model_label, fallback)].append(model)
        tasks = []
        for key, label in self._tasks:
            models = sorted(grouped[key], key=lambda m: (m["order"], str(m["name"])))
            if models:
                tasks.append(
                    {
                        "name": label,
                        "app_label": f"task-{key}",
                        "app_url": "",  # a task has no page of its own (templates/admin/app_list.html)
                        "has_module_perms": True,
                        "models": models,
                    }
                )
        return tasks
