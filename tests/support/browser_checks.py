"""Checks a real Chromium page must pass: axe-core's accessibility rules,
no sideways scrolling on a phone, tap targets big enough for a finger, and a
visible focus indicator.  Each returns what it found wrong (an empty list when
the page passes) so a test can check many pages and report them all at once.

axe-core's JavaScript comes from the axe-playwright-python package (pinned in
requirements-dev.txt), which ships it inside the wheel.
"""

from __future__ import annotations

from axe_playwright_python.sync_playwright import Axe

# WCAG 2.0, 2.1 and 2.2 A and AA, and axe's best practices (landmarks, one
# main, heading order, ...).
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]
FAILING_IMPACTS = ("serious", "critical")
PHONE_WIDTH = 375
MIN_TARGET = 24  # WCAG 2.2 SC 2.5.8, Target Size (Minimum), in CSS px
MIN_BUTTON_HEIGHT = 44  # the comfortable height for a button pressed with a thumb

_axe = Axe()


def run_axe(page, impacts: tuple[str, ...] = FAILING_IMPACTS) -> list[dict]:
    """axe-core's violations on the page as it is now, of the given impacts."""
    results = _axe.run(page, options={"runOnly": {"type": "tag", "values": AXE_TAGS}, "resultTypes": ["violations"]})
    return [violation for violation in results.response["violations"] if violation["impact"] in impacts]


def describe_violations(violations: list[dict]) -> str:
    """One paragraph per rule: what it is, and each offending element with axe's reason."""
    lines = []
    for violation in violations:
        lines.append(f"- {violation['id']} ({violation['impact']}): {violation['help']} <{violation['helpUrl']}>")
        for node in violation["nodes"][:8]:
            lines.append(f"    {' '.join(map(str, node['target']))}: {node['html'][:160]}")
            if node.get("failureSummary"):
                lines.append("      " + node["failureSummary"].replace("\n", "\n      "))
        if len(violation["nodes"]) > 8:
            lines.append(f"    ... and {len(violation['nodes']) - 8} more")
    return "\n".join(lines)


def sideways_scroll(page, width: int = PHONE_WIDTH) -> list[str]:
    """The page is wider than the screen: name the elements that stick out."""
    if page.evaluate("document.documentElement.scrollWidth") <= width:
        return []
    return page.evaluate(
        """width => [...document.querySelectorAll('body *')]
            .filter(el => el.getBoundingClientRect().right > width + 1)
            .slice(0, 10)
            .map(el => `${el.tagName.toLowerCase()}${el.id ? '#' + el.id : ''}.${[...el.classList].join('.')}`
                       + ` ends at ${Math.round(el.getBoundingClientRect().right)}px`)""",
        width,
    ) or ["document wider than the screen"]


# Links inside running text are exempt from the target size (WCAG's "inline"
# exception); everything else a finger presses in <main> is measured.  A radio
# button or checkbox counts together with its label, which presses it too.
_SMALL_TARGETS_JS = """([minTarget, minButton]) => {
  const visible = el => {
    const style = getComputedStyle(el);
    const box = el.getBoundingClientRect();
    return style.visibility !== 'hidden' && style.display !== 'none' && box.width > 1 && box.height > 1
      && !el.closest('.visually-hidden');
  };
  const inRunningText = link => {
    if (getComputedStyle(link).display !== 'inline') return false;
    const block = link.parentElement.closest('p, li, dd, td, th, h1, h2, h3, h4, legend, label, div');
    return block && block.textContent.trim().length > link.textContent.trim().length;
  };
  const union = boxes => {
    const left = Math.min(...boxes.map(b => b.left)), top = Math.min(...boxes.map(b => b.top));
    const right = Math.max(...boxes.map(b => b.right)), bottom = Math.max(...boxes.map(b => b.bottom));
    return {width: right - left, height: bottom - top};
  };
  const name = el => `${el.tagName.toLowerCase()} "${(el.textContent || el.name || el.value || '').trim().slice(0, 40)}"`;
  const problems = [];
  for (const el of document.querySelectorAll('main a[href], main button, main input:not([type=hidden]), main select, main textarea, main summary')) {
    if (!visible(el)) continue;
    if (el.matches('a') && inRunningText(el)) continue;
    let box = el.getBoundingClientRect();
    if (el.matches('input[type=radio], input[type=checkbox]') && el.labels.length) {
      box = union([box, ...[...el.labels].map(label => label.getBoundingClientRect())]);
    }
    if (box.width < minTarget || box.height < minTarget) {
      problems.push(`${name(el)} is ${Math.round(box.width)}x${Math.round(box.height)} px, under ${minTarget}x${minTarget}`);
    }
    if (el.matches('button, .btn, .button') && box.height < minButton) {
      problems.push(`${name(el)} is ${Math.round(box.height)} px tall, under ${minButton}`);
    }
  }
  return problems;
}"""


def small_targets(page) -> list[str]:
    """Controls and links in the main content a finger can miss."""
    return page.evaluate(_SMALL_TARGETS_JS, [MIN_TARGET, MIN_BUTTON_HEIGHT])


# A text box, list or checkbox is found by its edge: WCAG 1.4.11 asks 3:1 between
# the edge and the white page (Bootstrap's default #dee2e6 is 1.3:1).
_FAINT_EDGES_JS = """() => {
  const luminance = color => {
    const [r, g, b, a = 1] = color.match(/[\\d.]+/g).map(Number);
    if (a < 0.5) return 1;
    const channel = c => (c /= 255) <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
    return 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b);
  };
  const problems = [];
  for (const el of document.querySelectorAll('main input:not([type=hidden]):not([type=submit]), main select, main textarea')) {
    const style = getComputedStyle(el);
    if (style.display === 'none' || style.visibility === 'hidden' || parseFloat(style.borderTopWidth) === 0) continue;
    const ratio = 1.05 / (luminance(style.borderTopColor) + 0.05);
    if (ratio < 3) problems.push(`${el.tagName.toLowerCase()}[name=${el.name}] edge ${style.borderTopColor} is ${ratio.toFixed(1)}:1`);
  }
  return problems;
}"""


def faint_edges(page) -> list[str]:
    """Form controls in the main content whose edge is under 3:1 against white."""
    return page.evaluate(_FAINT_EDGES_JS)


# Focus shows when the focused element has an outline or a box shadow at least
# 2 px wide whose colour stands 3:1 against white (WCAG 1.4.11): Bootstrap's
# own pale blue glow does not.
_FOCUS_JS = """() => {
  const el = document.activeElement;
  if (!el || el === document.body) return {element: 'body', visible: false};
  const style = getComputedStyle(el);
  const luminance = color => {
    const [r, g, b, a = 1] = color.match(/[\\d.]+/g).map(Number);
    if (a < 0.5) return 1;
    const channel = c => (c /= 255) <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
    return 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b);
  };
  const contrastOnWhite = color => 1.05 / (luminance(color) + 0.05);
  const outline = style.outlineStyle === 'auto' || (style.outlineStyle !== 'none'
    && parseFloat(style.outlineWidth) >= 2 && contrastOnWhite(style.outlineColor) >= 3);
  const shadows = style.boxShadow === 'none' ? [] : style.boxShadow.split(/,(?![^(]*\\))/);
  const shadow = shadows.some(one => {
    const color = one.match(/rgba?\\([^)]*\\)/);
    const spread = one.replace(/rgba?\\([^)]*\\)/, '').trim().split(/\\s+/).map(parseFloat)[3] || 0;
    return color && spread >= 2 && contrastOnWhite(color[0]) >= 3;
  });
  const box = el.getBoundingClientRect();
  return {
    element: `${el.tagName.toLowerCase()}${el.name ? '[name=' + el.name + ']' : ''} "${(el.textContent || el.value || '').trim().slice(0, 40)}"`,
    name: el.name || '', type: el.type || '', tag: el.tagName.toLowerCase(), value: el.value || '',
    text: (el.textContent || '').trim(), inMain: !!el.closest('main'),
    visible: outline || shadow, top: box.top + window.scrollY, left: box.left,
  };
}"""


def focused(page) -> dict:
    """The focused element: what it is, where it is, and whether its focus shows (an outline or a box shadow)."""
    return page.evaluate(_FOCUS_JS)
