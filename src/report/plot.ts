/**
 * Line charts as SVG, rendered headless with Vega-Lite (no canvas or browser needed).
 */
import * as vega from 'vega';
import { compile, type TopLevelSpec } from 'vega-lite';

export interface Series {
  name: string;
  points: [number, number][];
}

export async function lineChartSvg(series: Series[], opts: { title: string; xTitle: string; yTitle: string; width?: number; height?: number }): Promise<string> {
  if (series.length === 0) throw new Error('lineChartSvg: no series to plot');
  const values = series.flatMap((s) => s.points.map(([x, y]) => ({ x, y, series: s.name })));
  const spec: TopLevelSpec = {
    $schema: 'https://vega.github.io/schema/vega-lite/v5.json',
    title: opts.title,
    width: opts.width ?? 480,
    height: opts.height ?? 280,
    background: 'white',
    data: { values },
    mark: { type: 'line', point: true },
    encoding: {
      x: { field: 'x', type: 'quantitative', title: opts.xTitle, axis: { tickMinStep: 1 } },
      y: { field: 'y', type: 'quantitative', title: opts.yTitle, scale: { zero: false } },
      color: { field: 'series', type: 'nominal', title: null },
    },
  };
  const view = new vega.View(vega.parse(compile(spec).spec), { renderer: 'none' });
  const svg = await view.toSVG();
  view.finalize();
  return svg;
}
