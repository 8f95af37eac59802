"""The login form."""
from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError


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
            # The backend's own words: attempts left, the lock, or the address block.
            refusal = getattr(self.request, "login_refusal", None)
            if refusal is not None:
                raise ValidationError(refusal.message, code=refusal.code) from None
            raise
