"""Punctuation around data in templates, in the UI's language (zhifu_reopen.punctuation):
``{{ post|parenthesised }}`` → （…） / " (…)", ``{{ names|list_join }}``, ``{% colon %}``."""

from django import template
from django.utils.html import conditional_escape
from django.utils.safestring import mark_safe
from django.utils.translation import pgettext

from zhifu_reopen import punctuation

register = template.Library()


@register.filter(needs_autoescape=True)
def parenthesised(value, autoescape=True):
    text = conditional_escape(value) if autoescape else value
    return mark_safe(pgettext("parenthesis", "（%(text)s）") % {"text": text})


@register.filter(needs_autoescape=True)
def list_join(values, autoescape=True):
    items = [conditional_escape(v) if autoescape else v for v in values]
    return mark_safe(punctuation.list_join(items))


@register.simple_tag
def colon() -> str:
    return pgettext("punctuation", "：")
