import type { JobInfo, LabMethod, LabParams, LabResponse, LabResult } from '../../contract/index.js';
import { dispatchLabCall } from '../../dispatch.js';
import type { LabService } from '../types.js';

type LabError = Extract<LabResponse<unknown>, { ok: false }>['error'];

/** For tests: call the service through the same validating dispatch the transports use. */
export function serviceCalls(service: () => LabService) {
  return {
    async call<M extends LabMethod>(method: M, params: LabParams<M>): Promise<LabResult<M>> {
      const response = await dispatchLabCall(service().handlers, method, params);
      if (!response.ok) throw new Error(`${method}: ${response.error.code}: ${response.error.message}`);
      return response.result as LabResult<M>;
    },
    async refused(method: LabMethod, params: unknown): Promise<LabError> {
      const response = await dispatchLabCall(service().handlers, method, params);
      if (response.ok) throw new Error(`${method} should have been refused`);
      return response.error;
    },
  };
}

/** For tests: resolves with the job's `job.finished` event (subscribe before the job can finish). */
export function jobFinished(service: LabService, jobId: string): Promise<JobInfo> {
  return new Promise((resolve) => {
    const stop = service.subscribe((e) => {
      if (e.type === 'job.finished' && e.payload.id === jobId) {
        stop();
        resolve(e.payload);
      }
    });
  });
}
