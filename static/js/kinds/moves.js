// The console's next move as one of a kind panel's own buttons (kinds/index.js, primary()).

// The first of ``selectors`` in ``root`` that is shown and enabled, as {label, run}; or null.
export function buttonMove(root, selectors) {
  for (const sel of selectors) {
    const button = root.querySelector(sel);
    if (button && !button.hidden && !button.disabled && button.textContent.trim()) {
      return { label: button.textContent.trim(), run: () => button.click() };
    }
  }
  return null;
}
