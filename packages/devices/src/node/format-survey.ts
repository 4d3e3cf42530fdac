import type { Detection } from '../device.js';
import type { DeviceRow, DevicesSurvey } from './survey.js';

/** yes: auto takes it when it gets there · named: runs only when asked for by name · no: cannot run here. */
function status(row: DeviceRow): 'yes' | 'named' | 'no' {
  if (row.auto.available) return 'yes';
  return row.named.available ? 'named' : 'no';
}

function facts(detection: Detection): string {
  if (!detection.available) return detection.reason;
  const { adapter, threads, notes } = detection.facts;
  const parts = [...notes];
  if (threads && !notes.some((n) => n.includes('thread'))) parts.push(`${threads} thread${threads === 1 ? '' : 's'}`);
  if (adapter && !notes.some((n) => n.includes(adapter.description))) parts.push(`${adapter.kind} adapter: ${adapter.description}`);
  return parts.join('; ');
}

/** The human form of the survey: one block per registry, one line per device, a fix under each that cannot run. */
export function formatSurvey(survey: DevicesSurvey): string {
  const lines = [`devices on ${survey.platform}`];
  for (const registry of survey.registries) {
    lines.push('', `${registry.title} · ${registry.flag} · auto → ${registry.autoPick ?? 'none'}`);
    const width = Math.max(...registry.rows.map((r) => r.name.length));
    for (const row of registry.rows) {
      const state = status(row);
      // A device auto passes over but that runs when named: say both why auto skips it and what naming it gives.
      const detail = state === 'named' ? `${facts(row.auto)} (named: ${facts(row.named)})` : facts(row.auto);
      lines.push(`  ${row.name.padEnd(width)}  ${state.padEnd(5)}  ${detail}`);
      const fix = row.auto.available ? undefined : row.auto.fix;
      if (fix && state === 'no') lines.push(`  ${''.padEnd(width)}         fix: ${fix}`);
    }
  }
  const browser = survey.browser;
  lines.push('', browser.found ? `page checked in ${browser.executable} (with --enable-unsafe-webgpu, which Chromium on Linux needs for WebGPU)` : `page: ${browser.reason}`);
  lines.push('yes: auto takes it when it gets there · named: auto skips it, naming it runs it · no: cannot run here');
  return `${lines.join('\n')}\n`;
}
