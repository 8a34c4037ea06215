// The execution graph's style and opening zoom, with the real Cytoscape
// headless (no canvas needed) and the real theme colours from App.css.
import cytoscape from 'cytoscape';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { executionGraphStyle, LABEL_SIZE, MIN_LABEL_PX, openingZoom, type GraphColours } from './graphRenderer';

const css = readFileSync(resolve(process.cwd(), 'src/App.css'), 'utf8');

/** The CSS variables of the block opened by `selector` in App.css. */
function themeBlock(selector: string): Record<string, string> {
  const start = css.indexOf(`${selector} {`);
  const block = css.slice(start, css.indexOf('}', start));
  return Object.fromEntries([...block.matchAll(/(--[\w-]+):\s*([^;]+);/g)].map((m) => [m[1]!, m[2]!.trim()]));
}

const dark = themeBlock(':root');
const themes: Record<string, Record<string, string>> = { dark, light: { ...dark, ...themeBlock(":root[data-theme='light']") } };

function colours(vars: Record<string, string>): GraphColours {
  return {
    bg: vars['--bg']!,
    text: vars['--text']!,
    muted: vars['--muted']!,
    surface: vars['--surface']!,
    border: vars['--border-strong']!,
    accent: vars['--accent']!,
    accentText: vars['--accent-text']!,
    danger: vars['--danger']!,
    ok: vars['--ok']!,
  };
}

/** WCAG contrast of two `rgb(r, g, b)` colours, as Cytoscape reports them. */
function contrast(a: string, b: string): number {
  const luminance = (rgb: string) => {
    const [r, g, bl] = rgb.match(/\d+/g)!.map((c) => {
      const s = Number(c) / 255;
      return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
    });
    return 0.2126 * r! + 0.7152 * g! + 0.0722 * bl!;
  };
  const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x);
  return (hi! + 0.05) / (lo! + 0.05);
}

describe('the execution graph', () => {
  it.each(Object.keys(themes))('draws the current state readably in the %s theme', (theme) => {
    const cy = cytoscape({
      headless: true,
      styleEnabled: true,
      style: executionGraphStyle(colours(themes[theme]!)),
      elements: [
        { data: { id: 'AskRestaurant', label: 'AskRestaurant' }, classes: 'current' },
        { data: { id: 'ChargePayment', label: 'ChargePayment' }, classes: 'visited' },
      ],
    });
    const now = cy.getElementById('AskRestaurant');
    const text = now.style('color') as string;
    const fill = now.style('background-color') as string;
    expect(text).not.toBe(fill);
    expect(contrast(text, fill)).toBeGreaterThanOrEqual(4.5);
    const visited = cy.getElementById('ChargePayment');
    expect(contrast(visited.style('color') as string, visited.style('background-color') as string)).toBeGreaterThanOrEqual(4.5);
    cy.destroy();
  });

  it('opens a big machine at a readable size on its current state, a small one fitted', () => {
    // A five-column machine in a 430 px box fits at about 0.42: 5 px labels.
    const big = openingZoom(0.42);
    expect(big.focusCurrent).toBe(true);
    expect(LABEL_SIZE * big.zoom).toBeGreaterThanOrEqual(MIN_LABEL_PX);
    expect(openingZoom(1.2)).toEqual({ zoom: 1.2, focusCurrent: false });
  });
});
