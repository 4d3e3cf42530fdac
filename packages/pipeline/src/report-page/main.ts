// The charts of report.html. Browser code: bundled by esbuild into the report when `pnpm start`
// writes it (report-html.ts), with only the parts of ECharts it uses, drawn as SVG.
import { BarChart, HeatmapChart, LineChart, type BarSeriesOption, type HeatmapSeriesOption, type LineSeriesOption } from 'echarts/charts';
import {
  GridComponent,
  LegendComponent,
  TooltipComponent,
  VisualMapContinuousComponent,
  type GridComponentOption,
  type LegendComponentOption,
  type TooltipComponentOption,
  type VisualMapComponentOption,
} from 'echarts/components';
import * as echarts from 'echarts/core';
import { SVGRenderer } from 'echarts/renderers';
import type { ReportData } from '../report-data.js';

echarts.use([LineChart, BarChart, HeatmapChart, GridComponent, LegendComponent, TooltipComponent, VisualMapContinuousComponent, SVGRenderer]);

type ChartOption = echarts.ComposeOption<
  LineSeriesOption | BarSeriesOption | HeatmapSeriesOption | GridComponentOption | LegendComponentOption | TooltipComponentOption | VisualMapComponentOption
>;

declare global {
  interface Window {
    /** For whoever inspects the page (the e2e test reads the charts back with getInstanceByDom). */
    echarts: typeof echarts;
  }
}
window.echarts = echarts;

/** The figures, embedded by report-html.ts in the same file: written by the same program, so not re-validated. */
function readReportData(): ReportData {
  const element = document.getElementById('report-data');
  if (!element?.textContent) throw new Error('report.html has no #report-data element');
  return JSON.parse(element.textContent) as ReportData;
}

const data = readReportData();
const dark = matchMedia('(prefers-color-scheme: dark)').matches;
const theme = dark ? 'dark' : undefined;
const digits = Array.from({ length: 10 }, (_, d) => String(d));
const epochs = data.training.history.map((h) => h.epoch);

const base: ChartOption = {
  backgroundColor: 'transparent',
  animation: false,
  tooltip: { trigger: 'axis' },
  legend: { top: 0 },
  grid: { left: 56, right: 20, top: 36, bottom: 40 },
};

const line = (name: string, values: number[]): LineSeriesOption => ({ name, type: 'line', data: values, symbolSize: 6, smooth: false });

function chart(id: string, option: ChartOption): void {
  const element = document.getElementById(id);
  if (!element) throw new Error(`report.html has no #${id} element`);
  const instance = echarts.init(element, theme, { renderer: 'svg' });
  instance.setOption({ ...base, ...option });
  addEventListener('resize', () => instance.resize());
}

const epochAxis = { type: 'category', name: 'epoch', nameLocation: 'middle', nameGap: 26, data: epochs } as const;
const percent = (x: number) => +(x * 100).toFixed(2);

chart('loss', {
  xAxis: epochAxis,
  yAxis: { type: 'value', name: 'cross-entropy', scale: true },
  series: [line('train loss', data.training.history.map((h) => h.trainLoss)), line('test loss', data.training.history.map((h) => h.testLoss))],
});

chart('accuracy', {
  xAxis: epochAxis,
  yAxis: { type: 'value', name: 'accuracy %', scale: true, axisLabel: { formatter: (v: number) => v.toFixed(1) } },
  series: [
    line('train accuracy', data.training.history.map((h) => percent(h.trainAccuracy))),
    line('test accuracy', data.training.history.map((h) => percent(h.testAccuracy))),
  ],
});

// Cells as [predicted, true, count]; the colour scale is set by the largest error so the
// diagonal (coloured on its own) does not wash the mistakes out.
const cells: [number, number, number][] = [];
let maxOff = 1;
data.inference.confusion.forEach((row, truth) =>
  row.forEach((n, predicted) => {
    cells.push([predicted, truth, n]);
    if (predicted !== truth) maxOff = Math.max(maxOff, n);
  }),
);

chart('confusion', {
  tooltip: {
    // An item tooltip: one cell, whose value is [predicted, true, count].
    formatter: (params) => {
      const [predicted, truth, n] = (Array.isArray(params) ? params[0] : params).value as number[];
      return `true ${truth}, predicted ${predicted}: ${n}`;
    },
  },
  grid: { left: 56, right: 20, top: 20, bottom: 90 },
  xAxis: { type: 'category', data: digits, name: 'predicted', nameLocation: 'middle', nameGap: 26, splitArea: { show: true } },
  yAxis: { type: 'category', data: digits, name: 'true', nameLocation: 'middle', nameGap: 30, inverse: true, splitArea: { show: true } },
  visualMap: {
    type: 'continuous',
    min: 0,
    max: maxOff,
    calculable: false,
    orient: 'horizontal',
    left: 'center',
    bottom: 0,
    text: [`errors ≥ ${maxOff}`, '0'],
    inRange: { color: dark ? ['#1c1c1f', '#ff9f0a', '#ff453a'] : ['#ffffff', '#ffcc80', '#e53935'] },
  },
  series: [{
    type: 'heatmap',
    data: cells.map(([predicted, truth, n]) => ({
      value: [predicted, truth, n],
      ...(predicted === truth ? { itemStyle: { color: dark ? '#0a84ff' : '#90caf9' } } : {}),
    })),
    label: { show: true, fontSize: 11 },
  }],
});

chart('perclass', {
  xAxis: { type: 'category', data: digits, name: 'digit', nameLocation: 'middle', nameGap: 26 },
  yAxis: {
    type: 'value',
    min: (v: { min: number }) => Math.max(0, Math.floor(v.min * 100 - 2) / 100),
    max: 1,
    axisLabel: { formatter: (v: number) => `${(v * 100).toFixed(0)}%` },
  },
  series: [{ name: 'precision', type: 'bar', data: data.inference.precision }, { name: 'recall', type: 'bar', data: data.inference.recall }],
});

document.body.dataset.chartsReady = 'true';
