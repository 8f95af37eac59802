from django import forms
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError

from .auth import LOCKED_MESSAGE, is_locked


class LoginForm(AuthenticationForm):
    error_messages = {
        "invalid_login": "用户名或密码错误。连续失败多次后账号将被锁定。",
        "inactive": "该账号已停用。",
    }
    username = forms.CharField(label="用户名", max_length=150, widget=forms.TextInput(attrs={"autofocus": True}))
    password = forms.CharField(label="密码", strip=False, widget=forms.PasswordInput)

    def clean(self):
        try:
            return super().clean()
        except ValidationError:
            user = get_user_model()._default_manager.filter(username=self.cleaned_data.get("username")).first()
            if user is not None and is_locked(user):
                raise ValidationError(LOCKED_MESSAGE.format(minutes=settings.LOGIN_LOCKOUT_MINUTES), code="locked")
            raise
