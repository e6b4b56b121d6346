import { readFile } from 'node:fs/promises';
import { expect, test } from '@playwright/test';
import { screenshot, status } from './helpers';

test('the network at a glance: LeNet-5 layer by layer with live filters, feature maps and health, clickable into the panels; charts saved as PNG and SVG', async ({
  page,
}) => {
  await page.setViewportSize({ width: 1440, height: 1000 });
  await page.goto('/?n=2000&val=0&ep=1&bs=32');
  await expect(page.getByTestId('network-view')).toContainText('appears when a run starts');
  await page.getByTestId('start-training').click();
  await expect(status(page)).toHaveAttribute('data-state', 'done', { timeout: 180_000 });
  const view = page.getByTestId('network-view');
  await view.scrollIntoViewIfNeeded();
  const diagram = page.getByTestId('network-diagram');
  // conv1, conv2, fc1, fc2, logits; pooling and flatten ride on the arrows.
  await expect(diagram).toHaveAttribute('data-cards', '5');
  await expect(page.getByTestId('net-card').first()).toContainText('conv1');
  await expect(page.getByTestId('net-card').first()).toContainText('28×28×6');
  await expect(page.getByTestId('net-card').first()).toContainText('156 params');
  await expect(diagram).toContainText('max-pool 2×2 → 14×14×6');
  // Live pictures arrive while the view is on screen (the worker's next snapshot, after the run too).
  await expect(page.getByTestId('net-filters')).toHaveAttribute('data-count', '6');
  await expect(page.getByTestId('net-maps')).toHaveCount(2, { timeout: 60_000 });
  await expect(page.getByTestId('net-health').first()).toHaveAttribute('data-level', /ok|warn|bad/, { timeout: 60_000 });
  await expect(page.getByTestId('net-answer')).toContainText('says');
  await screenshot(view, 'network-view');

  // A picture opens its panel and brings it into view.
  await expect(page.getByTestId('panel-histograms')).not.toHaveAttribute('open', '');
  await page.getByTestId('net-health').first().click();
  await expect(page.getByTestId('panel-histograms')).toHaveAttribute('open', '');
  await expect(page.getByTestId('panel-histograms')).toBeInViewport();
  await page.getByTestId('net-maps').first().click();
  await expect(page.getByTestId('panel-featureMaps')).toHaveAttribute('open', '');
  await expect(page.getByTestId('panel-featureMaps')).toBeInViewport();

  // Charts for slides: the loss chart as PNG and as SVG, with its title and legend.
  await page.getByTestId('chart-export-bar').scrollIntoViewIfNeeded();
  // The charts are named by their titles, without the controls in their captions ("y axis").
  await expect(page.getByTestId('chart-export-bar')).toContainText(/Save for slides: Loss \(cross-entropy\) PNG\s*SVG\s*Accuracy PNG/);
  const [png] = await Promise.all([page.waitForEvent('download'), page.getByTestId('export-chart-0-png').click()]);
  expect(png.suggestedFilename()).toBe('cnn-playground-loss-cross-entropy.png');
  const pngBytes = await readFile(await png.path());
  expect(pngBytes.subarray(1, 4).toString()).toBe('PNG');
  // Twice the on-screen size: wider than 800 px for a chart over 400 px wide.
  expect(pngBytes.readUInt32BE(16)).toBeGreaterThan(800);
  const [svg] = await Promise.all([page.waitForEvent('download'), page.getByTestId('export-chart-1-svg').click()]);
  expect(svg.suggestedFilename()).toBe('cnn-playground-accuracy.svg');
  const svgText = await readFile(await svg.path(), 'utf8');
  expect(svgText).toMatch(/^<svg[^>]+xmlns="http:\/\/www.w3.org\/2000\/svg"/);
  expect(svgText).toMatch(/>Accuracy · train[^<]*\d+(\.\d+)?%</);
  // The legend is drawn in (the page has it as HTML under the SVG).
  expect(svgText).toContain('>test<');
  expect(svgText).toContain('>train (per batch, smoothed)<');
  expect(svgText).toContain('recharts-line-curve');
});
