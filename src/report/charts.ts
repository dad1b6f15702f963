/**
 * Bar charts with error bars as SVG, rendered headless with Vega-Lite (like plot.ts's line charts), and
 * the step that makes any of them fit inline in an offline HTML page.
 */
import * as vega from 'vega';
import { compile, type TopLevelSpec } from 'vega-lite';

export interface Bar {
  /** Category on the x axis (e.g. the pool). */
  name: string;
  value: number;
  /** Error-bar ends (omit for no bar). */
  lo?: number;
  hi?: number;
}

export async function renderSvg(spec: TopLevelSpec): Promise<string> {
  const view = new vega.View(vega.parse(compile(spec).spec), { renderer: 'none' });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}

/** Vertical bars in the given order, with a rule from lo to hi on each bar that has them. */
export async function barChartSvg(bars: Bar[], opts: { title: string; yTitle: string; width?: number; height?: number }): Promise<string> {
  if (bars.length === 0) throw new Error('barChartSvg: no bars to plot');
  const values = bars.map((b) => ({ name: b.name, value: b.value, lo: b.lo ?? null, hi: b.hi ?? null }));
  const x = { field: 'name', type: 'nominal' as const, title: null, sort: bars.map((b) => b.name), axis: { labelAngle: -30 } };
  const spec: TopLevelSpec = {
    title: opts.title,
    width: opts.width ?? Math.max(160, 48 * bars.length),
    height: opts.height ?? 220,
    background: 'white',
    data: { values },
    layer: [
      { mark: { type: 'bar', color: '#4c78a8' }, encoding: { x, y: { field: 'value', type: 'quantitative', title: opts.yTitle } } },
      {
        transform: [{ filter: 'datum.lo != null && datum.hi != null' }],
        mark: { type: 'rule', color: 'black', strokeWidth: 1.5 },
        encoding: { x, y: { field: 'lo', type: 'quantitative' }, y2: { field: 'hi' } },
      },
    ],
  };
  return renderSvg(spec);
}

/**
 * An SVG string ready to sit inside an HTML page: without the XML namespace declarations (inline SVG
 * in HTML needs none, and the page should name no URL) and without an XML prolog.
 */
export function inlineSvg(svg: string): string {
  return svg.replace(/<\?xml[^>]*\?>\s*/, '').replace(/\s+xmlns(:\w+)?="[^"]*"/g, '');
}
