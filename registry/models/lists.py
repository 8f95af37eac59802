"""Editable lists (categories and the like) that administrators maintain as data."""
from django.db import models


class EditableList(models.Model):
    """An administrator-maintained list of names (categories and the like): ordered, retired not deleted."""

    name = models.CharField("名称", max_length=64, unique=True)
    order = models.PositiveSmallIntegerField("排序", default=100)
    is_active = models.BooleanField("启用", default=True)

    class Meta:
        abstract = True
        ordering = ["order", "name"]

    def __str__(self):
        return self.name
