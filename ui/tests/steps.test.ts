import { describe, expect, test } from 'vitest';
import { describeSteps, markStep, startSteps } from '../src/lib/steps';

describe('start-up steps', () => {
  test('a step keeps the first time it was reached', async () => {
    markStep('only-once');
    const first = startSteps['only-once'];
    await new Promise((resolve) => setTimeout(resolve, 5));
    markStep('only-once');
    expect(startSteps['only-once']).toBe(first);
  });

  test('steps are told in the order reached, whatever order they were noted in', () => {
    expect(describeSteps({ painted: 900, asked: 120, script: 90, page: 200 })).toBe('script=90 asked=120 page=200 painted=900');
    expect(describeSteps({})).toBe('');
  });
});
