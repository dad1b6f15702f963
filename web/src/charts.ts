/** Line charts with vega-lite (the library the project's reports use), rendered as SVG. */
import * as vega from 'vega';
import { compile, type TopLevelSpec } from 'vega-lite';

export interface Point {
  step: number;
  value: number;
  series: string;
}

const views = new Map<HTMLElement, vega.View>();

export async function lineChart(el: HTMLElement, title: string, yTitle: string, points: Point[]): Promise<void> {
  const spec: TopLevelSpec = {
    $schema: 'https://vega.github.io/schema/vega-lite/v5.json',
    title, width: 360, height: 170,
    data: { values: points },
    mark: { type: 'line', point: true },
    encoding: {
      x: { field: 'step', type: 'quantitative', title: 'training step' },
      y: { field: 'value', type: 'quantitative', title: yTitle, scale: { zero: false } },
      color: { field: 'series', type: 'nominal', title: 'pool' },
    },
  };
  views.get(el)?.finalize();
  const view = new vega.View(vega.parse(compile(spec).spec), { renderer: 'svg', container: el, hover: true });
  views.set(el, view);
  await view.runAsync();
}
