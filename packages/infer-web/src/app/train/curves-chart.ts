import { LineChart } from 'echarts/charts';
import { GridComponent, LegendComponent, TooltipComponent } from 'echarts/components';
import * as echarts from 'echarts/core';
import { CanvasRenderer } from 'echarts/renderers';
import type { EpochResult } from './page-trainer.js';

// Only the parts drawn here: ECharts' modular build keeps the Train chunk small.
echarts.use([LineChart, GridComponent, LegendComponent, TooltipComponent, CanvasRenderer]);

type Point = [number, number];

/**
 * Loss and accuracy while the page trains: the training loss as it is read back (every few
 * steps, x in epochs), and per epoch the test loss and the train and test accuracy. Redrawn at
 * most once a frame, however often points arrive.
 */
export class CurvesChart {
  readonly #chart: echarts.ECharts;
  readonly #stepLoss: Point[] = [];
  readonly #testLoss: Point[] = [];
  readonly #trainAccuracy: Point[] = [];
  readonly #testAccuracy: Point[] = [];
  #frame = 0;

  constructor(private readonly container: HTMLElement) {
    this.#chart = echarts.init(container, undefined, { renderer: 'canvas' });
    this.#chart.setOption({
      animation: false,
      grid: { left: 48, right: 48, top: 36, bottom: 36 },
      legend: { top: 0 },
      tooltip: { trigger: 'axis' },
      xAxis: { type: 'value', name: 'epoch', nameLocation: 'middle', nameGap: 24, min: 0 },
      yAxis: [
        { type: 'value', name: 'loss', min: 0 },
        { type: 'value', name: 'accuracy', min: 0, max: 1, splitLine: { show: false } },
      ],
      series: [
        { name: 'train loss', type: 'line', showSymbol: false, data: [] },
        { name: 'test loss', type: 'line', data: [] },
        { name: 'train accuracy', type: 'line', yAxisIndex: 1, data: [] },
        { name: 'test accuracy', type: 'line', yAxisIndex: 1, data: [] },
      ],
    });
  }

  /** Points drawn so far, all series together (the tests read it from the panel). */
  get points(): number {
    return this.#stepLoss.length + this.#testLoss.length + this.#trainAccuracy.length + this.#testAccuracy.length;
  }

  reset(): void {
    for (const series of [this.#stepLoss, this.#testLoss, this.#trainAccuracy, this.#testAccuracy]) series.length = 0;
    this.#redraw();
  }

  addStepLoss(epochs: number, loss: number): void {
    this.#stepLoss.push([epochs, loss]);
    this.#redraw();
  }

  addEpoch(result: EpochResult): void {
    this.#testLoss.push([result.epoch, result.testLoss]);
    this.#trainAccuracy.push([result.epoch, result.trainAccuracy]);
    this.#testAccuracy.push([result.epoch, result.testAccuracy]);
    this.#redraw();
  }

  resize(): void {
    this.#chart.resize();
  }

  #redraw(): void {
    this.container.dataset.points = String(this.points);
    if (this.#frame) return;
    this.#frame = requestAnimationFrame(() => {
      this.#frame = 0;
      this.#chart.setOption({ series: [{ data: this.#stepLoss }, { data: this.#testLoss }, { data: this.#trainAccuracy }, { data: this.#testAccuracy }] });
    });
  }
}
