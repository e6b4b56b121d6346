/**
 * Wide tables and matrices scroll sideways inside their box on a narrow screen. Marks every such
 * scroller with `data-more-left` / `data-more-right` while there is more to see on that side; the CSS
 * fades that edge, so a cut-off column reads as "scroll" and not as "missing". One observer for the
 * page: components need not know.
 */
const SCROLLERS = '.matrix-scroll, .table-scroll, .hist-scroll, .noise-scroll';

function mark(el: HTMLElement): void {
  const max = el.scrollWidth - el.clientWidth;
  el.toggleAttribute('data-more-left', max > 1 && el.scrollLeft > 1);
  el.toggleAttribute('data-more-right', max > 1 && el.scrollLeft < max - 1);
}

export function installScrollCues(): () => void {
  const seen = new WeakSet<HTMLElement>();
  const resize = new ResizeObserver((entries) => {
    for (const e of entries) {
      const el = e.target as HTMLElement;
      mark(el.matches(SCROLLERS) ? el : (el.parentElement ?? el));
    }
  });
  const scan = () => {
    for (const el of document.querySelectorAll<HTMLElement>(SCROLLERS)) {
      if (seen.has(el)) continue;
      seen.add(el);
      el.addEventListener('scroll', () => mark(el), { passive: true });
      resize.observe(el);
      // The content can widen without the box resizing (a new column, a longer name).
      if (el.firstElementChild) resize.observe(el.firstElementChild);
    }
  };
  const mutations = new MutationObserver(scan);
  mutations.observe(document.body, { childList: true, subtree: true });
  scan();
  return () => {
    mutations.disconnect();
    resize.disconnect();
  };
}
