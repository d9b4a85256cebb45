"""The import preview's changes marked with classes (static/css/admin-extra.css) instead of inline styles.

django-import-export draws them with diff-match-patch's HTML, whose style attributes the site's CSP blocks.
"""

from diff_match_patch import diff_match_patch
from django.utils.encoding import force_str
from django.utils.html import escape, format_html
from django.utils.safestring import SafeString, mark_safe
from import_export.resources import Diff

MARKS = {
    diff_match_patch.DIFF_INSERT: ("ins", "diff-insert"),
    diff_match_patch.DIFF_DELETE: ("del", "diff-delete"),
    diff_match_patch.DIFF_EQUAL: ("span", "diff-same"),
}


def marked_changes(old: str, new: str) -> SafeString:
    """What turns old into new, as <ins>, <del> and <span> runs; line breaks shown as ¶."""
    matcher = diff_match_patch()
    runs = matcher.diff_main(old, new)
    matcher.diff_cleanupSemantic(runs)
    html = []
    for operation, text in runs:
        if text:
            tag, css_class = MARKS[operation]
            body = mark_safe(escape(text).replace("\n", "&para;<br>"))
            html.append(format_html('<{0} class="{1}">{2}</{0}>', tag, css_class, body))
    return mark_safe("".join(html))


class MarkedDiff(Diff):
    """The library's row diff, drawn by marked_changes."""

    def as_html(self):
        cells = []
        for old, new in zip(self.left, self.right, strict=False):
            if old != new and self.new:  # a new row adds every value
                old = ""
            cells.append(marked_changes(force_str(old), force_str(new)))
        return cells
