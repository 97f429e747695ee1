// Run in the page by tests/browser/test_usable_by_everyone.py: what a screen reader could not
// name, text below WCAG 2's 4.5:1 contrast against the first opaque background behind it, and values
// that leaked into the page as words.
() => {
  const visible = (el) => el.offsetParent !== null;
  const unnamed = [...document.querySelectorAll("input, select, textarea, button, a[href]")]
    .filter((el) => visible(el) && el.type !== "hidden")
    .filter((el) => !((el.labels && el.labels.length) || el.getAttribute("aria-label")
                      || el.getAttribute("aria-labelledby") || el.textContent.trim()))
    .map((el) => el.outerHTML.slice(0, 120));

  const rgb = (colour) => colour.match(/[\d.]+/g).map(Number);
  const channel = (v) => {
    v /= 255;
    return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4;
  };
  const luminance = ([r, g, b]) => 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b);
  const background = (el) => {
    for (; el; el = el.parentElement) {
      const colour = rgb(getComputedStyle(el).backgroundColor);
      if (colour.length < 4 || colour[3] > 0.99) return colour.slice(0, 3);
    }
    return [255, 255, 255];
  };
  const lowContrast = [];
  for (const el of document.querySelectorAll("body *")) {
    const hasText = [...el.childNodes].some((n) => n.nodeType === 3 && n.textContent.trim());
    if (!visible(el) || !hasText || el.closest("[disabled]")) continue;
    const [a, b] = [luminance(rgb(getComputedStyle(el).color)), luminance(background(el))];
    const ratio = (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
    if (ratio < 4.5) lowContrast.push(`${el.tagName} "${el.textContent.trim().slice(0, 30)}" ${ratio.toFixed(2)}`);
  }
  // Values that leaked into the page as words: a sign of a bug in how a view is built.
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  const stray = [];
  while (walker.nextNode()) {
    const text = walker.currentNode.textContent.trim();
    if (/^(false|true|null|undefined|NaN|\[object Object\])$/.test(text)) stray.push(text);
  }
  return { unnamed, lowContrast, stray };
}
