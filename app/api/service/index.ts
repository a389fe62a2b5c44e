// The LabApi service: createLabService({ dataDir, shell }) -> handlers + events + images by id.
export { createLabService } from './lab-service.js';
export type { LabImage, LabService, LabServiceOptions } from './types.js';
