"""The role home page: what each kind of user opens first. Apps add their own cards."""
from dataclasses import dataclass
from typing import Callable

from .models import Division, Organisation, Role
from .scoping import areas


@dataclass(frozen=True)
class HomeCard:
    title: str
    roles: frozenset
    build: Callable  # (user) -> dict with "value", optional "url", "note"
    order: int = 100


_CARDS: list[HomeCard] = []


def register_card(card: HomeCard):
    if card not in _CARDS:
        _CARDS.append(card)
        _CARDS.sort(key=lambda c: c.order)


def home_sections(user):
    return [
        {"title": card.title, **card.build(user)}
        for card in _CARDS
        if user.is_superuser or user.role in card.roles
    ]


def _jurisdiction_card(user):
    covered = areas(user)  # a partner unit's are its paired counties
    return {
        "value": "全省" if covered is None else ("、".join(d.full_name for d in covered) or "无"),
        "note": f"下辖区划 {Division.objects.for_user(user).count()} 个，单位 {Organisation.objects.for_user(user).count()} 家",
    }


register_card(HomeCard("我的管辖范围", frozenset(Role.values), _jurisdiction_card, order=0))
