import { describe, expect, it } from 'vitest';
import {
  isEvaluationWorkerMessage,
  parseEmbedRequest,
  parseEvaluationRequest,
  parsePretrainedRunRequest,
} from './evaluation-messages.js';

// The evaluation worker's `--request`, `--pretrained` and `--embed` arguments and the messages it sends
// its parent.

describe('parseEvaluationRequest', () => {
  it('reads what the parent sends', () => {
    expect(parseEvaluationRequest('{"runId":3,"pairListId":7,"flipTest":true,"threshold":0.3}')).toEqual({
      runId: 3,
      pairListId: 7,
      flipTest: true,
      threshold: 0.3,
    });
    expect(parseEvaluationRequest('{"runId":3,"pairListId":7,"checkpointStep":40}').checkpointStep).toBe(40);
  });

  it('names the field and the value it refuses', () => {
    expect(() => parseEvaluationRequest('{runId: 3}')).toThrow('--request is not JSON: {runId: 3}');
    expect(() => parseEvaluationRequest('{"pairListId":7}')).toThrow(
      '--request.runId is undefined; expected a whole number.',
    );
    expect(() => parseEvaluationRequest('{"runId":3,"pairListId":"7"}')).toThrow('--request.pairListId is "7"');
    expect(() => parseEvaluationRequest('{"runId":3,"pairListId":7,"checkpointStep":1.5}')).toThrow(
      '--request.checkpointStep is 1.5',
    );
    expect(() => parseEvaluationRequest('{"runId":3,"pairListId":7,"flipTest":"yes"}')).toThrow(
      '--request.flipTest is "yes"; expected true or false.',
    );
    expect(() => parseEvaluationRequest('{"runId":3,"pairListId":7,"threshold":"0.3"}')).toThrow(
      '--request.threshold is "0.3"; expected a number.',
    );
  });
});

describe('parsePretrainedRunRequest', () => {
  it('reads what the parent sends and names the field it refuses', () => {
    const request = { model: 'mobilefacenet', datasetId: 2, classes: 8, classifierInit: 'normal', centre: true };
    expect(parsePretrainedRunRequest(JSON.stringify(request))).toEqual(request);
    expect(() => parsePretrainedRunRequest('{model:1}')).toThrow('--pretrained is not JSON: {model:1}');
    expect(() => parsePretrainedRunRequest('{"model":"resnet","datasetId":2,"classes":8}')).toThrow(
      '--pretrained: model: pretrained must be one of mobilefacenet, got "resnet"',
    );
    expect(() => parsePretrainedRunRequest('{"model":"mobilefacenet","datasetId":2}')).toThrow(
      '--pretrained: classes:',
    );
  });
});

describe('parseEmbedRequest', () => {
  it('reads what the parent sends and names the field it refuses', () => {
    const request = { runId: 3, checkpointStep: 0, datasetId: 2, flipTest: false };
    expect(parseEmbedRequest(JSON.stringify(request))).toEqual(request);
    expect(() => parseEmbedRequest('{"runId":3,"checkpointStep":-1,"datasetId":2,"flipTest":false}')).toThrow(
      '--embed: checkpointStep:',
    );
    expect(() => parseEmbedRequest('{"runId":3,"checkpointStep":4,"datasetId":2}')).toThrow('--embed: flipTest:');
  });
});

describe('isEvaluationWorkerMessage', () => {
  it('accepts the worker messages and nothing else', () => {
    expect(isEvaluationWorkerMessage({ type: 'evaluation.progress', phase: 'embedding', done: 1, total: 2 })).toBe(
      true,
    );
    expect(isEvaluationWorkerMessage({ type: 'evaluation.done', evaluationId: 4 })).toBe(true);
    expect(isEvaluationWorkerMessage({ type: 'pretrained.done', runId: 4, created: true })).toBe(true);
    expect(isEvaluationWorkerMessage({ type: 'run.progress', runId: 1 })).toBe(false);
    expect(isEvaluationWorkerMessage(null)).toBe(false);
    expect(isEvaluationWorkerMessage('evaluation.done')).toBe(false);
  });
});
