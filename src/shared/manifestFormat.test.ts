/** What the user reads when data/manifest.json is missing, a web page, not JSON or not a manifest. */
import { describe, expect, it } from 'vitest';
import { parseManifest } from './manifestFormat';

const enc = (s: string) => new TextEncoder().encode(s);

describe('parseManifest', () => {
  it('reads a manifest', () => {
    expect(parseManifest(200, enc('{"version":1,"datasets":{"mnist":{"available":true}}}')).datasets.mnist?.available).toBe(true);
  });

  it.each([
    ['missing (404)', 404, '', /^data\/manifest\.json is missing on the server \(HTTP 404\): the datasets have not been prepared there/],
    [
      'a web page (a static host answers every missing file with index.html)',
      200,
      '<!doctype html>\n<html lang="en">',
      /^data\/manifest\.json: the server sent a web page \(HTML\) instead of the list of datasets/,
    ],
    ['not JSON', 200, '{"version":1,', /^data\/manifest\.json is damaged: it is not valid JSON/],
    ['JSON without datasets', 200, '[1,2]', /^data\/manifest\.json is not a dataset list/],
  ])('%s: says so and names npm run prepare-data, never a JSON parser error', (_, status, body, expected) => {
    let message = '';
    try {
      parseManifest(status, enc(body));
    } catch (e) {
      message = (e as Error).message;
    }
    expect(message).toMatch(expected);
    expect(message).toContain('npm run prepare-data');
    expect(message).not.toMatch(/Unexpected token '<'/);
  });

  it('a server error says to try again', () => {
    expect(() => parseManifest(503, enc(''))).toThrow(/HTTP 503 .*Try again/);
  });
});
