"""The ground's API shapes: divisions, organisations, the current user."""
from rest_framework import serializers

from registry.api.fields import ChoiceLabel
from registry.models import Division, Organisation, User


class DivisionSerializer(serializers.ModelSerializer):
    parent = serializers.CharField(source="parent.code", read_only=True, allow_null=True, default=None)
    level_display = ChoiceLabel("level")
    index_class_display = ChoiceLabel("index_class")

    class Meta:
        model = Division
        fields = [
            "id", "code", "name", "full_name", "level", "level_display", "parent",
            "is_mountain_island", "index_class", "index_class_display",
        ]


class DivisionBriefSerializer(serializers.ModelSerializer):
    class Meta:
        model = Division
        fields = ["id", "code", "name", "full_name", "level"]


class OrganisationSerializer(serializers.ModelSerializer):
    division = DivisionBriefSerializer(read_only=True)
    kind_display = ChoiceLabel("kind")

    class Meta:
        model = Organisation
        fields = ["id", "name", "short_name", "kind", "kind_display", "division", "is_active"]


class CurrentUserSerializer(serializers.ModelSerializer):
    organisation = OrganisationSerializer(read_only=True)
    role_display = ChoiceLabel("role")
    jurisdiction = DivisionBriefSerializer(source="division", read_only=True)
    display_name = serializers.CharField(source="__str__", read_only=True)

    class Meta:
        model = User
        fields = [
            "id", "username", "display_name", "role", "role_display", "organisation", "jurisdiction",
            "is_superuser",
        ]
